"""The floor's wallboard (大屏, seed 002: "监测指标…每小时更新…飘红马上预警"): which indicators it
shows, their default thresholds, and when one turns red. Pure: figures come in."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Indicator:
    key: str
    default: int        # red when the figure is above it
    percent: bool = False


#: In the order of the board. A count is red above its threshold; the established rate above
#: its percentage; the top criterion and a keyword above their weekly count.
INDICATORS = (
    Indicator("review_waiting", 20),       # waiting for a lead's review
    Indicator("review_late", 0),           # of those, past the 2-hour review limit
    Indicator("unclaimed", 20),            # signed over, waiting to be claimed
    Indicator("replies_due", 10),          # customer replies due within the next 4 hours
    Indicator("unreached", 10),            # customers called without success, not yet reached
    Indicator("votes_open", 5),            # panel votes open
    Indicator("established_today", 60, percent=True),   # today's established rate
    Indicator("top_criterion", 10),        # this week's most frequent criterion
    Indicator("keyword", 5),               # a negative keyword's mentions this week
)
KEYS = tuple(i.key for i in INDICATORS)
DEFAULTS = {i.key: i.default for i in INDICATORS}
#: Replies due "soon": the window the board looks ahead.
REPLY_WINDOW_HOURS = 4
REFRESH_SECONDS = 60


def is_red(value: float | None, threshold: int) -> bool:
    """Past its threshold. A figure with nothing to measure (no ticket judged today) is not."""
    return value is not None and value > threshold


def thresholds(stored: dict | None) -> dict[str, int]:
    """The configured thresholds over the defaults; unknown keys ignored, values whole
    numbers of at least 0."""
    values = dict(DEFAULTS)
    for key, value in (stored or {}).items():
        if key in values:
            try:
                values[key] = max(0, int(value))
            except (TypeError, ValueError):
                continue
    return values
