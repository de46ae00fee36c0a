"""Risk register rules (风险登记, SPEC Part C): scores, the four quadrants and review dates."""
from datetime import date
from enum import StrEnum

#: Probability and impact are scored 1 (lowest) to 5 (highest).
SCORES = range(1, 6)
#: A score at or above this is "high".
HIGH = 3


class Quadrant(StrEnum):
    PLAN_AHEAD = "plan_ahead"        # 提前规划: high probability, high impact
    FALLBACK_PLAN = "fallback_plan"  # 应急预案: low probability, high impact
    UPDATE_MANUAL = "update_manual"  # 更新手册: high probability, low impact
    MONITOR = "monitor"              # 持续监控: low probability, low impact


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


#: (high probability?, high impact?) -> the quadrant and the action it demands.
QUADRANTS = {
    (True, True): Quadrant.PLAN_AHEAD,
    (False, True): Quadrant.FALLBACK_PLAN,
    (True, False): Quadrant.UPDATE_MANUAL,
    (False, False): Quadrant.MONITOR,
}


def is_score(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value in SCORES


def is_high(score: int) -> bool:
    return score >= HIGH


def quadrant(probability: int, impact: int) -> Quadrant:
    """The quadrant of a risk scored `probability` × `impact` (each 1–5)."""
    if not (is_score(probability) and is_score(impact)):
        raise ValueError(f"scores are 1 to 5, got {probability!r} × {impact!r}")
    return QUADRANTS[(is_high(probability), is_high(impact))]


def review_overdue(status: str, review_on: date, today: date) -> bool:
    """An open risk whose next review date has passed (reviewing on the day is on time)."""
    return status == Status.OPEN and review_on < today
