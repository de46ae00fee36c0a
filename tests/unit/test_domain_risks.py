"""Risk register rules: the quadrant of every probability × impact, and overdue reviews."""
from datetime import date

import pytest

from domain.risks import Quadrant, Status, is_high, quadrant, review_overdue

P, F, U, M = (Quadrant.PLAN_AHEAD, Quadrant.FALLBACK_PLAN, Quadrant.UPDATE_MANUAL,
              Quadrant.MONITOR)

#: Rows are impact 5 (top) to 1; columns probability 1 to 5 — the chart as drawn.
GRID = {
    5: [F, F, P, P, P],
    4: [F, F, P, P, P],
    3: [F, F, P, P, P],
    2: [M, M, U, U, U],
    1: [M, M, U, U, U],
}
CELLS = [(p, i, GRID[i][p - 1]) for i in GRID for p in range(1, 6)]


@pytest.mark.parametrize("probability, impact, expected", CELLS,
                         ids=[f"p{p}-i{i}" for p, i, _ in CELLS])
def test_quadrant_of_every_cell(probability, impact, expected):
    assert quadrant(probability, impact) is expected


@pytest.mark.parametrize("score, high", [(1, False), (2, False), (3, True), (4, True),
                                         (5, True)])
def test_three_or_more_is_high(score, high):
    assert is_high(score) is high


@pytest.mark.parametrize("probability, impact", [(0, 3), (3, 6), (-1, 1), (3, None),
                                                 ("3", 3), (2.5, 3), (True, 3)])
def test_scores_outside_one_to_five_are_refused(probability, impact):
    with pytest.raises(ValueError):
        quadrant(probability, impact)


TODAY = date(2026, 11, 24)


@pytest.mark.parametrize("status, review_on, overdue", [
    (Status.OPEN, date(2026, 11, 23), True),
    (Status.OPEN, TODAY, False),            # reviewing on the day is on time
    (Status.OPEN, date(2026, 12, 1), False),
    (Status.CLOSED, date(2026, 1, 1), False),
])
def test_review_overdue(status, review_on, overdue):
    assert review_overdue(status, review_on, TODAY) is overdue
