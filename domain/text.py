"""Free text that others read: customer numbers masked, direction controls removed, LIKE
patterns escaped."""
import re
import unicodedata

from .errors import N_, FormProblems
from .phones import mask_phone

# What may be a customer's number: a mobile (spaces or hyphens allowed: 138 1234 5678,
# +86 138-1234-5678), a landline with its area code (010-12345678), and any other run of 7 or
# more digits (7–12-digit numbers; longer ID-card or account numbers too). Ticket numbers
# (ZK-20261123-0001) stay readable.
_KEEP = r"ZK-\d{8}-\d+"
_NUMBER = (r"(?<!\d)(?:(?:\+?86[ \-]?)?1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}"
           r"|0\d{2,3}[ \-]?\d{7,8}|\d{7,}[xX]?)(?!\d)")
_SENSITIVE = re.compile(f"(?P<keep>{_KEEP})|(?P<number>{_NUMBER})", re.IGNORECASE)


def mask_numbers(text: str) -> str:
    """`text` with every number that could be a customer's masked by domain.phones.mask_phone
    (13812345678 → 138****5678); ticket numbers and dates like 2026-11-23 stay readable."""
    def replace(match: re.Match) -> str:
        if match.group("keep"):
            return match.group(0)
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", match.group(0))
                         if ch.isdigit() or ch in "xX")
        if len(digits) == 13 and digits.startswith("861"):
            digits = digits[2:]  # +86 and a mobile
        return mask_phone(digits)
    return _SENSITIVE.sub(replace, text or "")


def escape_like(text: str) -> str:
    """`text` for LIKE … ESCAPE '\\': the user's % and _ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


#: Unicode's invisible direction controls: the embeddings and overrides (U+202A–U+202E), the
#: isolates (U+2066–U+2069) and the marks (U+200E, U+200F, U+061C). Each reorders how the
#: characters around it are displayed, so "张三\u202e1234" shows as something other than
#: what is stored. Chinese and English text never needs them.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
                          "\u200e\u200f\u061c")
_WITHOUT_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))
#: Names are stored as they show: one with a direction control is refused, not altered.
BIDI_IN_NAME = N_("A name cannot contain hidden text-direction characters (they make it "
                  "display differently). Retype it.")


def has_bidi_controls(text: str | None) -> bool:
    """Whether `text` holds a direction control (names refuse them)."""
    return bool(text) and not BIDI_CONTROLS.isdisjoint(text)


def strip_bidi_controls(text):
    """`text` without direction controls (free text keeps the rest); anything that is not a
    string is returned as it is."""
    return text.translate(_WITHOUT_BIDI) if isinstance(text, str) else text


def required_text(value: str | None, field: str, message: str, *, max_length: int = 2000) -> str:
    """What was typed into a required free-text field, ready to keep: stripped, numbers
    masked. FormProblems names the field when it is empty (`message`) or too long."""
    value = (value or "").strip()
    if not value:
        raise FormProblems({field: message})
    if len(value) > max_length:
        raise FormProblems({field: (N_("At most %(n)d characters (now %(now)d). "
                                       "Please shorten it."),
                                    {"n": max_length, "now": len(value)})})
    return mask_numbers(value)
