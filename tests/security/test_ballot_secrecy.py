"""Ballot secrecy against someone holding the database's own files (SPEC §7, SECURITY.md).

A logical dump of the final state is not enough: SQLite's WAL keeps every committed version of
a changed page until a checkpoint, and PostgreSQL keeps dead row versions stamped with the
transaction that wrote them. So the tests here look at every committed state (SQLite) and at
every tuple version (PostgreSQL) while a vote is open.
"""
import json
import logging
import re
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, inspect, text

from extensions import db
from services import appeals
from tests.conftest import CI, FIXED_NOW, make_app, require_postgres, reset_postgres
from tests.factories import Factory
from tests.services.test_appeals_services import World

E, N = "established", "not_established"

#: Columns whose values are fresh random bytes in every run (a ballot's key and its
#: ciphertext with its nonce); the dump keeps their length and type, not their value.
RANDOM_COLUMNS = {("ballots", "id"), ("ballots", "sealed")}

_TIME = re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?$")


# --- SQLite: every committed state, rebuilt from a copy of the WAL --------------------------

def wal_commit_ends(wal: bytes) -> list[int]:
    """Byte offsets just after each commit frame of a WAL file (its format: a 32-byte header,
    then frames of a 24-byte header and one page; a commit frame carries the database size)."""
    page_size = struct.unpack(">I", wal[8:12])[0]
    ends, offset = [], 32
    while offset + 24 + page_size <= len(wal):
        db_pages = struct.unpack(">I", wal[offset + 4:offset + 8])[0]
        offset += 24 + page_size
        if db_pages:
            ends.append(offset)
    return ends


def dump_sqlite(path: Path) -> dict:
    """Every row of every table, normalised: times by their rank in this state, per-run
    random values by a placeholder of their length; rows sorted, so row order says nothing
    beyond what the values say."""
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        raw = {}
        for table in tables:
            columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]
            rows = conn.execute(f'SELECT * FROM "{table}"').fetchall()
            raw[table] = (columns, rows)
    finally:
        conn.close()
    times = sorted({v for _, rows in raw.values() for row in rows for v in row
                    if isinstance(v, str) and _TIME.match(v)})
    rank = {t: f"<t{i}>" for i, t in enumerate(times)}
    out = {}
    for table, (columns, rows) in raw.items():
        normal = []
        for row in rows:
            values = {}
            for column, value in zip(columns, row, strict=True):
                if (table, column) in RANDOM_COLUMNS:
                    value = f"<random {type(value).__name__} {len(value)}>"
                elif isinstance(value, str) and value in rank:
                    value = rank[value]
                values[column] = value
            normal.append(json.dumps(values, ensure_ascii=False, default=repr, sort_keys=True))
        out[table] = sorted(normal)
    return out


def committed_states(db_file: Path, wal_file: Path, work: Path) -> list[dict]:
    """The database as of each commit in the WAL: the main file plus the WAL cut just after
    commit frame k is the database as of commit k (SQLite replays frames up to the last
    valid commit frame)."""
    wal = wal_file.read_bytes()
    states = []
    for k, end in enumerate(wal_commit_ends(wal)):
        state = work / f"state{k}.sqlite3"
        shutil.copy(db_file, state)
        Path(f"{state}-wal").write_bytes(wal[:end])
        states.append(dump_sqlite(state))
        for leftover in work.glob(f"state{k}.sqlite3*"):
            leftover.unlink()
    return states


@pytest.fixture
def voting_database(tmp_path, sqlite_template):
    """A database with a vote open on an appealed ticket, its six panellists named; closed
    and fully checkpointed, so every run starts from the same bytes."""
    path = tmp_path / "voting.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        world = World(Factory(FIXED_NOW), FIXED_NOW)
        world.to_vote()
        panel = [p.employee_no for p in world.panel]
        ticket_id = world.ticket_id
        db.session.remove()
        db.engine.dispose()
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path, panel, ticket_id


def vote_through_the_pages(base: Path, run: Path, panel, ticket_id, choices, monkeypatch,
                           caplog):
    """Six panellists sign in and vote through the real pages; the database file and its WAL
    are copied as a reader of the server's disk would, before any checkpoint."""
    run.mkdir()
    db_file = run / "zikong.sqlite3"
    shutil.copy(base, db_file)
    # A copy can be taken at any moment; the worst moment is before any checkpoint, so
    # none happens here: neither SQLite's automatic one nor the app's own after a ballot.
    monkeypatch.setattr("services.appeals.votes.checkpoint_wal", lambda: None, raising=False)
    app = make_app(f"sqlite:///{db_file}")
    caplog.clear()
    with app.app_context():
        db.engine.dispose()
        event.listen(db.engine, "connect",
                     lambda conn, _record: conn.execute("PRAGMA wal_autocheckpoint=0"))
        client = app.test_client()
        for employee_no, choice in zip(panel, choices, strict=True):
            client.post("/login", data={"employee_no": employee_no,
                                        "password": Factory.PASSWORD})
            # two steps, as in the browser: the confirm screen, then the ballot
            response = client.post(f"/tickets/{ticket_id}/vote", data={"choice": choice})
            assert response.status_code == 200 and b'id="confirm-form"' in response.data
            response = client.post(f"/tickets/{ticket_id}/vote",
                                   data={"choice": choice, "confirm": "1"})
            assert response.status_code == 303, response.data[:300]
            assert choice not in response.headers["Location"]
            client.post("/logout")
        copy = run / "copy"
        copy.mkdir()
        shutil.copy(db_file, copy / "zikong.sqlite3")
        shutil.copy(f"{db_file}-wal", copy / "zikong.sqlite3-wal")
        db.session.remove()
        db.engine.dispose()
    logs = [_TIME_IN_TEXT.sub("<time>", r.getMessage()) for r in caplog.records]
    return committed_states(copy / "zikong.sqlite3", copy / "zikong.sqlite3-wal", run), logs


_TIME_IN_TEXT = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d+)?")


def first_difference(a: list[dict], b: list[dict]) -> str:
    for k, (x, y) in enumerate(zip(a, b, strict=False)):
        for table in sorted(set(x) | set(y)):
            if x.get(table) != y.get(table):
                return (f"commit {k}, table {table}:\n  {x.get(table)}\n  {y.get(table)}")
    return f"{len(a)} commits against {len(b)}"


def test_every_committed_state_is_the_same_when_two_choices_are_swapped(
        tmp_path, voting_database, monkeypatch, caplog):
    """The same vote twice, the first two panellists' choices swapped (same final counts):
    the database as of every commit, rebuilt from a copy of the file and its WAL, is the same
    in both runs once times are ranks and random values placeholders — so nothing a copy of
    the files holds, at any moment, tells the two apart. The logs are the same too."""
    caplog.set_level(logging.DEBUG)
    base, panel, ticket_id = voting_database
    first, first_logs = vote_through_the_pages(base, tmp_path / "a", panel, ticket_id,
                                               [E, N, E, E, N, E], monkeypatch, caplog)
    second, second_logs = vote_through_the_pages(base, tmp_path / "b", panel, ticket_id,
                                                 [N, E, E, E, N, E], monkeypatch, caplog)
    assert len(first) >= 6, "every ballot is a commit of its own"
    assert first == second, first_difference(first, second)
    assert first_logs == second_logs
    final = first[-1]
    assert "ballots" in final and final["ballots"] == [], "ciphertext deleted at close"
    appeal = json.loads(final["appeals"][0])   # the close published the counts
    assert (appeal["established_count"], appeal["not_established_count"]) == (4, 2)


def test_while_open_no_state_holds_a_choice_or_a_running_count(
        tmp_path, voting_database, monkeypatch, caplog):
    """Every committed state before the vote closes: the ballots are ciphertext of one length
    whatever the choice, and no column anywhere holds a count of the ballots."""
    base, panel, ticket_id = voting_database
    states, _ = vote_through_the_pages(base, tmp_path / "a", panel, ticket_id,
                                       [E, E, E, N, N, E], monkeypatch, caplog)
    open_states = [state for state in states
                   if json.loads(state["appeals"][0])["vote_closed_at"] is None]
    assert len(open_states) >= 5, "the first five ballots commit while the vote is open"
    sizes = set()
    for state in open_states:
        assert "vote_tallies" not in state
        sizes |= {json.loads(row)["sealed"] for row in state["ballots"]}
        appeal = json.loads(state["appeals"][0])
        assert appeal["established_count"] is None is appeal["not_established_count"]
    assert len(open_states[-1]["ballots"]) == 5
    assert len(sizes) == 1, sizes


def test_sqlite_checkpoints_after_each_ballot(app, make, now):
    """Best effort on SQLite: after a ballot the WAL is emptied into the database file, so a
    copy of the files holds no history of the ballots so far."""
    world = World(make, now)
    world.to_vote()
    wal = Path(db.engine.url.database + "-wal")
    assert wal.stat().st_size > 0
    world.vote([E, None, None, None, None, None])
    assert wal.stat().st_size == 0


# --- PostgreSQL: every tuple version, live and dead -----------------------------------------

def inspect_url():
    import os
    url = os.environ.get("ZIKONG_TEST_POSTGRES_INSPECT_URL")
    if not url:
        if CI:
            pytest.fail("CI=true but ZIKONG_TEST_POSTGRES_INSPECT_URL is not set "
                        "(scripts/pg_test_server.sh exports it)")
        pytest.skip("PostgreSQL superuser URL for pageinspect not configured")
    return url


def tuple_versions(conn, table: str) -> list[dict]:
    """Every tuple version in the table's heap pages, live or dead, with its writer."""
    pages = conn.execute(text(
        "SELECT pg_relation_size(CAST(:t AS regclass)) / current_setting('block_size')::int"),
        {"t": table}).scalar()
    rows = []
    for block in range(pages):
        rows += [dict(r._mapping) for r in conn.execute(text(
            "SELECT t_xmin, t_xmax, t_attrs FROM heap_page_item_attrs("
            "get_raw_page(:t, :b), CAST(:t AS regclass)) WHERE t_attrs IS NOT NULL"),
            {"t": table, "b": block})]
    return rows


@pytest.fixture
def postgres_app():
    url = require_postgres()
    reset_postgres(url)
    app = make_app(url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def test_postgres_tuple_versions_hold_no_choice_or_count(postgres_app):
    """Before the vote closes, read every tuple version (pageinspect) of every table a ballot
    transaction wrote: only the voter's flag, the ciphertext and the audit entry; the
    ciphertext has one length whatever the choice; no count anywhere."""
    make, now = Factory(FIXED_NOW), FIXED_NOW
    admin = create_engine(inspect_url())
    with admin.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    world = World(make, now)
    world.to_vote()
    xids, choices = [], [E, N, E, N, E]     # five of six: the vote stays open
    for panellist, choice in zip(world.panel[:5], choices, strict=True):
        appeals.cast_ballot(world.ticket_id, choice=choice, actor=panellist, now=now)
        xids.append(db.session.execute(text(
            "SELECT xmin::text FROM panel_members WHERE user_id = :u"),
            {"u": panellist.id}).scalar())
    db.session.remove()
    written = set(xids)
    with admin.connect() as conn:
        tables = [r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))]
        touched = {}
        for table in tables:
            versions = [v for v in tuple_versions(conn, table) if str(v["t_xmin"]) in written]
            if versions:
                touched[table] = versions
    admin.dispose()
    assert set(touched) <= {"panel_members", "ballots", "audit_entries"}, sorted(touched)
    sealed = [bytes(v["t_attrs"][-1]) for v in touched["ballots"]]
    assert len(sealed) == len(choices)
    assert len({len(s) for s in sealed}) == 1, "one length whatever the choice"
    for version in touched["audit_entries"]:
        blob = b"".join(bytes(a) for a in version["t_attrs"] if a is not None)
        assert b"established" not in blob


# --- the upgrade keeps the votes open at the time ---------------------------------------------

@pytest.mark.postgres
def test_a_vote_open_across_the_upgrade_keeps_its_ballots(db_backend, app, make, now):
    """Down to the running-count schema and up again with a vote half cast: the counts so far
    become sealed ballots under the current key, and the vote closes with the right result."""
    import flask_migrate
    world = World(make, now)
    world.to_vote()
    world.vote([E, N, E, None, None, None])
    db.session.rollback()
    flask_migrate.downgrade(revision="0008")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT established, not_established FROM vote_tallies")
                            ).one() == (2, 1)
    flask_migrate.upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ballots")).scalar() == 3
    assert "vote_tallies" not in inspect(db.engine).get_table_names()
    world.vote([None, None, None, N, E, E])
    ticket = world.ticket()
    assert (ticket.state, ticket.verdict) == ("judged", E)
    assert (ticket.appeal.established_count, ticket.appeal.not_established_count) == (4, 2)
