"""Sessions (SECURITY.md, sign-in and sessions): a fresh session at sign-in, explicit cookie
flags, copied cookies refused after sign-out / deactivation / a password change, and the idle
and absolute limits enforced by the server."""
import time

import pytest

from blueprints.auth import sessions
from blueprints.auth.sessions import SEEN_AT, SIGNED_IN_AT
from services import users as user_service
from tests.factories import Factory

COOKIE = "zikong_session"


def sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and \
        response.headers["Location"].startswith("/login")


def set_cookie_headers(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def capture(client):
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    return cookie.value


def replay(app, value):
    """A second browser carrying a copied session cookie."""
    browser = app.test_client()
    browser.set_cookie(COOKIE, value, domain="localhost")
    return browser


@pytest.fixture(autouse=True)
def session_clock(monkeypatch):
    """The sessions' wall clock, under the test's control."""
    now = [time.time()]
    monkeypatch.setattr(sessions, "clock", lambda: now[0])
    return now


@pytest.fixture
def later(session_clock):
    def move(seconds):
        session_clock[0] += seconds
    return move


def test_cookie_flags_are_explicit(app, client, make):
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == app.config["REMEMBER_COOKIE_SAMESITE"] \
        == "Lax"
    assert app.permanent_session_lifetime.total_seconds() == \
        app.config["SESSION_ABSOLUTE_TIMEOUT"]
    user = make.user()
    response = client.post("/login", data={"employee_no": user.employee_no,
                                           "password": Factory.PASSWORD})
    assert response.status_code == 303
    [cookie] = [c for c in set_cookie_headers(response) if c.startswith(COOKIE + "=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain HTTP by default; see the next test


def test_secure_flag_follows_configuration(monkeypatch, sqlite_template, tmp_path):
    import shutil

    from tests.conftest import make_app
    monkeypatch.setenv("ZIKONG_COOKIE_SECURE", "1")
    path = tmp_path / "secure.sqlite3"
    shutil.copy(sqlite_template, path)
    secure = make_app(f"sqlite:///{path}")
    assert secure.config["SESSION_COOKIE_SECURE"] and secure.config["REMEMBER_COOKIE_SECURE"]
    with secure.app_context():
        response = secure.test_client().post("/lang", data={"lang": "en", "next": "/login"},
                                             base_url="https://localhost")
    [cookie] = [c for c in set_cookie_headers(response) if c.startswith(COOKIE + "=")]
    assert "; Secure" in cookie and "HttpOnly" in cookie


def test_sign_in_starts_a_fresh_session(client, make):
    """Nothing planted in the session before sign-in (session fixation) survives it."""
    user = make.user()
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
        session["lang"] = "en"
    client.post("/login", data={"employee_no": user.employee_no, "password": Factory.PASSWORD})
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["lang"] == "en"  # the language choice is kept on purpose
        assert isinstance(session[SIGNED_IN_AT], int) and session[SEEN_AT] == \
            session[SIGNED_IN_AT]


def test_copied_cookie_refused_after_sign_out(app, client, auth, make):
    auth.login(make.user())
    copied = capture(client)
    assert replay(app, copied).get("/").status_code == 200
    auth.logout()
    assert sent_to_login(replay(app, copied).get("/"))


def test_copied_cookie_refused_after_deactivation(app, client, auth, make, now):
    user = make.user()
    auth.login(user)
    copied = capture(client)
    user_service.update_user(user.id, user_service.UserInput(
        employee_no=user.employee_no, name=user.name, role=user.role, team=user.team.name,
        active=False), actor=None, now=now)
    assert sent_to_login(replay(app, copied).get("/"))
    assert sent_to_login(client.get("/"))


def test_copied_cookie_refused_after_password_change(app, client, auth, make, now):
    user = make.user()
    auth.login(user)
    copied = capture(client)
    other = app.test_client()
    auth_other = type(auth)(other)
    auth_other.login(user)
    response = other.post("/account/password", data={
        "current": Factory.PASSWORD, "new": "brand-new-pass-1", "confirm": "brand-new-pass-1"})
    assert response.status_code == 303
    assert sent_to_login(replay(app, copied).get("/"))
    assert sent_to_login(other.get("/"))


def test_idle_limit_signs_out(app, client, auth, make, later):
    auth.login(make.user())
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    later(idle - 120)
    assert client.get("/").status_code == 200  # activity moves "last seen" on
    later(idle - 120)
    assert client.get("/").status_code == 200  # still within the limit of the last request
    later(idle + 1)
    response = client.get("/")
    assert sent_to_login(response)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "会话已结束" in page
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_idle_limit_applies_to_a_copied_cookie(app, client, auth, make, later):
    """A cookie copied and left unused expires even while its owner keeps working."""
    auth.login(make.user())
    copied = capture(client)
    for _ in range(3):
        later(app.config["SESSION_IDLE_TIMEOUT"] // 2)
        assert client.get("/").status_code == 200
    assert sent_to_login(replay(app, copied).get("/"))


POLL = {"HX-Request": "true", "HX-Trigger": "bell", "HX-Target": "bell"}


def test_polls_do_not_keep_an_idle_session_alive(app, client, auth, make, later):
    """An element refreshing itself (the bell, the review queue every 30 s) is not a person:
    a tab left open still reaches the idle limit."""
    auth.login(make.user())
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    for _ in range(4):
        later(idle // 4 - 1)
        assert client.get("/", headers=POLL).status_code == 200
    later(10)
    response = client.get("/", headers=POLL)
    assert response.status_code == 204 and response.headers["HX-Redirect"].startswith("/login")


def test_a_person_using_htmx_is_active(app, client, auth, make, later):
    """Active search, clicks: htmx requests from an element other than their target count."""
    auth.login(make.user())
    idle = app.config["SESSION_IDLE_TIMEOUT"]
    for _ in range(4):
        later(idle // 2)
        assert client.get("/tickets/", headers={
            "HX-Request": "true", "HX-Trigger": "q", "HX-Target": "ticket-rows"}
        ).status_code == 200


def test_absolute_limit_signs_out_even_an_active_user(app, client, auth, make, later):
    auth.login(make.user())
    step = app.config["SESSION_IDLE_TIMEOUT"] - 60
    elapsed = 0
    while elapsed + step < app.config["SESSION_ABSOLUTE_TIMEOUT"]:
        later(step)
        elapsed += step
        assert client.get("/").status_code == 200
    later(app.config["SESSION_ABSOLUTE_TIMEOUT"] - elapsed)
    assert sent_to_login(client.get("/"))


def test_htmx_request_on_an_expired_session_is_redirected_to_sign_in(app, client, auth, make,
                                                                     later):
    auth.login(make.user())
    later(app.config["SESSION_IDLE_TIMEOUT"] + 1)
    response = client.get("/tickets/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response.headers["HX-Redirect"].startswith("/login")


def test_moving_the_test_clock_of_deadlines_does_not_end_sessions(app, client, auth, make):
    """CLOCK_OFFSET_SECONDS moves ticket deadlines in tests; sessions follow the wall clock."""
    auth.login(make.user())
    app.config["CLOCK_OFFSET_SECONDS"] += 6 * 24 * 3600
    assert client.get("/").status_code == 200


@pytest.mark.parametrize("times", [{}, {SIGNED_IN_AT: "0", SEEN_AT: "0"}])
def test_a_session_without_valid_times_is_ended(app, client, auth, make, times):
    """A session from before the limits existed (or tampered times) does not sign anyone in."""
    auth.login(make.user())
    with client.session_transaction() as session:
        session.pop(SIGNED_IN_AT)
        session.pop(SEEN_AT)
        session.update(times)
    assert sent_to_login(client.get("/"))


def test_last_seen_is_written_at_most_once_a_minute(app, client, auth, make, later):
    auth.login(make.user())
    with client.session_transaction() as session:
        first = session[SEEN_AT]
    later(30)
    client.get("/")
    with client.session_transaction() as session:
        assert session[SEEN_AT] == first
    later(31)
    client.get("/")
    with client.session_transaction() as session:
        assert session[SEEN_AT] >= first + 60
