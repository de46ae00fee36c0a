"""The self-control ticket (内部服务质量自控工单): states, transitions, who may act, who sees it."""
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from .errors import InvalidTransition, NotAllowed
from .roles import APPEAL_CHAIN, FILERS, QUALITY, SEES_ALL_HANDED_OVER, Role


class State(StrEnum):
    SUBMITTED = "submitted"                  # 已提交，待领班审核
    RETURNED_TO_STAFF = "returned_to_staff"  # 领班退回员工
    HANDED_OVER = "handed_over"              # 领班已签字交接，待认领
    VERIFYING = "verifying"                  # 自控组核实中
    RETURNED_TO_LEAD = "returned_to_lead"    # 自控组退回领班，待领班确认
    RETURN_CONFIRMED = "return_confirmed"    # 领班已确认退回（结束）
    JUDGED = "judged"                        # 已判责
    APPEALED = "appealed"                    # 判责异议，待白名单负责人复审
    PANEL = "panel"                          # 维持原判，合议组组建中
    VOTING = "voting"                        # 无记名投票中
    ESCALATED = "escalated"                  # 票数相同或无人投票，待现场负责人裁定
    CLOSED = "closed"                        # 已结案


class Action(StrEnum):
    SUBMIT = "submit"                    # 提交
    RETURN_TO_STAFF = "return_to_staff"  # 退回
    RESUBMIT = "resubmit"                # 重新提交
    SIGN = "sign"                        # 签字确认
    CLAIM = "claim"                      # 认领
    RETURN_TO_LEAD = "return_to_lead"    # 退回领班
    CONFIRM_RETURN = "confirm_return"    # 确认退回
    JUDGE = "judge"                      # 提交判责
    CLOSE = "close"                      # 结案 (by the system, never by a person)
    ENTER = "enter"                      # 录入转来工单: transferred from another line
    APPEAL = "appeal"                    # 提交异议
    OVERTURN = "overturn"                # 改判
    UPHOLD = "uphold"                    # 维持原判
    OPEN_VOTE = "open_vote"              # both sides named their panellists (automatic)
    CLOSE_VOTE = "close_vote"            # all voted or deadline passed: a majority (automatic)
    ESCALATE_TIE = "escalate_tie"        # the same, but a tie or no ballots (automatic)
    DECIDE = "decide"                    # 裁定 (site head)


class ReturnReason(StrEnum):
    """Why the quality team returns a ticket to the lead (SPEC §3)."""
    R1 = "R1"  # 员工未作任何解释
    R2 = "R2"  # 不属提交内部服务质量自控范围


#: States in which the quality team keeps the customer reply record.
REPLY_STATES = frozenset({"verifying", "judged"})


#: (state before, action) -> state after. ``None`` is "no ticket yet".
TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, Action.SUBMIT): State.SUBMITTED,
    # Transferred from back office / 89082000 / 10109696: no lead review, straight to the queue.
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

#: Which roles may take each action at all.
ALLOWED: dict[Action, frozenset[Role]] = {
    Action.SUBMIT: FILERS,
    Action.RETURN_TO_STAFF: frozenset({Role.TEAM_LEAD}),
    Action.RESUBMIT: FILERS,
    Action.SIGN: frozenset({Role.TEAM_LEAD}),
    Action.CLAIM: QUALITY,
    Action.RETURN_TO_LEAD: QUALITY,
    Action.CONFIRM_RETURN: frozenset({Role.TEAM_LEAD}),
    Action.JUDGE: QUALITY,
    Action.CLOSE: frozenset(),  # the sweep closes tickets; no role may
    Action.ENTER: QUALITY,
    Action.APPEAL: APPEAL_CHAIN,
    # The owners re-judge; a group head or site head only as the deputy when no owner may
    # (domain.appeals.rejudgers decides who, per ticket).
    Action.OVERTURN: frozenset({Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD}),
    Action.UPHOLD: frozenset({Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD}),
    Action.OPEN_VOTE: frozenset(),     # automatic
    Action.CLOSE_VOTE: frozenset(),    # automatic
    Action.ESCALATE_TIE: frozenset(),  # automatic
    # The site head; a group head only when no site head is active (domain.appeals.rulers).
    Action.DECIDE: frozenset({Role.SITE_HEAD, Role.GROUP_HEAD}),
}

#: Moves nobody makes by hand: the system makes them when their time comes.
AUTOMATIC = frozenset({Action.CLOSE, Action.OPEN_VOTE, Action.CLOSE_VOTE, Action.ESCALATE_TIE})

#: The elements of the paper form a lead can name when returning a ticket (SPEC §2).
ELEMENTS = ("caller_number", "contact_number", "complaint", "demand", "accused_no")

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
    checker_id: int | None = None
    transferred: bool = False
    judged_by_id: int | None = None
    panel_ids: frozenset[int] = frozenset()
    #: Who may act now on an appeal waiting for a person: the re-judgers of an appealed
    #: ticket, the rulers of an escalated one (domain.appeals).
    appeal_actor_ids: frozenset[int] = frozenset()
    replier_id: int | None = None  # named by the decision on an escalated customer


def automatic_next(state: State, action: Action) -> State:
    """The state after a move the system makes (closing, opening or closing a vote)."""
    if action not in AUTOMATIC:
        raise NotAllowed("Your role may not do this.")
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise InvalidTransition(
            "This ticket is now “%(state)s”; the action no longer applies.", state=state) from None


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
    if actor.id in ticket.panel_ids:  # a panellist reads what they vote on
        return True
    return actor.role in SEES_ALL_HANDED_OVER and ticket.handed_over


def may(action: Action, actor: Actor, ticket: TicketFacts) -> bool:
    """Whether `actor` may take `action` on `ticket` now: role, relationship and state."""
    if actor.role not in ALLOWED[action] or (ticket.state, action) not in TRANSITIONS:
        return False
    if action == Action.RESUBMIT:
        return actor.id == ticket.submitter_id
    if action in (Action.RETURN_TO_STAFF, Action.SIGN, Action.CONFIRM_RETURN):
        # The lead of the team the ticket was filed in.
        return actor.role == Role.TEAM_LEAD and actor.team_id is not None \
            and actor.team_id == ticket.team_id
    if action == Action.CLAIM:
        # A checker never handles a ticket they filed or that is about them; entering a
        # ticket transferred from another line is clerical and does not count as filing.
        accused = ticket.accused_no is not None and ticket.accused_no == actor.employee_no
        return not accused and (ticket.transferred or actor.id != ticket.submitter_id)
    if action in (Action.RETURN_TO_LEAD, Action.JUDGE):
        return is_handler(actor, ticket)
    if action == Action.APPEAL and actor.role == Role.TEAM_LEAD:
        # the accused agent's own lead; duty managers and group heads appeal for anyone
        return actor.team_id is not None and actor.team_id == ticket.accused_team_id
    if action in (Action.OVERTURN, Action.UPHOLD, Action.DECIDE):
        # who re-judges or rules: the one who judged never re-judges (domain.appeals)
        return actor.id in ticket.appeal_actor_ids and actor.id != ticket.judged_by_id
    return action not in AUTOMATIC


def is_handler(actor: Actor, ticket: TicketFacts) -> bool:
    """The quality-team member who claimed the ticket."""
    return actor.role in QUALITY and ticket.checker_id is not None \
        and ticket.checker_id == actor.id


def keeps_reply(actor: Actor, ticket: TicketFacts) -> bool:
    """Who answers the customer: the quality-team member a decision on an escalated customer
    named, else the handler."""
    if ticket.replier_id is not None:
        return actor.role in QUALITY and actor.id == ticket.replier_id
    return is_handler(actor, ticket)


def may_keep_reply(actor: Actor, ticket: TicketFacts) -> bool:
    """Log contact attempts, SMS and the reply: the one who answers the customer, while the
    ticket is being verified or is judged."""
    return keeps_reply(actor, ticket) and ticket.state in REPLY_STATES


def check(action: Action, actor: Actor, ticket: TicketFacts) -> State:
    """Like `may`, but returns the next state or raises the reason it is refused."""
    new = next_state(ticket.state, action, actor.role)
    if not may(action, actor, ticket):
        raise NotAllowed("You may not take this action on this ticket.")
    return new


def ticket_number(day: date, seq: int) -> str:
    """Human ticket number ZK-YYYYMMDD-NNNN (local date, daily sequence)."""
    return f"ZK-{day:%Y%m%d}-{seq:04d}"
