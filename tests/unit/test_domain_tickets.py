"""The ticket state machine, visibility and clocks as plain rules."""
from datetime import date

import pytest

from domain.errors import InvalidTransition, NotAllowed
from domain.roles import Role
from domain.tickets import (ALLOWED, AUTOMATIC, TRANSITIONS, Action, Actor, State, TicketFacts,
                            automatic_next, can_view, check, may, next_state, ticket_number)

STATES = [None, *State]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("state", STATES)
def test_next_state_follows_the_table_for_every_state_action_and_role(state, action, role):
    if role not in ALLOWED[action]:
        with pytest.raises(NotAllowed):
            next_state(state, action, role)
    elif (state, action) in TRANSITIONS:
        assert next_state(state, action, role) == TRANSITIONS[(state, action)]
    else:
        with pytest.raises(InvalidTransition):
            next_state(state, action, role)


def test_the_lifecycle_so_far():
    assert TRANSITIONS == {
        (None, Action.SUBMIT): State.SUBMITTED,
        (None, Action.ENTER): State.HANDED_OVER,
        (State.SUBMITTED, Action.RETURN_TO_STAFF): State.RETURNED_TO_STAFF,
        (State.RETURNED_TO_STAFF, Action.RESUBMIT): State.SUBMITTED,
        (State.SUBMITTED, Action.SIGN): State.HANDED_OVER,
        (State.HANDED_OVER, Action.CLAIM): State.VERIFYING,
        (State.VERIFYING, Action.RETURN_TO_LEAD): State.RETURNED_TO_LEAD,
        (State.RETURNED_TO_LEAD, Action.CONFIRM_RETURN): State.RETURN_CONFIRMED,
        (State.VERIFYING, Action.JUDGE): State.JUDGED,
        (State.JUDGED, Action.CLOSE): State.CLOSED,
        (State.JUDGED, Action.APPEAL): State.APPEALED,
        (State.APPEALED, Action.OVERTURN): State.JUDGED,
        (State.APPEALED, Action.UPHOLD): State.PANEL,
        (State.PANEL, Action.OPEN_VOTE): State.VOTING,
        (State.VOTING, Action.CLOSE_VOTE): State.JUDGED,
        (State.VOTING, Action.ESCALATE_TIE): State.ESCALATED,
        (State.ESCALATED, Action.DECIDE): State.JUDGED,
    }


def test_nobody_makes_the_automatic_moves_by_hand():
    for action in AUTOMATIC:
        assert ALLOWED[action] == set()
        for role in Role:
            assert not may(action, Actor(1, role, 1, "1001"), facts(State.JUDGED))


def test_automatic_moves_follow_the_table():
    assert automatic_next(State.VOTING, Action.ESCALATE_TIE) == State.ESCALATED
    with pytest.raises(InvalidTransition):
        automatic_next(State.JUDGED, Action.OPEN_VOTE)
    with pytest.raises(NotAllowed):
        automatic_next(State.APPEALED, Action.OVERTURN)


def test_appeal_chain_and_rejudging():
    judged = TicketFacts(state=State.JUDGED, submitter_id=AGENT.id, team_id=10,
                         accused_no="180123", accused_team_id=20, handed_over=True,
                         judged_by_id=CHECKER.id)
    assert may(Action.APPEAL, ACCUSED_LEAD, judged)        # the accused agent's lead
    assert not may(Action.APPEAL, LEAD, judged)            # the filing team's lead is not
    duty = Actor(id=60, role=Role.DUTY_MANAGER, team_id=None, employee_no="160001")
    assert may(Action.APPEAL, duty, judged)
    owner = Actor(id=61, role=Role.OWNER, team_id=None, employee_no="190000")
    judging_owner = Actor(id=CHECKER.id, role=Role.OWNER, team_id=None, employee_no="190001")
    deputy = Actor(id=62, role=Role.GROUP_HEAD, team_id=None, employee_no="170000")
    appealed = TicketFacts(state=State.APPEALED, submitter_id=AGENT.id, team_id=10,
                           handed_over=True, judged_by_id=CHECKER.id,
                           appeal_actor_ids=frozenset({owner.id}))
    assert may(Action.UPHOLD, owner, appealed) and may(Action.OVERTURN, owner, appealed)
    assert not may(Action.UPHOLD, judging_owner, appealed)
    assert not may(Action.UPHOLD, deputy, appealed)         # an owner may: not the deputy
    only_owner_judged = TicketFacts(state=State.APPEALED, submitter_id=AGENT.id, team_id=10,
                                    handed_over=True, judged_by_id=judging_owner.id,
                                    appeal_actor_ids=frozenset({deputy.id}))
    assert may(Action.OVERTURN, deputy, only_owner_judged)
    assert not may(Action.OVERTURN, judging_owner, only_owner_judged)


def test_panellists_see_the_ticket_they_vote_on():
    panel = TicketFacts(state=State.VOTING, submitter_id=AGENT.id, team_id=10,
                        handed_over=True, panel_ids=frozenset({COLLEAGUE.id}))
    assert can_view(COLLEAGUE, panel)
    assert not can_view(OTHER_LEAD, panel)


def test_only_team_leads_sign_and_return():
    assert ALLOWED[Action.SIGN] == {Role.TEAM_LEAD}
    assert ALLOWED[Action.RETURN_TO_STAFF] == {Role.TEAM_LEAD}
    assert ALLOWED[Action.SUBMIT] == {Role.STAFF, Role.TEAM_LEAD}


AGENT = Actor(id=1, role=Role.STAFF, team_id=10, employee_no="200001")
COLLEAGUE = Actor(id=2, role=Role.STAFF, team_id=10, employee_no="200002")
ACCUSED = Actor(id=3, role=Role.STAFF, team_id=20, employee_no="180123")
LEAD = Actor(id=4, role=Role.TEAM_LEAD, team_id=10, employee_no="200000")
OTHER_LEAD = Actor(id=5, role=Role.TEAM_LEAD, team_id=30, employee_no="300000")
ACCUSED_LEAD = Actor(id=6, role=Role.TEAM_LEAD, team_id=20, employee_no="190000")
CHECKER = Actor(id=7, role=Role.CHECKER, team_id=None, employee_no="190001")
ADMIN = Actor(id=8, role=Role.ADMIN, team_id=None, employee_no="990001")


def facts(state=State.SUBMITTED, handed_over=False):
    return TicketFacts(state=state, submitter_id=AGENT.id, team_id=10, accused_no="180123",
                       accused_team_id=20, handed_over=handed_over)


@pytest.mark.parametrize("actor, visible", [
    (AGENT, True), (COLLEAGUE, False), (ACCUSED, True), (LEAD, True), (OTHER_LEAD, False),
    (ACCUSED_LEAD, True), (CHECKER, False), (ADMIN, False)])
def test_who_sees_a_submitted_ticket(actor, visible):
    assert can_view(actor, facts()) is visible


@pytest.mark.parametrize("role", [Role.CHECKER, Role.OWNER, Role.DUTY_MANAGER,
                                  Role.GROUP_HEAD, Role.SITE_HEAD])
def test_quality_and_management_see_tickets_only_once_signed_over(role):
    actor = Actor(id=50, role=role, team_id=None, employee_no="190050")
    assert not can_view(actor, facts())
    assert can_view(actor, facts(State.HANDED_OVER, handed_over=True))
    assert not can_view(ADMIN, facts(State.HANDED_OVER, handed_over=True))


def test_only_the_lead_of_the_filing_team_signs_or_returns():
    for action in (Action.SIGN, Action.RETURN_TO_STAFF):
        assert may(action, LEAD, facts())
        assert not may(action, OTHER_LEAD, facts())
        # the accused agent's lead sees the ticket but does not review it
        assert not may(action, ACCUSED_LEAD, facts())
        with pytest.raises(NotAllowed):
            check(action, ACCUSED_LEAD, facts())


def test_only_the_submitter_resubmits():
    returned = facts(State.RETURNED_TO_STAFF)
    assert may(Action.RESUBMIT, AGENT, returned)
    assert not may(Action.RESUBMIT, COLLEAGUE, returned)
    assert not may(Action.RESUBMIT, LEAD, returned)


def test_a_second_sign_is_refused_as_a_state_conflict():
    with pytest.raises(InvalidTransition):
        check(Action.SIGN, LEAD, facts(State.HANDED_OVER, handed_over=True))


def test_ticket_number_format():
    assert ticket_number(date(2026, 11, 3), 7) == "ZK-20261103-0007"
    assert ticket_number(date(2026, 11, 3), 12345) == "ZK-20261103-12345"


def test_a_checker_may_claim_a_transferred_ticket_they_entered_but_not_one_they_filed():
    entered = TicketFacts(state=State.HANDED_OVER, submitter_id=CHECKER.id, team_id=None,
                          accused_no="200001", handed_over=True, transferred=True)
    filed = TicketFacts(state=State.HANDED_OVER, submitter_id=CHECKER.id, team_id=None,
                        accused_no="200001", handed_over=True)
    about_them = TicketFacts(state=State.HANDED_OVER, submitter_id=AGENT.id, team_id=10,
                             accused_no=CHECKER.employee_no, handed_over=True, transferred=True)
    assert may(Action.CLAIM, CHECKER, entered)
    assert not may(Action.CLAIM, CHECKER, filed)
    assert not may(Action.CLAIM, CHECKER, about_them)
