"""`flask backup` / `flask restore`: a consistent online copy, restored into a fresh database,
holds exactly the rows of the original (SECURITY.md, data integrity: backup)."""
import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, inspect, select, text

import backup as backup_module
from extensions import db
from models import AuditEntry, Ticket
from services import quality
from services import tickets as ticket_service
from app import create_app
from tests.conftest import BASE_CONFIG, make_app, reset_postgres


def snapshot(engine) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    tables = {}
    with engine.connect() as conn:
        for name in inspect(conn).get_table_names():
            columns = [c["name"] for c in inspect(conn).get_columns(name)]
            order = ", ".join(f'"{c}"' for c in columns)
            rows = conn.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}'))
            tables[name] = [tuple(row) for row in rows]
    return tables


@pytest.fixture
def filled(app, make, now):
    """Users, teams, tickets in several states with their audit trail and quality records."""
    lead, agent = make.team_with_lead()
    checker = make.user("checker")
    make.ticket(submitter=agent)
    make.ticket("returned_to_staff", submitter=agent)
    make.ticket("returned_to_lead", submitter=agent, checker=checker)
    verifying = make.ticket("verifying", submitter=agent, checker=checker)
    quality.log_attempt(verifying.id, at=now, reached=False, note="未接通", actor=checker,
                        now=now + timedelta(hours=1))
    db.session.rollback()
    return app


def cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    return result


@pytest.mark.postgres
def test_backup_and_restore_into_a_fresh_database(db_backend, filled, tmp_path):
    before = snapshot(db.engine)
    assert before["tickets"] and before["audit_entries"] and before["login_failures"] == []
    archive = tmp_path / "backup.archive"
    result = cli(filled, "backup", str(archive))
    assert result.exit_code == 0, result.output

    if db_backend == "postgresql":
        db.session.remove()
        db.engine.dispose()
        reset_postgres(filled.config["SQLALCHEMY_DATABASE_URI"])  # a fresh, empty database
        fresh = filled
    else:
        assert "integrity ok" in result.output
        fresh = make_app(f"sqlite:///{tmp_path / 'restored.sqlite3'}")
    with fresh.app_context():
        result = cli(fresh, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert snapshot(db.engine) == before
        # a working database again: the audit log is still append-only
        with db.engine.connect() as conn, pytest.raises(Exception, match="append-only"):
            conn.execute(text("UPDATE audit_entries SET note = 'x'"))
        if db_backend == "sqlite":
            with db.engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        db.session.remove()
        db.engine.dispose()


def test_the_backup_file_is_self_contained(filled, tmp_path):
    archive = tmp_path / "backup.sqlite3"
    assert cli(filled, "backup", str(archive)).exit_code == 0
    assert not (tmp_path / "backup.sqlite3-wal").exists()
    conn = sqlite3.connect(f"file:{archive}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


#: Tickets the writer commits before the first backup starts.
FIRST_WRITES = 3


def test_a_backup_taken_during_writes_is_consistent(filled, make, tmp_path):
    """Tickets keep arriving while the backup runs: the copy is a snapshot in which every
    ticket has its audit entry and the number sequence covers every number."""
    lead, agent = make.team_with_lead()
    url = filled.config["SQLALCHEMY_DATABASE_URI"]
    stop = threading.Event()
    # The backups start once the writer has committed its first tickets, however slowly
    # the machine runs (a busy one once finished all three before the writer's first).
    writing = threading.Event()
    written = []

    def writer():
        try:
            worker = make_app(url)
            with worker.app_context():
                from models import User
                actor = db.session.get(User, agent.id)
                while not stop.is_set():
                    ticket = ticket_service.submit_ticket(make.ticket_input(), actor=actor,
                                                          now=make.now)
                    written.append(ticket.number)
                    if len(written) == FIRST_WRITES:
                        writing.set()
                db.session.remove()
                db.engine.dispose()
        finally:
            writing.set()  # a writer that failed must not leave the test waiting

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(timeout=120), "the writer never got going"
        assert len(written) >= FIRST_WRITES, "the writer stopped before its first tickets"
        archives = []
        for n in range(3):
            archive = tmp_path / f"during-{n}.sqlite3"
            assert cli(filled, "backup", str(archive)).exit_code == 0
            archives.append(archive)
    finally:
        stop.set()
        thread.join(timeout=30)
    assert written
    for archive in archives:
        engine = create_engine(f"sqlite:///{archive}")
        with engine.connect() as conn:
            tickets = conn.execute(select(Ticket.id, Ticket.number)).all()
            submitted = set(conn.execute(select(AuditEntry.ticket_id).where(
                AuditEntry.action.in_(("submit", "enter")))).scalars())
            assert {t.id for t in tickets} == submitted
            last = conn.execute(text("SELECT max(last_value) FROM ticket_sequences")).scalar()
            assert last == len(tickets)
        engine.dispose()


def test_backup_refuses_to_overwrite_and_restore_refuses_a_used_database(filled, tmp_path):
    archive = tmp_path / "backup.sqlite3"
    archive.write_text("keep me")
    result = cli(filled, "backup", str(archive))
    assert result.exit_code != 0 and "exists" in result.output
    assert archive.read_text() == "keep me"
    assert cli(filled, "backup", "--force", str(archive)).exit_code == 0
    result = cli(filled, "restore", str(archive))  # the app's own database has tables
    assert result.exit_code != 0 and "already has tables" in result.output


def test_postgres_backup_without_pg_dump_is_a_clear_error(monkeypatch, tmp_path):
    app = create_app({**BASE_CONFIG,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://zikong:secret@127.0.0.1:1/none"})
    monkeypatch.setattr(backup_module.shutil, "which", lambda name: None)
    with app.app_context():
        result = cli(app, "backup", str(tmp_path / "x.dump"))
    assert result.exit_code != 0
    assert "pg_dump not found" in result.output and "postgresql-client" in result.output
    assert "secret" not in result.output
