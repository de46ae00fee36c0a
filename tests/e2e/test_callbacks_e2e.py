"""The callback cycle in the browser (issue 17): the duty manager gives this week's callback to
a caller of the floor on 回访分配, the caller finds it in 我的回访, calls back and appends an
event graded 紧急, and the problem's two clocks count down on the contact page and in
我的回访."""
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from domain.survey import monday_of
from extensions import db
from models.survey import SurveyCategory, SurveyContact
from services.clock import local_today, utcnow, zone
from services.survey import contacts, records
from tests.factories import Factory

from .conftest import menu, shot

pytestmark = pytest.mark.e2e


def last_week_contact(checker):
    """A contact of last Tuesday, surveyed: its callback is due this Sunday."""
    day = monday_of(local_today()) - timedelta(days=6)
    at = datetime.combine(day, time(10), tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)
    contact = SurveyContact(channel="hotline", phone="13812345678", contact_at=at,
                            agent_no="200101", summary="专员语气生硬，问题未解决", score=2,
                            created_at=at, needs_survey=True, area="福田",
                            **contacts.dates_for(at))
    db.session.add(contact)
    db.session.commit()
    category = db.session.scalar(select(SurveyCategory).where(
        SurveyCategory.channel == "hotline", SurveyCategory.name == "服务态度"))
    records.confirm_review(contact.id, "survey", actor=checker, now=utcnow())
    records.record_survey(contact.id, resolved=False, category_id=category.id,
                          unresolved_issue="用户要求上门处理", needs_callback=True,
                          actor=checker, now=utcnow())
    return contact.id


def test_assignment_my_callbacks_and_a_graded_problems_clock(open_session, live_server):
    with live_server.app.app_context():
        make = Factory(utcnow())
        duty, caller = make.user("duty_manager"), make.user("staff", name="王芳")
        live_server.people["duty"] = (duty.employee_no, duty.name)
        live_server.people["caller"] = (caller.employee_no, caller.name)
        caller_no = caller.employee_no
        checker = db.session.scalar(select(type(duty)).where(
            type(duty).employee_no == live_server.people["checker"][0]))
        contact_id = last_week_contact(checker)
        db.session.remove()

    page = open_session("duty")
    menu(page, "回访分配")
    page.locator(f"#contact-{contact_id}").wait_for()
    page.locator("#by-count").get_by_label("回访人员").select_option(
        label=f"王芳 {caller_no} · 客服代表")
    page.locator("#by-count").get_by_label("数量").fill("1")
    page.locator("#by-count").get_by_role("button", name="分配").click()
    page.get_by_text("已分配 1 条回访。").wait_for()
    assert "王芳" in page.locator("#holdings").inner_text()
    shot(page, "50-callback-assignment")

    mine = open_session("caller")
    menu(mine, "我的回访")
    row = mine.locator(f"#contact-{contact_id}")
    assert "138****5678" in row.inner_text()
    row.get_by_role("link", name="回访").click()
    mine.locator("#confirm-callback-review").click()
    form = mine.locator("#callback-form")
    assert form.get_by_label("电话", exact=True).is_checked()  # the usual method, chosen
    form.get_by_label("事件已追加", exact=True).check()
    mine.locator("#score-field").get_by_label("9", exact=True).check()
    form.locator("#grade-field").get_by_label("紧急", exact=True).check()
    mine.fill("#note", "用户要求上门，已追加事件")
    mine.get_by_role("button", name="保存回访").click()
    problem = mine.locator("#problems article.problem").first
    problem.wait_for()
    assert "紧急" in problem.locator(".pill").first.inner_text()
    clocks = problem.locator("[data-deadline]")
    assert clocks.count() == 2  # diagnosis in 10 minutes, plan in 4 hours
    assert "剩余" in clocks.first.inner_text() or "分" in clocks.first.inner_text()
    shot(mine, "51-graded-problem")
    menu(mine, "我的回访")
    assert mine.locator(f"#contact-{contact_id} [data-deadline]").count() == 1
    shot(mine, "52-my-callbacks")
