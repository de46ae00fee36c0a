"""Employee numbers (工号): 4–10 digits, unique; team names (班组)."""
import re

from .errors import N_
from .text import BIDI_IN_NAME, has_bidi_controls

EMPLOYEE_NO = re.compile(r"[0-9]{4,10}")


def is_employee_no(value: str | None) -> bool:
    return bool(value) and EMPLOYEE_NO.fullmatch(value) is not None


def team_name_problem(name: str | None) -> str | None:
    """The English msgid of what is wrong with a team name typed, or None."""
    if len(name or "") > 64:
        return N_("A team name is at most 64 characters.")
    if has_bidi_controls(name):
        return BIDI_IN_NAME
    return None
