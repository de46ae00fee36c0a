"""Problem grades and their clocks (seed 004), and the monthly analysis's flags, on fixed
times."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.analysis import StepFigures, Timing, category_moved, step_figures, step_moved
from domain.problems import DEFAULT_LIMITS, Grade, Limit, clocks, limits_from_setting, \
    regrade_refusal, valid_limit
from domain.workdays import Calendar

SH = ZoneInfo("Asia/Shanghai")
NATIONAL_DAY = Calendar(holidays=frozenset(datetime(2026, 10, d).date() for d in range(1, 8)),
                        workdays=frozenset({datetime(2026, 10, 10).date()}))


@pytest.mark.parametrize("grade, diagnosis, plan", [
    (Grade.GENERAL, timedelta(minutes=30), datetime(2026, 10, 8, 15, tzinfo=SH)),
    (Grade.IMPORTANT, timedelta(hours=2), datetime(2026, 10, 1, 15, tzinfo=SH)),
    (Grade.URGENT, timedelta(minutes=10), datetime(2026, 9, 30, 19, tzinfo=SH)),
])
def test_the_clocks_of_each_grade_before_a_holiday(grade, diagnosis, plan):
    """Raised Wednesday 30 September 15:00: one working day is Thursday 8 October (1–7 are
    holidays); 24 h and 4 h are clock hours."""
    raised = datetime(2026, 9, 30, 15, tzinfo=SH)
    assert clocks(raised, grade, DEFAULT_LIMITS, NATIONAL_DAY) == (raised + diagnosis, plan)


def test_a_general_problem_raised_at_the_weekend():
    saturday = datetime(2026, 11, 28, 10, tzinfo=SH)
    assert clocks(saturday, Grade.GENERAL, DEFAULT_LIMITS, Calendar())[1] == \
        datetime(2026, 11, 30, 10, tzinfo=SH)


def test_raise_freely_lower_with_a_reason():
    assert regrade_refusal("general", "urgent", "") is None
    assert regrade_refusal("urgent", "general", "") == {"reason": "Say why the grade is lowered."}
    assert regrade_refusal("urgent", "general", "只影响一位客户") is None
    assert list(regrade_refusal("urgent", "urgent", "x")) == ["grade"]
    assert list(regrade_refusal("urgent", "critical", "x")) == ["grade"]


def test_limits_from_the_setting_fall_back_per_grade():
    limits = limits_from_setting({"urgent": {"diagnosis_minutes": 5, "plan_hours": 2}})
    assert limits[Grade.URGENT] == Limit(5, plan_hours=2)
    assert limits[Grade.GENERAL] == DEFAULT_LIMITS[Grade.GENERAL]
    assert not valid_limit(Limit(0, plan_hours=4)) and not valid_limit(Limit(10))
    assert valid_limit(Limit(30, plan_working_days=1))


T0 = datetime(2026, 11, 2, 9)


def test_a_step_is_flagged_when_its_average_time_is_past_its_average_limit():
    fast = Timing(T0, T0 + timedelta(hours=1), T0 + timedelta(minutes=20))
    slow = Timing(T0, T0 + timedelta(hours=1), T0 + timedelta(hours=2))
    open_in_time = Timing(T0, T0 + timedelta(hours=5))
    open_late = Timing(T0, T0 + timedelta(hours=1))
    now = T0 + timedelta(hours=3)
    figures = step_figures([fast, slow, open_in_time], now)
    assert (figures.items, figures.late, figures.measured) == (3, 1, 2)
    assert (figures.used_minutes, figures.limit_minutes) == (70, 60) and figures.flagged
    assert not step_figures([fast, fast, slow], now).flagged  # 53 min of 60
    assert step_figures([open_late], now).used_minutes == 180  # open and late: until now
    assert step_figures([], now) == StepFigures() and not StepFigures().flagged


def test_how_a_flagged_row_moved_the_next_month():
    assert category_moved(0.5, 0.85, 80) == "recovered"
    assert category_moved(0.5, 0.7, 80) == "better"
    assert category_moved(0.5, 0.4, 80) == "worse"
    assert category_moved(0.5, None, 80) == "no_data"
    before = {"items": 2, "late": 2, "measured": 2, "used_minutes": 120, "limit_minutes": 60}
    assert step_moved(before, StepFigures(2, 1, 2, 90, 60)) == "better"
    assert step_moved(before, StepFigures(2, 0, 2, 50, 60)) == "recovered"
    assert step_moved(before, StepFigures(2, 2, 2, 150, 60)) == "worse"
    assert step_moved(before, StepFigures()) == "no_data"
