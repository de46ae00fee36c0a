"""The case library and the risk register against a real database: masking, search (Chinese
substrings, % and _ taken literally, criteria tags), one case per judged ticket, audit."""
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from domain.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import AuditEntry, Case, Risk, Ticket
from services import cases, quality, risks
from domain.text import mask_numbers
from services.cases import CaseFilter, CaseInput
from services.quality import FormProblems

pytestmark = pytest.mark.postgres


def judged(make, codes=("A1",), *, checker=None, verdict="established", **fields) -> Ticket:
    """A ticket judged by a checker, with the criteria `codes`."""
    checker = checker or make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, **fields)
    ids = [c.id for c in quality.active_criteria() if c.code in codes]
    quality.judge(ticket.id, kind="attitude", verdict=verdict, criteria_ids=ids,
                  basis="录音中员工与客户争执，客户留下号码13912345678", actor=checker,
                  now=make.now)
    db.session.expire_all()
    return db.session.get(Ticket, ticket.id)


def text(title="案例", summary="客户来电咨询话费", analysis="员工解释不清", lesson="先致歉",
         handling="先安抚再解释", **extra) -> CaseInput:
    return CaseInput(title=title, summary=summary, analysis=analysis, lesson=lesson,
                     handling=handling, **extra)


def criterion(code):
    return next(c for c in quality.active_criteria() if c.code == code)


@pytest.fixture
def owner(make):
    return make.user(Role.OWNER, name="周强")


def add_case(make, owner, data=None, codes=("A1",)):
    ticket = judged(make, codes)
    data = data or text()
    if not data.criteria_ids:
        data = CaseInput(**{**data.__dict__, "criteria_ids": [criterion(c).id for c in codes]})
    return cases.create_case(ticket.id, data, actor=owner, now=make.now)


# --- masking ---------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, stored", [
    ("客户13812345678来电", "客户138****5678来电"),
    ("号码 138 1234 5678。", "号码 138****5678。"),
    ("+86 138-1234-5678", "138****5678"),
    ("座机010-12345678", "座机010****5678"),
    ("短号8812345", "短号88***45"),                  # 7 digits
    ("123456789012", "123*****9012"),                # 12 digits
    ("１３８１２３４５６７８", "138****5678"),       # full-width digits
    ("工单ZK-20261123-0001，工号180123", "工单ZK-20261123-0001，工号180123"),
    ("2026-11-23 来电 10:30", "2026-11-23 来电 10:30"),
    ("", ""),
])
def test_numbers_the_owner_types_are_masked(raw, stored):
    assert mask_numbers(raw) == stored


def test_a_case_stores_every_text_masked_and_never_the_ticket_numbers(make, owner):
    ticket = judged(make, caller_number="13812340000", contact_number="13812341111",
                    complaint="客户称员工态度差，回拨号码13812341111")
    draft = cases.draft_for(ticket)
    assert "13812341111" not in draft.summary and "138****1111" in draft.summary
    assert "139****5678" in draft.analysis
    assert draft.criteria_ids == [criterion("A1").id]
    case = cases.create_case(ticket.id, text(
        title="号码13812345678的客户", summary=draft.summary, analysis="致电 010-12345678",
        lesson="记下 13912345678", handling="回拨 8812345", criteria_ids=draft.criteria_ids),
        actor=owner, now=make.now)
    db.session.expire_all()
    row = db.session.get(Case, case.id)
    stored = " ".join([row.title, row.summary, row.analysis, row.lesson, row.handling])
    for number in ("13812345678", "13812340000", "13812341111", "12345678", "13912345678",
                   "8812345"):
        assert number not in stored
    assert row.title == "号码138****5678的客户"
    assert [c.code for c in row.criteria] == ["A1"]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "case_save"))
    assert entry.actor_id == owner.id and json.loads(entry.detail)["case"] == case.id


# --- who and when ----------------------------------------------------------------------------

def test_only_a_judged_or_closed_ticket_becomes_a_case_and_only_once(make, owner):
    verifying = make.ticket("verifying")
    with pytest.raises(InvalidTransition):
        cases.create_case(verifying.id, text(), actor=owner, now=make.now)
    ticket = judged(make)
    cases.create_case(ticket.id, text(), actor=owner, now=make.now)
    with pytest.raises(Conflict):
        cases.create_case(ticket.id, text(title="再来一次"), actor=owner, now=make.now)
    assert db.session.scalar(select(func.count(Case.id))) == 1


def test_only_the_owner_writes_cases_and_hidden_tickets_are_not_found(make, owner):
    ticket = judged(make)
    with pytest.raises(NotAllowed):
        cases.create_case(ticket.id, text(), actor=make.user(Role.CHECKER), now=make.now)
    submitted = make.ticket()   # not yet signed over: the owner may not see it
    with pytest.raises(NotFound):
        cases.create_case(submitted.id, text(), actor=owner, now=make.now)
    with pytest.raises(FormProblems) as problems:
        cases.create_case(ticket.id, text(lesson="   "), actor=owner, now=make.now)
    assert set(problems.value.problems) == {"lesson"}
    assert db.session.scalar(select(func.count(Case.id))) == 0


def test_edit_is_audited_masked_and_refused_when_stale(make, owner):
    case = add_case(make, owner)
    version = case.version
    cases.update_case(case.id, text(title="新标题", lesson="回拨13812345678前先查记录",
                                    criteria_ids=[criterion("A2").id], archived=True),
                      actor=owner, now=make.now + timedelta(hours=1), version=version)
    db.session.expire_all()
    row = db.session.get(Case, case.id)
    assert row.lesson == "回拨138****5678前先查记录" and row.archived
    assert [c.code for c in row.criteria] == ["A2"]
    entries = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_save")
                                      .order_by(AuditEntry.id)))
    assert len(entries) == 2
    assert set(json.loads(entries[1].detail)["changed"]) == {"title", "lesson", "criteria",
                                                             "archived"}
    with pytest.raises(Conflict):
        cases.update_case(case.id, text(title="旧表单"), actor=owner, now=make.now,
                          version=version)
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "新标题"


# --- search ----------------------------------------------------------------------------------

def titles(**filters):
    rows, _more, total = cases.search(CaseFilter(**filters))
    assert total == len(rows)
    return [row.title for row in rows]


def test_search_finds_a_chinese_word_inside_a_sentence(make, owner):
    add_case(make, owner, text(title="争执",
                               summary="客户来电查询话费，员工语气生硬并与客户发生争执后挂机"))
    add_case(make, owner, text(title="解释", summary="员工解释清楚了套餐", lesson="多用礼貌用语"))
    add_case(make, owner, text(title="建议", summary="查询",
                               handling="遇到客户情绪激动时避免争执，先致歉"))
    assert titles(q="争执") == ["建议", "争执"]       # any field; newest first
    assert titles(q="发生争执后") == ["争执"]
    assert titles(q="争执 情绪") == ["建议"]          # every word must appear
    assert titles(q="套餐") == ["解释"]
    assert titles(q="不存在的词") == []


def test_percent_and_underscore_match_themselves(make, owner):
    add_case(make, owner, text(title="百分百", summary="满意度100%"))
    add_case(make, owner, text(title="没有符号", summary="满意度100分"))
    add_case(make, owner, text(title="下划线", summary="备注写成了A_1"))
    assert titles(q="%") == ["百分百"]
    assert titles(q="100%") == ["百分百"]
    assert titles(q="_") == ["下划线"]
    assert titles(q="A_1") == ["下划线"]
    assert titles(q="\\") == []
    assert titles(q="") == ["下划线", "没有符号", "百分百"]


def test_filter_by_criterion_and_archived_cases_apart(make, owner):
    a1 = add_case(make, owner, text(title="争执一"), codes=("A1",))
    add_case(make, owner, text(title="傲慢"), codes=("A3",))
    both = add_case(make, owner, text(title="争执二"), codes=("A1", "A3"))
    assert titles(criterion=criterion("A1").id) == ["争执二", "争执一"]
    assert titles(criterion=criterion("A3").id, q="二") == ["争执二"]
    cases.update_case(a1.id, text(title="争执一", archived=True,
                                  criteria_ids=[criterion("A1").id]),
                      actor=owner, now=make.now)
    assert titles(criterion=criterion("A1").id) == ["争执二"]
    assert titles(archived=True) == ["争执一"]
    assert both.id


def test_pages_of_newest_first(make, owner, monkeypatch):
    monkeypatch.setattr(cases, "PAGE_SIZE", 2)
    for n in range(3):
        add_case(make, owner, text(title=f"第{n}个"))
    first, more, total = cases.search(CaseFilter(), page=1)
    second, more_after, _ = cases.search(CaseFilter(), page=2)
    assert [c.title for c in first] == ["第2个", "第1个"] and more and total == 3
    assert [c.title for c in second] == ["第0个"] and not more_after


# --- the risk register -----------------------------------------------------------------------

def risk_input(owner_id, **overrides):
    values = dict(title="高峰期排队过长", description="", probability=4, impact=5,
                  owner_id=owner_id, review_on=date(2026, 12, 1))
    values.update(overrides)
    return risks.RiskInput(**values)


def test_risks_are_kept_by_the_owner_and_group_head_and_audited(make, owner):
    head = make.user(Role.GROUP_HEAD)
    risk = risks.create_risk(risk_input(owner.id), actor=owner, now=make.now)
    first_version = risk.version
    risks.update_risk(risk.id, risk_input(owner.id, impact=2, status="closed"), actor=head,
                      now=make.now, version=first_version)
    details = [json.loads(e.detail) for e in db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "risk_save").order_by(AuditEntry.id))]
    assert details[0]["quadrant"] == "plan_ahead"
    assert details[1]["from"] == {"impact": 5, "status": "open"}
    assert details[1]["to"] == {"impact": 2, "status": "closed"}
    assert details[1]["quadrant"] == "update_manual"
    with pytest.raises(NotAllowed):
        risks.create_risk(risk_input(owner.id), actor=make.user(Role.DUTY_MANAGER),
                          now=make.now)
    with pytest.raises(Conflict):
        risks.update_risk(risk.id, risk_input(owner.id), actor=owner, now=make.now,
                          version=first_version)


def test_bad_scores_and_owners_are_refused_beside_the_fields(make, owner):
    agent = make.user(Role.STAFF)
    with pytest.raises(FormProblems) as problems:
        risks.create_risk(risk_input(agent.id, probability=6, impact=0, title=" "),
                          actor=owner, now=make.now)
    assert set(problems.value.problems) == {"title", "probability", "impact", "owner_id"}
    assert db.session.scalar(select(func.count(Risk.id))) == 0
