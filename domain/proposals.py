"""Proposals sent up (建议上报, seed 001: 对易造成用户投诉点的业务，归纳后提出处理方案的建议并上报):
the addressees, their two steps (acknowledge, decide) and the proposal's state from them."""
from enum import StrEnum

from .errors import N_, InvalidTransition, NotAllowed
from .roles import Role


class State(StrEnum):
    SUBMITTED = "submitted"        # 已上报
    ACKNOWLEDGED = "acknowledged"  # 已签收 (at least one addressee)
    DECIDED = "decided"            # 已批复 (every addressee decided)


class Decision(StrEnum):
    ADOPT = "adopt"        # 采纳
    PARTLY = "partly"      # 部分采纳
    REJECT = "reject"      # 不采纳


class Source(StrEnum):
    CRITERION = "criterion"   # a criterion's tickets (dashboard row, criterion warning)
    KEYWORD = "keyword"       # a keyword's tickets (keyword warning)
    NOTE = "note"             # a feedback note (the duty manager's morning review)


#: Who a proposal goes to, each acting for themselves: the group head and the site head.
ADDRESSEES = (Role.GROUP_HEAD, Role.SITE_HEAD)
#: Who writes one: the owner (seed 001's quality team) and the duty manager, whose queue the
#: warnings and the floor's notes land in.
WRITERS = frozenset({Role.OWNER, Role.DUTY_MANAGER})
#: Who reads them: the writers, the addressees and the quality team.
READERS = WRITERS | frozenset(ADDRESSEES) | frozenset({Role.CHECKER})

TITLE_MAX, BODY_MAX, NOTE_MAX = 120, 4000, 1000
#: How many of the source's tickets are attached (the newest).
TICKETS_MAX = 50


def state_of(steps: dict[Role, tuple[bool, bool]]) -> State:
    """The proposal's state from each addressee's (acknowledged, decided)."""
    if all(steps.get(role, (False, False))[1] for role in ADDRESSEES):
        return State.DECIDED
    if any(acked for acked, _decided in steps.values()):
        return State.ACKNOWLEDGED
    return State.SUBMITTED


def check_acknowledge(role: Role, acknowledged: bool) -> None:
    if role not in ADDRESSEES:
        raise NotAllowed(N_("Only the group head and the site head act on a proposal."))
    if acknowledged:
        raise InvalidTransition(N_("You have acknowledged this proposal already."))


def check_decide(role: Role, acknowledged: bool, decided: bool) -> None:
    if role not in ADDRESSEES:
        raise NotAllowed(N_("Only the group head and the site head act on a proposal."))
    if decided:
        raise InvalidTransition(N_("You have recorded your decision already."))
