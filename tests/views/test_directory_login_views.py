"""Signing in through the sign-in page against a real OpenLDAP server (slapd): the first
sign-in, the messages in Chinese for an unmapped person and a directory that is down, the
local administrator, throttling, the auth log, and a leaver's session ended by the sync."""
import time

import pytest

from tests.integrations.directory import PEOPLE


def login(client, no, password):
    return client.post("/login", data={"employee_no": no, "password": password})


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def app(directory_app):
    return directory_app


@pytest.fixture
def ldap_client(app, mapped):
    return app.test_client()


def test_first_sign_in_through_the_page(ldap_client):
    assert login(ldap_client, "200101", "pw-zhang").status_code == 303
    assert "张伟" in page(ldap_client.get("/"))


def test_unmapped_person_gets_a_clear_message(ldap_client):
    response = login(ldap_client, "300001", "pw-qian")
    assert response.status_code == 403
    assert "不在自控系统已对应的任何组中" in page(response)


def test_directory_down_a_clear_message_quickly_and_the_admin_still_signs_in(
        ldap_client, ldap_server, make):
    ldap_server.stop()
    started = time.monotonic()
    response = login(ldap_client, "200101", "pw-zhang")
    assert time.monotonic() - started < 3
    assert response.status_code == 503 and "目录服务器暂时无法连接" in page(response)
    assert login(ldap_client, "990001", make.PASSWORD).status_code == 303


def test_wrong_directory_passwords_are_throttled_as_now(ldap_client):
    for _attempt in range(5):
        assert login(ldap_client, "200101", "wrong").status_code == 422
    assert login(ldap_client, "200101", "pw-zhang").status_code == 429


def test_sync_ends_a_leavers_session(app, ldap_client, ldap_server, now):
    assert login(ldap_client, "200102", "pw-li").status_code == 303
    assert ldap_client.get("/").status_code == 200
    ldap_server.connection().delete(f"uid=200102,{PEOPLE}")
    result = app.test_cli_runner().invoke(args=["directory", "sync"])
    assert "200102: deactivate (left)" in result.output
    response = ldap_client.get("/")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]


def test_a_directory_account_cannot_change_a_password_here(ldap_client):
    login(ldap_client, "200101", "pw-zhang")
    response = ldap_client.post("/account/password", data={
        "current": "pw-zhang", "new": "new-password-1", "confirm": "new-password-1"})
    assert response.status_code == 422 and "由目录服务器管理" in page(response)


def test_sign_in_log_names_the_directory(ldap_client, caplog):
    with caplog.at_level("INFO"):
        login(ldap_client, "200101", "pw-zhang")
        login(ldap_client.application.test_client(), "300001", "pw-qian")
    lines = [r.getMessage() for r in caplog.records if "auth event=" in r.getMessage()]
    assert any("event=login " in line and 'source="directory"' in line for line in lines)
    assert any("event=login_unmapped" in line for line in lines)
