"""No appeal stalls (the deputy re-judges when the only owner judged) and the accused agent's
objection climbs the appeal chain (领班 → 主值班 → 受理组负责人), against a real database."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.errors import Conflict, InvalidTransition, NotAllowed
from domain.roles import Role
from extensions import db
from models import Alert, AuditEntry, Objection, Ticket, User
from services import appeals, objections, quality, settings
from tests.services.test_appeals_services import World

pytestmark = pytest.mark.postgres

E, N = "established", "not_established"


def waiting_anywhere(ticket_id: int) -> set[int]:
    """Every active user whose waiting list holds this ticket's appeal."""
    ticket = db.session.get(Ticket, ticket_id)
    found = set()
    for user in db.session.scalars(select(User).where(User.active.is_(True))):
        if ticket in appeals.waiting_for(user) or ticket in appeals.my_open_votes(user):
            found.add(user.id)
    return found


def alerted(kind: str) -> set[int]:
    return set(db.session.scalars(select(Alert.user_id).where(Alert.kind == kind)))


@pytest.fixture
def owner_judged(make, now):
    """An established verdict judged by the only owner, appealed by the accused's lead."""
    owner = make.user(Role.OWNER, employee_no="190000", name="周强")
    group_head = make.user(Role.GROUP_HEAD, employee_no="170000", name="孙丽")
    lead, agent = make.team_with_lead()
    accused_lead = make.user(Role.TEAM_LEAD, team="二班", employee_no="200200")
    accused = make.user(Role.STAFF, team="二班", employee_no="200333")
    ticket = make.ticket("verifying", submitter=agent, lead=lead, checker=owner,
                         accused_no=accused.employee_no)
    a2 = [c.id for c in quality.active_criteria() if c.code == "A2"]
    quality.judge(ticket.id, kind="attitude", verdict=E, criteria_ids=a2, basis="录音反问客户",
                  actor=owner, now=now)
    appeals.file_appeal(ticket.id, objection="客户先辱骂", actor=accused_lead, now=now)
    return {"owner": owner, "group_head": group_head, "ticket_id": ticket.id,
            "accused_lead": accused_lead}


def test_when_the_only_owner_judged_the_group_head_rejudges(db_backend, owner_judged, now):
    """Before: rejudge refused the only owner and the appeal was in nobody's list."""
    w = owner_judged
    assert waiting_anywhere(w["ticket_id"]) == {w["group_head"].id}
    assert alerted("appeal") == {w["group_head"].id}
    with pytest.raises(NotAllowed):
        appeals.rejudge(w["ticket_id"], decision="overturn", reason="x", actor=w["owner"],
                        now=now)
    appeals.rejudge(w["ticket_id"], decision="uphold", reason="证据充分", actor=w["group_head"],
                    now=now)
    ticket = db.session.get(Ticket, w["ticket_id"])
    assert (ticket.state, ticket.appeal.rejudged_by_id) == ("panel", w["group_head"].id)
    # the judging side is named by an owner or by the deputy who upheld
    assert {w["owner"].id, w["group_head"].id} <= waiting_anywhere(w["ticket_id"])


def test_the_configured_deputy_rejudges(db_backend, owner_judged, make, now):
    deputy = make.user(Role.GROUP_HEAD, employee_no="170009")
    settings.update({"rejudge_deputy": "170009"}, actor=make.user(Role.ADMIN), now=now)
    assert waiting_anywhere(owner_judged["ticket_id"]) == {deputy.id}
    with pytest.raises(NotAllowed):   # the other group head is not the deputy
        appeals.rejudge(owner_judged["ticket_id"], decision="overturn", reason="x",
                        actor=owner_judged["group_head"], now=now)
    appeals.rejudge(owner_judged["ticket_id"], decision="overturn", reason="客户先辱骂",
                    actor=deputy, now=now)
    assert db.session.get(Ticket, owner_judged["ticket_id"]).verdict == N


def test_another_owner_comes_before_the_deputy(db_backend, owner_judged, make, now):
    second = make.user(Role.OWNER)
    assert waiting_anywhere(owner_judged["ticket_id"]) == {second.id}


# --- the agent's objection ---------------------------------------------------------------------

@pytest.fixture
def world(make, now):
    world = World(make, now)
    world.group_head = make.user(Role.GROUP_HEAD, employee_no="170000", name="孙丽")
    return world


def raise_(world, points="录音01:20处客户先辱骂我", at=None):
    return objections.raise_objection(world.ticket_id, points=points, actor=world.accused,
                                      now=at or world.now)


def test_the_objection_climbs_the_chain_and_the_top_files_the_sheet(db_backend, world, now):
    first = raise_(world)
    assert first.level == "team_lead"
    assert [o.id for o in objections.waiting_for(world.accused_lead, now)] == [first.id]
    assert objections.waiting_for(world.duty, now) == []
    assert world.accused_lead.id in alerted("objection")
    with pytest.raises(InvalidTransition):      # one pending request at a time
        raise_(world)
    with pytest.raises(NotAllowed):              # not the duty manager's yet
        objections.decline(first.id, reason="x", actor=world.duty, now=now)
    objections.decline(first.id, reason="录音中确有反问", actor=world.accused_lead, now=now)
    assert world.accused.id in alerted("objection_declined")
    second = raise_(world, at=now + timedelta(hours=1))
    assert second.level == "duty_manager"
    objections.decline(second.id, reason="维持领班意见", actor=world.duty,
                       now=now + timedelta(hours=1, minutes=30))
    third = raise_(world, at=now + timedelta(hours=2))
    assert third.level == "group_head"
    assert [o.id for o in objections.waiting_for(world.group_head, now)] == [third.id]
    appeals.file_appeal(world.ticket_id, objection=third.points, actor=world.group_head,
                        now=now + timedelta(hours=3), objection_id=third.id)
    ticket = world.ticket()
    assert ticket.state == "appealed" and ticket.appeal.appellant_id == world.group_head.id
    assert [o.status for o in objections.history(ticket)] == ["declined", "declined", "filed"]
    assert world.accused.id in alerted("objection_filed")
    actions = [a for a in db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.ticket_id == world.ticket_id, AuditEntry.action.like("objection%"))
        .order_by(AuditEntry.id))]
    assert actions == ["objection_raise", "objection_decline", "objection_raise",
                       "objection_decline", "objection_raise", "objection_file"]
    with pytest.raises(InvalidTransition):      # the top of the chain, and appealed now
        raise_(world, at=now + timedelta(hours=4))


def test_only_the_accused_and_only_within_the_window(db_backend, world, now):
    with pytest.raises(NotAllowed):
        objections.raise_objection(world.ticket_id, points="x", actor=world.agent, now=now)
    with pytest.raises(InvalidTransition):
        raise_(world, at=now + timedelta(hours=72))
    with pytest.raises(Conflict):                # the points are required
        objections.raise_objection(world.ticket_id, points=" ", actor=world.accused, now=now)


def test_a_lead_decides_once(db_backend, world, now):
    request = raise_(world)
    objections.decline(request.id, reason="不予提交", actor=world.accused_lead, now=now)
    with pytest.raises(InvalidTransition):
        objections.decline(request.id, reason="again", actor=world.accused_lead, now=now)


def test_an_appeal_filed_anyway_settles_the_pending_request(db_backend, world, now):
    """The duty manager files of their own accord while the lead has not decided: the
    request does not linger in the lead's list."""
    request = raise_(world)
    appeals.file_appeal(world.ticket_id, objection="主值班直接提交", actor=world.duty, now=now)
    db.session.refresh(request)
    assert request.status == "filed"
    assert objections.waiting_for(world.accused_lead, now) == []


def test_numbers_in_the_points_are_masked(db_backend, world, now):
    request = raise_(world, points="客户13812345678先辱骂")
    assert "138****5678" in db.session.get(Objection, request.id).points
