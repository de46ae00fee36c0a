"""The floor's day (班次日) around its start time."""
from datetime import date, datetime, time

import pytest

from domain.floor_day import day_span, floor_day, parse_start

EIGHT = time(8, 0)


@pytest.mark.parametrize(("local", "day"), [
    (datetime(2026, 11, 24, 2, 51), date(2026, 11, 23)),   # the night shift: still yesterday
    (datetime(2026, 11, 24, 7, 59, 59), date(2026, 11, 23)),
    (datetime(2026, 11, 24, 8, 0), date(2026, 11, 24)),     # the day starts at 08:00 sharp
    (datetime(2026, 11, 24, 23, 59), date(2026, 11, 24)),
    (datetime(2027, 1, 1, 0, 30), date(2026, 12, 31)),      # across a year
    (datetime(2026, 3, 1, 7, 0), date(2026, 2, 28)),        # across a month
])
def test_floor_day_at_eight(local, day):
    assert floor_day(local, EIGHT) == day


def test_midnight_start_is_the_calendar_day():
    assert floor_day(datetime(2026, 11, 24, 0, 0), time(0, 0)) == date(2026, 11, 24)
    assert floor_day(datetime(2026, 11, 23, 23, 59), time(0, 0)) == date(2026, 11, 23)


def test_day_span_covers_the_floor_day_exactly():
    begin, end = day_span(date(2026, 11, 23), EIGHT)
    assert (begin, end) == (datetime(2026, 11, 23, 8, 0), datetime(2026, 11, 24, 8, 0))
    assert floor_day(begin, EIGHT) == date(2026, 11, 23)
    assert floor_day(end, EIGHT) == date(2026, 11, 24)


@pytest.mark.parametrize(("text", "value"), [
    ("08:00", time(8, 0)), ("8:30", time(8, 30)), (" 00:00 ", time(0, 0)), ("23:59", time(23, 59)),
    ("24:00", None), ("8", None), ("08:60", None), ("", None), (None, None), ("８:00", None),
])
def test_parse_start(text, value):
    assert parse_start(text) == value
