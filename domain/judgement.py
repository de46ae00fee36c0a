"""Judgement rules (判责, SPEC §5): what makes a judgement complete."""
from enum import StrEnum

from .errors import N_
from .routing import Group, needs_notification


class Kind(StrEnum):
    BUSINESS = "business"  # 业务类
    ATTITUDE = "attitude"  # 态度类


class Verdict(StrEnum):
    ESTABLISHED = "established"          # 成立
    NOT_ESTABLISHED = "not_established"  # 不成立


def judgement_problems(*, kind: str, verdict: str, criteria_kinds: list[str], basis: str,
                       accused_no: str | None, group: Group | None,
                       notified: bool) -> dict[str, str]:
    """Field -> message for everything that stops this judgement; empty when it may be made.

    `criteria_kinds` are the kinds of the ticked (active) criteria.
    """
    problems = {}
    if kind not in set(Kind):
        problems["kind"] = N_("Choose business or attitude.")
    if verdict not in set(Verdict):
        problems["verdict"] = N_("Choose established or not established.")
    if any(k != kind for k in criteria_kinds):
        problems["criteria"] = N_("Tick only criteria of the chosen type.")
    elif verdict == Verdict.ESTABLISHED and kind in set(Kind) and not criteria_kinds:
        problems["criteria"] = N_(
            "An established verdict needs at least one criterion of its type.")
    if not (basis or "").strip():
        problems["basis"] = N_("Record the basis for the verdict.")
    if not accused_no:
        problems["accused_no"] = N_("Set the accused employee no. before judging.")
    elif group is None:
        problems["accused_no"] = N_(
            "This employee no. is in no accepted group: return the ticket as R2.")
    elif needs_notification(group) and not notified:
        problems["accused_no"] = N_("Log the outbound notification to this group before judging.")
    return problems
