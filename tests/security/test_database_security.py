"""SQLite connection settings (SECURITY.md, data integrity): every new connection is in WAL
mode, enforces foreign keys, waits for locks and syncs fully; writes begin IMMEDIATE."""
import pytest
from sqlalchemy import text

from extensions import db
from services.db import write_transaction


def pragmas(connection) -> dict:
    return {name: connection.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")}


def test_every_new_connection_gets_the_pragmas(app):
    db.engine.dispose()  # no pooled connection: the next ones are new
    first, second = db.engine.connect(), db.engine.connect()
    try:
        for connection in (first, second):
            settings = pragmas(connection)
            assert settings["journal_mode"] == "wal"
            assert settings["foreign_keys"] == 1
            assert settings["busy_timeout"] >= 5000
            assert settings["synchronous"] == 2  # FULL
    finally:
        first.close()
        second.close()


def test_foreign_keys_are_enforced(app):
    with pytest.raises(Exception, match="FOREIGN KEY"), db.engine.begin() as conn:
        conn.execute(text("INSERT INTO audit_entries (at, actor_id, action, note, detail) "
                          "VALUES ('2026-01-01', 999999, 'x', '', '')"))


def test_a_write_transaction_takes_the_write_lock_at_begin(app):
    """BEGIN IMMEDIATE: while one write transaction is open, another connection cannot
    start writing (it would wait, here it fails fast)."""
    with write_transaction() as session:
        session.execute(text("SELECT 1"))
        other = db.engine.raw_connection()
        try:
            other.execute("PRAGMA busy_timeout=0")
            with pytest.raises(Exception, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
