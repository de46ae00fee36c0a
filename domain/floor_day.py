"""The floor's day (班次日): it starts at a set time (e.g. 08:00), so the night shift's work
belongs to the day its shift began on. Pure Python: moments come in as local datetimes."""
import re
from datetime import date, datetime, time, timedelta

#: "HH:MM", 00:00 to 23:59.
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$", re.ASCII)

DEFAULT_START = time(8, 0)


def parse_start(text: str | None) -> time | None:
    """'08:00' -> time(8, 0); None for anything else."""
    match = _HHMM.match((text or "").strip())
    return time(int(match[1]), int(match[2])) if match else None


def floor_day(local: datetime, start: time) -> date:
    """The floor's day of a local moment: before `start` it is still the previous day."""
    day = local.date()
    return day - timedelta(days=1) if local.time() < start else day


def day_span(day: date, start: time) -> tuple[datetime, datetime]:
    """The local moments [from, to) that make up the floor's day `day`."""
    begin = datetime.combine(day, start, tzinfo=None)
    return begin, begin + timedelta(days=1)
