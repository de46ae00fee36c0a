"""Feedback notes (服务反馈便签, seed 002): what became of a note at the morning review."""
from enum import StrEnum

from .errors import N_, InvalidTransition, NotAllowed
from .roles import FILERS, Role


class Outcome(StrEnum):
    DISCUSSED = "discussed"        # 已讨论
    WARNING = "warning"            # 转为预警
    ANNOUNCEMENT = "announcement"  # 转为公告
    PROPOSAL = "proposal"          # 转为建议
    DISMISSED = "dismissed"        # 不予处理


TEXT_MAX = 200
OUTCOME_NOTE_MAX = 200
#: Who posts a note: any agent or lead.
AUTHORS = FILERS
#: Who reviews the notes of a day: the duty manager (the owner reads along).
REVIEWERS = frozenset({Role.DUTY_MANAGER})
READERS = REVIEWERS | frozenset({Role.OWNER})


def check_review(role: Role, outcome: str | None) -> None:
    """A note is handled once, by a duty manager."""
    if role not in REVIEWERS:
        raise NotAllowed(N_("Only a duty manager reviews the feedback notes."))
    if outcome is not None:
        raise InvalidTransition(N_("This note was handled already."))
