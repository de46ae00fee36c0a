"""The first slice in a real browser: an agent files, the lead returns, the agent resubmits,
the lead signs, and the ticket is on the handover table."""
import re

import pytest

from .conftest import menu, shot

pytestmark = pytest.mark.e2e


def file_ticket(page, base):
    menu(page, "新建工单")
    page.get_by_label("受理号码").fill("138 1234 5678")
    page.get_by_label("联系电话").fill("+86 139-1234-5678")
    page.get_by_label("投诉内容").fill("客户投诉客服代表态度生硬，未解释资费变更原因。")
    page.get_by_label("用户要求").fill("要求道歉并说明资费")
    shot(page, "01-agent-form")
    page.locator("#ticket-form").get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/tickets/\d+$"))
    number = page.locator("#ticket-number").inner_text()
    assert re.fullmatch(r"ZK-\d{8}-\d{4}", number)
    return number


def test_file_return_resubmit_sign_and_find_on_handover_table(open_session, live_server):
    base = live_server.url
    agent = open_session("agent")

    # a bad phone number comes back beside the field, with what was typed kept
    menu(agent, "新建工单")
    agent.get_by_label("受理号码").fill("138-1234-567")
    agent.get_by_label("投诉内容").fill("客户投诉内容测试")
    agent.locator("#ticket-form").get_by_role("button", name="提交").click()
    expect_error = agent.locator("#caller_number-error")
    expect_error.wait_for()
    assert "11位手机号" in expect_error.inner_text()
    assert agent.get_by_label("受理号码").input_value() == "138-1234-567"
    assert agent.get_by_label("投诉内容").input_value() == "客户投诉内容测试"
    shot(agent, "02-agent-form-errors")

    number = file_ticket(agent, base)
    menu(agent, "我的工单")
    assert number in agent.locator("#ticket-rows").inner_text()
    assert "138****5678" in agent.locator("#ticket-rows").inner_text()

    lead = open_session("lead")
    menu(lead, "待审核")
    row = lead.locator("#queue-rows tr", has_text=number)
    assert row.count() == 1
    shot(lead, "03-lead-queue")
    row.get_by_role("link", name="退回").click()
    lead.get_by_label("被投诉工号").check()
    lead.get_by_label("给员工的说明").fill("请补充被投诉工号")
    lead.get_by_role("button", name="退回").click()
    lead.locator("#return-notice").wait_for()

    agent.goto(base + "/")
    agent.locator("#returned").get_by_role("link", name="修改并重新提交").click()
    assert "被投诉工号" in agent.locator("#return-notice").inner_text()
    agent.get_by_label("被投诉工号").fill("180123")
    agent.get_by_role("button", name="重新提交").click()
    agent.wait_for_url(re.compile(r"/tickets/\d+$"))
    assert "待领班审核" in agent.locator("h1").inner_text()

    menu(lead, "待审核")
    row = lead.locator("#queue-rows tr", has_text=number)
    row.get_by_role("button", name="签字确认").click()  # back to the queue (its `next`)
    lead.locator("#flash .flash.success").wait_for()
    assert lead.locator("#queue-rows tr", has_text=number).count() == 0
    assert lead.url.endswith("/review")

    menu(lead, "交接表")
    table = lead.locator("#handover-rows")
    assert number in table.inner_text()
    lead_no, lead_name = live_server.people["lead"]
    assert lead_name in table.inner_text() and lead_no in table.inner_text()
    shot(lead, "04-handover-table")

    menu(agent, "我的工单")
    agent.locator("#ticket-rows").get_by_role("link", name=number).click()
    timeline = agent.locator("#timeline").inner_text()
    for step in ("已提交", "已退回员工", "已重新提交", "已签字交接"):
        assert step in timeline
    shot(agent, "05-ticket-timeline")


def test_the_flow_works_with_javascript_off(open_session, live_server):
    agent = open_session("agent", javascript=False)
    number = file_ticket(agent, live_server.url)
    lead = open_session("lead", javascript=False)
    menu(lead, "待审核")
    lead.locator("#queue-rows tr", has_text=number).get_by_role("button", name="签字确认").click()
    lead.wait_for_url(live_server.url + "/review")
    assert lead.locator("#queue-rows tr", has_text=number).count() == 0
    menu(lead, "交接表")
    assert number in lead.locator("#handover-rows").inner_text()
