"""User and team administration in the browser: create, validate, deactivate, teams."""
import re

import pytest
from sqlalchemy import select

from extensions import db
from models import Team, User

from ._support import count, element, html, new_client, text_of


def sign_in(browser, employee_no, password):
    return browser.post("/login", data={"employee_no": employee_no, "password": password})


def is_sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and \
        response.headers["Location"].startswith("/login")


def user_by_no(employee_no):
    db.session.rollback()
    return db.session.scalar(select(User).where(User.employee_no == employee_no))


def team_by_name(name):
    db.session.rollback()
    return db.session.scalar(select(Team).where(Team.name == name))


def new_user_form(**overrides):
    data = {"employee_no": "300001", "name": "王五", "role": "staff", "team": "新组建班",
            "password": "secret-123", "active": "y"}
    data.update(overrides)
    return data


def row_text(page: str, needle: str) -> str:
    """The visible text of the table row that mentions `needle`."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, re.DOTALL):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        if needle in text:
            return text
    raise AssertionError(f"no row with {needle!r}")


def test_admin_creates_a_user_who_can_then_sign_in(app, client, auth, make):
    auth.login(make.user("admin"))
    page = html(client.get("/admin/users/new"))
    for field_id, word in {"employee_no": "工号", "name": "姓名", "role": "角色",
                           "team": "班组", "password": "密码"}.items():
        assert re.search(rf'<label for="{field_id}"[^>]*>{word}<', page), word
    assert team_by_name("新组建班") is None

    response = client.post("/admin/users/new", data=new_user_form())
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/users"
    listing = html(client.get("/admin/users"))
    assert "用户 300001 已创建" in text_of(listing, "flash")
    assert row_text(listing, "300001") .split()[:4] == ["300001", "王五", "客服代表", "新组建班"]

    created = user_by_no("300001")
    assert created.team.name == "新组建班" and created.active
    browser = new_client(app)
    assert sign_in(browser, "300001", "secret-123").status_code == 303
    assert "王五" in html(browser.get("/"))


def test_team_lead_given_a_team_becomes_its_lead(client, auth, make):
    auth.login(make.user("admin"))
    response = client.post("/admin/users/new", data=new_user_form(
        employee_no="300002", name="赵领班", role="team_lead", team="夜班"))
    assert response.status_code == 303
    teams = html(client.get("/admin/teams"))
    assert row_text(teams, "夜班").split()[:3] == ["夜班", "赵领班", "300002"]
    assert team_by_name("夜班").lead.employee_no == "300002"


def test_invalid_employee_no_is_refused_beside_the_field_and_the_rest_kept(client, auth, make):
    auth.login(make.user("admin"))
    users_before = count(User)
    response = client.post("/admin/users/new", data=new_user_form(
        employee_no="12ab", name="钱六", role="team_lead", team="早班"))
    assert response.status_code == 422
    page = html(response)
    assert "工号为4至10位数字" in text_of(page, "employee_no-error")
    assert element(page, "employee_no")[0]["value"] == "12ab"
    assert element(page, "name")[0]["value"] == "钱六"
    assert element(page, "team")[0]["value"] == "早班"
    assert '<option selected value="team_lead">' in page or \
        re.search(r'<option[^>]*value="team_lead"[^>]*selected', page)
    assert element(page, "name-error") is None
    assert count(User) == users_before
    assert team_by_name("早班") is None


def test_duplicate_employee_no_is_refused(client, auth, make):
    existing = make.user("staff", name="原有用户")
    auth.login(make.user("admin"))
    response = client.post("/admin/users/new", data=new_user_form(
        employee_no=existing.employee_no, name="冒名者"))
    assert response.status_code == 422
    page = html(response)
    assert f"工号 {existing.employee_no} 已存在" in text_of(page, "employee_no-error")
    assert element(page, "name")[0]["value"] == "冒名者"
    assert user_by_no(existing.employee_no).name == "原有用户"


def test_a_new_user_needs_a_first_password(client, auth, make):
    auth.login(make.user("admin"))
    response = client.post("/admin/users/new", data=new_user_form(password=""))
    assert response.status_code == 422
    assert "请设置初始密码" in text_of(html(response), "password-error")
    assert user_by_no("300001") is None





def test_agent_without_a_team_is_refused_beside_the_team_field(client, auth, make):
    auth.login(make.user("admin"))
    response = client.post("/admin/users/new", data=new_user_form(team=""))
    assert response.status_code == 422
    assert user_by_no("300001") is None
    page = html(response)
    assert element(page, "employee_no-error") is None  # the employee no. is fine
    assert "必须归属一个班组" in text_of(page, "team-error")



def test_removing_an_agents_team_is_refused_beside_the_team_field(client, auth, make):
    agent = make.user("staff", name="李四")
    auth.login(make.user("admin"))
    response = client.post(f"/admin/users/{agent.id}", data={
        "name": "李四", "role": "staff", "team": "", "active": "y"})
    assert response.status_code == 422
    assert user_by_no(agent.employee_no).team is not None
    page = html(response)
    assert element(page, "name-error") is None  # the name is fine
    assert "必须归属一个班组" in text_of(page, "team-error")


def test_deactivating_a_user_signs_them_out_for_good(app, client, auth, make):
    agent = make.user("staff", name="李四")
    agent_browser = new_client(app)
    assert sign_in(agent_browser, agent.employee_no, make.PASSWORD).status_code == 303
    assert agent_browser.get("/tickets/").status_code == 200

    auth.login(make.user("admin"))
    form_page = html(client.get(f"/admin/users/{agent.id}"))
    assert "checked" in element(form_page, "active")[0]
    response = client.post(f"/admin/users/{agent.id}", data={
        "name": "李四", "role": "staff", "team": agent.team.name, "password": ""})
    assert response.status_code == 303
    assert "停用" in row_text(html(client.get("/admin/users")), agent.employee_no)

    assert is_sent_to_login(agent_browser.get("/tickets/"))
    response = sign_in(agent_browser, agent.employee_no, make.PASSWORD)
    assert response.status_code == 422
    assert "工号或密码错误" in text_of(html(response), "password-error")


def test_editing_a_name_keeps_the_user_signed_in(app, client, auth, make):
    agent = make.user("staff", name="李四")
    agent_browser = new_client(app)
    sign_in(agent_browser, agent.employee_no, make.PASSWORD)
    auth.login(make.user("admin"))
    response = client.post(f"/admin/users/{agent.id}", data={
        "name": "李思", "role": "staff", "team": agent.team.name, "active": "y"})
    assert response.status_code == 303
    page = html(agent_browser.get("/"))
    assert "李思" in page


def test_admin_resets_a_password(app, client, auth, make):
    agent = make.user("staff")
    auth.login(make.user("admin"))
    response = client.post(f"/admin/users/{agent.id}", data={
        "name": agent.name, "role": "staff", "team": agent.team.name, "active": "y",
        "password": "fresh-pass-789"})
    assert response.status_code == 303
    browser = new_client(app)
    assert sign_in(browser, agent.employee_no, make.PASSWORD).status_code == 422
    assert sign_in(browser, agent.employee_no, "fresh-pass-789").status_code == 303


def test_employee_no_cannot_be_changed_by_editing(client, auth, make):
    agent = make.user("staff")
    auth.login(make.user("admin"))
    client.post(f"/admin/users/{agent.id}", data={
        "employee_no": "999999", "name": agent.name, "role": "staff",
        "team": agent.team.name, "active": "y"})
    assert user_by_no(agent.employee_no) is not None
    assert user_by_no("999999") is None


def test_admin_creates_a_team_and_a_duplicate_is_refused(client, auth, make):
    auth.login(make.user("admin"))
    response = client.post("/admin/teams", data={"name": "  午班 "})
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/teams"
    page = html(client.get("/admin/teams"))
    assert "班组 午班 已创建" in text_of(page, "flash")
    assert row_text(page, "午班").split() == ["午班", "—", "0"]

    response = client.post("/admin/teams", data={"name": "午班"})
    assert response.status_code == 422
    page = html(response)
    assert "班组 午班 已存在" in text_of(page, "name-error")
    assert element(page, "name")[0]["value"] == "午班"
    db.session.rollback()
    assert len(db.session.scalars(select(Team).where(Team.name == "午班")).all()) == 1


def test_empty_team_name_is_refused(client, auth, make):
    auth.login(make.user("admin"))
    teams_before = count(Team)
    response = client.post("/admin/teams", data={"name": "   "})
    assert response.status_code == 422
    assert "此项必填" in text_of(html(response), "name-error")
    assert count(Team) == teams_before


def test_an_out_of_range_user_id_is_404(app, client, auth, make):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    auth.login(make.user("admin"))
    assert client.get("/admin/users/999999").status_code == 404
    assert client.get("/admin/users/99999999999999999999999").status_code == 404


def test_markup_in_names_is_shown_as_text(app, client, auth, make):
    auth.login(make.user("admin"))
    name = '<script>alert(1)</script>'
    team = '<div hx-get="/admin/users" hx-trigger="load">'
    response = client.post("/admin/users/new", data=new_user_form(
        name=name, role="team_lead", team=team))
    assert response.status_code == 303
    for url in ("/admin/users", "/admin/teams", f"/admin/users/{user_by_no('300001').id}"):
        page = html(client.get(url))
        assert "<script>alert(1)</script>" not in page and "<div hx-get" not in page, url
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page or "&lt;div hx-get" in page, url
    browser = new_client(app)
    sign_in(browser, "300001", "secret-123")
    page = html(browser.get("/"))
    assert "<script>alert(1)</script>" not in page and "<div hx-get" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.postgres
def test_a_name_with_a_direction_control_is_refused_beside_the_field(db_backend, client, auth,
                                                                     make):
    """王五\u202e321 would show as 王五123: names refuse direction controls, in Chinese beside
    the field, and everything typed comes back."""
    auth.login(make.user("admin"))
    users_before, teams_before = count(User), count(Team)
    spoofed, team = "王五\u202e321", "早班\u2066"
    response = client.post("/admin/users/new", data=new_user_form(name=spoofed, team=team))
    assert response.status_code == 422
    page = html(response)
    assert "文字方向控制字符" in text_of(page, "name-error")
    assert "文字方向控制字符" in text_of(page, "team-error")
    assert element(page, "employee_no")[0]["value"] == "300001"
    assert element(page, "name")[0]["value"] == spoofed
    assert element(page, "team")[0]["value"] == team
    assert (count(User), count(Team)) == (users_before, teams_before)

    agent = make.user("staff")
    response = client.post(f"/admin/users/{agent.id}", data=new_user_form(
        employee_no=agent.employee_no, name="赵\u200f六", team=agent.team.name, password=""))
    assert response.status_code == 422
    assert "文字方向控制字符" in text_of(html(response), "name-error")
    assert user_by_no(agent.employee_no).name == agent.name

    teams_before = count(Team)
    response = client.post("/admin/teams", data={"name": "午班\u202e"})
    assert response.status_code == 422
    assert "文字方向控制字符" in text_of(html(response), "name-error")
    assert element(html(response), "name")[0]["value"] == "午班\u202e"
    assert count(Team) == teams_before
