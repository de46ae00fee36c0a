"""Employee numbers (工号): 4–10 digits, unique."""
import re

EMPLOYEE_NO = re.compile(r"[0-9]{4,10}")


def is_employee_no(value: str | None) -> bool:
    return bool(value) and EMPLOYEE_NO.fullmatch(value) is not None
