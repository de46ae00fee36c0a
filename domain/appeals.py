"""Appeals and the anonymous panel vote (判责异议, 合议, 无记名投票; SPEC §3, §7)."""
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import N_
from .judgement import Verdict

PANEL_SIDE_SIZE = 3
VOTE_HOURS = 24


class Side(StrEnum):
    APPELLANT = "appellant"  # named by the appellant (lead / duty manager / group head)
    JUDGING = "judging"      # named by the owner


class Decision(StrEnum):
    OVERTURN = "overturn"  # 改判: not established, final
    UPHOLD = "uphold"      # 维持原判: to the panel vote


def panel_problems(named: list[int], *, other_side: set[int], excluded: set[int],
                   eligible: set[int]) -> str | None:
    """Why three named panellists cannot sit, or None. `excluded`: the accused agent and the
    checker who judged; `eligible`: active users who may sit (not IT)."""
    if len(named) != PANEL_SIDE_SIZE or len(set(named)) != PANEL_SIDE_SIZE:
        return N_("Name three different people.")
    if set(named) & excluded:
        return N_("The accused agent and the checker who judged may not sit on the panel.")
    if set(named) & other_side:
        return N_("Someone is already on the other side's list: the six must be different.")
    if not set(named) <= eligible:
        return N_("Panellists must be active users (not system administrators).")
    return None


@dataclass(frozen=True)
class Tally:
    established: int
    not_established: int

    @property
    def cast(self) -> int:
        return self.established + self.not_established

    def outcome(self) -> Verdict | None:
        """The majority of cast ballots; None for a tie or no ballots (the site head decides)."""
        if self.established > self.not_established:
            return Verdict.ESTABLISHED
        if self.not_established > self.established:
            return Verdict.NOT_ESTABLISHED
        return None


def vote_deadline(opened_at: datetime, hours: int = VOTE_HOURS) -> datetime:
    return opened_at + timedelta(hours=hours)


def vote_may_close(*, voted: int, panel_size: int, deadline: datetime, now: datetime) -> bool:
    """A vote closes when everyone has voted or its deadline has passed."""
    return voted >= panel_size or now >= deadline
