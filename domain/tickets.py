"""The self-control ticket (内部服务质量自控工单): states, transitions, visibility, clocks."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from .errors import InvalidTransition, NotAllowed
from .roles import FILERS, SEES_ALL_HANDED_OVER, Role


class State(StrEnum):
    SUBMITTED = "submitted"                  # 已提交，待领班审核
    RETURNED_TO_STAFF = "returned_to_staff"  # 领班退回员工
    HANDED_OVER = "handed_over"              # 领班已签字交接
    # Later stages (quality team, appeals) are added with their capabilities.


class Action(StrEnum):
    SUBMIT = "submit"                    # 提交
    RETURN_TO_STAFF = "return_to_staff"  # 退回
    RESUBMIT = "resubmit"                # 重新提交
    SIGN = "sign"                        # 签字确认


#: (state before, action) -> state after. ``None`` is "no ticket yet".
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, Action.SUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.RETURN_TO_STAFF): State.RETURNED_TO_STAFF,
    (State.RETURNED_TO_STAFF, Action.RESUBMIT): State.SUBMITTED,
    (State.SUBMITTED, Action.SIGN): State.HANDED_OVER,
}

#: Which roles may take each action at all.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.SUBMIT: FILERS,
    Action.RETURN_TO_STAFF: frozenset({Role.TEAM_LEAD}),
    Action.RESUBMIT: FILERS,
    Action.SIGN: frozenset({Role.TEAM_LEAD}),
}

#: The elements of the paper form a lead can name when returning a ticket (SPEC §2).
ELEMENTS = ("caller_number", "contact_number", "complaint", "demand", "accused_no")

REVIEW_HOURS = 2


@dataclass(frozen=True)
class Actor:
    """Who is acting: just the facts the rules need."""
    id: int
    role: Role
    team_id: int | None
    employee_no: str


@dataclass(frozen=True)
class TicketFacts:
    """What the rules need to know about a ticket."""
    state: State
    submitter_id: int
    team_id: int | None
    accused_no: str | None = None
    accused_team_id: int | None = None
    handed_over: bool = False


def next_state(state: State | None, action: Action, role: Role) -> State:
    """The state after `action`, or raise NotAllowed (role) / InvalidTransition (state)."""
    if role not in ALLOWED[action]:
        raise NotAllowed("Your role may not do this.")
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(
            "This ticket is now “%(state)s”; the action no longer applies.", state=state) from None


def is_party(actor: Actor, ticket: TicketFacts) -> bool:
    """The actor filed the ticket or is the agent complained about."""
    return actor.id == ticket.submitter_id or (
        ticket.accused_no is not None and ticket.accused_no == actor.employee_no)


def leads_team_of(actor: Actor, ticket: TicketFacts) -> bool:
    return actor.role == Role.TEAM_LEAD and actor.team_id is not None and actor.team_id in (
        ticket.team_id, ticket.accused_team_id)


def can_view(actor: Actor, ticket: TicketFacts) -> bool:
    """Staff: own tickets and tickets about them. Leads: also their team's. Quality and
    management: every ticket once signed over. Admin: none (IT manages users, not tickets)."""
    if actor.role in FILERS and (is_party(actor, ticket) or leads_team_of(actor, ticket)):
        return True
    return actor.role in SEES_ALL_HANDED_OVER and ticket.handed_over


def may(action: Action, actor: Actor, ticket: TicketFacts) -> bool:
    """Whether `actor` may take `action` on `ticket` now: role, relationship and state."""
    if actor.role not in ALLOWED[action] or (ticket.state, action) not in TRANSITIONS:
        return False
    if action == Action.RESUBMIT:
        return actor.id == ticket.submitter_id
    if action in (Action.RETURN_TO_STAFF, Action.SIGN):
        # The lead of the team the ticket was filed in.
        return actor.role == Role.TEAM_LEAD and actor.team_id is not None \
            and actor.team_id == ticket.team_id
    return True


def check(action: Action, actor: Actor, ticket: TicketFacts) -> State:
    """Like `may`, but returns the next state or raises the reason it is refused."""
    new = next_state(ticket.state, action, actor.role)
    if not may(action, actor, ticket):
        raise NotAllowed("Only the team lead of this ticket's team, or its submitter, may do this.")
    return new


def review_due(submitted_at: datetime, hours: int = REVIEW_HOURS) -> datetime:
    """The team-lead review deadline: `hours` after (re)submission."""
    return submitted_at + timedelta(hours=hours)


def is_overdue(due: datetime | None, now: datetime) -> bool:
    return due is not None and now > due


def ticket_number(day: date, seq: int) -> str:
    """Human ticket number ZK-YYYYMMDD-NNNN (local date, daily sequence)."""
    return f"ZK-{day:%Y%m%d}-{seq:04d}"
