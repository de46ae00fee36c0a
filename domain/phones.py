"""Customer phone numbers: normalising what an agent types, and masking for lists (SPEC §2)."""
import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-]")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_OTHER = re.compile(r"[0-9]{7,12}")


def normalize_phone(raw: str | None) -> str | None:
    """Return the digits of a valid number, or None.

    Full-width characters from a Chinese input method are folded to ASCII first (NFKC);
    spaces and hyphens are dropped and a leading +86 is allowed. Valid: an 11-digit mobile
    (1[3-9] then 9 digits) or a 7–12-digit landline/service number. A 10–12-digit number
    that starts with 1 is refused unless it is a mobile: no landline or service number has
    that shape, and it is almost always a mobile with a digit missing or doubled.
    """
    if raw is None:
        return None
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    if len(digits) >= 10 and digits.startswith("1"):
        return digits if _MOBILE.fullmatch(digits) else None
    return digits if _OTHER.fullmatch(digits) else None


def mask_phone(number: str | None) -> str:
    """138****5678 for a mobile; shorter numbers keep two digits at each end."""
    if not number:
        return ""
    n = len(number)
    head, tail = (3, 4) if n >= 11 else (2, 2)
    if n <= head + tail:
        return "*" * n
    return number[:head] + "*" * (n - head - tail) + number[-tail:]
