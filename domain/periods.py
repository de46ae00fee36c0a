"""Report periods in local calendar terms: a day, an ISO week (Monday first), a month, or a
custom range. Bounds are half-open [start, end) local dates."""
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Period(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Span:
    start: date  # inclusive
    end: date    # exclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        """The last day in the span (`end` is the day after)."""
        return self.end - timedelta(days=1)


def span_of(period: Period, anchor: date, start: date | None = None,
            end: date | None = None) -> Span:
    """The span containing `anchor` (or the custom start..end, both inclusive)."""
    if period == Period.DAY:
        return Span(anchor, anchor + timedelta(days=1))
    if period == Period.WEEK:
        monday = anchor - timedelta(days=anchor.weekday())
        return Span(monday, monday + timedelta(days=7))
    if period == Period.MONTH:
        first = anchor.replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return Span(first, following)
    start = start or anchor
    end = end or start
    if end < start:
        start, end = end, start
    return Span(start, end + timedelta(days=1))


def previous(span: Span, period: Period) -> Span:
    if period == Period.MONTH:
        first = (span.start - timedelta(days=1)).replace(day=1)
        return Span(first, span.start)
    return Span(span.start - timedelta(days=span.days), span.start)


def weeks_back(anchor: date, count: int) -> list[Span]:
    """The `count` ISO weeks ending with the week of `anchor`, oldest first."""
    this = span_of(Period.WEEK, anchor)
    return [Span(this.start - timedelta(weeks=i), this.end - timedelta(weeks=i))
            for i in range(count - 1, -1, -1)]


def rate(part: int, whole: int) -> float | None:
    """A share in 0..1, or None when there is nothing to divide by."""
    return part / whole if whole else None
