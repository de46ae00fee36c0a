"""The wallboard in a real browser: the administrator makes a screen link and lowers a
threshold; the screen, opened without signing in, shows that indicator red; revoked, the link
shows nothing."""
import re

import pytest

from extensions import db
from tests.factories import Factory

from .conftest import menu

pytestmark = pytest.mark.e2e


def test_a_threshold_turns_an_indicator_red_on_the_screen(open_session, live_server, browser):
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        _lead, agent = make.team_with_lead()
        make.ticket(submitter=agent)           # one ticket waiting for its lead's review
        admin = make.user("admin")
        live_server.people["admin"] = (admin.employee_no, admin.name)
        db.session.remove()

    setup = open_session("admin")
    setup.goto(f"{live_server.url}/wallboard/setup")
    setup.get_by_label("大屏名称（所在位置）").fill("一楼大屏")
    setup.get_by_role("button", name="生成大屏链接").click()
    link = re.search(r"http://\S+/wallboard/s/\S+",
                     setup.locator("#new-screen-link").inner_text()).group(0)

    screen = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    board = screen.new_page()
    board.goto(link)
    tile = board.locator("#tile-review-waiting")
    assert tile.get_attribute("data-red") == "false"
    assert "1" in tile.locator(".tile-value").inner_text()

    setup.goto(f"{live_server.url}/wallboard/setup")
    setup.get_by_label("待领班审核").fill("0")
    setup.locator("#thresholds").get_by_role("button", name="保存").click()
    setup.locator("#flash .flash.success").wait_for()

    board.reload()
    assert tile.get_attribute("data-red") == "true"
    assert "超出阈值" in tile.inner_text()
    assert "red" in tile.get_attribute("class").split()

    setup.goto(f"{live_server.url}/wallboard/setup")
    setup.locator("#screens").get_by_role("button", name="停用").click()
    setup.locator("#flash .flash.success").wait_for()
    assert board.goto(link).status == 404
    screen.close()


def test_from_the_breakdown_by_agent_to_the_agents_page(open_session, live_server):
    """Management picks 按被投诉员工 (the page updates in place) and opens an agent's figures;
    the agent finds the same page from their home."""
    with live_server.app.app_context():
        from services import quality
        from services.clock import utcnow
        make = Factory(utcnow())
        lead, filer = make.team_with_lead()
        _lead_b, accused = make.team_with_lead()
        checker = make.user("checker")
        owner = make.user("owner")
        ticket = make.ticket("verifying", submitter=filer, lead=lead, checker=checker,
                             accused_no=accused.employee_no)
        a1 = [c.id for c in quality.active_criteria() if c.code == "A1"]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=a1,
                      basis="录音", actor=checker, now=make.now)
        for key, user in (("owner", owner), ("accused", accused)):
            live_server.people[key] = (user.employee_no, user.name)
        db.session.remove()

    manager = open_session("owner")
    manager.goto(f"{live_server.url}/reports")
    manager.get_by_label("分组统计").select_option("accused")
    manager.locator("#breakdown").get_by_role("link", name=re.compile(accused.employee_no)).click()
    assert "员工判责统计" in manager.locator("h1").inner_text()
    assert "100%" in manager.locator("#agent-rate").inner_text()

    agent = open_session("accused")
    menu(agent, "我的判责统计")
    assert accused.employee_no in agent.locator("h1").inner_text()
    assert "A1" in agent.locator("#agent-criteria").inner_text()
