"""Sign-in, sign-out, sessions that end on a password change, language switch and the
friendly error pages, through the test client."""
import re

import pytest

from ._support import element, html, new_client, text_of


def sign_in(browser, user, password="password-123", next_url=None):
    url = "/login" + (f"?next={next_url}" if next_url is not None else "")
    return browser.post(url, data={"employee_no": user.employee_no, "password": password})


def is_sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and \
        response.headers["Location"].startswith("/login")


def test_sign_in_page_words(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = html(response)
    assert re.search(r'<label for="employee_no"[^>]*>工号<', page)
    assert re.search(r'<label for="password"[^>]*>密码<', page)
    assert re.search(r'<button[^>]*type="submit"[^>]*>登录</button>', page)
    assert element(page, "password")[0]["type"] == "password"


def test_sign_in_opens_the_home_page_with_sign_out(client, make):
    agent = make.user("staff", name="王小明")
    response = sign_in(client, agent)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    page = html(client.get("/"))
    assert "王小明" in page
    assert re.search(r'<button[^>]*>退出</button>', page)
    for word in ("新建工单", "我的工单"):
        assert word in page


def test_wrong_password_says_so_and_keeps_the_employee_no(client, make):
    agent = make.user("staff")
    response = client.post("/login", data={"employee_no": agent.employee_no,
                                           "password": "not-the-password"})
    assert response.status_code == 422
    page = html(response)
    assert "工号或密码错误" in text_of(page, "password-error")
    assert element(page, "employee_no")[0]["value"] == agent.employee_no
    assert "not-the-password" not in page
    assert is_sent_to_login(client.get("/"))


def test_unknown_employee_no_gets_the_same_answer(client, make):
    response = client.post("/login", data={"employee_no": "987654", "password": "whatever-1"})
    assert response.status_code == 422
    assert "工号或密码错误" in text_of(html(response), "password-error")


def test_empty_sign_in_names_both_fields(client):
    response = client.post("/login", data={"employee_no": "", "password": ""})
    assert response.status_code == 422
    page = html(response)
    assert "请输入工号" in text_of(page, "employee_no-error")
    assert "请输入密码" in text_of(page, "password-error")


def test_inactive_user_cannot_sign_in(client, make):
    gone = make.user("staff", active=False)
    response = sign_in(client, gone)
    assert response.status_code == 422
    assert "工号或密码错误" in text_of(html(response), "password-error")
    assert is_sent_to_login(client.get("/"))


def test_protected_page_sends_to_sign_in_and_back(client, make):
    agent = make.user("staff")
    response = client.get("/tickets/?state=submitted")
    assert is_sent_to_login(response)
    login_url = response.headers["Location"]
    response = client.post(login_url, data={"employee_no": agent.employee_no,
                                            "password": "password-123"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/tickets/?state=submitted"


@pytest.mark.parametrize("target", [
    "//evil.example", "https://evil.example", "https://evil.example/tickets/",
    "/\\evil.example", "javascript:alert(1)", "evil.example", "%2F%2Fevil.example",
    "/%09/evil.example",
])
def test_sign_in_never_redirects_to_another_site(client, make, target):
    agent = make.user("staff")
    response = sign_in(client, agent, next_url=target)
    assert response.status_code == 303
    assert response.headers["Location"] == "/"  # home, not the other site


def test_sign_in_follows_a_local_next(client, make):
    agent = make.user("staff")
    response = sign_in(client, agent, next_url="/tickets/new")
    assert response.headers["Location"] == "/tickets/new"


def test_sign_out_ends_the_session(client, auth, make):
    agent = make.user("staff")
    auth.login(agent)
    assert client.get("/tickets/").status_code == 200
    response = client.post("/logout")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert is_sent_to_login(client.get("/tickets/"))
    assert is_sent_to_login(client.get("/"))


def test_a_cookie_captured_before_sign_out_is_refused_after_it(app, client, auth, make):
    agent = make.user("staff")
    auth.login(agent)
    captured = client.get_cookie("zikong_session")
    assert captured is not None

    def replay():
        browser = new_client(app)
        browser.set_cookie("zikong_session", captured.value,
                           domain=captured.domain or "localhost")
        return browser.get("/tickets/")

    assert replay().status_code == 200  # the captured cookie is a working session
    auth.logout()
    assert is_sent_to_login(replay())


def test_password_change_ends_sessions_opened_before_it(app, client, make):
    agent = make.user("staff")
    browser_a, browser_b = client, new_client(app)
    assert sign_in(browser_a, agent).status_code == 303
    assert sign_in(browser_b, agent).status_code == 303
    assert browser_a.get("/").status_code == 200

    response = browser_b.post("/account/password", data={
        "current": "password-123", "new": "new-secret-456", "confirm": "new-secret-456"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert "密码已修改" in html(browser_b.get("/login"))

    assert is_sent_to_login(browser_a.get("/"))
    assert is_sent_to_login(browser_b.get("/"))
    assert sign_in(browser_a, agent).status_code == 422  # old password
    assert sign_in(browser_a, agent, password="new-secret-456").status_code == 303
    assert browser_a.get("/").status_code == 200


def test_password_change_with_wrong_current_password_changes_nothing(client, auth, make):
    agent = make.user("staff")
    auth.login(agent)
    response = client.post("/account/password", data={
        "current": "wrong-one", "new": "new-secret-456", "confirm": "new-secret-456"})
    assert response.status_code == 422
    assert "当前密码错误" in text_of(html(response), "current-error")
    assert client.get("/").status_code == 200  # still signed in
    auth.logout()
    assert sign_in(client, agent).status_code == 303  # old password still works


def test_password_change_checks_length_and_repeat(client, auth, make):
    agent = make.user("staff")
    auth.login(agent)
    response = client.post("/account/password", data={
        "current": "password-123", "new": "short", "confirm": "other"})
    assert response.status_code == 422
    page = html(response)
    assert "密码至少8位" in text_of(page, "new-error")
    assert "两次输入的密码不一致" in text_of(page, "confirm-error")


def test_language_switch_to_english_and_back(client, auth, make):
    response = client.post("/lang", data={"lang": "en", "next": "/login"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    page = html(client.get("/login"))
    assert re.search(r'<button[^>]*type="submit"[^>]*>Sign in</button>', page)
    assert '<html lang="en">' in page
    assert "登录" not in page

    agent = make.user("staff")
    auth.login(agent)  # the choice survives signing in
    page = html(client.get("/"))
    assert ">New ticket<" in page and "新建工单" not in page

    client.post("/lang", data={"lang": "zh_Hans_CN", "next": "/"})
    page = html(client.get("/"))
    assert "新建工单" in page and ">New ticket<" not in page
    auth.logout()
    page = html(client.get("/login"))
    assert re.search(r'<button[^>]*type="submit"[^>]*>登录</button>', page)


def test_unknown_language_keeps_chinese(client):
    response = client.post("/lang", data={"lang": "fr", "next": "https://evil.example/"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert "登录" in html(client.get("/login"))


@pytest.mark.parametrize("signed_in", [False, True])
def test_unknown_address_gets_a_chinese_404_page(client, auth, make, signed_in):
    if signed_in:
        auth.login(make.user("staff"))
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = html(response)
    assert '<html lang="zh-CN">' in page
    body = text_of(page, "error-body")
    assert "页面不存在" in body and "返回首页" in body


def test_oversized_request_gets_a_chinese_413_page(client, app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024
    response = client.post("/login", data={"employee_no": "1" * (1024 * 1024 + 10),
                                           "password": "x"})
    assert response.status_code == 413
    body = text_of(html(response), "error-body")
    assert "内容过大" in body and "超出允许的大小" in body


def test_wrong_method_gets_a_chinese_405_page(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "此地址不支持该类请求" in text_of(html(response), "error-body")
