"""The customer reply rules (白名单回复规范, SPEC §6): the days of failed calls that open the
SMS reply and the direct explanation, the decision on an escalated customer, and whether a
reply kept to the rules. Pure: stored times (naive UTC), the zone and the limits come in."""
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from .errors import N_
from .roles import QUALITY, Role
from .sla import Limits

METHODS = ("phone", "sms", "explain", "other")
#: The replies 001 allows only after the customer stayed unreachable for the follow-up days.
FALLBACK_METHODS = frozenset({"sms", "explain"})
#: Who decides how an escalated customer is answered (001: 应立即上报，根据情况决定回复方式).
DECIDERS = frozenset({Role.OWNER, Role.DUTY_MANAGER})
#: Who may be named to make that reply.
REPLIERS = QUALITY
#: Tickets the quality team returned to the lead: no customer reply is due on them.
NO_REPLY_STATES = frozenset({"returned_to_lead", "return_confirmed"})


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar day, in `zone`, of a stored UTC moment."""
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


@dataclass(frozen=True)
class FollowUp:
    """How the phone follow-up stands (跟进3天): the local days with a failed call, the first
    being the day of the first failed call; whether any call reached the customer; and how
    many days the rule asks for."""
    failed_days: tuple[date, ...]
    reached: bool
    days_needed: int

    @property
    def days_tried(self) -> int:
        """Days counted towards the rule (at most the days it needs)."""
        return min(len(self.failed_days), self.days_needed)

    @property
    def days_left(self) -> int:
        return self.days_needed - self.days_tried

    @property
    def complete(self) -> bool:
        """Unreached on enough different days: the SMS reply and the direct explanation open."""
        return not self.reached and len(self.failed_days) >= self.days_needed

    def next_day(self, today: date) -> date | None:
        """The first day on which another failed call would count: the day after the last
        one counted, or today if that is later. None once the failed days are complete,
        when the customer was reached, or before the first failed call (any day starts it)."""
        if self.reached or self.complete or not self.failed_days:
            return None
        return max(self.failed_days[-1] + timedelta(days=1), today)


def follow_up(attempts: Iterable[tuple[datetime, bool]], zone: tzinfo,
              days_needed: int) -> FollowUp:
    """The follow-up from the contact attempts, as (time, reached) pairs."""
    attempts = list(attempts)
    failed = sorted({local_day(at, zone) for at, reached in attempts if not reached})
    return FollowUp(tuple(failed), any(reached for _at, reached in attempts), days_needed)


def method_problem(method: str, follow: FollowUp, decided: str | None):
    """Why the reply cannot be recorded with `method` now (an English msgid, or a
    (msgid, params) pair), or None. A decision on an escalated customer names the method and
    waives the follow-up days for it."""
    if method not in METHODS:
        return N_("Choose how the customer was answered.")
    if decided and method != decided:
        return N_("The decision on this escalated customer names another reply method.")
    if method == "phone" and not follow.reached:
        return N_("Log a call that reached the customer first.")
    if method in FALLBACK_METHODS and method != decided:
        if follow.reached:
            return N_("The customer was reached: answer by phone.")
        if not follow.complete:
            return (N_("Possible only after failed calls on %(n)d different days."),
                    {"n": follow.days_needed})
    return None


def first_contact_on_time(*, handed_over_at: datetime, first_attempt_at: datetime | None,
                          now: datetime, limits: Limits) -> bool | None:
    """首次联系及时: the first contact attempt came within the reply limit (48 h) of the
    sign-over. None while that time is still running with no attempt: not yet counted."""
    limit = handed_over_at + timedelta(hours=limits.reply_hours)
    if first_attempt_at is not None:
        return first_attempt_at <= limit
    return False if now > limit else None


def reply_complied(*, handed_over_at: datetime, reply_method: str | None,
                   reply_done_at: datetime | None, first_failed_call_at: datetime | None,
                   decided: str | None, limits: Limits) -> bool | None:
    """回复合规: a reply by the method decided for an escalated customer; an SMS or a direct
    explanation after failed calls that began within the reply limit (48 h) of the sign-over
    (the service let it through only once the follow-up days were complete); any other
    reply (phone, other) recorded within the limit. None while no reply is recorded."""
    if reply_done_at is None or reply_method is None:
        return None
    if decided and reply_method == decided:
        return True
    limit = handed_over_at + timedelta(hours=limits.reply_hours)
    if reply_method in FALLBACK_METHODS:
        return first_failed_call_at is not None and first_failed_call_at <= limit
    return reply_done_at <= limit
