"""Directory sign-in and sync against a real OpenLDAP server (slapd): first sign-in creates
the account with the mapped role and team, unmapped people are refused, local accounts, the
directory down, TLS with the centre's CA, and `flask directory sync` with leavers."""
import socket
import threading
import time

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import AuditEntry, User
from services import directory
from services.directory_client import DirectoryUnavailable
from tests.integrations import slapd
from tests.integrations.directory import PEOPLE, TREE

pytestmark = pytest.mark.postgres


@pytest.fixture
def app(directory_app):
    return directory_app


def _user(no):
    return User.query.filter_by(employee_no=no).one_or_none()


def _actions():
    return [a.action for a in AuditEntry.query.order_by(AuditEntry.id)]


def test_first_sign_in_creates_the_account_with_the_mapped_role_and_team(mapped, now):
    result = directory.authenticate("200101", "pw-zhang", now=now)
    assert result.problem is None and result.source == "directory"
    user = _user("200101")
    assert (user.name, user.role, user.team.name, user.auth_source) == \
        ("张伟", "staff", "一班", "directory")
    assert "directory_user_create" in _actions()
    # the second sign-in finds the same account
    assert directory.authenticate("200101", "pw-zhang", now=now).user.id == user.id
    assert User.query.filter_by(employee_no="200101").count() == 1


def test_a_lead_in_both_groups_becomes_the_lead_of_the_team(mapped, now):
    user = directory.authenticate("200100", "pw-liu", now=now).user
    assert user.role == Role.TEAM_LEAD and user.team.lead_id == user.id


def test_group_dns_match_without_regard_to_case_or_spaces(mapped, now):
    assert directory.authenticate("190001", "pw-zhao", now=now).user.role == Role.CHECKER


@pytest.mark.parametrize("password", ["wrong", ""])
def test_a_wrong_or_empty_password_signs_nobody_in_and_creates_nothing(mapped, now, password):
    # An empty password would be an anonymous bind, which the server accepts.
    result = directory.authenticate("200101", password, now=now)
    assert (result.user, result.problem) == (None, "wrong")
    assert _user("200101") is None


def test_someone_whose_groups_map_to_nothing_is_refused(mapped, now):
    result = directory.authenticate("300001", "pw-qian", now=now)
    assert (result.user, result.problem) == (None, "unmapped")
    assert _user("300001") is None


def test_local_accounts_sign_in_only_when_they_are_the_administrator(mapped, make, now):
    agent = make.user(Role.STAFF, employee_no="400001")
    assert directory.authenticate("990001", make.PASSWORD, now=now).user.id == mapped.id
    assert directory.authenticate(agent.employee_no, make.PASSWORD, now=now).problem == "wrong"


def test_an_existing_local_account_becomes_a_directory_account(mapped, make, now):
    make.user(Role.STAFF, employee_no="200101", name="旧名字", team="二班")
    user = directory.authenticate("200101", "pw-zhang", now=now).user
    assert (user.name, user.team.name, user.auth_source) == ("张伟", "一班", "directory")
    assert "directory_user_update" in _actions()


def test_an_account_deactivated_here_is_refused_despite_the_right_password(mapped, make, now):
    make.user(Role.STAFF, employee_no="200101", active=False)
    assert directory.authenticate("200101", "pw-zhang", now=now).problem == "inactive"


def test_the_directory_down_answers_quickly_and_the_administrator_still_signs_in(
        mapped, ldap_server, make, now):
    ldap_server.stop()
    started = time.monotonic()
    assert directory.authenticate("200101", "pw-zhang", now=now).problem == "unavailable"
    assert time.monotonic() - started < 3
    assert directory.authenticate("990001", make.PASSWORD, now=now).user.id == mapped.id


@pytest.fixture
def silent_port():
    """A port that accepts connections and never answers (a hung directory server)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                pass
    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


def test_a_server_that_hangs_gives_up_within_the_timeout(app, mapped, silent_port, now):
    app.config.update(LDAP_URLS=f"ldap://127.0.0.1:{silent_port}", LDAP_TIMEOUT=1)
    started = time.monotonic()
    assert directory.authenticate("200101", "pw-zhang", now=now).problem == "unavailable"
    assert time.monotonic() - started < 4


def test_a_second_server_is_tried_when_the_first_is_down(app, mapped, ldap_server, now):
    app.config["LDAP_URLS"] = f"ldap://127.0.0.1:{slapd.free_port()} {ldap_server.url}"
    assert directory.authenticate("200101", "pw-zhang", now=now).user is not None


def test_direct_bind_without_a_service_account(app, mapped, now):
    app.config.update(LDAP_BIND_DN="", LDAP_BIND_PASSWORD="",
                      LDAP_USER_DN_TEMPLATE="uid={employee_no}," + PEOPLE)
    assert directory.authenticate("200101", "pw-zhang", now=now).user.name == "张伟"
    assert directory.authenticate("200101", "wrong", now=now).problem == "wrong"


# --- sync -------------------------------------------------------------------------------

def _sign_in_everyone(now):
    for no, password in (("200101", "pw-zhang"), ("200102", "pw-li"), ("200100", "pw-liu"),
                         ("190001", "pw-zhao")):
        assert directory.authenticate(no, password, now=now).user is not None


def test_sync_updates_roles_and_names_and_deactivates_leavers(mapped, ldap_server, now):
    _sign_in_everyone(now)
    before = _user("200102").session_version
    conn = ldap_server.connection()
    quality = f"cn=zk-quality,ou=groups,{slapd.SUFFIX}"
    conn.delete(f"uid=200102,{PEOPLE}")                                 # 李娜 left
    conn.modify(f"uid=200101,{PEOPLE}", {"displayName": [("MODIFY_REPLACE", ["张伟伟"])]})
    conn.modify(quality, {"member": [("MODIFY_ADD", [f"uid=200101,{PEOPLE}"])]})
    conn.modify(quality, {"member": [("MODIFY_DELETE", [f"uid=190001,{PEOPLE}"])]})

    report = directory.sync(now=now)

    changes = {c.employee_no: c for c in report.changes}
    assert changes["200102"].deactivate == "left"
    assert changes["190001"].deactivate == "unmapped"
    assert changes["200101"].fields == {"name": ("张伟", "张伟伟"), "role": ("staff", "checker"),
                                        "team": ("一班", None)}
    assert "200100" not in changes and report.unchanged == 1
    li = _user("200102")
    assert not li.active and li.session_version == before + 1
    zhang = _user("200101")
    assert (zhang.name, zhang.role, zhang.team) == ("张伟伟", "checker", None)
    actions = _actions()
    assert actions.count("directory_deactivate") == 2 and "directory_sync" in actions
    # a second run finds nothing to do
    assert directory.sync(now=now).changes == []


def test_sync_dry_run_reports_and_changes_nothing(mapped, ldap_server, now):
    _sign_in_everyone(now)
    ldap_server.connection().delete(f"uid=200102,{PEOPLE}")
    count = AuditEntry.query.count()
    report = directory.sync(now=now, dry_run=True)
    assert [c.employee_no for c in report.changes] == ["200102"]
    assert _user("200102").active and AuditEntry.query.count() == count


def test_sync_leaves_local_accounts_alone(mapped, make, now):
    _sign_in_everyone(now)
    agent = make.user(Role.STAFF, employee_no="400001")
    directory.sync(now=now)
    assert db_active(agent.id) and _user("990001").active


def db_active(user_id):
    return db.session.scalar(select(User.active).where(User.id == user_id))


def test_sync_changes_nothing_when_the_directory_is_down_or_empty(app, mapped, ldap_server, now):
    _sign_in_everyone(now)
    app.config["LDAP_BASE_DN"] = f"ou=nobody-here,{slapd.SUFFIX}"
    with pytest.raises(DirectoryUnavailable):
        directory.sync(now=now)
    ldap_server.stop()
    with pytest.raises(DirectoryUnavailable):
        directory.sync(now=now)
    assert User.query.filter_by(active=False).count() == 0


def test_sync_command_prints_the_dry_run(app, mapped, ldap_server, now):
    _sign_in_everyone(now)
    ldap_server.connection().delete(f"uid=200102,{PEOPLE}")
    result = app.test_cli_runner().invoke(args=["directory", "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "200102: would deactivate (left)" in result.output
    assert _user("200102").active
    result = app.test_cli_runner().invoke(args=["directory", "sync"])
    assert "200102: deactivate (left)" in result.output and not _user("200102").active


# --- TLS ----------------------------------------------------------------------------------

@pytest.fixture
def tls_server():
    slapd.require_slapd()
    server = slapd.Slapd(TREE, tls=True).start()
    yield server
    server.stop()


@pytest.mark.parametrize("mode", ["starttls", "ldaps"])
def test_tls_with_the_centres_ca_file(app, mapped, tls_server, now, mode):
    url = tls_server.url if mode == "starttls" else tls_server.ldaps_url
    app.config.update(LDAP_URLS=url, LDAP_STARTTLS=mode == "starttls",
                      LDAP_CA_FILE=tls_server.ca_file)
    assert directory.authenticate("200101", "pw-zhang", now=now).user is not None


def test_a_server_certificate_from_another_ca_is_refused(app, mapped, tls_server, now, tmp_path):
    from tests.integrations.certs import make_ca_and_server
    other = make_ca_and_server(tmp_path / "other")["ca"]
    app.config.update(LDAP_URLS=tls_server.url, LDAP_STARTTLS=True, LDAP_CA_FILE=other)
    assert directory.authenticate("200101", "pw-zhang", now=now).problem == "unavailable"
