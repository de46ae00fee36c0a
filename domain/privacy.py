"""Personal data kept no longer than needed (PIPL): how long, what expires, and what a
customer's number becomes once anonymised — its masked form plus a keyed hash, so that a later
lookup of the full number still finds the customer's earlier records."""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .keys import derive
from .phones import mask_phone, normalize_phone

_FROM_SECRET_KEY = b"zikong phone hash v1 (from ZIKONG_SECRET_KEY)"
_FROM_PII_KEY = b"zikong phone hash v1 (from ZIKONG_PII_HASH_KEY)"


@dataclass(frozen=True)
class Retention:
    """Days kept after a ticket ends (closed, or its return confirmed) or a dissatisfied
    contact's cycle ends: the customer's contact data, and the audio excerpts."""
    contact_days: int = 180
    audio_days: int = 365

    def contact_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.contact_days)

    def audio_cutoff(self, now: datetime) -> datetime:
        return now - timedelta(days=self.audio_days)

    def contact_cutoff_day(self, today: date) -> date:
        return today - timedelta(days=self.contact_days)


def hash_key(secret_key: str, pii_key: str | None = None) -> bytes:
    """The key of the numbers' hashes: from ZIKONG_PII_HASH_KEY when set, else derived from
    the secret key with a label of its own."""
    return derive(pii_key, _FROM_PII_KEY) if pii_key else derive(secret_key, _FROM_SECRET_KEY)


def phone_hash(key: bytes, number: str | None) -> str | None:
    """HMAC-SHA256 of the normalised number (hex), or None for what is not a number."""
    digits = normalize_phone(number) if number else None
    if digits is None:
        return None
    return hmac.new(key, digits.encode(), hashlib.sha256).hexdigest()


def anonymised(number: str | None) -> str:
    """What is kept of a number: its masked form (138****5678). Already masked stays so."""
    if not number or "*" in number:
        return number or ""
    return mask_phone(number)
