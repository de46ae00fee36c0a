"""The SMS guard: a text to the customer must not reveal the verdict (SPEC §6)."""
import unicodedata

DEFAULT_FORBIDDEN = ("成立", "不成立", "判责", "责任")


def forbidden_words_in(text: str, forbidden=DEFAULT_FORBIDDEN) -> list[str]:
    """The forbidden words the text contains (after folding full-width forms and removing
    spaces, so 成 立 or ｢成立｣ do not slip through)."""
    folded = "".join(unicodedata.normalize("NFKC", text or "").split())
    return [word for word in forbidden if word and word in folded]
