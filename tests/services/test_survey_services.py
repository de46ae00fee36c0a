"""Survey and callback services on a real database: import (malformed, duplicate and 5,000-row
files), the survey and callback records with their guards, holds, remedy tasks with alerts in
the same transaction, sample audits, queues, and the KPIs in SQL against a dataset counted by
hand (tests/unit/test_domain_survey.py)."""
import io
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from domain import survey as rules
from domain.errors import FormProblems, InvalidTransition
from domain.periods import Span
from domain.roles import Role
from extensions import db
from models import Alert, AuditEntry, Setting
from models.survey import (CallbackRecord, RemedyTask, SampleAudit, SampleItem, SurveyCategory,
                           SurveyContact, SurveyImport, SurveyRecord)
from services.survey import audits, config, contacts, kpis, queues, records, remedies
from services.survey import imports as importer
from tests.unit.test_domain_survey import DATASET, NOVEMBER

SH = ZoneInfo("Asia/Shanghai")
HEADER = "客户电话,渠道,接触时间,工号,问题摘要,满意度"


def utc(y, m, d, hh=10, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=SH).astimezone(UTC).replace(tzinfo=None)


def count(model):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def csv_file(*lines, encoding="utf-8"):
    return io.BytesIO("\n".join([HEADER, *lines]).encode(encoding))


@pytest.fixture
def checker(make):
    return make.user(Role.CHECKER)


def add_contact(at, *, channel="hotline", phone="13800000001", agent="200101", **fields):
    contact = SurveyContact(channel=channel, phone=phone, contact_at=at, agent_no=agent,
                            summary="不满意", score=3, created_at=at, needs_survey=True,
                            **contacts.dates_for(at))
    for name, value in fields.items():
        setattr(contact, name, value)
    db.session.add(contact)
    db.session.commit()
    return contact


def category(channel, name):
    return db.session.scalar(select(SurveyCategory).where(
        SurveyCategory.channel == channel, SurveyCategory.name == name))


# --- import -----------------------------------------------------------------------------------

def test_seeded_categories_are_the_spec_lists_with_scripts(app):
    for channel, names in rules.CATEGORIES.items():
        rows = config.categories(channel)
        assert tuple(c.name for c in rows) == names
        assert all(len(c.script) > 10 for c in rows)


def test_preview_names_every_bad_row_and_imports_only_the_good(app, checker, now):
    data = csv_file(
        "13812345678,热线,2026-11-16 09:30,200101,用户反映专员态度差,3",     # 2 good
        "12345,热线,2026-11-16 09:31,200101,号码不对,3",                     # 3 phone
        "13812345679,微信,2026-11-16 09:32,200101,渠道不对,3",               # 4 channel
        "13812345680,QQ,16/11/2026,200101,日期不对,3",                        # 5 date
        "13812345681,QQ,2026-11-30 09:00,200101,将来的时间,3",               # 6 future
        "13812345682,QQ,2026-11-16 09:33,12a,工号不对,3",                    # 7 agent
        "13812345683,QQ,2026-11-16 09:34,200101,,3",                          # 8 summary
        "13812345684,QQ,2026-11-16 09:35,200101,评分不对,11",                # 9 score
        "",                                                                   # blank: skipped
        "138 1234 5678,热线,2026/11/16 09:30,200101,同一条,3",               # 11 same as 2
        "+8613912345678,qq,2026-11-17 20:00:00,200102,第二条好的,2.0",        # 12 good
        "13812345685,热线,2026-11-16 09:36,200101,两个问题,0")                # 13 score
    batch = importer.stage(data, "week.csv", actor=checker, now=now)
    problems = {line: [m for m, _p in reasons] for line, reasons in importer.problems_of(batch)}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 11, 13]
    assert problems[3] == ["The customer phone is not a valid number."]
    assert problems[4] == ["The channel must be %(hotline)s or QQ."]
    assert problems[5] == ["The contact time is not a date and time (YYYY-MM-DD HH:MM)."]
    assert problems[6] == ["The contact time is in the future."]
    assert problems[7] == ["An employee no. is 4 to 10 digits."]
    assert problems[8] == ["The issue summary is empty."]
    assert problems[9] == ["The satisfaction score must be a whole number from 1 to 10."]
    assert problems[11] == ["The same contact as line %(line)d."]
    assert (batch.total_rows, importer.good_count(batch), batch.known_rows) == (11, 2, 0)
    assert count(SurveyContact) == 0  # nothing before the confirmation
    assert importer.confirm(batch.id, actor=checker, now=now) == 2
    first = db.session.scalar(select(SurveyContact).order_by(SurveyContact.contact_at))
    assert (first.channel, first.phone, first.agent_no, first.score) == \
        ("hotline", "13812345678", "200101", 3)
    assert first.contact_at == utc(2026, 11, 16, 9, 30)
    assert (first.week_start, first.survey_due_on) == (date(2026, 11, 16), date(2026, 11, 25))
    assert first.needs_survey and first.needs_callback is None


@pytest.mark.postgres
def test_the_same_file_twice_adds_nothing(app, checker, now):
    lines = ["13812345678,热线,2026-11-16 09:30,200101,态度差,3",
             "13812345679,QQ,2026-11-17 10:00,200102,回复慢,2"]
    first = importer.stage(csv_file(*lines), "a.csv", actor=checker, now=now)
    assert importer.confirm(first.id, actor=checker, now=now) == 2
    with pytest.raises(InvalidTransition):
        importer.confirm(first.id, actor=checker, now=now)
    again = importer.stage(csv_file(*lines), "a.csv", actor=checker, now=now)
    assert again.known_rows == 2
    assert importer.confirm(again.id, actor=checker, now=now) == 0
    assert count(SurveyContact) == 2


@pytest.mark.parametrize("name, data, message", [
    ("a.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
    ("a.xlsx", b"PK\x03\x04 not really a workbook", "The file could not be read as XLSX."),
    ("a.csv", "姓名,电话\n张三,13812345678\n".encode(), "The file lacks the columns"),
    ("a.csv", b"", "The file is empty."),
    ("a.csv", b"\xff\xfe\x00\x00garbage\x81", "The file is not readable text"),
])
def test_malformed_files_are_refused_with_the_reason(app, checker, now, name, data, message):
    with pytest.raises(FormProblems) as refused:
        importer.stage(io.BytesIO(data), name, actor=checker, now=now)
    assert refused.value.problems["file"][0].startswith(message)
    assert count(SurveyImport) == 0


def test_a_gb18030_csv_from_excel_is_read(app, checker, now):
    batch = importer.stage(csv_file("13812345678,热线,2026-11-16 09:30,200101,态度差,3",
                                    encoding="gb18030"), "a.csv", actor=checker, now=now)
    assert importer.good_count(batch) == 1 and importer.problems_of(batch) == []


def test_xlsx_with_date_cells_and_number_columns(app, checker, now):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append([13812345678, "QQ", datetime(2026, 11, 18, 14, 5), 200102, "在线咨询", 4])
    sheet.append([13812345679, "热线", "2026年11月18日", 200102, "不是时间", 4])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    batch = importer.stage(data, "week.xlsx", actor=checker, now=now)
    assert importer.good_count(batch) == 1
    assert [line for line, _r in importer.problems_of(batch)] == [3]
    importer.confirm(batch.id, actor=checker, now=now)
    contact = db.session.scalar(select(SurveyContact))
    assert (contact.channel, contact.phone, contact.agent_no) == ("qq", "13812345678", "200102")
    assert contact.contact_at == utc(2026, 11, 18, 14, 5)


def test_a_5000_row_file(app, checker, now):
    lines = [f"1381{n:07d},{'热线' if n % 2 else 'QQ'},2026-11-{16 + n % 7} {8 + n % 12:02d}:"
             f"{n % 60:02d},{200100 + n % 40},第{n}位用户不满意,{1 + n % 10}" for n in range(5000)]
    started = time.perf_counter()
    batch = importer.stage(csv_file(*lines), "big.csv", actor=checker, now=now)
    added = importer.confirm(batch.id, actor=checker, now=now)
    elapsed = time.perf_counter() - started
    print(f"5000-row import: {elapsed:.2f} s")
    assert added == 5000 and count(SurveyContact) == 5000
    assert elapsed < 20
    again = importer.stage(csv_file(*lines), "big.csv", actor=checker, now=now)
    assert again.known_rows == 5000


# --- survey and callback ----------------------------------------------------------------------

def test_nothing_is_recorded_before_the_review_is_confirmed(app, checker, now):
    contact = add_contact(utc(2026, 11, 17))
    hotline = category("hotline", "服务态度")
    with pytest.raises(FormProblems) as refused:
        records.record_survey(contact.id, resolved=False, category_id=hotline.id,
                              unresolved_issue="未解决", needs_callback=True, actor=checker,
                              now=now)
    assert "reviewed" in refused.value.problems
    assert db.session.get(SurveyContact, contact.id).surveyed_at is None
    assert db.session.get(SurveyContact, contact.id).survey is None


def test_survey_record_and_its_guards(app, checker, make, now):
    contact = add_contact(utc(2026, 11, 17), channel="qq")
    other = make.user(Role.CHECKER)
    records.confirm_review(contact.id, "survey", actor=other, now=now)
    with pytest.raises(FormProblems) as refused:  # the confirmation is the surveyor's own
        records.record_survey(contact.id, resolved=True, category_id=None,
                              unresolved_issue="", needs_callback=True, actor=checker, now=now)
    assert list(refused.value.problems) == ["reviewed"]
    records.confirm_review(contact.id, "survey", actor=checker, now=now)
    hotline_only = category("hotline", "主动挂线")
    with pytest.raises(FormProblems) as refused:
        records.record_survey(contact.id, resolved=False, category_id=hotline_only.id,
                              unresolved_issue="", needs_callback=None, actor=checker, now=now)
    assert set(refused.value.problems) == {"category", "unresolved_issue", "needs_callback"}
    qq = category("qq", "专业知识")
    record = records.record_survey(contact.id, resolved=False, category_id=qq.id,
                                   unresolved_issue="资费仍未解释清楚", needs_callback=True,
                                   actor=checker, now=now)
    contact = db.session.get(SurveyContact, contact.id)
    assert record.category.name == "专业知识" and contact.resolved is False
    assert contact.callback_due_on == date(2026, 11, 29)  # Sunday of this week
    with pytest.raises(InvalidTransition):
        records.confirm_review(contact.id, "survey", actor=checker, now=now)


def test_a_late_survey_moves_the_callback_week(app, checker, now):
    contact = add_contact(utc(2026, 11, 10))  # survey was due Wednesday 18 November
    records.confirm_review(contact.id, "survey", actor=checker, now=now)
    records.record_survey(contact.id, resolved=False, category_id=category("hotline", "其它").id,
                          unresolved_issue="x", needs_callback=True, actor=checker, now=now)
    assert db.session.get(SurveyContact, contact.id).callback_due_on == date(2026, 11, 29)


def surveyed(checker, now, **fields):
    contact = add_contact(utc(2026, 11, 17), **fields)
    records.confirm_review(contact.id, "survey", actor=checker, now=now)
    records.record_survey(contact.id, resolved=False,
                          category_id=category(contact.channel, "服务态度").id,
                          unresolved_issue="未解决", needs_callback=True, actor=checker, now=now)
    return contact


def test_a_held_callback_waits_for_the_business_side(app, checker, now):
    contact = surveyed(checker, now)
    records.hold_callback(contact.id, note="事件已提交", actor=checker, now=now)
    records.chase(contact.id, actor=checker, now=now + timedelta(hours=1))
    records.chase(contact.id, actor=checker, now=now + timedelta(hours=2))
    records.confirm_review(contact.id, "callback", actor=checker, now=now)
    with pytest.raises(InvalidTransition):
        records.record_callback(contact.id, method="phone",
                                outcome="accepted", score=9, reason="", note="",
                                actor=checker, now=now)
    with pytest.raises(FormProblems):
        records.release_hold(contact.id, result="  ", actor=checker, now=now)
    records.release_hold(contact.id, result="业务方已退费", actor=checker, now=now)
    with pytest.raises(InvalidTransition):
        records.chase(contact.id, actor=checker, now=now)
    records.record_callback(contact.id, method="phone",
                            outcome="satisfied", score=9, reason="", note="",
                            actor=checker, now=now)
    contact = db.session.get(SurveyContact, contact.id)
    assert contact.chase_count == 2 and contact.callback_score == 9


@pytest.mark.postgres
def test_score_below_8_needs_the_reason_and_6_opens_a_remedy_task(app, checker, make, now):
    duty = [make.user(Role.DUTY_MANAGER), make.user(Role.DUTY_MANAGER)]
    contact = surveyed(checker, now)
    called = utc(2026, 11, 29, 22, 30)  # Sunday night
    records.confirm_review(contact.id, "callback", actor=checker, now=called)
    with pytest.raises(FormProblems) as refused:
        records.record_callback(contact.id, method="phone", grade="general",
                                outcome="accepted", score=6, reason="", note="",
                                actor=checker, now=called)
    assert list(refused.value.problems) == ["reason"]
    assert count(CallbackRecord) == 0 and count(RemedyTask) == 0
    records.record_callback(contact.id, method="phone", grade="general",
                            outcome="accepted", score=6, reason="等待太久",
                            note="", actor=checker, now=called)
    task = db.session.scalar(select(RemedyTask))
    assert task.contact_due_at == utc(2026, 11, 29, 23, 30)
    assert task.remedy_due_at == utc(2026, 12, 3, 0, 0)  # end of Wednesday 2 December
    alerts = list(db.session.scalars(select(Alert).where(Alert.kind == "remedy")))
    assert sorted(a.user_id for a in alerts) == sorted(u.id for u in duty)
    assert all(a.created_at == called for a in alerts)
    with pytest.raises(InvalidTransition):  # done: not tracked, so no second callback
        records.confirm_review(contact.id, "callback", actor=checker, now=called)


def test_holidays_push_the_remedy_clock(app, checker, make, now):
    admin = make.user(Role.ADMIN)
    config.save_settings(holidays=[date(2026, 11, 30), date(2026, 12, 1)], workdays=[],
                          threshold=8, actor=admin, now=now)
    contact = surveyed(checker, now)
    called = utc(2026, 11, 27, 15)  # Friday
    records.confirm_review(contact.id, "callback", actor=checker, now=called)
    records.record_callback(contact.id, method="phone", grade="general",
                            outcome="accepted", score=3, reason="x", note="",
                            actor=checker, now=called)
    # Mon 30 Nov and Tue 1 Dec are holidays: Wed 2, Thu 3, Fri 4 December
    assert db.session.scalar(select(RemedyTask)).remedy_due_at == utc(2026, 12, 5, 0, 0)


def test_eight_opens_nothing_and_not_accepted_is_tracked(app, checker, make, now):
    make.user(Role.DUTY_MANAGER)
    calm = surveyed(checker, now)
    records.confirm_review(calm.id, "callback", actor=checker, now=now)
    records.record_callback(calm.id, method="phone", outcome="accepted", score=8, reason="",
                            note="", actor=checker, now=now)
    assert count(RemedyTask) == 0
    angry = surveyed(checker, now, phone="13800000002")
    records.confirm_review(angry.id, "callback", actor=checker, now=now)
    records.record_callback(angry.id, method="phone", grade="general",
                            outcome="not_accepted", score=9, reason="", note="",
                            actor=checker, now=now)
    assert count(RemedyTask) == 1
    angry = db.session.get(SurveyContact, angry.id)
    assert angry.tracking and angry.callback_outcome == "not_accepted"
    # a follow-up callback on the appended event: the first callback stays the counted one
    later = now + timedelta(days=3)
    records.confirm_review(angry.id, "callback", actor=checker, now=later)
    records.record_callback(angry.id, method="phone",
                            outcome="resolved", score=10, reason="", note="已处理",
                            actor=checker, now=later)
    angry = db.session.get(SurveyContact, angry.id)
    assert not angry.tracking and angry.resolved and angry.callback_score == 9
    assert [c.follow_up for c in angry.callbacks] == [False, True]


def test_remedy_steps_in_order(app, checker, make, now):
    duty = make.user(Role.DUTY_MANAGER)
    contact = surveyed(checker, now)
    records.confirm_review(contact.id, "callback", actor=checker, now=now)
    records.record_callback(contact.id, method="phone", grade="general",
                            outcome="accepted", score=2, reason="很差", note="",
                            actor=checker, now=now)
    task = db.session.scalar(select(RemedyTask))
    with pytest.raises(InvalidTransition):
        remedies.remedy_step(task.id, "remedied", note="补偿", actor=duty, now=now)
    with pytest.raises(FormProblems):
        remedies.remedy_step(task.id, "contacted", note="", actor=duty, now=now)
    remedies.remedy_step(task.id, "contacted", note="已致电安抚", actor=duty, now=now)
    remedies.remedy_step(task.id, "remedied", note="赠送流量包", actor=duty, now=now)
    assert remedies.remedy_tasks(actor=duty) == []
    actions = set(db.session.scalars(select(AuditEntry.action)))
    assert {"remedy_open", "remedy_contacted", "remedy_remedied"} <= actions


def test_marks_and_the_queues_follow_the_week(app, checker, now):
    # now: Monday 23 November 10:00. Last week's contact is to survey; this week's waits.
    last_week = add_contact(utc(2026, 11, 18))
    this_week = add_contact(utc(2026, 11, 23, 9), phone="13800000002")
    older = add_contact(utc(2026, 11, 10), phone="13800000003")
    today = date(2026, 11, 23)
    def ids(queue, day, **filters):
        return [c.id for c in queue(day, queues.ContactFilter(**filters), actor=checker)]

    assert ids(queues.survey_queue, today) == [older.id, last_week.id]
    assert ids(queues.survey_queue, today, show="upcoming") == [this_week.id]
    assert queues.queue_counts(today, actor=checker)["survey_overdue"] == 1
    contacts.set_marks(older.id, needs_survey=False, needs_callback=True, actor=checker, now=now)
    assert db.session.get(SurveyContact, older.id).callback_due_on == date(2026, 11, 22)
    assert ids(queues.callback_queue, today) == [older.id]  # overdue since Sunday
    surveyed_now = surveyed(checker, now, phone="13800000004")
    assert surveyed_now.id not in ids(queues.callback_queue, today)  # from Thursday
    assert ids(queues.callback_queue, date(2026, 11, 26)) \
        == [older.id, surveyed_now.id]


@pytest.mark.postgres
def test_the_queue_search_needs_the_whole_number(app, checker, now):
    """A customer number matches only when typed whole (however it is written): its last
    digits find nothing, so the search cannot rebuild a masked 138****5678; % and _ are
    literal; any part of an agent no. matches."""
    mine = add_contact(utc(2026, 11, 18), phone="13812345678", agent="200101")
    add_contact(utc(2026, 11, 18), phone="13900002222", agent="300555")
    today = date(2026, 11, 23)

    def found(q, queue=queues.survey_queue, day=today):
        return [c.id for c in queue(day, queues.ContactFilter(q=q), actor=checker)]

    for whole in ("13812345678", "138 1234 5678", "+86 138-1234-5678", "１３８１２３４５６７８"):
        assert found(whole) == [mine.id], whole
    for fragment in ("5678", "45678", "2345678", "12345678", "1381234567"):
        assert found(fragment) == [], fragment
    assert found("0101") == found("200101") == [mine.id]
    for wildcard in ("%", "_", "%5678", "2001_1", "20010%"):
        assert found(wildcard) == [], wildcard
    contacts.set_marks(mine.id, needs_survey=False, needs_callback=True, actor=checker, now=now)
    thursday = date(2026, 11, 26)  # its callback is due on Sunday the 29th
    assert found("5678", queues.callback_queue, thursday) == []
    assert found("13812345678", queues.callback_queue, thursday) == [mine.id]


def test_from_a_ticket(app, checker, make, now):
    ticket = make.ticket("handed_over")
    contact, created = contacts.create_from_ticket(ticket.id, actor=checker, now=now)
    assert created and contact.ticket_id == ticket.id and contact.agent_no == "180123"
    assert contact.phone == ticket.caller_number and contact.score is None
    again, created = contacts.create_from_ticket(ticket.id, actor=checker, now=now)
    assert not created and again.id == contact.id


def test_categories_and_settings_are_audited(app, make, now):
    admin = make.user(Role.ADMIN)
    row = config.save_category(channel="qq", name="其它", script="新的话术", active=False,
                                actor=admin, now=now)
    assert row.script == "新的话术" and "其它" not in [c.name for c in config.categories("qq")]
    with pytest.raises(FormProblems):
        config.save_settings(holidays=[], workdays=[], threshold=11, actor=admin, now=now)
    config.save_settings(holidays=[date(2026, 10, 1)], workdays=[date(2026, 10, 10)],
                          threshold=6, actor=admin, now=now)
    assert config.bands() == rules.Bands(8, 6)
    assert config.calendar().is_working_day(date(2026, 10, 10))
    assert db.session.get(Setting, "survey_threshold") is not None


# --- KPIs -------------------------------------------------------------------------------------

def load_dataset(owner):
    """The hand-counted dataset of the domain test, as database rows."""
    for n, facts in enumerate(DATASET):
        contact_day = facts.survey_due - timedelta(days=7)
        at = utc(contact_day.year, contact_day.month, contact_day.day)
        contact = add_contact(at, phone=f"1380000{n:04d}", agent=f"20010{n % 3}",
                              needs_callback=facts.needs_callback,
                              surveyed_at=at + timedelta(days=6) if facts.surveyed else None,
                              resolved=facts.resolved if facts.surveyed else None,
                              callback_due_on=facts.callback_due)
        assert contact.survey_due_on == facts.survey_due
        if facts.callback_done:
            contact.callback_done_at = at + timedelta(days=9)
            contact.callback_score = facts.score
            record = CallbackRecord(contact_id=contact.id, reviewed_at=at, outcome="accepted",
                                    score=facts.score, recorded_by_id=owner.id,
                                    recorded_at=at + timedelta(days=9))
            db.session.add(record)
            db.session.flush()
            if facts.audit_marks:
                sample = SampleAudit(period_start=NOVEMBER.start, period_end=NOVEMBER.end,
                                     size=1, drawn_by_id=owner.id, drawn_at=at)
                db.session.add(sample)
                db.session.flush()
                for mark in facts.audit_marks:
                    extra = CallbackRecord(contact_id=contact.id, reviewed_at=at,
                                           outcome="accepted", score=facts.score,
                                           recorded_by_id=owner.id, recorded_at=at)
                    db.session.add(extra)
                    db.session.flush()
                    db.session.add(SampleItem(audit_id=sample.id, callback_id=extra.id,
                                              accurate=mark))
        db.session.commit()


@pytest.mark.postgres
def test_kpis_in_sql_match_the_hand_count(app, make):
    owner = make.user(Role.OWNER)
    load_dataset(owner)
    k = kpis.kpis(NOVEMBER, actor=owner)
    expected = rules.tally(DATASET, NOVEMBER, rules.Bands())
    assert k == expected
    assert (k.callbacks_due, k.callbacks_done, k.satisfied, k.fairly) == (6, 5, 2, 1)
    assert (k.issues, k.resolved, k.sampled, k.accurate) == (7, 2, 4, 3)
    per_agent = kpis.kpi_counts(NOVEMBER, "agent", actor=owner)
    for agent in ("200100", "200101", "200102"):
        facts = [f for n, f in enumerate(DATASET) if f"20010{n % 3}" == agent]
        assert per_agent[agent] == rules.tally(facts, NOVEMBER, rules.Bands()), agent
    rows = kpis.breakdown(NOVEMBER, "agent", actor=owner)
    assert [r.rank for r in rows] == [1, 2, 3]
    assert sum(r.counts.callbacks_due for r in rows) == 6


@pytest.mark.postgres
def test_team_breakdown_and_configured_bands(app, make, now):
    owner = make.user(Role.OWNER)
    lead, agent = make.team_with_lead()
    load_dataset(owner)
    db.session.execute(SurveyContact.__table__.update().where(
        SurveyContact.agent_no == "200101").values(agent_no=agent.employee_no))
    db.session.commit()
    teams = kpis.kpi_counts(NOVEMBER, "team", actor=owner)
    assert set(teams) == {agent.team_id, None}
    assert teams[agent.team_id].callbacks_due + teams[None].callbacks_due == 6
    rows = kpis.breakdown(NOVEMBER, "team", actor=owner)  # the KPI page "by team"
    assert [(r.rank, r.label) for r in rows] == [(1, agent.team.name), (0, "")]
    config.save_settings(holidays=[], workdays=[], threshold=6, actor=make.user(Role.ADMIN),
                          now=now)
    k = kpis.kpis(NOVEMBER, actor=owner)
    assert (k.satisfied, k.fairly) == (3, 2)


def test_sample_audit_draws_without_repeats(app, checker, make, now):
    owner = make.user(Role.OWNER)
    for n in range(5):
        contact = surveyed(checker, now, phone=f"1380000010{n}")
        records.confirm_review(contact.id, "callback", actor=checker, now=now)
        records.record_callback(contact.id, method="phone",
                                outcome="satisfied", score=9, reason="", note="",
                                actor=checker, now=now)
    week = Span(date(2026, 11, 23), date(2026, 11, 30))
    first = audits.draw_sample(week, 3, actor=owner, now=now)
    second = audits.draw_sample(week, 3, actor=owner, now=now)
    assert (first.size, second.size) == (3, 2)
    ids = [i.callback_id for s in (first, second) for i in s.items]
    assert len(set(ids)) == 5
    with pytest.raises(FormProblems):
        audits.draw_sample(week, 3, actor=owner, now=now)
    for i, item in enumerate(first.items):
        audits.mark_item(item.id, accurate=i != 0, note="", actor=owner, now=now)
    k = kpis.kpis(week, actor=owner)
    assert (k.sampled, k.accurate) == (3, 2)


def test_qq_common_causes_and_trend(app, checker, make, now):
    owner = make.user(Role.OWNER)
    for n, name in enumerate(["专业知识", "专业知识", "服务态度"]):
        contact = add_contact(utc(2026, 11, 17), channel="qq", phone=f"1380000020{n}")
        records.confirm_review(contact.id, "survey", actor=checker, now=now)
        records.record_survey(contact.id, resolved=True, category_id=category("qq", name).id,
                              unresolved_issue="", needs_callback=False, actor=checker, now=now)
    week = Span(date(2026, 11, 23), date(2026, 11, 30))
    assert kpis.qq_causes(week, actor=owner) == [("专业知识", 2), ("服务态度", 1)]
    weeks = [Span(date(2026, 11, 16), date(2026, 11, 23)), week]
    assert kpis.qq_cause_trend(weeks, ["专业知识"], actor=owner) == {"专业知识": [0, 2]}


# --- customer numbers in free text --------------------------------------------------------

TYPED = "用户留了新号码 138 1234 5678，见工单 ZK-20261123-0001"
MASKED = "用户留了新号码 138****5678，见工单 ZK-20261123-0001"


def test_customer_numbers_in_free_text_are_masked_on_save(app, checker, make, now):
    """Whatever others read (the contact page, the remedy list, the sample audit, the record
    export, the audit log) keeps a customer's number masked; ticket numbers stay readable."""
    duty, owner = make.user(Role.DUTY_MANAGER), make.user(Role.OWNER)
    contact = add_contact(utc(2026, 11, 17))
    records.confirm_review(contact.id, "survey", actor=checker, now=now)
    survey = records.record_survey(
        contact.id, resolved=False, category_id=category("hotline", "其它").id,
        unresolved_issue=TYPED, needs_callback=True, actor=checker, now=now)
    records.hold_callback(contact.id, note=TYPED, actor=checker, now=now)
    records.release_hold(contact.id, result=TYPED, actor=checker, now=now)
    records.confirm_review(contact.id, "callback", actor=checker, now=now)
    callback = records.record_callback(contact.id, method="phone", grade="general",
                                       outcome="not_accepted", score=3,
                                       reason=TYPED, note=TYPED, actor=checker, now=now)
    task = db.session.scalar(select(RemedyTask))
    remedies.remedy_step(task.id, "contacted", note=TYPED, actor=duty, now=now)
    remedies.remedy_step(task.id, "remedied", note=TYPED, actor=duty, now=now)
    sample = audits.draw_sample(Span(date(2026, 11, 23), date(2026, 11, 30)), 1, actor=owner,
                                now=now)
    audits.mark_item(sample.items[0].id, accurate=False, note=TYPED, actor=owner, now=now)
    db.session.rollback()
    contact = db.session.get(SurveyContact, contact.id)
    task = db.session.get(RemedyTask, task.id)
    saved = [db.session.get(SurveyRecord, survey.id).unresolved_issue, contact.hold_note,
             contact.business_result, db.session.get(CallbackRecord, callback.id).reason,
             db.session.get(CallbackRecord, callback.id).note, task.contact_note,
             task.remedy_note, db.session.get(SampleItem, sample.items[0].id).note]
    assert saved == [MASKED] * 8
    notes = list(db.session.scalars(select(AuditEntry.note)))
    assert not [n for n in notes if "5678" in n and "****" not in n]


def test_a_summary_from_a_ticket_or_a_file_is_masked(app, checker, make, now):
    ticket = make.ticket("handed_over", complaint="客户称已改用 13912345678 联系，原号码停机。")
    contact, _created = contacts.create_from_ticket(ticket.id, actor=checker, now=now)
    assert contact.summary == "客户称已改用 139****5678 联系，原号码停机。"
    row = "13812345678,热线,2026-11-16 09:30,200101,请回拨 0755-83456789,3"
    batch = importer.stage(csv_file(row), "week.csv", actor=checker, now=now)
    importer.confirm(batch.id, actor=checker, now=now)
    imported = db.session.scalar(select(SurveyContact).where(SurveyContact.import_id == batch.id))
    assert imported.summary == "请回拨 075*****6789"
