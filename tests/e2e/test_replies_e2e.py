"""白名单回复记录 in a real browser at 1366×768, in Chinese: the list narrowed by a filter in
place (the address follows), the print view laid out on A4 landscape, and the decision on an
escalated customer as the duty manager sees it."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from extensions import db
from tests.factories import Factory

from .conftest import menu, shot

pytestmark = pytest.mark.e2e


def seed(live_server):
    """Three tickets signed over today: one answered by SMS after three days of calls (so
    signed over three days ago), one by phone, one escalated and waiting for a decision."""
    from services import quality
    from services.clock import utcnow
    now = utcnow()
    with live_server.app.app_context():
        make = Factory(now - timedelta(days=3))
        checker = make.user("checker", name="赵敏")
        criteria = [c.id for c in quality.active_criteria() if c.code == "A2"]
        sms = make.ticket("verifying", checker=checker, accused_no="200333",
                          contact_number="13912345678")
        quality.judge(sms.id, kind="attitude", verdict="established", criteria_ids=criteria,
                      basis="录音01:20处员工反问客户“你听不懂吗”。", actor=checker,
                      now=make.now + timedelta(hours=1))
        for day in range(3):
            at = make.now + timedelta(days=day, hours=2)
            quality.log_attempt(sms.id, at=at, reached=False, note="关机", actor=checker, now=at)
        quality.send_sms(sms.id, kind="reply", text="您反映的问题已处理完毕，请致电10010查询结果。",
                         actor=checker, now=make.now + timedelta(days=2, hours=3))
        phone = make.ticket("verifying", checker=checker, accused_no="180111",
                            contact_number="13700001111")
        at = make.now + timedelta(hours=5)
        quality.log_attempt(phone.id, at=at, reached=True, note="已向用户说明核实结果",
                            actor=checker, now=at)
        quality.complete_reply(phone.id, method="phone", note="用户表示理解", actor=checker,
                               now=at)
        hard = make.ticket("verifying", checker=checker, accused_no="200444")
        quality.escalate(hard.id, note="该用户一月内第五次投诉，要求赔偿", actor=checker,
                         now=make.now + timedelta(hours=6))
        owner = make.user("owner", name="周强")
        duty = make.user("duty_manager", name="孙丽")
        live_server.people.update(owner=(owner.employee_no, owner.name),
                                  duty=(duty.employee_no, duty.name))
        numbers = {"sms": sms.number, "phone": phone.number, "hard": hard.id}
        db.session.remove()
    return numbers


def test_reply_record_page_filter_print_and_decision(open_session, live_server):
    tickets = seed(live_server)
    page = open_session("owner")
    page.set_viewport_size({"width": 1366, "height": 768})
    menu(page, "回复记录")
    page.wait_for_load_state("load")
    table = page.locator("#reply-table")
    expect(table.get_by_text(tickets["sms"])).to_be_visible()
    expect(table.get_by_text(tickets["phone"])).to_be_visible()
    assert "139****5678" in table.inner_text() and "13912345678" not in page.content()
    # the table fits the page: no sideways scrolling at 1366 px
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "40-reply-record")

    page.select_option("#method", "sms")
    expect(page).to_have_url(re.compile("method=sms"))
    expect(table.get_by_text(tickets["phone"])).to_have_count(0)
    expect(page.locator("#reply-table").get_by_text(tickets["sms"])).to_be_visible()

    page.get_by_role("link", name="打印版").click()
    page.locator("#reply-print").wait_for()
    assert "短信" in page.locator("#print-scope").inner_text()
    shot(page, "41-reply-record-print")
    page.emulate_media(media="print")
    assert page.locator(".topbar").is_hidden()
    page.set_viewport_size({"width": 1123, "height": 794})   # A4 landscape at 96 dpi
    shot(page, "41b-reply-record-as-printed")
    pdf = page.pdf(prefer_css_page_size=True)
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    width, height = float(box.group(1)), float(box.group(2))
    assert (round(width), round(height)) == (842, 595)   # A4 landscape, in points

    duty = open_session("duty")
    duty.set_viewport_size({"width": 1366, "height": 768})
    duty.goto(f"{live_server.url}/tickets/{tickets['hard']}")
    card = duty.locator("#reply-decision")
    card.get_by_role("button", name="记录决定").click()
    expect(duty.locator("#decision-note-error")).to_be_visible()
    card = duty.locator("#reply-decision")
    card.get_by_label("短信").check()
    owner_no, owner_name = live_server.people["owner"]
    card.get_by_label("回复人").select_option(label=f"{owner_name} {owner_no}")
    card.get_by_label("决定理由").fill("长期投诉，改为短信回复，由负责人处理")
    card.get_by_role("button", name="记录决定").click()
    expect(duty.locator("#reply-decision-current")).to_contain_text("周强")
    shot(duty, "42-reply-decision")
