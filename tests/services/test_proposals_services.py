"""Proposals sent up (建议上报) against a real database: the figures and tickets attached as
of writing, the warning it answers, each addressee's acknowledgement and decision, and the
state that follows from them."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.errors import FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import Alert, AuditEntry, EarlyWarning, Proposal
from services import notices, quality, settings
from services import proposals as service
from services.proposals import Basis

pytestmark = pytest.mark.postgres
WEEK = timedelta(weeks=1)


def judged(make, checker, code, at, verdict="established"):
    ticket = make.ticket("verifying", checker=checker, accused_no="200333", at=at)
    ids = [c.id for c in quality.active_criteria() if c.code == code]
    quality.judge(ticket.id, kind="attitude", verdict=verdict, criteria_ids=ids,
                  basis="录音", actor=checker, now=at + timedelta(hours=1))
    return ticket


def week_of(now):
    return now.date() - timedelta(days=now.weekday())


@pytest.fixture
def people(make):
    return {role: make.user(role) for role in (Role.OWNER, Role.CHECKER, Role.GROUP_HEAD,
                                               Role.SITE_HEAD, Role.DUTY_MANAGER)}


def test_a_criterion_proposal_carries_its_figures_and_tickets(db_backend, make, now, people):
    checker, owner = people[Role.CHECKER], people[Role.OWNER]
    a1 = [judged(make, checker, "A1", now), judged(make, checker, "A1", now, "not_established")]
    judged(make, checker, "A2", now)
    judged(make, checker, "A1", now - 2 * WEEK)            # outside the period
    start = week_of(now)
    basis = Basis(source="criterion", key="A1", start=start, end=start + timedelta(days=7))
    proposal = service.create_proposal(
        basis, title="关于A1争执类投诉的处理建议",
        body="建议对客户13812345678类长期投诉加强话术培训", actor=owner,
        now=now + timedelta(hours=3))
    assert json.loads(proposal.figures) == {"hits": 2, "established": 1, "judged": 3}
    assert sorted(t.id for t in proposal.tickets) == sorted(t.id for t in a1)
    assert "13812345678" not in proposal.body
    assert proposal.state == "submitted"
    for role in (Role.GROUP_HEAD, Role.SITE_HEAD):
        assert db.session.scalar(select(Alert.ref_id).where(
            Alert.user_id == people[role].id, Alert.kind == "proposal")) == proposal.id
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "proposal_submit")) == "proposal_submit"


def test_a_keyword_proposal_from_a_warning_handles_it(db_backend, make, now, people):
    settings.update({"monitor_keywords": ["赠品"]}, actor=make.user(Role.ADMIN), now=now)
    for text in ("客户对赠品领取方式有疑问", "客户对赠品不满意", "赠品未到", "客户投诉资费"):
        make.ticket(at=now, complaint=text)
    assert notices.weekly_warnings(now + timedelta(hours=1)) == 1
    warning = db.session.scalar(select(EarlyWarning))
    basis = service.basis_of_warning(warning)
    figures, tickets = service.draft(basis)
    assert figures == {"hits": 3, "total": 4, "note_hits": 0, "note_total": 0}
    assert len(tickets) == 3
    duty = people[Role.DUTY_MANAGER]
    proposal = service.create_proposal(basis, title="赠品领取口径", body="建议统一赠品领取口径",
                                       actor=duty, now=now + timedelta(hours=2))
    assert proposal.warning_id == warning.id
    assert notices.open_warnings() == []


def test_only_writers_write_and_a_basis_must_exist(db_backend, make, now, people):
    start = week_of(now)
    basis = Basis(source="criterion", key="A1", start=start, end=start + timedelta(days=7))
    for role in (Role.CHECKER, Role.GROUP_HEAD):
        with pytest.raises(NotAllowed):
            service.create_proposal(basis, title="t", body="b", actor=people[role], now=now)
    for bad in (Basis(source="criterion", key="Z9", start=start, end=start + WEEK),
                Basis(source="keyword", key="赠品", start=start, end=start),
                Basis(source="other", key="x", start=start, end=start + WEEK)):
        with pytest.raises(NotFound):
            service.create_proposal(bad, title="t", body="b", actor=people[Role.OWNER], now=now)
    with pytest.raises(FormProblems) as refused:
        service.create_proposal(basis, title="", body="x" * 4001, actor=people[Role.OWNER],
                                now=now)
    assert set(refused.value.problems) == {"title", "body"}
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_each_addressee_acknowledges_and_decides(db_backend, make, now, people):
    owner, head, site = people[Role.OWNER], people[Role.GROUP_HEAD], people[Role.SITE_HEAD]
    start = week_of(now)
    proposal = service.create_proposal(
        Basis(source="keyword", key="挂断", start=start, end=start + WEEK),
        title="挂断问题", body="建议", actor=owner, now=now)
    assert [p.id for p in service.waiting_for(head)] == [proposal.id]
    service.acknowledge(proposal.id, actor=head, now=now + timedelta(hours=1))
    assert db.session.get(Proposal, proposal.id).state == "acknowledged"
    with pytest.raises(InvalidTransition):
        service.acknowledge(proposal.id, actor=head, now=now)
    with pytest.raises(FormProblems) as refused:       # a rejection says why
        service.decide(proposal.id, decision="reject", note="", actor=head, now=now)
    assert set(refused.value.problems) == {"note"}
    service.decide(proposal.id, decision="adopt", note="", actor=head,
                   now=now + timedelta(hours=2))
    assert db.session.get(Proposal, proposal.id).state == "acknowledged"  # site head to go
    assert service.waiting_for(head) == []
    service.decide(proposal.id, decision="partly", note="先在一班试行", actor=site,
                   now=now + timedelta(hours=3))     # deciding acknowledges too
    db.session.expire_all()
    proposal = service.get_proposal(proposal.id, actor=owner)
    assert proposal.state == "decided"
    assert {r.role: (r.decision, r.acknowledged_by_id) for r in proposal.reviews} == {
        "group_head": ("adopt", head.id), "site_head": ("partly", site.id)}
    assert db.session.scalar(select(func.count(Alert.id)).where(
        Alert.user_id == owner.id, Alert.kind == "proposal_decided")) == 2
    with pytest.raises(InvalidTransition):
        service.decide(proposal.id, decision="reject", note="改主意", actor=site, now=now)
    with pytest.raises(NotAllowed):
        service.acknowledge(proposal.id, actor=owner, now=now)


def test_a_stale_page_changes_nothing(db_backend, make, now, people):
    start = week_of(now)
    proposal = service.create_proposal(
        Basis(source="keyword", key="挂断", start=start, end=start + WEEK),
        title="挂断问题", body="建议", actor=people[Role.OWNER], now=now)
    seen = proposal.version
    service.acknowledge(proposal.id, actor=people[Role.SITE_HEAD], now=now)
    with pytest.raises(Exception) as refused:
        service.decide(proposal.id, decision="adopt", note="", actor=people[Role.GROUP_HEAD],
                       now=now, version=seen)
    assert type(refused.value).__name__ == "Conflict"
    db.session.expire_all()
    head_review = [r for r in db.session.get(Proposal, proposal.id).reviews
                   if r.role == "group_head"][0]
    assert head_review.decided_at is None


def test_readers(db_backend, make, now, people):
    start = week_of(now)
    proposal = service.create_proposal(
        Basis(source="keyword", key="挂断", start=start, end=start + WEEK),
        title="挂断问题", body="建议", actor=people[Role.OWNER], now=now)
    assert service.get_proposal(proposal.id, actor=people[Role.CHECKER]).id == proposal.id
    with pytest.raises(NotFound):
        service.get_proposal(proposal.id, actor=make.user(Role.STAFF))
    assert service.list_proposals(make.user(Role.TEAM_LEAD)) == ([], False)
