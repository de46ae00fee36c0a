"""The directory tests' fixtures (a pytest plugin, see tests/conftest.py): the centre's tree,
a real slapd serving it, and an app configured to sign in against it. A test module uses it
by overriding `app` to return `directory_app`."""
import pytest

from extensions import db
from tests.conftest import database_url, make_app

from . import slapd

TREE = (slapd.base_tree()
        + slapd.person("200101", "200101", "张伟", "pw-zhang")
        + slapd.person("200102", "200102", "李娜", "pw-li")
        + slapd.person("200100", "200100", "刘洋", "pw-liu")
        + slapd.person("190001", "190001", "赵敏", "pw-zhao")
        + slapd.person("300001", "300001", "钱七", "pw-qian")
        + slapd.group("zk-agents-yiban", "200101", "200102", "200100")
        + slapd.group("zk-leads-yiban", "200100")
        + slapd.group("zk-quality", "190001")
        + slapd.group("zk-other", "300001"))
PEOPLE = f"ou=people,{slapd.SUFFIX}"

GROUPS = f"ou=groups,{slapd.SUFFIX}"
MAPPING = [
    {"group": f"cn=zk-agents-yiban,{GROUPS}", "role": "staff", "team": "一班"},
    {"group": f"cn=zk-leads-yiban,{GROUPS}", "role": "team_lead", "team": "一班"},
    {"group": f"CN=zk-quality, {GROUPS.upper()}", "role": "checker", "team": ""},
]


def config(server: slapd.Slapd, **extra) -> dict:
    return {"LDAP_URLS": server.url, "LDAP_STARTTLS": False, "LDAP_BASE_DN": slapd.SUFFIX,
            "LDAP_BIND_DN": slapd.SERVICE_DN, "LDAP_BIND_PASSWORD": slapd.SERVICE_PASSWORD,
            **extra}


@pytest.fixture
def ldap_server():
    slapd.require_slapd()
    server = slapd.Slapd(TREE).start()
    yield server
    server.stop()


@pytest.fixture
def directory_config(ldap_server):
    """Extra app configuration for the module's `app` (override to change it)."""
    return config(ldap_server)


@pytest.fixture
def directory_app(db_backend, tmp_path, sqlite_template, directory_config):
    app = make_app(database_url(db_backend, tmp_path, sqlite_template), **directory_config)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def mapped(directory_app, make, now):
    """The centre's mapping saved by its administrator (who signs in locally). Needs the
    module's `app` to be the directory app."""
    from services import settings
    admin = make.user("admin", employee_no="990001")
    settings.update({"directory_groups": MAPPING}, actor=admin, now=now)
    return admin
