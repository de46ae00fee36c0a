"""Sign-in throttling (SECURITY.md: brute force limited across all workers): failures are
counted in the database, so every worker and host sees the same count."""
import shutil

import pytest
from sqlalchemy import func, select

from extensions import db
from models import LoginFailure
from tests.conftest import make_app
from tests.factories import Factory


def attempt(client, employee_no, password="wrong-password", address="10.0.0.1"):
    return client.post("/login", data={"employee_no": employee_no, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def later(app, seconds):
    app.config["CLOCK_OFFSET_SECONDS"] = app.config.get("CLOCK_OFFSET_SECONDS", 0) + seconds


def failures() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(LoginFailure.id)))


def test_an_account_is_locked_after_repeated_failures(app, client, make):
    user = make.user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit):
        assert attempt(client, user.employee_no).status_code == 422
    locked = attempt(client, user.employee_no, password=Factory.PASSWORD)
    assert locked.status_code == 429  # even the right password: the account waits
    assert 0 < int(locked.headers["Retry-After"]) <= app.config["LOGIN_FAILURE_WINDOW"]
    page = locked.get_data(as_text=True)
    assert "登录失败次数过多" in page and "之后再试" in page
    assert failures() == limit  # refused attempts do not extend the lock
    assert client.get("/").status_code in (302, 303)

    later(app, app.config["LOGIN_FAILURE_WINDOW"] + 1)
    assert attempt(client, user.employee_no, password=Factory.PASSWORD).status_code == 303


def test_the_lock_is_shared_by_every_worker(app, client, make, tmp_path):
    """A second app on the same database (another gunicorn worker, another host) sees it."""
    user = make.user()
    other_worker = make_app(app.config["SQLALCHEMY_DATABASE_URI"])
    with other_worker.app_context():
        other = other_worker.test_client()
        for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
            assert attempt(other, user.employee_no).status_code == 422
        db.session.remove()
    assert attempt(client, user.employee_no, password=Factory.PASSWORD).status_code == 429


def test_unknown_employee_numbers_are_throttled_the_same_way(app, client):
    for _ in range(app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]):
        assert attempt(client, "987654").status_code == 422
    assert attempt(client, "987654").status_code == 429


def test_an_address_is_locked_after_failures_on_many_accounts(app, client, make):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 6
    victim = make.user()
    for n in range(6):
        assert attempt(client, f"55500{n}", address="10.9.9.9").status_code == 422
    assert attempt(client, victim.employee_no, password=Factory.PASSWORD,
                   address="10.9.9.9").status_code == 429
    # the same account from another address is not blocked by that address
    assert attempt(client, victim.employee_no, password=Factory.PASSWORD,
                   address="10.1.1.1").status_code == 303


def test_a_successful_sign_in_clears_the_account_count_not_the_address(app, client, make):
    user = make.user()
    limit = app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    for _ in range(limit - 1):
        attempt(client, user.employee_no)
    assert attempt(client, user.employee_no, password=Factory.PASSWORD).status_code == 303
    client.post("/logout")
    for _ in range(limit - 1):  # a fresh budget for the account
        assert attempt(client, user.employee_no).status_code == 422
    assert attempt(client, user.employee_no, password=Factory.PASSWORD).status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(func.count(LoginFailure.id)).where(
        LoginFailure.address == "10.0.0.1")) == 2 * (limit - 1)


def test_old_failures_are_pruned(app, client):
    attempt(client, "111111")
    later(app, 2 * 24 * 3600)
    attempt(client, "222222")
    db.session.rollback()
    assert list(db.session.scalars(select(LoginFailure.employee_no))) == ["222222"]


@pytest.mark.parametrize("proxies, expected", [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_client_address_behind_a_proxy(sqlite_template, tmp_path, proxies, expected):
    """With PROXY_COUNT=1 (nginx), X-Forwarded-For names the client; without, it is ignored
    (a client could otherwise pick a fresh address for every guess)."""
    path = tmp_path / "proxy.sqlite3"
    shutil.copy(sqlite_template, path)
    proxied = make_app(f"sqlite:///{path}", PROXY_COUNT=proxies)
    with proxied.app_context():
        proxied.test_client().post("/login", data={"employee_no": "123456", "password": "x"},
                                   headers={"X-Forwarded-For": "203.0.113.7"})
        assert db.session.scalar(select(LoginFailure.address)) == expected
        db.session.remove()
        db.engine.dispose()
