"""The survey and callback pages through the test client: import with its preview, the review
confirmation before the survey, the script fragment, the callback's reason rule and the remedy
task it opens, the queues' fragments, the KPI page and its exports, the owner's sample audit,
the configuration, and a ticket turned into a contact."""
import io
from datetime import UTC, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from domain.roles import Role
from domain.survey import monday_of
from extensions import db
from models.survey import RemedyTask, SampleItem, SurveyCategory, SurveyContact
from services.survey import config, contacts
from services.clock import local_today, utcnow, zone

from ._support import element, html

HEADER = "客户电话,渠道,接触时间,工号,问题摘要,满意度"


def last_week(day=1, hour=10):
    monday = monday_of(local_today()) - timedelta(days=7)
    local = datetime.combine(monday + timedelta(days=day), time(hour), tzinfo=zone())
    return local


def csv_upload(*lines, name="week.csv"):
    return (io.BytesIO("\n".join([HEADER, *lines]).encode()), name)


def contact_count():
    db.session.rollback()
    return db.session.scalar(select(func.count(SurveyContact.id)))


@pytest.fixture
def checker(make):
    return make.user(Role.CHECKER)


def new_contact(channel="hotline", phone="13800000001"):
    at = last_week().astimezone(UTC).replace(tzinfo=None)
    contact = SurveyContact(channel=channel, phone=phone, contact_at=at, agent_no="200101",
                            summary="用户不满意", score=2, created_at=at, needs_survey=True,
                            **contacts.dates_for(at))
    db.session.add(contact)
    db.session.commit()
    return contact.id


def category_id(channel, name):
    return db.session.scalar(select(SurveyCategory.id).where(
        SurveyCategory.channel == channel, SurveyCategory.name == name))


def test_import_preview_then_import(client, auth, checker):
    auth.login(checker)
    day = last_week().strftime("%Y-%m-%d")
    response = client.post("/survey/import", data={"file": csv_upload(
        f"13812345678,热线,{day} 10:00,200101,态度差,2",
        f"12345,热线,{day} 10:01,200101,号码错误,2")}, content_type="multipart/form-data")
    assert response.status_code == 303
    preview = client.get(response.headers["Location"])
    page = html(preview)
    assert element(page, "rows-new")[1].endswith("1")
    assert element(page, "rows-bad")[1].endswith("1")
    assert "客户电话不是有效号码" in element(page, "bad-rows")[1] or \
        "not a valid number" in element(page, "bad-rows")[1]
    confirm = element(page, "confirm-import")
    assert confirm is not None and contact_count() == 0
    batch_id = response.headers["Location"].rsplit("/", 1)[1]
    done = client.post(f"/survey/imports/{batch_id}/confirm")
    assert done.status_code == 303 and contact_count() == 1
    assert client.post(f"/survey/imports/{batch_id}/confirm").status_code == 303
    assert contact_count() == 1


def test_import_refuses_a_bad_file_beside_the_field(client, auth, checker):
    auth.login(checker)
    response = client.post("/survey/import", data={"file": (io.BytesIO(b"x"), "a.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert element(html(response), "file-error") is not None


def test_an_oversized_upload_is_413(app, client, auth, checker):
    app.config["SURVEY_IMPORT_MAX_BYTES"] = 1000
    auth.login(checker)
    response = client.post("/survey/import", data={"file": csv_upload(
        *["13812345678,热线,2026-11-16 10:00,200101," + "长" * 50 + ",2"] * 30)},
        content_type="multipart/form-data")
    assert response.status_code == 413


def test_survey_needs_the_review_first_and_shows_the_script(client, auth, checker):
    contact_id = new_contact(channel="qq")
    auth.login(checker)
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert element(page, "confirm-survey-review") is not None
    assert element(page, "survey-form") is None
    qq = category_id("qq", "专业知识")
    refused = client.post(f"/survey/contacts/{contact_id}/survey", data={
        "resolved": "no", "category": qq, "unresolved_issue": "x", "needs_callback": "yes"})
    assert refused.status_code == 422
    assert db.session.get(SurveyContact, contact_id).surveyed_at is None
    assert client.post(f"/survey/contacts/{contact_id}/review",
                       data={"part": "survey"}).status_code == 303
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert element(page, "survey-form") is not None
    fragment = client.get(f"/survey/contacts/{contact_id}/script?category={qq}",
                          headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "HX-Request" in fragment.headers["Vary"]
    text = html(fragment)
    assert text.lstrip().startswith('<section class="card" id="category-script"')
    assert "规范和统一话术" in text
    invalid = client.post(f"/survey/contacts/{contact_id}/survey", data={
        "resolved": "no", "category": qq, "unresolved_issue": "", "needs_callback": ""})
    assert invalid.status_code == 422
    page = html(invalid)
    assert element(page, "unresolved_issue-error") is not None
    assert element(page, "needs_callback-error") is not None
    assert "规范和统一话术" in element(page, "category-script")[1]  # the chosen one stays
    done = client.post(f"/survey/contacts/{contact_id}/survey", data={
        "resolved": "no", "category": qq, "unresolved_issue": "资费未解释",
        "needs_callback": "yes"})
    assert done.status_code == 303
    assert element(html(client.get(f"/survey/contacts/{contact_id}")), "survey-record")


def surveyed(client, contact_id, channel="hotline"):
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "survey"})
    response = client.post(f"/survey/contacts/{contact_id}/survey", data={
        "resolved": "no", "category": category_id(channel, "服务态度"),
        "unresolved_issue": "未解决", "needs_callback": "yes"})
    assert response.status_code == 303


def test_callback_below_8_needs_a_reason_and_6_opens_a_remedy(client, auth, checker, make):
    duty = make.user(Role.DUTY_MANAGER)
    contact_id = new_contact()
    auth.login(checker)
    surveyed(client, contact_id)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "callback"})
    missing = client.post(f"/survey/contacts/{contact_id}/callback",
                          data={"method": "phone", "outcome": "accepted", "score": "6",
                                "reason": "", "grade": "general"})
    assert missing.status_code == 422
    assert element(html(missing), "reason-error") is not None
    ok = client.post(f"/survey/contacts/{contact_id}/callback",
                     data={"method": "phone", "outcome": "accepted", "score": "6",
                           "reason": "拖得太久", "grade": "general"})
    assert ok.status_code == 303
    task = db.session.scalar(select(RemedyTask))
    assert task is not None
    auth.logout()
    auth.login(duty)
    assert "1" in html(client.get("/alerts/bell"))
    page = html(client.get("/survey/remedies"))
    assert element(page, f"task-{task.id}") is not None
    assert "data-deadline" in element(page, f"task-{task.id}")[0].get("id", "") or \
        'data-deadline' in page
    early = client.post(f"/survey/remedies/{task.id}/remedied",
                        data={f"t{task.id}-remedied-note": "补偿"})
    assert early.status_code == 303  # refused with a message: contact first
    db.session.rollback()
    assert db.session.get(RemedyTask, task.id).remedied_at is None
    empty = client.post(f"/survey/remedies/{task.id}/contacted",
                        data={f"t{task.id}-contacted-note": ""})
    assert empty.status_code == 422
    client.post(f"/survey/remedies/{task.id}/contacted",
                data={f"t{task.id}-contacted-note": "已致电安抚"})
    client.post(f"/survey/remedies/{task.id}/remedied",
                data={f"t{task.id}-remedied-note": "赠送流量包"})
    db.session.rollback()
    assert db.session.get(RemedyTask, task.id).remedied_at is not None


def test_hold_and_chase_from_the_page(client, auth, checker):
    contact_id = new_contact()
    auth.login(checker)
    surveyed(client, contact_id)
    assert client.post(f"/survey/contacts/{contact_id}/hold",
                       data={"hold-note": "事件待回复"}).status_code == 303
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    assert element(page, "hold-notice") is not None and element(page, "chase") is not None
    assert client.post(f"/survey/contacts/{contact_id}/chase").status_code == 303
    refused = client.post(f"/survey/contacts/{contact_id}/callback",
                          data={"method": "phone", "outcome": "accepted", "score": "9"})
    assert refused.status_code == 409
    assert client.post(f"/survey/contacts/{contact_id}/release",
                       data={"result": ""}).status_code == 422
    assert client.post(f"/survey/contacts/{contact_id}/release",
                       data={"result": "已退费"}).status_code == 303
    assert db.session.get(SurveyContact, contact_id).chase_count == 1


def test_queues_full_page_and_fragment(client, auth, checker):
    new_contact()
    auth.login(checker)
    page = html(client.get("/survey"))
    assert element(page, "rhythm") is not None and element(page, "queue-rows") is not None
    fragment = client.get("/survey?show=todo&q=13800000001", headers={"HX-Request": "true"})
    assert html(fragment).lstrip().startswith('<div id="queue-rows">')
    assert "138****0001" in html(fragment)
    for show in ("todo", "upcoming", "tracked", "done"):
        response = client.get(f"/survey/callbacks?show={show}", headers={"HX-Request": "true"})
        assert response.status_code == 200
    assert client.get("/survey?show=nonsense&channel=x").status_code == 200


def test_reveal_is_audited(client, auth, checker):
    contact_id = new_contact()
    auth.login(checker)
    response = client.post(f"/survey/contacts/{contact_id}/reveal",
                           headers={"HX-Request": "true"})
    assert "13800000001" in html(response)
    from models import AuditEntry
    assert db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "survey_reveal_phone")) == 1


def test_ticket_button_makes_a_contact(client, auth, checker, make):
    ticket = make.ticket("handed_over")
    auth.login(checker)
    page = html(client.get(f"/tickets/{ticket.id}"))
    assert element(page, "dissatisfied-contact") is not None
    response = client.post(f"/tickets/{ticket.id}/dissatisfied")
    assert response.status_code == 303 and "/survey/contacts/" in response.headers["Location"]
    again = client.post(f"/tickets/{ticket.id}/dissatisfied")
    assert again.headers["Location"] == response.headers["Location"]
    assert contact_count() == 1


def test_kpi_page_fragment_and_exports(client, auth, checker, make):
    owner = make.user(Role.OWNER)
    contact_id = new_contact()
    auth.login(checker)
    surveyed(client, contact_id)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "callback"})
    client.post(f"/survey/contacts/{contact_id}/callback",
                data={"method": "phone", "outcome": "satisfied", "score": "9"})
    auth.logout()
    auth.login(owner)
    week = monday_of(local_today()).isoformat()
    page = html(client.get(f"/survey/kpis?period=week&date={week}"))
    assert "1 ÷ 1" in element(page, "kpi-completion")[1]
    assert "100.0%" in element(page, "kpi-satisfaction")[1]
    fragment = client.get(f"/survey/kpis?period=week&date={week}&by=caller",
                          headers={"HX-Request": "true"})
    assert html(fragment).lstrip().startswith('<div id="kpis">')
    for url in (f"/survey/kpis/export.xlsx?period=week&date={week}",
                f"/survey/records/export.xlsx?period=week&date={week}"):
        response = client.get(url, buffered=True)  # read inside the request (streamed export)
        rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
        assert len(rows) == 2, url
    records = list(load_workbook(io.BytesIO(client.get(
        f"/survey/records/export.xlsx?period=week&date={week}", buffered=True).data))
        .active.iter_rows(values_only=True))
    assert records[1][2] == "138****0001"  # masked


def test_owner_draws_and_marks_a_sample(client, auth, checker, make):
    owner = make.user(Role.OWNER)
    contact_id = new_contact()
    auth.login(checker)
    surveyed(client, contact_id)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "callback"})
    client.post(f"/survey/contacts/{contact_id}/callback",
                data={"method": "phone", "outcome": "satisfied", "score": "10"})
    auth.logout()
    auth.login(owner)
    monday = monday_of(local_today())
    sunday = monday + timedelta(days=6)
    drawn = client.post("/survey/audits", data={"start": monday.isoformat(),
                                                "end": sunday.isoformat(), "size": "5"})
    assert drawn.status_code == 303
    item = db.session.scalar(select(SampleItem))
    assert client.post(f"/survey/audit-items/{item.id}", data={}).status_code == 422
    assert client.post(f"/survey/audit-items/{item.id}",
                       data={f"i{item.id}-accurate": "yes"}).status_code == 303
    db.session.rollback()
    assert db.session.get(SampleItem, item.id).accurate is True
    empty = client.post("/survey/audits", data={"start": monday.isoformat(),
                                                "end": sunday.isoformat(), "size": "5"})
    assert empty.status_code == 422  # nothing left to sample


def test_configuration_pages(client, auth, make):
    admin = make.user(Role.ADMIN)
    auth.login(admin)
    assert client.get("/survey/config").status_code == 200
    bad = client.post("/survey/config/categories", data={"channel": "qq", "name": ""})
    assert bad.status_code == 422
    bad = client.post("/survey/config/settings", data={
        "holidays": "2026-10-01\n10月2日", "workdays": "", "threshold": "8"})
    assert bad.status_code == 422
    ok = client.post("/survey/config/settings", data={
        "holidays": "2026-10-01 2026-10-02", "workdays": "2026-10-10", "threshold": "8"})
    assert ok.status_code == 303
    assert len(config.calendar().holidays) == 2


def test_remedy_clock_shown_in_local_time(client, auth, checker, make):
    """The remedy deadline on the page is the end of the third working day, local time."""
    make.user(Role.DUTY_MANAGER)
    contact_id = new_contact()
    auth.login(checker)
    surveyed(client, contact_id)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "callback"})
    client.post(f"/survey/contacts/{contact_id}/callback",
                data={"method": "phone", "outcome": "not_accepted", "score": "3",
                      "reason": "不接受", "grade": "general"})
    task = db.session.scalar(select(RemedyTask))
    local_due = task.remedy_due_at.replace(tzinfo=UTC).astimezone(zone())
    assert (local_due.hour, local_due.minute) == (0, 0)
    assert task.contact_due_at - task.opened_at == timedelta(hours=1)
    assert task.opened_at <= utcnow()


def test_marks_from_the_page_and_no_duplicate_ids(client, auth, checker):
    import re
    contact_id = new_contact()
    auth.login(checker)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "survey"})
    page = html(client.get(f"/survey/contacts/{contact_id}"))
    ids = [i for i in re.findall(r'\bid="([^"]+)"', page) if i != "csrf_token"]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
    response = client.post(f"/survey/contacts/{contact_id}/marks", data={
        "marks-needs_survey": "no", "marks-needs_callback": "yes"})
    assert response.status_code == 303
    contact = db.session.get(SurveyContact, contact_id)
    assert not contact.needs_survey and contact.needs_callback
    assert contact.callback_due_on is not None
    assert client.post(f"/survey/contacts/{contact_id}/marks",
                       data={"marks-needs_survey": ""}).status_code == 422


def test_the_same_file_again_offers_nothing_to_import(client, auth, checker):
    auth.login(checker)
    day = last_week().strftime("%Y-%m-%d")
    line = f"13812345678,热线,{day} 10:00,200101,态度差,2"
    first = client.post("/survey/import", data={"file": csv_upload(line)},
                        content_type="multipart/form-data")
    client.post(first.headers["Location"] + "/confirm")
    again = client.post("/survey/import", data={"file": csv_upload(line)},
                        content_type="multipart/form-data")
    page = html(client.get(again.headers["Location"]))
    assert element(page, "confirm-import") is None
    assert element(page, "nothing-new") is not None
    assert contact_count() == 1


def test_a_review_of_neither_part_is_a_bad_request(client, auth, checker):
    """The confirmation names the survey or the callback; anything else is refused (it was
    taken as the survey's)."""
    contact_id = new_contact()
    auth.login(checker)
    response = client.post(f"/survey/contacts/{contact_id}/review", data={"part": "nonsense"})
    assert response.status_code == 400
    assert db.session.get(SurveyContact, contact_id).survey_reviewed_at is None


def test_an_invalid_survey_form_says_each_problem_once(client, auth, checker):
    """The form's own check answers 422 before the service is asked, so a field shows one
    message, not the form's and the service's one after the other."""
    contact_id = new_contact()
    auth.login(checker)
    client.post(f"/survey/contacts/{contact_id}/review", data={"part": "survey"})
    response = client.post(f"/survey/contacts/{contact_id}/survey", data={
        "resolved": "", "category": "", "unresolved_issue": "", "needs_callback": ""})
    assert response.status_code == 422
    page = html(response)
    for name in ("resolved", "category", "needs_callback"):
        assert page.count(f'id="{name}-error"') == 1, name
    assert db.session.get(SurveyContact, contact_id).surveyed_at is None
