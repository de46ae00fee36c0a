"""Sign-in throttling shared by every worker through the database, and auth events written to
the log with user-supplied text escaped (no forged log lines)."""
import math
import re
from datetime import datetime, timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import delete, select, update

from models.security import LoginFailure

from .db import db, write_transaction

#: Failed sign-ins are kept this long at least (longer than any sensible window), then pruned.
KEEP_FAILURES = timedelta(days=1)


def _window() -> timedelta:
    return timedelta(seconds=current_app.config["LOGIN_FAILURE_WINDOW"])


def _wait(condition, limit: int, now: datetime) -> int:
    """Seconds until fewer than `limit` failures matching `condition` remain in the window
    (0: fewer already)."""
    recent = list(db.session.scalars(
        select(LoginFailure.at).where(condition, LoginFailure.at > now - _window())
        .order_by(LoginFailure.at.desc()).limit(limit)))
    if len(recent) < limit:
        return 0
    return max(1, math.ceil((recent[-1] + _window() - now).total_seconds()))


def login_wait(employee_no: str, address: str, now: datetime) -> int:
    """Seconds this account or address must wait before trying again; 0 when it may try.

    Checked before the password, so a locked account costs no hashing. Two workers may both
    let one more attempt through at the same moment (the check and the record are separate
    transactions, because the slow hash runs between them); the overshoot is bounded by the
    number of workers.
    """
    config = current_app.config
    account = (LoginFailure.employee_no == employee_no[:10]) & LoginFailure.counts_for_account
    return max(_wait(account, config["LOGIN_MAX_FAILURES_PER_ACCOUNT"], now),
               _wait(LoginFailure.address == address[:64],
                     config["LOGIN_MAX_FAILURES_PER_ADDRESS"], now))


def record_failure(employee_no: str, address: str, now: datetime) -> None:
    """Count a failed sign-in (unknown employee numbers too: lockout must not reveal which
    numbers exist), and prune failures too old to matter."""
    with write_transaction():
        db.session.add(LoginFailure(at=now, employee_no=employee_no[:10], address=address[:64]))
        keep = max(KEEP_FAILURES, _window())
        db.session.execute(delete(LoginFailure).where(LoginFailure.at < now - keep))


def forget_failures(employee_no: str) -> None:
    """A successful sign-in clears the account's count. The address count stays: signing in
    to one's own account must not reset the budget for guessing someone else's."""
    with write_transaction():
        db.session.execute(update(LoginFailure)
                           .where(LoginFailure.employee_no == employee_no,
                                  LoginFailure.counts_for_account)
                           .values(counts_for_account=False))


def client_address() -> str:
    """The client's address as the app sees it (behind a proxy, PROXY_COUNT makes
    X-Forwarded-For count)."""
    return (request.remote_addr or "unknown")[:64]


# --- the log ------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f\u2028\u2029"\\]')
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", '"': '\\"', "\\": "\\\\"}


def log_text(value, limit: int = 200) -> str:
    """`value` as a quoted, single-line log field: control characters (CR, LF, NEL, the
    Unicode line separators …), quotes and backslashes escaped, long text cut."""
    text = "" if value is None else str(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return '"' + _UNSAFE.sub(lambda m: _NAMED.get(m.group(), f"\\u{ord(m.group()):04x}"),
                             text) + '"'


def auth_event(event: str, *, level: str = "info", **fields) -> None:
    """One line in the app log: `auth event=login_failed employee_no="…" ip="…" …`.

    Every value is escaped with log_text; the request's address, method and path are added.
    """
    if has_request_context():
        fields.setdefault("ip", client_address())
        fields.setdefault("method", request.method)
        fields.setdefault("path", request.path)
    line = " ".join(f"{key}={log_text(value)}" for key, value in fields.items())
    getattr(current_app.logger, level)("auth event=%s %s", event, line)
