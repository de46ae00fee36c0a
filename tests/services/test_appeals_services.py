"""Appeals and the anonymous panel vote against a real database."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.errors import Conflict, InvalidTransition, NotAllowed
from domain.roles import Role
from extensions import db
from models import Alert, Ballot, PanelMember, Ticket, User
from services import appeals, quality
from tests.factories import Factory

pytestmark = pytest.mark.postgres


class World:
    """An established, replied-to ticket about an agent of team 二班, and everyone needed to
    appeal it and vote on it. Employee numbers are fixed so two worlds can be compared."""

    def __init__(self, make: Factory, now):
        u = make.user
        self.lead = u(Role.TEAM_LEAD, team="一班", employee_no="200100", name="刘洋")
        self.agent = u(Role.STAFF, team="一班", employee_no="200101", name="张伟")
        self.accused_lead = u(Role.TEAM_LEAD, team="二班", employee_no="200200", name="陈静")
        self.accused = u(Role.STAFF, team="二班", employee_no="200333", name="王芳")
        self.checker = u(Role.CHECKER, employee_no="190001", name="赵敏")
        self.owner = u(Role.OWNER, employee_no="190000", name="周强")
        self.duty = u(Role.DUTY_MANAGER, employee_no="160001", name="吴刚")
        self.site_head = u(Role.SITE_HEAD, employee_no="150000", name="黄磊")
        self.admin = u(Role.ADMIN, employee_no="990001", name="管理员")
        self.panel = [u(Role.STAFF, team="三班", employee_no=f"2103{i:02d}", name=f"评委{i}")
                      for i in range(1, 7)]
        self.now = now
        ticket = make.ticket("verifying", submitter=self.agent, lead=self.lead,
                             checker=self.checker, accused_no=self.accused.employee_no)
        a2 = [c.id for c in quality.active_criteria() if c.code == "A2"]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=a2,
                      basis="录音中员工反问客户", actor=self.checker, now=now)
        quality.log_attempt(ticket.id, at=now, reached=True, note="", actor=self.checker,
                            now=now)
        quality.complete_reply(ticket.id, method="phone", note="", actor=self.checker, now=now)
        self.ticket_id = ticket.id

    def ticket(self):
        db.session.expire_all()
        return db.session.get(Ticket, self.ticket_id)

    def appeal(self, who=None, at=None):
        return appeals.file_appeal(self.ticket_id, objection="录音01:20处客户先辱骂员工",
                                   actor=who or self.accused_lead, now=at or self.now)

    def to_vote(self):
        self.appeal()
        appeals.rejudge(self.ticket_id, decision="uphold", reason="录音证据充分",
                        actor=self.owner, now=self.now)
        nos = [p.employee_no for p in self.panel]
        appeals.name_panel(self.ticket_id, employee_nos=nos[:3], actor=self.accused_lead,
                           now=self.now)
        appeals.name_panel(self.ticket_id, employee_nos=nos[3:], actor=self.owner, now=self.now)

    def vote(self, choices, at=None):
        for panellist, choice in zip(self.panel, choices, strict=True):
            if choice:
                appeals.cast_ballot(self.ticket_id, choice=choice, actor=panellist,
                                    now=at or self.now)


E, N = "established", "not_established"


@pytest.fixture
def world(make, now):
    return World(make, now)


def test_who_may_appeal_and_when(db_backend, world, now):
    for outsider in (world.agent, world.lead):   # not the appeal chain of the accused
        with pytest.raises((NotAllowed, InvalidTransition)):
            world.appeal(outsider)
    with pytest.raises(InvalidTransition):          # the 72-hour window has passed
        world.appeal(world.duty, at=now + timedelta(hours=72))
    world.appeal(world.duty)
    assert world.ticket().state == "appealed"
    with pytest.raises(InvalidTransition):          # one appeal per ticket
        world.appeal(world.accused_lead)


def test_a_not_established_verdict_cannot_be_appealed(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, accused_no="200333")
    quality.judge(ticket.id, kind="attitude", verdict="not_established", criteria_ids=[],
                  basis="录音正常", actor=checker, now=now)
    with pytest.raises(InvalidTransition):
        appeals.file_appeal(ticket.id, objection="x", actor=make.user(Role.DUTY_MANAGER),
                            now=now)


def test_overturn_is_final_and_the_ticket_then_closes(db_backend, world, now):
    world.appeal()
    with pytest.raises(NotAllowed):
        appeals.rejudge(world.ticket_id, decision="overturn", reason="x", actor=world.duty,
                        now=now)
    appeals.rejudge(world.ticket_id, decision="overturn", reason="客户先辱骂，员工反应可理解",
                    actor=world.owner, now=now)
    ticket = world.ticket()
    assert (ticket.state, ticket.verdict, ticket.appeal.outcome) == (
        "judged", "not_established", "not_established")
    assert ticket.judgement.verdict == "established"   # the checker's record is kept
    assert quality.close_due(now + timedelta(minutes=1)) == 1


def test_the_owner_who_judged_may_not_rejudge(db_backend, make, now):
    owner = make.user(Role.OWNER)
    ticket = make.ticket("verifying", checker=owner, accused_no="200333")
    a1 = [c.id for c in quality.active_criteria() if c.code == "A1"]
    quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=a1,
                  basis="录音", actor=owner, now=now)
    appeals.file_appeal(ticket.id, objection="异议", actor=make.user(Role.GROUP_HEAD), now=now)
    with pytest.raises(NotAllowed):
        appeals.rejudge(ticket.id, decision="uphold", reason="x", actor=owner, now=now)
    appeals.rejudge(ticket.id, decision="uphold", reason="x", actor=make.user(Role.OWNER),
                    now=now)


def test_six_person_rule(db_backend, world, now):
    world.appeal()
    appeals.rejudge(world.ticket_id, decision="uphold", reason="维持", actor=world.owner,
                    now=now)
    nos = [p.employee_no for p in world.panel]
    for bad in ([nos[0], nos[1], world.accused.employee_no],
                [nos[0], nos[1], world.checker.employee_no],
                [nos[0], nos[1], world.admin.employee_no],
                [nos[0], nos[1], nos[1]], [nos[0], nos[1]], [nos[0], nos[1], "999999"]):
        with pytest.raises(appeals.FormProblems):
            appeals.name_panel(world.ticket_id, employee_nos=bad, actor=world.accused_lead,
                               now=now)
    appeals.name_panel(world.ticket_id, employee_nos=nos[:3], actor=world.accused_lead, now=now)
    with pytest.raises(InvalidTransition):   # a side names once
        appeals.name_panel(world.ticket_id, employee_nos=nos[3:], actor=world.accused_lead,
                           now=now)
    with pytest.raises(appeals.FormProblems):  # six distinct people
        appeals.name_panel(world.ticket_id, employee_nos=[nos[0], nos[4], nos[5]],
                           actor=world.owner, now=now)
    with pytest.raises(NotAllowed):
        appeals.name_panel(world.ticket_id, employee_nos=nos[3:], actor=world.duty, now=now)
    appeals.name_panel(world.ticket_id, employee_nos=nos[3:], actor=world.owner, now=now)
    ticket = world.ticket()
    assert ticket.state == "voting"
    assert ticket.appeal.vote_deadline == now + timedelta(hours=24)


def test_majority_decides_and_counts_appear_only_at_close(db_backend, world, now):
    world.to_vote()
    world.vote([E, E, N, E, None, None])
    appeal = world.ticket().appeal
    assert (appeal.established_count, appeal.not_established_count) == (None, None)
    with pytest.raises(Conflict):                         # once cast, never changed
        appeals.cast_ballot(world.ticket_id, choice=N, actor=world.panel[0], now=now)
    with pytest.raises(NotAllowed):
        appeals.cast_ballot(world.ticket_id, choice=N, actor=world.owner, now=now)
    world.vote([None, None, None, None, N, E])
    ticket = world.ticket()
    assert (ticket.state, ticket.verdict) == ("judged", "established")
    assert (ticket.appeal.established_count, ticket.appeal.not_established_count) == (4, 2)
    with pytest.raises(InvalidTransition):
        appeals.cast_ballot(world.ticket_id, choice=N, actor=world.panel[5], now=now)


def test_a_tie_goes_to_the_site_head(db_backend, world, now):
    world.to_vote()
    world.vote([E, N, E, N, E, N])
    assert world.ticket().state == "escalated"
    with pytest.raises(NotAllowed):
        appeals.rule(world.ticket_id, verdict=N, reason="x", actor=world.owner, now=now)
    appeals.rule(world.ticket_id, verdict=N, reason="证据不足以认定", actor=world.site_head,
                 now=now)
    ticket = world.ticket()
    assert (ticket.state, ticket.verdict, ticket.appeal.outcome) == ("judged", N, N)


@pytest.mark.parametrize("choices, state", [([E, N, None, None, None, None], "escalated"),
                                            ([None] * 6, "escalated"),
                                            ([N, N, E, None, None, None], "judged")])
def test_the_deadline_closes_the_vote(db_backend, world, now, choices, state):
    world.to_vote()
    world.vote(choices)
    assert appeals.close_due_votes(now + timedelta(hours=23)) == 0
    assert appeals.close_due_votes(now + timedelta(hours=24)) == 1
    assert world.ticket().state == state
    with pytest.raises(InvalidTransition):
        appeals.cast_ballot(world.ticket_id, choice=E, actor=world.panel[5],
                            now=now + timedelta(hours=24))


def test_two_tabs_voting_at_once_count_once(db_backend, app, world, now):
    world.to_vote()
    voter_id = world.panel[0].id
    db.session.remove()
    barrier = threading.Barrier(2)

    def vote(choice):
        with app.app_context():
            actor = db.session.get(User, voter_id)
            db.session.close()
            barrier.wait(timeout=20)
            try:
                appeals.cast_ballot(world.ticket_id, choice=choice, actor=actor, now=now)
                return "counted"
            except Conflict:
                return "refused"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = sorted(pool.map(vote, [E, N]))
    assert results == ["counted", "refused"]
    assert len(db.session.scalars(select(Ballot)).all()) == 1
    assert voted_flags(world) == 1


# --- sealed ballots ---------------------------------------------------------------------------

def unreadable_alerts(world) -> set[int]:
    return set(db.session.scalars(select(Alert.user_id).where(Alert.kind == "ballots_unreadable")))


@pytest.mark.parametrize("when", ["all voted", "deadline"])
def test_a_changed_key_never_closes_a_vote_with_wrong_counts(db_backend, app, world, now, when):
    """The key changed while the vote was open: nothing is counted, the owner, the site head
    and the administrator are told, and the site head rules as on a tie."""
    world.to_vote()
    world.vote([E, E, E, None, None, None])
    app.config["SECRET_KEY"] = "a new secret key"
    if when == "all voted":
        world.vote([None, None, None, N, N, E])
    else:
        assert appeals.close_due_votes(now + timedelta(hours=24)) == 1
    ticket = world.ticket()
    assert ticket.state == "escalated"
    assert ticket.appeal.ballots_unreadable is True
    assert (ticket.appeal.established_count, ticket.appeal.not_established_count) == (None, None)
    assert db.session.scalars(select(Ballot)).all() == []
    assert unreadable_alerts(world) == {world.owner.id, world.site_head.id, world.admin.id}
    appeals.rule(world.ticket_id, verdict=N, reason="选票无法解密，按证据裁定",
                 actor=world.site_head, now=now + timedelta(hours=25))
    assert (world.ticket().state, world.ticket().verdict) == ("judged", N)


def test_a_copied_ballot_row_makes_the_vote_unreadable(db_backend, world, now):
    """Someone with write access to the database copies a ballot to add a vote: the count
    no longer matches the voters, and the vote is not decided on it."""
    world.to_vote()
    world.vote([E, N, N, None, None, None])
    row = db.session.scalars(select(Ballot)).first()
    db.session.add(Ballot(id="f" * 32, appeal_id=row.appeal_id, sealed=row.sealed))
    db.session.commit()
    world.vote([None, None, None, N, E, E])
    ticket = world.ticket()
    assert (ticket.state, ticket.appeal.ballots_unreadable) == ("escalated", True)


def test_a_dedicated_ballot_key_seals_the_ballots(db_backend, app, world, now):
    from domain import ballots
    app.config["BALLOT_KEY"] = "a key only for ballots"
    world.to_vote()
    expected = ballots.fingerprint(ballots.derive_key("test-secret", "a key only for ballots"))
    assert world.ticket().appeal.ballot_key_id == expected
    world.vote([E, E, N, N, N, E])
    assert world.ticket().state == "escalated"      # a 3:3 tie, counted with that key
    assert world.ticket().appeal.ballots_unreadable is False
    assert (world.ticket().appeal.established_count,
            world.ticket().appeal.not_established_count) == (3, 3)


def test_panel_rows_hold_no_time_or_order(db_backend, world):
    columns = {c.name for c in PanelMember.__table__.columns}
    assert columns == {"appeal_id", "user_id", "side", "named_by_id", "submitted"}
    assert {c.name for c in Ballot.__table__.columns} == {"id", "appeal_id", "sealed"}


def voted_flags(world) -> int:
    return sum(m.submitted for m in world.ticket().appeal.members)
