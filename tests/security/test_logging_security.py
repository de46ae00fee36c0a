"""Auth events in the log (SECURITY.md: sign-in, sign-out, failures and refused access are
logged; user-supplied text cannot forge a log line)."""
import logging
import time

import pytest

from blueprints.auth import sessions
from services.security import log_text
from tests.factories import Factory


@pytest.fixture
def log(caplog, app):
    # Running the migrations (the session's template database) applies alembic.ini's
    # logging config, which disables loggers that already exist; a server never migrates
    # in-process.
    app.logger.disabled = False
    caplog.set_level(logging.INFO, logger=app.logger.name)

    def lines():
        return [r.getMessage() for r in caplog.records if r.name == app.logger.name
                and r.getMessage().startswith("auth event=")]
    return lines


@pytest.mark.parametrize("raw, logged", [
    ("200101", '"200101"'),
    ("a\r\nauth event=login user=\"admin\"", '"a\\r\\nauth event=login user=\\"admin\\""'),
    ("tab\there", '"tab\\there"'),
    ("nel\x85ls\u2028ps\u2029", '"nel\\u0085ls\\u2028ps\\u2029"'),
    ("esc\x1b[31mred\\", '"esc\\u001b[31mred\\\\"'),
    ("张伟", '"张伟"'),
    (None, '""'),
])
def test_log_text_escapes_everything_that_could_break_a_line(raw, logged):
    assert log_text(raw) == logged


def test_log_text_cuts_long_values():
    assert log_text("x" * 500) == '"' + "x" * 200 + '…"'


def test_sign_in_sign_out_and_failure_are_logged(client, auth, make, log):
    user = make.user()
    client.post("/login", data={"employee_no": user.employee_no, "password": "nope-nope"})
    auth.login(user)
    auth.logout()
    events = log()
    assert events[0].startswith('auth event=login_failed employee_no="%s" ip="127.0.0.1" '
                                'method="POST" path="/login"' % user.employee_no)
    assert events[1].startswith(f'auth event=login user="{user.employee_no}"')
    assert events[2].startswith(f'auth event=logout user="{user.employee_no}"')
    assert all("password" not in line and Factory.PASSWORD not in line for line in events)


def test_a_crlf_in_the_employee_no_cannot_forge_a_log_line(client, log, caplog):
    client.post("/login", data={"employee_no": "1\r\nauth", "password": "x"})
    client.post("/login%0d%0aauth%20event=login", data={})
    messages = [r.getMessage() for r in caplog.records]
    assert messages and all("\n" not in m and "\r" not in m for m in messages)
    assert any('employee_no="1\\r\\nauth"' in line for line in log())


def test_refused_access_is_logged(client, auth, make, log):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    outsider = make.user("staff")
    auth.login(outsider)
    assert client.get("/admin/users").status_code == 403
    assert client.get(f"/tickets/{ticket.id}").status_code == 404
    assert client.get(f"/tickets/{ticket.id}%0d%0a").status_code == 404
    assert client.get("/static/no-such-file.css").status_code == 404
    denied = [line for line in log() if line.startswith("auth event=access_denied")]
    assert denied[0].startswith(f'auth event=access_denied status="403" '
                                f'user="{outsider.employee_no}" endpoint="admin.users"')
    assert 'endpoint="tickets.show"' in denied[1] and 'status="404"' in denied[1]
    assert len(denied) == 2  # an unknown address or static file is not an access refusal


def test_throttled_sign_in_is_logged(app, client, make, log):
    user = make.user()
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] + 1):
        client.post("/login", data={"employee_no": user.employee_no, "password": "bad-one"})
    assert log()[-1].startswith(f'auth event=login_throttled employee_no="{user.employee_no}" '
                                'wait_seconds=')


def test_session_expiry_is_logged(app, client, auth, make, log, monkeypatch):
    user = make.user()
    auth.login(user)
    later = time.time() + app.config["SESSION_IDLE_TIMEOUT"] + 1
    monkeypatch.setattr(sessions, "clock", lambda: later)
    client.get("/")
    assert log()[-1].startswith(f'auth event=session_expired reason="idle" user_id="{user.id}"')


def test_the_app_logger_passes_info_lines_outside_debug(app):
    assert app.logger.getEffectiveLevel() == logging.INFO
