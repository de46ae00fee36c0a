"""The callback cycle's monthly analysis (月度分析会, seed 004 六): cause categories whose
satisfaction is below the floor and steps whose average handling time is past their time
limit are flagged; last month's flagged rows say whether they moved. Pure Python: times come
in as arguments."""
from dataclasses import dataclass
from datetime import datetime

#: The steps with a time limit, in the order the work flows.
STEPS = ("survey", "callback", "remedy_contact", "remedy", "diagnosis", "plan")


@dataclass(frozen=True)
class Timing:
    """One piece of work of a step: when its clock started, when it was due, when it was
    done (None: not yet)."""
    start: datetime
    due: datetime
    done: datetime | None = None


@dataclass(frozen=True)
class StepFigures:
    """A step over a month: the work due in it, how much was late, and the average time used
    against the average time allowed (minutes). Work still open counts once past its due
    time (its time used so far); open work still in time is not measured yet."""
    items: int = 0
    late: int = 0
    measured: int = 0
    used_minutes: float | None = None
    limit_minutes: float | None = None

    @property
    def flagged(self) -> bool:
        """平均处理时长超标: the average time used is past the average time allowed."""
        return self.used_minutes is not None and self.used_minutes > self.limit_minutes


def step_figures(timings, now: datetime) -> StepFigures:
    items = late = 0
    used = limit = 0.0
    measured = 0
    for t in timings:
        items += 1
        end = t.done if t.done is not None else now
        is_late = end > t.due
        late += is_late
        if t.done is None and not is_late:
            continue
        measured += 1
        used += (end - t.start).total_seconds() / 60
        limit += (t.due - t.start).total_seconds() / 60
    if not measured:
        return StepFigures(items=items, late=late)
    return StepFigures(items=items, late=late, measured=measured,
                       used_minutes=used / measured, limit_minutes=limit / measured)


@dataclass(frozen=True)
class CategoryFigures:
    """A cause category over a month: callbacks done and how many were 满意 or 较满意."""
    done: int = 0
    satisfied: int = 0

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.done if self.done else None

    def flagged(self, floor_percent: int) -> bool:
        return self.rate is not None and self.rate * 100 < floor_percent


def category_moved(before: float | None, after: float | None, floor_percent: int) -> str:
    """How a flagged category did the next month: 'recovered' (at or above the floor),
    'better', 'worse' (or no better), or 'no_data'."""
    if after is None:
        return "no_data"
    if after * 100 >= floor_percent:
        return "recovered"
    return "better" if before is not None and after > before else "worse"


def step_moved(before: StepFigures | dict | None, after: StepFigures) -> str:
    """How a flagged step did the next month: 'recovered' (within its limit again), 'better'
    (a smaller share of its limit used), 'worse', or 'no_data'."""
    if after.used_minutes is None:
        return "no_data"
    if not after.flagged:
        return "recovered"
    if isinstance(before, dict):
        before = StepFigures(**{k: before.get(k) for k in ("items", "late", "measured",
                                                          "used_minutes", "limit_minutes")})
    if before is None or before.used_minutes is None or not before.limit_minutes:
        return "worse"
    share = after.used_minutes / after.limit_minutes
    return "better" if share < before.used_minutes / before.limit_minutes else "worse"
