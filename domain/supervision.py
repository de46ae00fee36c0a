"""Supervision orders (督办单, seed 001 有权下督办单): states, who may act, when one is overdue."""
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import N_, InvalidTransition, NotAllowed
from .roles import QUALITY, Role


class State(StrEnum):
    OPEN = "open"              # 待答复
    ANSWERED = "answered"      # 已答复
    NO_ANSWER = "no_answer"    # 未答复 (closed without an answer)


class Action(StrEnum):
    ISSUE = "issue"            # 下督办单
    ANSWER = "answer"          # 记录答复
    NO_ANSWER = "no_answer"    # 记为未答复


TRANSITIONS: dict[tuple[State | None, Action], State] = {
    (None, Action.ISSUE): State.OPEN,
    (State.OPEN, Action.ANSWER): State.ANSWERED,
    (State.OPEN, Action.NO_ANSWER): State.NO_ANSWER,
}

#: Who may issue an order: the owner or a checker (seed 001 gives the right to the team).
ISSUERS = QUALITY
#: Who reads every order; anyone else reads only the orders addressed to them.
READERS_OF_ALL = frozenset({Role.CHECKER, Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD,
                            Role.SITE_HEAD})

#: How long an order may give to answer, at most.
MAX_DAYS = 30
REQUEST_MAX = 1000
ANSWER_MAX = 1000


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about an order."""
    state: State
    issued_by_id: int
    recipient_id: int | None


def is_overdue(state: str, due_at: datetime | None, now: datetime) -> bool:
    """Still open past its due time."""
    return state == State.OPEN and due_at is not None and due_at < now


def may_read(actor_id: int, role: Role, order: OrderFacts) -> bool:
    return role in READERS_OF_ALL or actor_id in (order.recipient_id, order.issued_by_id)


def may(action: Action, actor_id: int, role: Role, order: OrderFacts) -> bool:
    """The answer is recorded by the recipient (a user) or by the quality team for them (the
    issuer, or the owner who leads the team); "no answer" only by the quality team."""
    if (order.state, action) not in TRANSITIONS:
        return False
    quality_side = actor_id == order.issued_by_id or role == Role.OWNER
    if action == Action.ANSWER:
        return quality_side or actor_id == order.recipient_id
    if action == Action.NO_ANSWER:
        return quality_side
    return False


def check(action: Action, actor_id: int, role: Role, order: OrderFacts) -> State:
    """The state after `action`, or the reason it is refused."""
    if (order.state, action) not in TRANSITIONS:
        raise InvalidTransition(N_("This supervision order is closed already."))
    if not may(action, actor_id, role, order):
        raise NotAllowed(N_("You may not act on this supervision order."))
    return TRANSITIONS[(order.state, action)]
