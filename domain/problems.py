"""Problems raised in the callback cycle (问题分级, seed 004): an event appended at the survey or
at a callback, or a dissatisfied callback's remedy task, graded 一般 / 重要 / 紧急, each with a
diagnosis clock and a plan clock; a grade is raised freely and lowered only with a reason.
Pure Python: times come in as arguments."""
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import N_
from .workdays import Calendar, add_working_days


class Grade(StrEnum):
    GENERAL = "general"      # 一般级: a single customer, no interruption
    IMPORTANT = "important"  # 重要级: some customers, core use affected
    URGENT = "urgent"        # 紧急级: many customers, or a safety risk


#: Lowest first: a grade is raised by moving right.
ORDER = (Grade.GENERAL, Grade.IMPORTANT, Grade.URGENT)


#: A problem's two steps, each against its clock: 初步诊断, then 处理方案.
STEPS_ORDER = ("diagnosis", "plan")


class Source(StrEnum):
    """Where a problem was raised."""
    SURVEY = "survey"      # an event appended at the survey (seed 000, 8)
    CALLBACK = "callback"  # an event appended at a callback (事件已追加, 不接受)
    REMEDY = "remedy"      # a dissatisfied callback's remedy task


@dataclass(frozen=True)
class Limit:
    """A grade's time limits: the diagnosis in minutes; the plan in clock hours or, when
    `plan_working_days` is set, by the same local time on that working day after."""
    diagnosis_minutes: int
    plan_hours: int = 0
    plan_working_days: int = 0


#: Seed 004: diagnosis 30 min / 2 h / 10 min; plan 1 working day / 24 h / 4 h.
DEFAULT_LIMITS = {
    Grade.GENERAL: Limit(30, plan_working_days=1),
    Grade.IMPORTANT: Limit(120, plan_hours=24),
    Grade.URGENT: Limit(10, plan_hours=4),
}
#: The longest any limit may be set to: a week in minutes, hours or working days.
MAX_MINUTES, MAX_HOURS, MAX_WORKING_DAYS = 7 * 24 * 60, 7 * 24, 5


def limits_as_setting(limits: dict) -> dict:
    return {str(grade): asdict(limit) for grade, limit in limits.items()}


def limits_from_setting(stored: dict) -> dict:
    """The limits of a stored setting, each grade falling back to its default."""
    limits = {}
    for grade, default in DEFAULT_LIMITS.items():
        values = stored.get(str(grade)) or {}
        limits[grade] = Limit(**{name: int(values.get(name, value))
                                 for name, value in asdict(default).items()})
    return limits


def valid_limit(limit: Limit) -> bool:
    plan_ok = (0 < limit.plan_working_days <= MAX_WORKING_DAYS) if limit.plan_working_days \
        else 0 < limit.plan_hours <= MAX_HOURS
    return 0 < limit.diagnosis_minutes <= MAX_MINUTES and plan_ok


def clocks(raised: datetime, grade: Grade, limits: dict,
           calendar: Calendar) -> tuple[datetime, datetime]:
    """(diagnosis due, plan due) of a problem raised at `raised` (a local datetime, aware or
    naive; the answers are in the same terms). A plan in working days is due at the same
    local time on the n-th working day after the raised day (Friday 15:00 → Monday 15:00)."""
    limit = limits[Grade(grade)]
    diagnosis = raised + timedelta(minutes=limit.diagnosis_minutes)
    if limit.plan_working_days:
        day = add_working_days(raised.date(), limit.plan_working_days, calendar)
        plan = datetime.combine(day, raised.timetz())
    else:
        plan = raised + timedelta(hours=limit.plan_hours)
    return diagnosis, plan


def is_lower(new: Grade, current: Grade) -> bool:
    return ORDER.index(Grade(new)) < ORDER.index(Grade(current))


def regrade_refusal(current: str, new: str | None, reason: str) -> dict | None:
    """Why a regrade is refused ({field: msgid}), or None: a grade is raised at will; lowered
    only with the reason (the audit log and the grade history keep it)."""
    if new not in set(Grade):
        return {"grade": N_("Choose a grade.")}
    if new == current:
        return {"grade": N_("The problem has this grade already.")}
    if is_lower(new, current) and not reason:
        return {"reason": N_("Say why the grade is lowered.")}
    return None


def overdue(due: datetime | None, done: datetime | None, now: datetime) -> bool:
    """A clock still running past its due time."""
    return due is not None and done is None and now > due
