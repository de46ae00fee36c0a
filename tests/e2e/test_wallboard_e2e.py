"""The wallboard in a real browser: the administrator makes a screen link and lowers a
threshold; the screen, opened without signing in, shows that indicator red; revoked, the link
shows nothing."""
import re

import pytest

from extensions import db
from tests.factories import Factory

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
