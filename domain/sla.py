"""Service clocks, computed from recorded timestamps only (SPEC §3, §6). Time comes in as an
argument; nothing here reads the clock."""
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    """Configurable time limits, in hours (the follow-up in days)."""
    review_hours: int = 2        # team-lead review after (re)submission
    reply_hours: int = 48        # reply to the customer after handover
    follow_up_days: int = 3      # different local days of failed calls before an SMS reply
    appeal_hours: int = 72       # appeal window after judging
    vote_hours: int = 24         # panel vote deadline after it opens


@dataclass(frozen=True)
class Clock:
    """A deadline, and how it stands at `now`."""
    due: datetime
    now: datetime

    @property
    def overdue(self) -> bool:
        return self.now > self.due

    @property
    def minutes_left(self) -> int:
        return int((self.due - self.now).total_seconds() // 60)


def review_due(submitted_at: datetime, limits: Limits) -> datetime:
    return submitted_at + timedelta(hours=limits.review_hours)


def reply_due(handed_over_at: datetime, limits: Limits) -> datetime:
    return handed_over_at + timedelta(hours=limits.reply_hours)


def appeal_window_ends(judged_at: datetime, established: bool, limits: Limits) -> datetime:
    """Only an established verdict can be appealed; otherwise the window is already shut."""
    return judged_at + timedelta(hours=limits.appeal_hours) if established else judged_at


def may_close(*, appeal_until: datetime | None, reply_done: bool, now: datetime) -> bool:
    """A judged ticket (one with an appeal deadline) closes when its reply record is complete
    and no appeal can still be filed."""
    return appeal_until is not None and reply_done and now >= appeal_until
