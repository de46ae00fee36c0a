"""The survey and callback cycle in the browser: a checker imports last week's dissatisfied
contacts (one bad row named in the preview), surveys one with its handling script beside the
form, calls back with a score of 6 (the reason is required), the duty manager sees the remedy
task with its two clocks, and the owner's KPI page shows the figures."""
from datetime import timedelta

import pytest

from domain.survey import monday_of
from extensions import db
from services.clock import local_today
from tests.factories import Factory

from .conftest import menu, shot

pytestmark = pytest.mark.e2e


def test_import_survey_callback_remedy_kpis(open_session, live_server, tmp_path):
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        for role, key in (("owner", "owner"), ("duty_manager", "duty")):
            user = make.user(role)
            live_server.people[key] = (user.employee_no, user.name)
        today = local_today()
        day = (monday_of(today) - timedelta(days=6)).isoformat()  # last Tuesday
        db.session.remove()
    upload = tmp_path / "last-week.csv"
    upload.write_text("客户电话,渠道,接触时间,工号,问题摘要,满意度\n"
                      f"13812345678,热线,{day} 10:15,200101,专员语气生硬，问题未解决,2\n"
                      f"123,热线,{day} 11:00,200101,号码不完整,3\n", encoding="utf-8")

    page = open_session("checker")
    menu(page, "调研")
    page.get_by_role("link", name="导入不满意用户").click()
    page.set_input_files("#file", str(upload))
    page.get_by_role("button", name="检查文件").click()
    page.locator("#bad-rows").get_by_text("客户电话不是有效号码").wait_for()
    assert page.locator("#rows-new .n").inner_text() == "1"
    page.locator("#confirm-import").click()
    page.get_by_text("已导入 1 位不满意用户").wait_for()

    menu(page, "调研")
    row = page.locator("#queue-rows tbody tr", has_text="138****5678")
    row.get_by_role("link", name="调研").click()
    page.locator("#confirm-survey-review").click()
    page.locator("#survey-form").wait_for()
    page.wait_for_load_state("load")  # htmx (a deferred script) listens before we choose
    page.get_by_label("未解决", exact=True).check()
    page.select_option("#category", label="服务态度")
    page.locator("#script-text").get_by_text("深表歉意").wait_for()  # the script, beside
    shot(page, "40-survey-script")
    page.fill("#unresolved_issue", "用户仍要求解释资费")
    page.locator("#needs_callback-field").get_by_label("需回访", exact=True).check()
    page.get_by_role("button", name="保存调研").click()
    page.locator("#survey-record").wait_for()

    page.locator("#confirm-callback-review").click()
    page.locator("#callback-form").get_by_label("接受", exact=True).check()
    page.locator("#score-field").get_by_label("6", exact=True).check()
    page.get_by_role("button", name="保存回访").click()
    page.locator("#reason-error").wait_for()  # below 8: the reason is required
    page.locator("#grade-error").wait_for()  # and the remedy task is a problem to grade
    page.fill("#reason", "等待时间太长，仍不满意")
    page.locator("#callback-form #grade-field").get_by_label("一般", exact=True).check()
    page.get_by_role("button", name="保存回访").click()
    page.locator("#callback-records").get_by_text("等待时间太长").wait_for()
    page.locator("#remedies").wait_for()

    duty = open_session("duty")
    menu(duty, "补救任务")
    task = duty.locator("section[id^=task-]").first
    task.get_by_text("评分 6").wait_for()
    assert task.locator("[data-deadline]").count() == 2  # 1 hour and 3 working days
    shot(duty, "41-remedy-task")
    task.locator("textarea").fill("已致电用户致歉")
    task.get_by_role("button", name="已联系用户").click()
    duty.get_by_text("已记录联系用户").wait_for()

    owner = open_session("owner")
    owner.goto(live_server.url + f"/survey/kpis?period=week&date={today.isoformat()}")
    assert "1 ÷ 1" in owner.locator("#kpi-completion").inner_text()
    assert owner.locator("#kpi-satisfaction .n").inner_text() == "0.0%"
    assert "0 ÷ 1" in owner.locator("#kpi-resolution").inner_text()
    shot(owner, "42-callback-kpis")
