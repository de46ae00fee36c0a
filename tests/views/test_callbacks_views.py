"""The callback cycle's pages (issue 17) through the test client: callbacks given on 回访分配
and worked from 我的回访 by a caller of the floor, the queue showing who holds what, the
record's method and masked name, the closing lines from the settings, a graded problem's
clocks and forms on the contact page, the published ranking, the monthly analysis and a
supervision order issued from a contact."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import Announcement, SupervisionOrder
from models.callbacks import ContactProblem, MonthlyFinding
from models.survey import SurveyContact
from services.survey import records

from ._support import element, html
from .test_survey_views import category_id, new_contact


@pytest.fixture
def checker(make):
    return make.user(Role.CHECKER)


@pytest.fixture
def duty(make):
    return make.user(Role.DUTY_MANAGER)


def surveyed(checker, now, phone="13800000001"):
    contact_id = new_contact(phone=phone)
    records.confirm_review(contact_id, "survey", actor=checker, now=now)
    records.record_survey(contact_id, resolved=False,
                          category_id=category_id("hotline", "服务态度"),
                          unresolved_issue="未解决", needs_callback=True, actor=checker, now=now)
    return contact_id


def test_a_caller_of_the_floor_works_from_my_callbacks(client, auth, checker, duty, make, now):
    caller = make.user(Role.STAFF, name="王芳")
    mine, other = surveyed(checker, now), surveyed(checker, now, phone="13800000002")
    auth.login(duty)
    page = html(client.get("/survey/assign"))
    assert element(page, f"contact-{mine}") is not None and element(page, "by-count")
    given = client.post("/survey/assign/count", data={"caller": str(caller.id), "count": "1"})
    assert given.status_code == 303
    auth.logout()
    auth.login(caller)
    assert "我的回访" in html(client.get("/"))  # in the menu
    listed = html(client.get("/survey/mine"))
    assert element(listed, f"contact-{mine}") is not None
    assert element(listed, f"contact-{other}") is None
    assert client.get(f"/survey/contacts/{other}").status_code == 404
    page = html(client.get(f"/survey/contacts/{mine}"))
    assert element(page, "confirm-callback-review") is not None
    assert element(page, "marks-form") is None  # the survey's work is not theirs
    client.post(f"/survey/contacts/{mine}/review", data={"part": "callback"})
    done = client.post(f"/survey/contacts/{mine}/callback", data={
        "method": "sms", "customer_name": "李小龙", "outcome": "satisfied", "score": "9"})
    assert done.status_code == 303
    auth.logout()
    auth.login(checker)
    queue = html(client.get("/survey/callbacks?show=done", headers={"HX-Request": "true"}))
    assert "王芳" in queue and "李**" in queue and "李小龙" not in queue
    contact_page = html(client.get(f"/survey/contacts/{mine}"))
    assert "短信" in element(contact_page, "callback-records")[1]
    assert "李小龙" not in contact_page
    revealed = html(client.post(f"/survey/contacts/{mine}/reveal",
                                headers={"HX-Request": "true"}))
    assert "李小龙" in revealed and "13800000001" in revealed


def test_a_callback_given_again_and_never_to_its_subject(client, auth, checker, duty, make, now):
    first, second = make.user(Role.STAFF), make.user(Role.STAFF, employee_no="200101")
    contact_id = surveyed(checker, now)  # a complaint about agent 200101
    auth.login(duty)
    refused = client.post(f"/survey/assign/{contact_id}", data={
        f"a{contact_id}-caller": str(second.id)})
    assert refused.status_code == 422
    assert element(html(refused), f"a{contact_id}-caller-error") is not None
    assert client.post(f"/survey/assign/{contact_id}", data={
        f"a{contact_id}-caller": str(first.id)}).status_code == 303
    other = make.user(Role.CHECKER)
    assert client.post(f"/survey/assign/{contact_id}", data={
        f"a{contact_id}-caller": str(other.id)}).status_code == 303
    db.session.rollback()
    assert db.session.get(SurveyContact, contact_id).caller_id == other.id
    holdings = html(client.get("/survey/assign"))
    assert element(holdings, f"holding-{other.id}") is not None


def test_the_closing_lines_are_the_seeds_and_editable(client, auth, checker, make, now):
    contact_id = new_contact()
    auth.login(checker)
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert "非常抱歉打扰到您，祝您生活愉快，再见！" in element(page, "closing-goodbye")[1]
    assert "请您保持联系方式的畅通" in element(page, "closing-recorded")[1]
    auth.logout()
    auth.login(make.user(Role.ADMIN))
    form = {"general_diagnosis": "30", "general_plan": "1", "important_diagnosis": "120",
            "important_plan": "24", "urgent_diagnosis": "10", "urgent_plan": "4",
            "recorded": "您的问题已记录，回访专员会联系您。", "goodbye": "感谢您的耐心，再见！",
            "floor": "80"}
    assert client.post("/survey/config/callbacks", data={**form, "goodbye": ""}).status_code \
        == 422
    assert client.post("/survey/config/callbacks", data=form).status_code == 303
    auth.logout()
    auth.login(checker)
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert "感谢您的耐心，再见！" in element(page, "closing-goodbye")[1]


def test_a_graded_problem_shows_its_clocks_and_takes_its_steps(client, auth, checker, duty,
                                                               now):
    contact_id = surveyed(checker, now)
    auth.login(checker)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "callback"})
    ungraded = client.post(f"/survey/contacts/{contact_id}/callback", data={
        "method": "phone", "outcome": "appended", "score": "9", "note": "已追加事件"})
    assert ungraded.status_code == 422 and element(html(ungraded), "grade-error") is not None
    assert client.post(f"/survey/contacts/{contact_id}/callback", data={
        "method": "phone", "outcome": "appended", "score": "9", "note": "已追加事件",
        "grade": "important"}).status_code == 303
    problem = db.session.scalar(select(ContactProblem))
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert 'data-deadline' in element(page, f"problem-{problem.id}-diagnosis")[1] or \
        "data-deadline" in page
    assert element(page, f"problem-{problem.id}") is not None
    auth.logout()
    auth.login(duty)
    lowered = client.post(f"/survey/problems/{problem.id}/grade", data={
        f"g{problem.id}-grade": "general", f"g{problem.id}-reason": ""})
    assert lowered.status_code == 422
    assert element(html(lowered), f"g{problem.id}-reason-error") is not None
    assert client.post(f"/survey/problems/{problem.id}/diagnosis", data={
        f"p{problem.id}-note": "后台配置错误"}).status_code == 303
    listed = html(client.get("/survey/problems"))
    assert element(listed, f"problem-row-{problem.id}") is not None
    link = client.get(f"/survey/problems/{problem.id}")  # the alerts' link
    assert link.status_code == 303
    assert link.headers["Location"].endswith(f"/survey/contacts/{contact_id}#problem-{problem.id}")


def test_the_survey_form_offers_an_alternative_and_appends_an_event(client, auth, checker):
    contact_id = new_contact()
    auth.login(checker)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "survey"})
    base = {"resolved": "no", "category": category_id("hotline", "回访结果"),
            "unresolved_issue": "对回访结果不满意", "needs_callback": "yes",
            "alternative": "改为上门处理", "alternative_accepted": "no"}
    refused = client.post(f"/survey/contacts/{contact_id}/survey", data=base)
    assert refused.status_code == 422
    assert element(html(refused), "append_event-error") is not None
    done = client.post(f"/survey/contacts/{contact_id}/survey", data={
        **base, "append_event": "y", "event": "重新核实扣费", "grade": "general"})
    assert done.status_code == 303
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert "改为上门处理" in element(page, "survey-record")[1]
    assert element(page, "problems") is not None


def test_the_ranking_is_published_to_the_floor(client, auth, checker, duty, make, now):
    caller = make.user(Role.STAFF, name="张伟")
    contact_id = surveyed(checker, now)
    from services.survey import assignments
    assignments.assign(contact_id, caller.id, actor=duty, now=now)
    later = now + timedelta(days=4)
    records.confirm_review(contact_id, "callback", actor=caller, now=later)
    records.record_callback(contact_id, method="phone", outcome="satisfied", score=10,
                            reason="", note="", actor=caller, now=later)
    auth.login(duty)
    kpi = html(client.get("/survey/kpis?period=month&date=2026-11-23"))
    assert "张伟" in element(kpi, "ranking")[1] and element(kpi, "publish-form") is not None
    published = client.post("/survey/ranking/publish", data={"month": "2026-11",
                                                             "announce": "y"})
    assert published.status_code == 303
    assert published.headers["Location"].endswith("/survey/ranking?month=2026-11")
    assert db.session.scalar(select(Announcement)).title.startswith("2026-11")
    auth.logout()
    auth.login(caller)
    page = html(client.get("/survey/ranking"))
    assert "张伟" in element(page, "rank-1")[1] and element(page, "ranking-formulas")


def test_the_monthly_analysis_page(client, auth, checker, duty, make, now):
    contact_id = surveyed(checker, now)
    later = now + timedelta(days=4)
    records.confirm_review(contact_id, "callback", actor=checker, now=later)
    records.record_callback(contact_id, method="phone", outcome="accepted", score=4,
                            reason="差", note="", grade="general", actor=checker, now=later)
    auth.login(duty)
    page = html(client.get("/survey/analysis?month=2026-11"))
    category = category_id("hotline", "服务态度")
    row = element(page, f"row-c{category}")
    assert row is not None and "flagged" in row[0].get("class", "")
    empty = client.post(f"/survey/analysis/findings?month=2026-11&row=c{category}", data={
        f"c{category}-kind": "category", f"c{category}-key": "hotline:服务态度"})
    assert empty.status_code == 422
    saved = client.post(f"/survey/analysis/findings?month=2026-11&row=c{category}", data={
        f"c{category}-kind": "category", f"c{category}-key": "hotline:服务态度",
        f"c{category}-root_cause": "话术生硬", f"c{category}-action": "专项培训"})
    assert saved.status_code == 303
    assert db.session.scalar(select(MonthlyFinding)).root_cause == "话术生硬"


def test_a_supervision_order_from_the_contact_page(client, auth, checker, now):
    contact_id = surveyed(checker, now)
    auth.login(checker)
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert element(page, "issue-order") is not None
    form = html(client.get(f"/survey/contacts/{contact_id}/supervision"))
    assert "用户不满意" in element(form, "request")[1]  # filled in with the contact's issue
    issued = client.post(f"/survey/contacts/{contact_id}/supervision", data={
        "request": "请技术部核实", "due_at": "2026-11-24T10:00", "department": "技术部"})
    assert issued.status_code == 303
    order = db.session.scalar(select(SupervisionOrder))
    assert order.contact_id == contact_id
    assert element(html(client.get(f"/survey/contacts/{contact_id}")), "supervision-orders")
    assert element(html(client.get(f"/supervision/{order.id}")), "order-contact") is not None
