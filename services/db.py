"""Database plumbing: SQLite connection settings, how long a write waits for a lock, the one
write-transaction helper, and the update of a record a form edits."""
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError

from domain.errors import N_, Conflict, NotFound
from extensions import db

LOST_RACE = N_("Someone changed this ticket at the same moment. "
               "The page now shows its latest state.")

_write_intent: ContextVar[bool] = ContextVar("zikong_write_intent", default=False)


def configure_engine(engine: Engine) -> None:
    """SQLite: WAL, foreign keys, full sync; transactions we begin ourselves,
    so that a write transaction takes the write lock at BEGIN (BEGIN IMMEDIATE) instead of
    failing with SQLITE_BUSY when a read later turns into a write."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # pysqlite: we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=FULL")
        # Deleted rows are overwritten, not left in free space: a vote's sealed ballots,
        # deleted when it is counted, do not linger in the file in the order they came.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # Straight to the driver: every request begins one, and SQLAlchemy's statement
        # machinery (events, logging, a result object) is more work than the BEGIN.
        conn.connection.dbapi_connection.execute(
            "BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def checkpoint_wal() -> None:
    """SQLite: copy the WAL into the database file and empty it (best effort, at once or not
    at all). The WAL keeps every committed version of a page until a checkpoint; after a
    ballot or the close of a vote this shortens what a copy of the files can replay. Readers
    still on an older snapshot make it give up; the encryption is the guarantee."""
    if db.engine.dialect.name != "sqlite":
        return
    raw = db.engine.raw_connection()
    try:
        conn = raw.driver_connection
        waits = conn.execute("PRAGMA busy_timeout").fetchone()[0]
        conn.execute("PRAGMA busy_timeout=0")
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:
            pass   # busy or locked: the next one will do
        finally:
            conn.execute(f"PRAGMA busy_timeout={int(waits)}")
    finally:
        raw.close()


class Busy(Exception):
    """The database stayed locked by another writer for longer than a write waits (SQLite
    busy, PostgreSQL lock or statement timeout, a serialization failure or deadlock):
    nothing was written, and the same request may well succeed in a moment."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


#: SQLSTATEs that mean "another transaction was in the way": lock_not_available (our
#: lock_timeout, NOWAIT), query_canceled (statement_timeout), serialization_failure,
#: deadlock_detected.
_PG_BUSY = frozenset({"55P03", "57014", "40001", "40P01"})
#: SQLITE_BUSY and SQLITE_LOCKED, as primary result codes.
_SQLITE_BUSY = frozenset({5, 6})

_refuse_writes: ContextVar[bool] = ContextVar("zikong_refuse_writes", default=False)


def configure_waits(engine: Engine, *, sqlite_busy_ms: int, postgres_lock_ms: int) -> None:
    """How long a write waits for another writer's lock before failing as Busy: SQLite's
    busy timeout on every connection; on PostgreSQL a lock_timeout for each write
    transaction, so that a blocked write fails (and the page says so) before gunicorn
    kills the worker instead of hanging. Reads wait for nothing on either database."""
    if engine.dialect.name == "sqlite":
        @event.listens_for(engine, "connect")
        def _busy_timeout(dbapi_connection, _record):
            dbapi_connection.execute(f"PRAGMA busy_timeout={int(sqlite_busy_ms)}")
    elif engine.dialect.name == "postgresql" and postgres_lock_ms:
        @event.listens_for(engine, "begin")
        def _lock_timeout(conn):
            if _write_intent.get():
                cursor = conn.connection.dbapi_connection.cursor()
                cursor.execute(f"SET LOCAL lock_timeout = {int(postgres_lock_ms)}")
                cursor.close()


def busy_reason(exc: BaseException) -> str | None:
    """What made `exc` a busy or locked database, in a few words; None for any other error.
    `exc` is SQLAlchemy's wrapper or the driver's own exception (our BEGIN IMMEDIATE runs
    on the driver's connection, so SQLite's busy error there arrives unwrapped)."""
    orig = getattr(exc, "orig", None) or exc
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _PG_BUSY:
        return f"{state} {str(orig).splitlines()[0] if str(orig) else ''}".strip()
    if isinstance(orig, sqlite3.OperationalError):
        code = getattr(orig, "sqlite_errorcode", None)
        if (code is not None and code & 0xFF in _SQLITE_BUSY) or "is locked" in str(orig):
            return str(orig)
    return None


@contextmanager
def writes_refused():
    """While a page is shown again after Busy (blueprints/_busy.py): any write transaction
    raises Busy at once rather than wait for the lock a second time."""
    token = _refuse_writes.set(True)
    try:
        yield
    finally:
        _refuse_writes.reset(token)


_MEMO = "_zikong_read_memo"


def read_memo() -> dict:
    """Values this request has read already and may use again (the counts read with the
    signed-in user: the bell's, the votes'). A write transaction empties it, since it may
    have changed them; outside a request it keeps nothing."""
    if not has_request_context():
        return {}
    memo = g.get(_MEMO)
    if memo is None:
        memo = {}
        setattr(g, _MEMO, memo)
    return memo


@contextmanager
def write_transaction():
    """One transaction for one state change: committed on success, rolled back on error.

    Any read transaction the request already opened (loading the signed-in user, say) is
    ended first, so the write transaction starts fresh and — on SQLite — holds the write
    lock from its first statement. A lock held by another writer for longer than we wait
    (configure_waits) raises Busy.
    """
    if _refuse_writes.get():
        raise Busy("not retried while the page is shown again")
    session = db.session
    session.rollback()
    token = _write_intent.set(True)
    try:
        yield session
        session.commit()
    except StaleDataError:
        # A guarded UPDATE … WHERE version = ? matched nothing: someone else changed the row
        # between our read and our write (possible on PostgreSQL; SQLite serialises writers).
        session.rollback()
        raise Conflict(LOST_RACE) from None
    except Exception as exc:
        session.rollback()
        reason = busy_reason(exc)
        if reason is not None:
            raise Busy(reason) from exc
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        _write_intent.reset(token)
        if has_request_context():
            g.pop(_MEMO, None)


def update_if_unchanged(model, record_id: int, values: dict, *, version: int | None, actor,
                        now, missing: str, changed: str) -> tuple[object, dict]:
    """Inside a write transaction: set `values` on the record a form edited, and who changed
    it and when, if it is still as the form saw it — NotFound(`missing`) when there is no
    such record, Conflict(`changed`) when its version moved since the form was opened. The
    UPDATE is guarded by the version too (a race lost at the flush is a Conflict). Returns
    the record and what each of `values` was before."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(missing)
    if version is not None and version != record.version:
        raise Conflict(changed)
    before = {}
    for name, value in values.items():
        old = getattr(record, name)
        before[name] = list(old) if isinstance(old, list) else old  # a collection is replaced
        setattr(record, name, value)
    record.updated_by_id, record.updated_at = actor.id, now
    db.session.flush()
    return record, before
