"""Issue 16's workflows in a real browser: a checker issues a 督办单 that the recipient
answers from home; the owner writes a proposal from the dashboard's criterion row that the
group head acknowledges and decides; an agent posts a feedback note that the duty manager
marks discussed, and the agent sees what became of it."""
import re
from datetime import timedelta

import pytest

from extensions import db
from tests.factories import Factory

from .conftest import menu, shot

pytestmark = pytest.mark.e2e


def add_people(live_server, *roles):
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        for role in roles:
            user = make.user(role)
            live_server.people[role] = (user.employee_no, user.name)
        db.session.remove()


def judged_ticket(live_server, code="A1"):
    """A ticket judged by the world's checker with criterion `code`, as of now."""
    with live_server.app.app_context():
        from models import User
        from services import quality
        from services.clock import utcnow
        now = utcnow()
        make = Factory(now - timedelta(hours=1))
        checker = db.session.scalar(db.select(User).where(
            User.employee_no == live_server.people["checker"][0]))
        ticket = make.ticket("verifying", checker=checker, accused_no="180123")
        ids = [c.id for c in quality.active_criteria() if c.code == code]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=ids,
                      basis="录音中员工与客户争执", actor=checker, now=now)
        ticket_id, number = ticket.id, ticket.number
        db.session.remove()
    return ticket_id, number


def test_a_supervision_order_issued_and_answered(open_session, live_server):
    ticket_id, number = judged_ticket(live_server)
    checker = open_session("checker")
    checker.set_viewport_size({"width": 1366, "height": 768})
    checker.goto(f"{live_server.url}/tickets/{ticket_id}")
    checker.locator("#supervision summary").click()
    checker.get_by_label("督办事项").fill("请督促后台当班领班今日回电客户并反馈结果")
    checker.get_by_label("接收人（工号）").fill(live_server.people["lead"][0])
    checker.get_by_role("button", name="下达督办单").click()
    checker.wait_for_url(re.compile(r"#supervision$"))
    checker.locator("#supervision summary").click()   # the orders fold to one line
    checker.locator("#supervision-orders").wait_for()
    assert live_server.people["lead"][1] in checker.locator("#supervision-orders").inner_text()
    shot(checker, "60-supervision-on-ticket")

    lead = open_session("lead")
    assert "请督促后台当班领班" in lead.locator("#home-orders").inner_text()
    lead.locator("#home-orders").get_by_role("link", name="答复").click()
    lead.wait_for_url(re.compile(r"/supervision/\d+"))
    lead.get_by_label("对方答复").fill("已安排当班人员回电，客户已接受解释")
    lead.locator("#record-answer").get_by_role("button", name="记录答复").click()
    lead.wait_for_url(re.compile(r"/supervision/\d+$"))
    assert lead.locator("#order-state").inner_text() == "已答复"

    checker.goto(f"{live_server.url}/supervision?show=all")
    assert "已答复" in checker.locator("#supervision-list").inner_text()
    assert number in checker.locator("#supervision-list").inner_text()


def test_a_proposal_from_the_dashboard_is_decided(open_session, live_server):
    add_people(live_server, "owner", "group_head")
    _ticket_id, number = judged_ticket(live_server)
    owner = open_session("owner")
    menu(owner, "报表总览")
    owner.locator("#criterion-proposals").get_by_role("link", name="A1").click()
    assert number in owner.locator("#proposal-tickets").inner_text()
    owner.get_by_label("标题").fill("关于争执类投诉的建议")
    owner.locator("#body").fill("建议对资费解释环节加强话术培训")
    owner.get_by_role("button", name="上报").click()
    owner.wait_for_url(re.compile(r"/proposals/\d+$"))
    assert owner.locator("#proposal-state").inner_text() == "已上报"

    head = open_session("group_head")
    head.locator("#home-proposals").get_by_role("link", name="关于争执类投诉的建议").click()
    head.get_by_role("button", name="签收").click()
    head.locator("#flash .flash.success").wait_for()
    head.get_by_label("部分采纳").check()
    head.get_by_label("备注").fill("先在一班试行")
    head.get_by_role("button", name="记录批复").click()
    head.locator("#flash .flash.success").wait_for()
    history = head.locator("#review-group_head").inner_text()
    assert "部分采纳" in history and "先在一班试行" in history
    shot(head, "61-proposal-decided")


def test_a_feedback_note_reviewed_the_next_morning(open_session, live_server):
    add_people(live_server, "duty_manager")
    agent = open_session("agent")
    agent.get_by_label("今天通话中发现了什么问题？").fill("客户对赠品领取方式有疑问")
    agent.get_by_role("button", name="提交便签").click()
    agent.locator("#flash .flash.success").wait_for()
    assert "待处理" in agent.locator("#home-my-notes").inner_text()

    duty = open_session("duty_manager")
    menu(duty, "预警")
    menu(duty, "服务反馈便签")
    duty.wait_for_url(re.compile(r"/notes$"))
    today = duty.locator("#day").get_attribute("max")
    duty.locator("#day").fill(today)
    duty.get_by_role("button", name="查看").click()
    row = duty.locator("#note-rows tr", has_text="客户对赠品领取方式有疑问")
    row.get_by_label("说明").fill("早会已讨论")
    row.get_by_role("button", name="已讨论").click()
    duty.locator("#flash .flash.success").wait_for()
    shot(duty, "62-notes-review")

    agent.reload()
    mine = agent.locator("#home-my-notes").inner_text()
    assert "已讨论" in mine and "早会已讨论" in mine
