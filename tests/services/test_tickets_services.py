"""Ticket use cases against a real database (SQLite, and PostgreSQL when configured)."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import DatabaseError

from domain.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import AuditEntry, HandoverEntry, Ticket
from services import tickets as service

pytestmark = pytest.mark.postgres


def audit_actions(ticket):
    return [(e.action, e.from_state, e.to_state) for e in service.timeline(ticket)]


def snapshot(ticket_id):
    db.session.expire_all()
    t = db.session.get(Ticket, ticket_id)
    return (t.state, t.version, t.review_due_at, t.handed_over_at,
            db.session.scalar(select(func.count(AuditEntry.id))),
            db.session.scalar(select(func.count(HandoverEntry.id))))


def test_submit_numbers_the_ticket_starts_the_clock_and_audits(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = service.submit_ticket(make.ticket_input(), actor=agent, now=now)
    assert ticket.number == "ZK-20261123-0001"  # 10:00 in Shanghai on the 23rd
    assert ticket.state == "submitted"
    assert ticket.team_id == agent.team_id
    assert ticket.review_due_at == now + timedelta(hours=2)
    assert audit_actions(ticket) == [("submit", None, "submitted")]
    second = service.submit_ticket(make.ticket_input(), actor=agent, now=now)
    assert second.number == "ZK-20261123-0002"


def test_numbers_follow_the_local_day(db_backend, make, now):
    _, agent = make.team_with_lead()
    late_evening_utc = now.replace(hour=16, minute=30)  # 00:30 on the 24th in Shanghai
    ticket = service.submit_ticket(make.ticket_input(), actor=agent, now=late_evening_utc)
    assert ticket.number == "ZK-20261124-0001"


def test_return_then_resubmit_restarts_the_clock(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    service.return_to_staff(ticket.id, actor=lead, now=now + timedelta(minutes=5),
                            elements=["demand", "caller_number"], note="补充用户要求")
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.state == "returned_to_staff"
    assert ticket.returned_list == ["caller_number", "demand"]
    later = now + timedelta(hours=3)
    service.resubmit_ticket(ticket.id, make.ticket_input(demand="要求回电说明"), actor=agent,
                            now=later, version=ticket.version)
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert ticket.state == "submitted"
    assert ticket.demand == "要求回电说明"
    assert ticket.returned_list == []
    assert ticket.review_due_at == later + timedelta(hours=2)
    entries = service.timeline(ticket)
    assert [e.action for e in entries] == ["submit", "return_to_staff", "resubmit"]
    assert entries[1].details == {"elements": ["caller_number", "demand"]}
    assert entries[1].note == "补充用户要求"
    assert entries[2].details == {"changed": ["demand"]}


def test_sign_adds_a_signed_row_to_the_days_handover_table(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    service.sign_handover(ticket.id, actor=lead, now=now + timedelta(minutes=30))
    row = db.session.scalar(select(HandoverEntry).where(HandoverEntry.ticket_id == ticket.id))
    assert (row.lead_name, row.lead_employee_no) == (lead.name, lead.employee_no)
    assert row.signed_at == now + timedelta(minutes=30)
    assert row.day.isoformat() == "2026-11-23"
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).state == "handed_over"
    assert audit_actions(ticket)[-1] == ("sign", "submitted", "handed_over")


def test_a_second_sign_changes_nothing_and_says_why(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    version = ticket.version
    service.sign_handover(ticket.id, actor=lead, now=now, version=version)
    before = snapshot(ticket.id)
    with pytest.raises(InvalidTransition):
        service.sign_handover(ticket.id, actor=lead, now=now, version=version)
    assert snapshot(ticket.id) == before


def test_a_stale_form_changes_nothing(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    stale = ticket.version
    service.return_to_staff(ticket.id, actor=lead, now=now, elements=["complaint"])
    service.resubmit_ticket(ticket.id, make.ticket_input(), actor=agent, now=now)
    before = snapshot(ticket.id)
    with pytest.raises(Conflict):
        service.sign_handover(ticket.id, actor=lead, now=now, version=stale)
    assert snapshot(ticket.id) == before


def test_other_teams_and_roles_cannot_act(db_backend, make, now):
    lead, agent = make.team_with_lead()
    other_lead, _ = make.team_with_lead()
    checker = make.user(Role.CHECKER)
    stranger = make.user()
    ticket = make.ticket(submitter=agent)
    before = snapshot(ticket.id)
    with pytest.raises(NotFound):
        service.sign_handover(ticket.id, actor=other_lead, now=now)
    with pytest.raises(NotFound):  # not signed over yet: the quality team cannot see it
        service.get_ticket(ticket.id, actor=checker)
    with pytest.raises(NotAllowed):
        service.sign_handover(ticket.id, actor=agent, now=now)
    with pytest.raises(NotFound):
        service.resubmit_ticket(ticket.id, make.ticket_input(), actor=stranger, now=now)
    assert snapshot(ticket.id) == before


def test_return_must_name_an_element(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    for elements in ([], ["state"]):
        with pytest.raises(Conflict):
            service.return_to_staff(ticket.id, actor=lead, now=now, elements=elements)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).state == "submitted"


def test_the_same_form_posted_twice_makes_one_ticket(db_backend, make, now):
    _, agent = make.team_with_lead()
    first = service.submit_ticket(make.ticket_input(), actor=agent, now=now, idempotency_key="k1")
    again = service.submit_ticket(make.ticket_input(), actor=agent, now=now, idempotency_key="k1")
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_lists_respect_scope(db_backend, make, now):
    lead, agent = make.team_with_lead()
    other_lead, other_agent = make.team_with_lead()
    checker = make.user(Role.CHECKER)
    mine = make.ticket(submitter=agent)
    theirs = make.ticket(submitter=other_agent)
    signed = make.ticket("handed_over", submitter=other_agent, lead=other_lead)
    about_agent = make.ticket(submitter=other_agent, accused_no=agent.employee_no)

    def ids(user):
        rows, _ = service.list_tickets(actor=user)
        return {t.id for t in rows}

    assert ids(agent) == {mine.id, about_agent.id}
    assert ids(lead) == {mine.id, about_agent.id}
    assert ids(other_lead) == {theirs.id, signed.id, about_agent.id}
    assert ids(checker) == {signed.id}
    assert [t.id for t in service.review_queue(actor=lead)] == [mine.id]


def test_review_queue_is_sorted_by_deadline(db_backend, make, now):
    lead, agent = make.team_with_lead()
    late = make.ticket(submitter=agent, at=now - timedelta(hours=3))
    fresh = make.ticket(submitter=agent, at=now)
    middle = make.ticket(submitter=agent, at=now - timedelta(hours=1))
    assert [t.id for t in service.review_queue(actor=lead)] == [late.id, middle.id, fresh.id]


def test_audit_log_refuses_update_and_delete(db_backend, make, now):
    make.ticket()
    for statement in ("UPDATE audit_entries SET note = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(DatabaseError):
            db.session.execute(text(statement))
            db.session.flush()
        db.session.rollback()
    assert db.session.scalar(select(func.count(AuditEntry.id))) >= 1


def test_fifty_simultaneous_submissions_get_fifty_distinct_numbers(db_backend, app, make, now):
    agents = []
    lead, first = make.team_with_lead()
    agents.append(first)
    for _ in range(4):
        agents.append(make.user(Role.STAFF, team=first.team))
    agent_ids = [a.id for a in agents]
    db.session.remove()
    barrier = threading.Barrier(50)

    def submit(i):
        with app.app_context():
            from models import User
            actor = db.session.get(User, agent_ids[i % len(agent_ids)])
            db.session.close()  # keep the loaded user, give the connection back to the pool
            barrier.wait(timeout=30)
            try:
                return service.submit_ticket(make.ticket_input(), actor=actor, now=now).number
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=50) as pool:
        numbers = list(pool.map(submit, range(50)))
    assert len(set(numbers)) == 50
    assert sorted(numbers) == [f"ZK-20261123-{i:04d}" for i in range(1, 51)]
    assert db.session.scalar(select(func.count(Ticket.id))) == 50


def test_the_page_loads_the_ticket_and_knows_its_empty_lists(db_backend, make, now):
    lead, agent = make.team_with_lead()
    accused_lead, accused = make.team_with_lead()
    ticket = make.ticket(submitter=agent, accused_no=accused.employee_no)
    loaded, extras = service.load_page(ticket.id, actor=accused_lead)
    assert loaded.id == ticket.id
    assert extras == service.PageExtras(has_evidence=False, has_case=False,
                                        has_survey_contact=False)
    assert {"attempts", "sms", "notifications"}.isdisjoint(inspect(loaded).unloaded)
    assert loaded.attempts == [] and loaded.sms == [] and loaded.notifications == []
    with pytest.raises(NotFound):
        service.load_page(ticket.id, actor=make.user(Role.STAFF))


def test_the_accused_agents_team_is_read_again_after_a_commit(db_backend, make, now):
    lead, agent = make.team_with_lead()
    other_lead, accused = make.team_with_lead()
    ticket = make.ticket(submitter=agent, accused_no=accused.employee_no)
    loaded, _ = service.load_page(ticket.id, actor=lead)
    assert service.facts(loaded).accused_team_id == other_lead.team_id
    accused.team_id = lead.team_id
    db.session.commit()
    assert service.facts(loaded).accused_team_id == lead.team_id
