"""Fixtures: an app on a fresh migrated database per test (SQLite always; PostgreSQL too for
tests marked `postgres` when ZIKONG_TEST_POSTGRES_URL is set), a client, a fixed clock."""
import contextvars
import os
import shutil
from datetime import UTC, datetime

import flask_migrate
import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from app import create_app
from extensions import db

from .factories import Factory

#: The directory tests' fixtures (a real slapd): ldap_server, directory_app, mapped.
pytest_plugins = ("tests.integrations.directory",)

CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("ZIKONG_TEST_POSTGRES_URL")

BASE_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",  # fast in tests; production uses scrypt
}


def pytest_generate_tests(metafunc):
    if "db_backend" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.definition.get_closest_marker("postgres"):
            backends.append("postgresql")
        metafunc.parametrize("db_backend", backends, indirect=True)


@pytest.fixture
def db_backend(request):
    return getattr(request, "param", "sqlite")


def require_postgres():
    if not PG_URL:
        if CI:
            pytest.fail("CI=true but ZIKONG_TEST_POSTGRES_URL is not set: PostgreSQL tests "
                        "must run in CI (.ci/run starts a server)")
        pytest.skip("PostgreSQL not configured: set ZIKONG_TEST_POSTGRES_URL to run")
    return PG_URL


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    """Migrate once; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "zikong.sqlite3"
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()
    return path


def database_url(backend: str, tmp_path, sqlite_template) -> str:
    if backend == "postgresql":
        url = require_postgres()
        reset_postgres(url)
        return url
    path = tmp_path / "zikong.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


class IsolatedClient(FlaskClient):
    """Each request runs in its own application context, as it does in production.

    Without this, a request made while the test holds an app context reuses it, and `g`
    (Flask-Login's cached user, Flask-WTF's token) leaks from one request to the next. The
    test's own session is rolled back around each request, so objects it holds reload with
    what the request committed.
    """

    def open(self, *args, **kwargs):
        db.session.rollback()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.rollback()
        return response


#: The tests' fixed moment: 2026-11-23 10:00 in Shanghai (02:00 UTC), a Monday.
FIXED_NOW = datetime(2026, 11, 23, 2, 0, 0)


def fixed_clock_offset() -> float:
    """CLOCK_OFFSET_SECONDS that starts the app's clock (services.clock.utcnow) at FIXED_NOW.
    Tests build records at the fixed `now` and the pages judge them by the app's clock, so
    the two must agree on whatever day the suite runs: a vote opened at the fixed moment
    would otherwise have closed by the time the suite runs a week later."""
    return (FIXED_NOW - datetime.now(UTC).replace(tzinfo=None)).total_seconds()


def make_app(url: str, **extra):
    extra.setdefault("CLOCK_OFFSET_SECONDS", fixed_clock_offset())
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **extra})
    app.test_client_class = IsolatedClient
    if url.startswith("postgresql"):
        with app.app_context():
            flask_migrate.upgrade()
    return app


@pytest.fixture
def app(db_backend, tmp_path, sqlite_template):
    app = make_app(database_url(db_backend, tmp_path, sqlite_template))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def now():
    """A fixed clock: 2026-11-23 10:00 in Shanghai (02:00 UTC); the app's clock starts there."""
    return FIXED_NOW


@pytest.fixture
def make(app, now):
    """Builders: make.user(role), make.ticket(state=...), ... (tests/factories.py)."""
    return Factory(now)


class Auth:
    def __init__(self, client):
        self.client = client

    def login(self, user, password=Factory.PASSWORD):
        response = self.client.post("/login", data={"employee_no": user.employee_no,
                                                    "password": password})
        assert response.status_code == 303, response.data[:500]
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return Auth(client)
