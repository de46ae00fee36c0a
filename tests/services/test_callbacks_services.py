"""The callback cycle as seeds 000, 003 and 004 run it (issue 17), on a real database: one
dissatisfaction threshold, graded problems with their clocks and alerts, callbacks given to
named callers, the record's method and name, the survey's alternative, the callers' ranking,
the monthly analysis, keyword monitoring of callback notes, and supervision orders from a
contact."""
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from domain.errors import FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.periods import Span
from domain.roles import Role
from extensions import db
from models import Alert, Announcement, AuditEntry, SupervisionOrder
from models.callbacks import ContactProblem, ProblemGrade, RankingPublication
from models.survey import CallbackRecord, RemedyTask, SurveyContact
from services import notices, supervision
from services.supervision import OrderInput
from services.survey import (analysis, assignments, config, contacts, kpis, problems, ranking,
                             records)

from .test_survey_services import add_contact, category, count, utc

NOVEMBER = Span(date(2026, 11, 1), date(2026, 12, 1))
TODAY = date(2026, 11, 23)  # the fixed clock's Monday


@pytest.fixture
def checker(make):
    return make.user(Role.CHECKER)


@pytest.fixture
def duty(make):
    return make.user(Role.DUTY_MANAGER)


def surveyed(checker, now, *, at=None, **fields):
    """A contact of last week, surveyed (not resolved, callback needed): due Sunday 29th."""
    contact = add_contact(at or utc(2026, 11, 17), **fields)
    records.confirm_review(contact.id, "survey", actor=checker, now=now)
    records.record_survey(contact.id, resolved=False,
                          category_id=category(contact.channel, "服务态度").id,
                          unresolved_issue="未解决", needs_callback=True, actor=checker, now=now)
    return db.session.get(SurveyContact, contact.id)


def call(contact, caller, at, **fields):
    values = {"method": "phone", "outcome": "satisfied", "score": 9, "reason": "", "note": ""}
    values.update(fields)
    records.confirm_review(contact.id, "callback", actor=caller, now=at)
    return records.record_callback(contact.id, actor=caller, now=at, **values)


# --- one dissatisfaction threshold (seed 004) ------------------------------------------------

@pytest.mark.postgres
def test_a_seven_needs_the_reason_and_opens_the_remedy_task(app, checker, duty, now):
    """评分低于8分: the same threshold asks for the reason and opens the follow-up."""
    contact = surveyed(checker, now)
    with pytest.raises(FormProblems) as refused:
        call(contact, checker, now, outcome="accepted", score=7, grade="general")
    assert list(refused.value.problems) == ["reason"]
    call(contact, checker, now, outcome="accepted", score=7, reason="等太久", grade="general")
    task = db.session.scalar(select(RemedyTask))
    assert task is not None and task.contact_due_at - task.opened_at == timedelta(hours=1)


def test_the_threshold_setting_drives_reason_remedy_and_bands(app, checker, duty, make, now):
    config.save_settings(holidays=[], workdays=[], threshold=6, actor=make.user(Role.ADMIN),
                         now=now)
    assert (config.bands().fairly_min, config.bands().satisfied_min) == (6, 8)
    call(surveyed(checker, now), checker, now, outcome="accepted", score=7)  # no reason asked
    assert count(RemedyTask) == 0
    with pytest.raises(FormProblems) as refused:
        call(surveyed(checker, now, phone="13800000002"), checker, now, outcome="accepted",
             score=5, grade="general")
    assert list(refused.value.problems) == ["reason"]


# --- graded problems and their clocks (seed 004) ---------------------------------------------

def test_an_appended_event_opens_a_graded_problem_on_the_working_day_calendar(
        app, checker, duty, make, now):
    config.save_settings(holidays=[date(2026, 11, 30)], workdays=[], threshold=8,
                         actor=make.user(Role.ADMIN), now=now)
    friday = utc(2026, 11, 27, 15)
    general = surveyed(checker, now)
    with pytest.raises(FormProblems) as refused:  # an appended event needs its grade
        call(general, checker, friday, outcome="appended", score=9)
    assert list(refused.value.problems) == ["grade"]
    call(general, checker, friday, outcome="appended", score=9, note="已追加事件",
         grade="general")
    important = surveyed(checker, now, phone="13800000002")
    call(important, checker, friday, outcome="appended", score=9, grade="important")
    first, second = db.session.scalars(select(ContactProblem).order_by(ContactProblem.id))
    assert (first.source, first.grade, first.summary) == ("callback", "general", "已追加事件")
    assert first.diagnosis_due_at == utc(2026, 11, 27, 15, 30)
    # one working day: Monday 30 is a holiday, so Tuesday 1 December at the same time
    assert first.plan_due_at == utc(2026, 12, 1, 15)
    assert second.diagnosis_due_at == utc(2026, 11, 27, 17)
    assert second.plan_due_at == utc(2026, 11, 28, 15)  # 24 hours, clock time
    assert [g.grade for g in first.grades] == ["general"]


def test_a_remedy_task_is_a_graded_problem(app, checker, duty, now):
    contact = surveyed(checker, now)
    call(contact, checker, now, outcome="not_accepted", score=3, reason="不接受", grade="urgent")
    problem = db.session.scalar(select(ContactProblem))
    task = db.session.scalar(select(RemedyTask))
    assert (problem.source, problem.remedy_id, problem.grade) == ("remedy", task.id, "urgent")
    assert problem.diagnosis_due_at - now == timedelta(minutes=10)
    assert problem.plan_due_at - now == timedelta(hours=4)
    urgent = db.session.scalars(select(Alert.user_id).where(Alert.kind == "problem_urgent"))
    assert list(urgent) == [duty.id]


def test_a_grade_is_raised_freely_and_lowered_only_with_a_reason(app, checker, duty, now):
    contact = surveyed(checker, now)
    call(contact, checker, now, outcome="appended", score=9, grade="general")
    problem = db.session.scalar(select(ContactProblem))
    later = now + timedelta(minutes=5)
    problems.regrade(problem.id, grade="urgent", reason="", actor=checker, now=later)
    problem = db.session.get(ContactProblem, problem.id)
    assert problem.diagnosis_due_at == now + timedelta(minutes=10)  # from when it was raised
    assert problem.plan_due_at == now + timedelta(hours=4)
    with pytest.raises(FormProblems) as refused:
        problems.regrade(problem.id, grade="general", reason=" ", actor=duty, now=later)
    assert list(refused.value.problems) == ["reason"]
    assert db.session.get(ContactProblem, problem.id).grade == "urgent"
    with pytest.raises(FormProblems):
        problems.regrade(problem.id, grade="urgent", reason="", actor=duty, now=later)
    problems.regrade(problem.id, grade="important", reason="只影响一位客户", actor=duty,
                     now=later)
    history = list(db.session.scalars(select(ProblemGrade).order_by(ProblemGrade.id)))
    assert [(g.previous, g.grade, g.reason) for g in history] == [
        (None, "general", ""), ("general", "urgent", ""), ("urgent", "important", "只影响一位客户")]
    lowered = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "problem_regrade",
                                                         AuditEntry.note == "只影响一位客户"))
    assert lowered is not None and '"lowered": true' in lowered.detail


def test_diagnosis_then_plan_and_the_sweep_alerts_each_clock_once(app, checker, duty, now):
    contact = surveyed(checker, now)
    call(contact, checker, now, outcome="appended", score=9, grade="general")
    problem = db.session.scalar(select(ContactProblem))
    with pytest.raises(InvalidTransition):
        problems.record_step(problem.id, "plan", note="方案", actor=duty, now=now)
    assert problems.alert_overdue(now + timedelta(minutes=29)) == 0
    assert problems.alert_overdue(now + timedelta(minutes=31)) == 1  # the diagnosis ran out
    assert problems.alert_overdue(now + timedelta(minutes=32)) == 0  # once
    overdue = list(db.session.scalars(select(Alert.user_id).where(
        Alert.kind == "problem_overdue")))
    assert sorted(overdue) == sorted([duty.id, checker.id])  # the duty desk and its caller
    problems.record_step(problem.id, "diagnosis", note="系统故障", actor=duty,
                         now=now + timedelta(minutes=40))
    assert problems.alert_overdue(now + timedelta(days=1, minutes=1)) == 1  # Tuesday 10:00
    problems.record_step(problem.id, "plan", note="重新开通", actor=duty,
                         now=now + timedelta(days=1, hours=1))
    assert problems.open_problems(actor=duty) == []


# --- callbacks given to callers (seed 003) ---------------------------------------------------

@pytest.mark.postgres
def test_the_duty_manager_gives_callbacks_by_count_by_area_and_one_by_one(
        app, checker, duty, make, now):
    zhang, li = make.user(Role.STAFF), make.user(Role.STAFF)
    rows = [surveyed(checker, now, phone=f"138000000{n:02d}", area=area,
                     agent=zhang.employee_no if n == 4 else "200101")
            for n, area in enumerate(["福田", "福田", "南山", "南山", "南山"])]
    assert assignments.areas(TODAY, actor=duty) == [("南山", 3), ("福田", 2)]
    assert assignments.assign_count(li.id, 2, TODAY, actor=duty, now=now) == 2
    # the complaint about 张 (rows[4]) is never his
    assert assignments.assign_area("南山", zhang.id, TODAY, actor=duty, now=now) == 2
    with pytest.raises(FormProblems):
        assignments.assign_area("南山", zhang.id, TODAY, actor=duty, now=now)
    with pytest.raises(FormProblems) as refused:
        assignments.assign(rows[4].id, zhang.id, actor=duty, now=now)
    assert list(refused.value.problems) == ["caller"]
    assignments.assign(rows[4].id, li.id, actor=duty, now=now)
    assignments.assign(rows[2].id, li.id, actor=duty, now=now)  # given again
    holders = {c.id: c.caller_id for c in db.session.scalars(select(SurveyContact))}
    assert holders == {rows[0].id: li.id, rows[1].id: li.id, rows[2].id: li.id,
                       rows[3].id: zhang.id, rows[4].id: li.id}
    held = {h.caller.id: h.open for h in assignments.holdings(TODAY, actor=duty)}
    assert held == {li.id: 4, zhang.id: 1}
    assert [c.id for c in assignments.my_callbacks(TODAY, actor=zhang)] == [rows[3].id]
    alerts = db.session.scalar(select(func.count(Alert.id)).where(
        Alert.kind == "callback_assigned", Alert.user_id == li.id))
    assert alerts == 3  # one per giving: by count, and twice one by one


def test_a_floor_caller_sees_and_calls_back_only_their_own(app, checker, duty, make, now):
    caller, other = make.user(Role.STAFF), make.user(Role.STAFF)
    mine = surveyed(checker, now)
    theirs = surveyed(checker, now, phone="13800000002")
    assignments.assign(mine.id, caller.id, actor=duty, now=now)
    assignments.assign(theirs.id, other.id, actor=duty, now=now)
    assert contacts.get_contact(mine.id, actor=caller).id == mine.id
    with pytest.raises(NotFound):
        contacts.get_contact(theirs.id, actor=caller)
    with pytest.raises(NotFound):
        records.confirm_review(theirs.id, "callback", actor=caller, now=now)
    with pytest.raises(NotAllowed):  # the quality team sees it, but it is someone else's
        records.confirm_review(theirs.id, "callback", actor=checker, now=now)
    with pytest.raises(NotAllowed):  # callers of the floor do not survey
        records.confirm_review(mine.id, "survey", actor=caller, now=now)
    call(mine, caller, now, method="sms", customer_name="王小明")
    contact = db.session.get(SurveyContact, mine.id)
    assert contact.callback_by_id == caller.id and contact.customer_name == "王小明"


def test_a_quality_callback_of_one_nobody_holds_becomes_theirs(app, checker, now):
    contact = surveyed(checker, now)
    call(contact, checker, now)
    assert db.session.get(SurveyContact, contact.id).caller_id == checker.id


# --- the record (seed 003, seed 000 8) -------------------------------------------------------

def test_the_callback_records_its_method_and_the_name_given(app, checker, now):
    contact = surveyed(checker, now)
    records.confirm_review(contact.id, "callback", actor=checker, now=now)
    with pytest.raises(FormProblems) as refused:
        records.record_callback(contact.id, method="fax", outcome="satisfied", score=9,
                                reason="", note="", customer_name="张" * 41, actor=checker,
                                now=now)
    assert set(refused.value.problems) == {"method", "customer_name"}
    record = records.record_callback(contact.id, method="in_person", outcome="satisfied",
                                     score=9, reason="", note="", customer_name=" 李娜 ",
                                     actor=checker, now=now)
    assert (record.method, record.customer_name) == ("in_person", "李娜")


def test_an_unhappy_customer_is_offered_an_alternative_and_an_event_appended(
        app, checker, duty, now):
    contact = add_contact(utc(2026, 11, 17))
    records.confirm_review(contact.id, "survey", actor=checker, now=now)
    base = {"resolved": False, "category_id": category("hotline", "回访结果").id,
            "unresolved_issue": "对回访结果不满意", "actor": checker, "now": now}
    with pytest.raises(FormProblems) as refused:
        records.record_survey(contact.id, needs_callback=False, alternative="改为上门处理",
                              alternative_accepted=False, **base)
    assert list(refused.value.problems) == ["append_event"]
    with pytest.raises(FormProblems) as refused:
        records.record_survey(contact.id, needs_callback=False, alternative="改为上门处理",
                              alternative_accepted=False, append_event=True, **base)
    assert set(refused.value.problems) == {"event", "grade", "needs_callback"}
    survey = records.record_survey(contact.id, needs_callback=True, alternative="改为上门处理",
                                   alternative_accepted=False, append_event=True,
                                   event="用户要求重新核实扣费", grade="important", **base)
    assert (survey.alternative, survey.alternative_accepted, survey.event_appended) == \
        ("改为上门处理", False, True)
    problem = db.session.scalar(select(ContactProblem))
    assert (problem.source, problem.grade, problem.summary) == \
        ("survey", "important", "用户要求重新核实扣费")


# --- the callers' ranking (seed 003) ---------------------------------------------------------

def test_a_callers_completion_counts_the_callbacks_given_and_not_made(app, checker, duty, make,
                                                                       now):
    """Completion per caller used to be 100 % whatever was left undone: due contacts nobody
    called had no caller. Now a caller's base is what they were given."""
    owner, caller = make.user(Role.OWNER), make.user(Role.STAFF)
    done = surveyed(checker, now)
    left = surveyed(checker, now, phone="13800000002")
    for contact in (done, left):
        assignments.assign(contact.id, caller.id, actor=duty, now=now)
    call(done, caller, now + timedelta(days=4))
    rows = kpis.breakdown(Span(date(2026, 11, 23), date(2026, 11, 30)), "caller", actor=owner)
    row = next(r for r in rows if r.key == caller.id)
    assert (row.counts.callbacks_due, row.counts.callbacks_done) == (2, 1)
    assert row.counts.completion_rate == 0.5


def test_the_ranking_is_published_as_it_stands_with_an_announcement(app, checker, duty, make,
                                                                     now):
    good, slow = make.user(Role.STAFF, name="张伟"), make.user(Role.STAFF, name="李娜")
    lead, agent = make.team_with_lead()
    contacts_ = [surveyed(checker, now, phone=f"1380000000{n}") for n in range(4)]
    for contact, who in zip(contacts_, (good, good, slow, slow), strict=True):
        assignments.assign(contact.id, who.id, actor=duty, now=now)
    later = now + timedelta(days=4)
    call(contacts_[0], good, later)
    call(contacts_[1], good, later, score=10)
    call(contacts_[2], slow, later, score=8)
    with pytest.raises(NotAllowed):
        ranking.publish(NOVEMBER, announce=False, actor=checker, now=later)
    published = ranking.publish(NOVEMBER, announce=True, actor=duty, now=later,
                                compose=lambda rows: ("排名", f"第一名 {rows[0]['name']}"))
    rows = ranking.rows_of(published)
    assert [(r["rank"], r["name"], r["done"], r["due"]) for r in rows] == [
        (1, "张伟", 2, 2), (2, "李娜", 1, 2)]
    assert rows[0]["score"] > rows[1]["score"]
    notice = db.session.get(Announcement, published.announcement_id)
    assert notice.body == "第一名 张伟"
    readers = set(db.session.scalars(select(Alert.user_id).where(Alert.kind == "announcement")))
    assert {good.id, slow.id, lead.id, agent.id} <= readers
    assert ranking.publication(None, actor=agent).id == published.id  # the floor reads it
    assert count(RankingPublication) == 1


# --- the monthly analysis (seed 004 六, seed 000 专项培训) ------------------------------------

def test_the_monthly_analysis_flags_and_follows_up(app, checker, duty, make, now):
    owner = make.user(Role.OWNER)
    october = Span(date(2026, 10, 1), date(2026, 11, 1))
    # October: two 服务态度 callbacks, one satisfied (50 %); November: both satisfied (100 %)
    for n, (at, score) in enumerate([(utc(2026, 10, 14), 9), (utc(2026, 10, 14), 3),
                                     (utc(2026, 11, 11), 9), (utc(2026, 11, 11), 10)]):
        contact = surveyed(checker, at, at=at - timedelta(days=7), phone=f"1380000000{n}")
        call(contact, checker, at + timedelta(days=3), score=score, outcome="accepted",
             reason="不满意" if score < 8 else "", grade="general" if score < 8 else None)
    result = analysis.analysis(october, actor=owner, now=now)
    attitude = next(r for r in result.categories if r.category.name == "服务态度")
    assert attitude.flagged and attitude.figures.rate == 0.5
    with pytest.raises(NotAllowed):
        analysis.record_finding(october, "category", "hotline:服务态度", root_cause="x",
                                action="y", actor=owner, now=now)
    with pytest.raises(NotFound):  # a row that is not flagged has no finding
        analysis.record_finding(october, "category", "hotline:专业知识", root_cause="x",
                                action="y", actor=duty, now=now)
    analysis.record_finding(october, "category", "hotline:服务态度", root_cause="话术生硬",
                            action="专项培训", actor=duty, now=now)
    trained = [make.user(Role.STAFF), make.user(Role.STAFF)]
    record = analysis.record_training(
        category("hotline", "服务态度").id, topic="服务态度专项培训", day=date(2026, 10, 20),
        attendees=f"{trained[0].employee_no}，{trained[1].employee_no}", actor=owner, now=now)
    assert record.attendee_count == 2 and trained[1].name in record.attendees
    with pytest.raises(FormProblems) as refused:
        analysis.record_training(category("hotline", "服务态度").id, topic="x",
                                 day=date(2026, 10, 20), attendees="999999", actor=owner,
                                 now=now)
    assert list(refused.value.problems) == ["attendees"]
    assert [t.topic for t in next(r for r in analysis.analysis(october, actor=owner, now=now)
                                  .categories if r.category.name == "服务态度").trainings] == \
        ["服务态度专项培训"]
    november = analysis.analysis(NOVEMBER, actor=owner, now=now)
    (follow,) = november.follow_ups
    assert (follow.finding.root_cause, follow.before["rate"], follow.after.rate,
            follow.moved) == ("话术生硬", 0.5, 1.0, "recovered")
    steps = {r.key: r for r in result.steps}
    assert steps["callback"].figures.items == 2 and not steps["callback"].flagged


def test_a_step_past_its_limit_is_flagged(app, checker, duty, make, now):
    contact = surveyed(checker, now)
    call(contact, checker, now, outcome="accepted", score=3, reason="差", grade="general")
    task = db.session.scalar(select(RemedyTask))
    from services.survey import remedies
    remedies.remedy_step(task.id, "contacted", note="已致电", actor=duty,
                         now=now + timedelta(hours=3))  # the 1-hour clock, 3 hours
    result = analysis.analysis(NOVEMBER, actor=duty, now=now + timedelta(hours=4))
    steps = {r.key: r for r in result.steps}
    assert steps["remedy_contact"].flagged and steps["remedy_contact"].figures.late == 1
    assert steps["remedy_contact"].figures.used_minutes == 180
    analysis.record_finding(NOVEMBER, "step", "remedy_contact", root_cause="夜间无人值守",
                            action="增加夜班", actor=duty, now=now)


# --- keyword monitoring (SPEC Part C) ---------------------------------------------------------

def test_the_weekly_keyword_share_counts_callback_notes(app, checker, now):
    week = date(2026, 11, 23)
    before = notices.keyword_share(week, "乱收费")
    call(surveyed(checker, now), checker, now, outcome="accepted", score=5, grade="general",
         reason="用户认为乱收费")
    call(surveyed(checker, now, phone="13800000002"), checker, now, note="已解释")
    hits, total = notices.keyword_share(week, "乱收费")
    assert (hits - before[0], total - before[1]) == (1, 2)


# --- supervision orders from a contact (seed 003) ---------------------------------------------

def test_a_supervision_order_about_a_contact(app, checker, make, now):
    contact = surveyed(checker, now)
    order = supervision.issue_for_contact(contact.id, OrderInput(
        request="请技术部核实宽带故障", due_at=now + timedelta(days=1), department="技术部",
        department_contact="周工"), actor=checker, now=now)
    assert (order.contact_id, order.ticket_id) == (contact.id, None)
    assert [o.id for o in supervision.orders_of_contact(contact.id)] == [order.id]
    with pytest.raises(NotAllowed):
        supervision.issue_for_contact(contact.id, OrderInput(
            request="x", due_at=now + timedelta(days=1), department="技术部"),
            actor=make.user(Role.DUTY_MANAGER), now=now)
    assert count(SupervisionOrder) == 1
    assert count(CallbackRecord) == 0
