"""The quality team's flow in a real browser: the lead signs, a checker claims, notifies the
back office, judges, fails to reach the customer on three different days (the reply panel
counting them), sends the SMS reply, and the ticket closes by itself after the appeal
window."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from .conftest import menu, shot

pytestmark = pytest.mark.e2e

DAY = 24 * 3600


def test_checker_flow_from_claim_to_closing(open_session, live_server):
    base = live_server.url
    agent = open_session("agent")
    menu(agent, "新建工单")
    agent.get_by_label("受理号码").fill("13812345678")
    agent.get_by_label("联系电话").fill("13912345678")
    agent.get_by_label("投诉内容").fill("客户投诉后台员工处理宽带故障时态度恶劣。")
    agent.get_by_label("被投诉工号").fill("110234")
    agent.locator("#ticket-form").get_by_role("button", name="提交").click()
    agent.wait_for_url(re.compile(r"/tickets/\d+$"))
    number = agent.locator("#ticket-number").inner_text()

    lead = open_session("lead")
    menu(lead, "待审核")
    lead.locator("#queue-rows tr", has_text=number).get_by_role("button", name="签字确认").click()
    lead.locator("#flash .flash.success").wait_for()

    checker = open_session("checker")
    checker.set_viewport_size({"width": 1366, "height": 768})
    menu(checker, "自控队列")
    checker.get_by_label("搜索").fill(number[-4:])
    row = checker.locator("#quality-rows tr", has_text=number)
    row.wait_for()
    assert checker.locator("#quality-rows tbody tr").count() >= 1
    shot(checker, "10-quality-queue")
    row.get_by_role("button", name="认领").click()
    checker.wait_for_url(re.compile(r"/tickets/\d+"))
    assert "89087814" in checker.locator("#whom-to-call").inner_text()

    checker.get_by_label("对方领班姓名").fill("钱七")
    checker.get_by_role("button", name="记录通知").click()
    checker.locator("#judge-form").wait_for()   # the judgement is the step at hand now
    assert "钱七" in checker.locator("#notifying > summary").inner_text()   # the call, one line

    judge = checker.locator("#judge-form")
    judge.get_by_label("态度类").check()
    judge.get_by_label(re.compile("^A2")).check()
    judge.get_by_label("成立", exact=True).check()
    judge.get_by_role("button", name="提交判责").click()
    error = checker.locator("#basis-error")
    error.wait_for()                                 # the basis is mandatory
    assert judge.get_by_label("态度类").is_checked()  # what was chosen is kept
    checker.locator("#judge-form").get_by_label("判定依据").fill("录音02:10处员工反问并训斥客户。")
    checker.locator("#judge-form").get_by_role("button", name="提交判责").click()
    checker.locator("#judgement").wait_for()
    assert "成立" in checker.locator("#judgement").inner_text()

    def fail_to_reach():
        attempt = checker.locator("#attempt-form")
        attempt.get_by_label("未联系上").check()
        attempt.get_by_label("备注").fill("关机")
        attempt.get_by_role("button", name="记录联系").click()
        checker.locator("#attempts").wait_for()

    assert checker.locator("#follow-up-days").inner_text() == "已尝试 0/3 天"
    fail_to_reach()
    assert checker.locator("#follow-up-days").inner_text() == "已尝试 1/3 天"
    assert "还需在2个不同日期外呼" in checker.locator("#follow-up-next").inner_text()
    assert checker.locator("#sms-kind").input_value() == "notice"  # a notice, not yet a reply
    shot(checker, "11-ticket-judged")
    # a second call on the same local day (the server runs on the real time)
    local_now = datetime.now(ZoneInfo(live_server.app.config["TIMEZONE"]))
    to_midnight = (24 * 3600 - local_now.hour * 3600 - local_now.minute * 60
                   - local_now.second)
    live_server.app.config["CLOCK_OFFSET_SECONDS"] = min(3600, to_midnight // 2)
    checker.reload()
    fail_to_reach()
    assert checker.locator("#follow-up-days").inner_text() == "已尝试 1/3 天"
    live_server.app.config["CLOCK_OFFSET_SECONDS"] = DAY        # the next day
    checker.reload()
    fail_to_reach()
    assert checker.locator("#follow-up-days").inner_text() == "已尝试 2/3 天"
    assert "或之后的另一天再外呼一次" in checker.locator("#follow-up-next").inner_text()
    shot(checker, "11b-follow-up-two-days")
    live_server.app.config["CLOCK_OFFSET_SECONDS"] = 2 * DAY    # the third day
    checker.reload()
    fail_to_reach()
    assert checker.locator("#follow-up-days").inner_text() == "已尝试 3/3 天"

    live_server.app.config["CLOCK_OFFSET_SECONDS"] = 2 * DAY + 600
    checker.reload()
    sms = checker.locator("#sms-form")
    sms.get_by_label("短信内容").fill("您的投诉成立，请致电10010。")
    sms.get_by_role("button", name="发送短信").click()
    checker.locator("#text-error").wait_for()        # the verdict may not be in an SMS
    sms = checker.locator("#sms-form")
    assert sms.get_by_label("短信类型").input_value() == "reply"
    sms.get_by_label("短信内容").fill("您好，您反映的问题已处理完毕，请致电10010查询处理结果。")
    sms.get_by_role("button", name="发送短信").click()
    checker.locator("#sms-list").wait_for()
    assert "已回复" in checker.locator("#reply").inner_text()

    live_server.app.config["CLOCK_OFFSET_SECONDS"] = 6 * DAY
    agent.goto(base + "/")  # nobody clicks "close": reading the ticket runs the same check
    menu(agent, "我的工单")
    agent.locator("#ticket-rows").get_by_role("link", name=number).click()
    assert "已结案" in agent.locator("h1").inner_text()
    assert "成立" in agent.locator("#judgement").inner_text()
    shot(agent, "12-agent-sees-closed")


def test_queue_shows_more_in_place_and_search_still_pushes_the_url(open_session, live_server,
                                                                   monkeypatch):
    from playwright.sync_api import expect

    from extensions import db
    from services import quality
    from services.clock import utcnow
    from tests.factories import Factory

    monkeypatch.setattr(quality, "QUEUE_PAGE", 2)
    with live_server.app.app_context():
        make = Factory(utcnow())
        numbers = [make.ticket("handed_over", accused_no=no).number
                   for no in ("110234", "200333", "110235", "200334", "110236")]
        db.session.remove()

    checker = open_session("checker")
    menu(checker, "自控队列")
    rows = checker.locator("#quality-rows tbody tr:not(#quality-more)")
    expect(rows).to_have_count(2)
    assert checker.locator("#quality-count").inner_text() == "5"
    url = checker.url
    checker.get_by_role("link", name="显示更多").click()
    expect(rows).to_have_count(4)
    checker.get_by_role("link", name="显示更多").click()
    expect(rows).to_have_count(5)
    expect(checker.locator("#quality-more")).to_have_count(0)
    assert checker.url == url                                  # appending is not a new page
    shown = checker.locator("#quality-rows tbody td:first-child a").all_inner_texts()
    assert shown == numbers
    assert checker.locator("#quality-rows .due").count() == 5  # countdowns on every row
    shot(checker, "13-quality-queue-more")

    checker.get_by_label("搜索").fill(numbers[3])
    checker.wait_for_url(re.compile(r"q=" + numbers[3]))
    expect(rows).to_have_count(1)
    assert numbers[3] in rows.first.inner_text()
    rows.first.get_by_role("button", name="认领").click()    # CSRF and version are on the row
    checker.wait_for_url(re.compile(r"/tickets/\d+"))
    assert "核实中" in checker.locator("h1").inner_text()
