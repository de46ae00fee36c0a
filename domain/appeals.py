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


def panellist_problem(user_id: int, *, may_sit: bool, accused: int | None, judge: int | None,
                      other_side: set[int]) -> str | None:
    """Why this one person cannot be named, or None: the rules of panel_problems, person by
    person, for the people picker. `may_sit`: an active user who is not IT."""
    if not may_sit:
        return N_("Not an active user, or a system administrator.")
    if user_id == accused:
        return N_("The accused agent may not sit on the panel.")
    if user_id == judge:
        return N_("The checker who judged may not sit on the panel.")
    if user_id in other_side:
        return N_("Already on the other side's list.")
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


# --- who acts on an appeal, so that none can stall (SPEC §3, issue 15) ----------------------

@dataclass(frozen=True)
class People:
    """The active users the appeal path may turn to, by role (ids)."""
    owners: frozenset[int] = frozenset()
    duty_managers: frozenset[int] = frozenset()
    group_heads: frozenset[int] = frozenset()
    site_heads: frozenset[int] = frozenset()


def rejudgers(people: People, *, judge: int | None, deputy: int | None) -> frozenset[int]:
    """Who re-judges an appeal (白名单负责人重新审判): every active owner but the one who judged;
    when there is none, the deputy set in the configuration (复审代理人: another owner or a
    group head); when that is unset, inactive or the judge, the group heads, and failing
    them the site heads — so an appeal is never left without someone who may act."""
    owners = people.owners - {judge}
    if owners:
        return owners
    if deputy is not None and deputy != judge and deputy in people.owners | people.group_heads:
        return frozenset({deputy})
    return (people.group_heads - {judge}) or (people.site_heads - {judge})


def judging_side_namers(people: People, *, rejudged_by: int | None) -> frozenset[int]:
    """Who names the judging side of the panel: the owners, and whoever upheld the verdict
    (the deputy, when no owner could re-judge)."""
    return people.owners | ({rejudged_by} if rejudged_by is not None else frozenset())


def appellant_side_namers(people: People, *, appellant: int,
                          appellant_active: bool) -> frozenset[int]:
    """Who names the appellant side: the appellant; if they are no longer active, the duty
    managers and group heads (the appeal chain above a lead)."""
    if appellant_active:
        return frozenset({appellant})
    return people.duty_managers | people.group_heads


def rulers(people: People) -> frozenset[int]:
    """Who rules on a tie or on unreadable ballots: the site heads; with none active, the
    group heads."""
    return people.site_heads or people.group_heads


class Level(StrEnum):
    """Where an agent's objection (异议申请) is: 申诉权：领班—主值班—受理组负责人 (001)."""
    TEAM_LEAD = "team_lead"
    DUTY_MANAGER = "duty_manager"
    GROUP_HEAD = "group_head"


CHAIN = (Level.TEAM_LEAD, Level.DUTY_MANAGER, Level.GROUP_HEAD)


def next_level(level: Level) -> Level | None:
    """Where a declined objection may go next; None at the top of the chain."""
    position = CHAIN.index(Level(level))
    return CHAIN[position + 1] if position + 1 < len(CHAIN) else None


def objection_deciders(level: Level, people: People, *, accused_leads: frozenset[int]
                       ) -> frozenset[int]:
    """Who files the appeal sheet for an objection, or declines it, at its level: the accused
    agent's lead, then any duty manager, then any group head. A level with nobody active
    passes to the next one that has someone (the top of the chain falls back to the duty
    managers): only people on the appeal chain can file the sheet."""
    if level == Level.TEAM_LEAD and accused_leads:
        return accused_leads
    if level == Level.GROUP_HEAD:
        return people.group_heads or people.duty_managers
    return people.duty_managers or people.group_heads
