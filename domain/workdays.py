"""Working days (工作日): Monday–Friday minus holidays, plus make-up working days (调休); the
remedy and problem clocks count on them. Pure Python: dates come in as arguments."""
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class Calendar:
    """Working days: Monday–Friday, minus holidays, plus make-up working days (调休)."""
    holidays: frozenset = field(default_factory=frozenset)
    workdays: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def add_working_days(day: date, n: int, calendar: Calendar) -> date:
    """The n-th working day after `day` (`day` itself never counts)."""
    current, left = day, n
    for _ in range(n * 7 + 400):  # bounded: no calendar has a year of holidays
        if left == 0:
            return current
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            left -= 1
    raise ValueError("no working day found")
