"""Routing by the accused agent's employee no. (SPEC §4): longest matching prefix wins."""
from dataclasses import dataclass
from enum import StrEnum


class Group(StrEnum):
    FRONT = "front"          # 前台: verify against the recording, reply by phone
    BACK = "back"            # 后台: notify the back-office on-duty lead on 89087814
    LINE_8200 = "line_8200"  # 89082000 line: notify its head on 89080369
    LINE_9696 = "line_9696"  # 10109696 line: notify its head on 89086326


#: Whom the checker calls for each non-front group (a recorded line).
NOTIFY_NUMBERS = {Group.BACK: "89087814", Group.LINE_8200: "89080369",
                  Group.LINE_9696: "89086326"}


@dataclass(frozen=True)
class Rule:
    prefix: str
    group: Group


DEFAULT_RULES = (
    [Rule("17", Group.FRONT), Rule("18", Group.FRONT)]
    + [Rule(str(n), Group.FRONT) for n in range(20, 30)]
    + [Rule(p, Group.BACK) for p in ("10", "11", "12", "13")]
    + [Rule("8009", Group.LINE_8200), Rule("35", Group.LINE_9696)]
)


def route(employee_no: str | None, rules) -> Group | None:
    """The group of the longest prefix of `employee_no` in `rules`; None when no rule
    matches (not accepted: the ticket can only be returned as R2)."""
    if not employee_no:
        return None
    best = None
    for rule in rules:
        longer = best is None or len(rule.prefix) > len(best.prefix)
        if employee_no.startswith(rule.prefix) and longer:
            best = rule
    return Group(best.group) if best else None


def needs_notification(group: Group | None) -> bool:
    """Non-front groups: the checker must log the outbound call before judging."""
    return group in NOTIFY_NUMBERS
