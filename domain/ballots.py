"""Sealed ballots (无记名投票, SPEC §7): each choice encrypted under a key kept outside the
database, counted only when the vote closes.

A ballot is AES-256-GCM over a one-byte choice code, with a fresh random 96-bit nonce, bound
to its vote by the associated data: the same length whatever the choice, useless without the
key, and not movable from one vote to another. Pure functions: the key comes in as bytes.
"""
import hashlib
import hmac
import secrets
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .appeals import Tally
from .judgement import Verdict
from .keys import derive

NONCE_BYTES = 12
#: Every plaintext is one byte, so every sealed ballot has the same length.
_CODES = {Verdict.ESTABLISHED: b"E", Verdict.NOT_ESTABLISHED: b"N"}
_CHOICES = {code: choice for choice, code in _CODES.items()}
SEALED_BYTES = NONCE_BYTES + 1 + 16   # nonce, the code, GCM's tag

#: HKDF labels: the ballot key is its own key, never the session-signing key itself.
_FROM_SECRET_KEY = b"zikong ballot key v1 (from ZIKONG_SECRET_KEY)"
_FROM_BALLOT_KEY = b"zikong ballot key v1 (from ZIKONG_BALLOT_KEY)"
_FINGERPRINT = b"zikong ballot key fingerprint v1"


class Unreadable(Exception):
    """The sealed ballots of a vote cannot be counted: another key, or rows that do not
    belong (tampered, copied, or missing)."""


def derive_key(secret_key: str, ballot_key: str | None = None) -> bytes:
    """The 256-bit ballot key: from a dedicated ZIKONG_BALLOT_KEY when set, else from the
    application's secret key, through HKDF with a label of its own."""
    material, label = ((ballot_key, _FROM_BALLOT_KEY) if ballot_key
                       else (secret_key, _FROM_SECRET_KEY))
    return derive(material, label)


def fingerprint(key: bytes) -> str:
    """A short public name for the key, kept on the vote: a changed key is detected at close
    without trying to decrypt. An HMAC, so it says nothing about the key itself."""
    return hmac.new(key, _FINGERPRINT, hashlib.sha256).hexdigest()[:16]


def _context(vote_id: int, key_id: str) -> bytes:
    return f"zikong ballot|vote={vote_id}|key={key_id}".encode()


def seal(key: bytes, vote_id: int, choice: str) -> bytes:
    """One ballot: nonce ‖ ciphertext ‖ tag."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    body = AESGCM(key).encrypt(nonce, _CODES[Verdict(choice)], _context(vote_id, fingerprint(key)))
    return nonce + body


def count(key: bytes, vote_id: int, sealed: Iterable[bytes], *, voted: int) -> Tally:
    """Open and count the ballots of a vote. `voted` is how many panellists have cast one:
    any ballot that does not open, a repeated nonce, or a number of ballots other than the
    number of voters makes the whole vote unreadable rather than miscounted."""
    sealed = list(sealed)
    if len(sealed) != voted or len({bytes(s[:NONCE_BYTES]) for s in sealed}) != len(sealed):
        raise Unreadable("the ballots do not match the voters")
    box, context = AESGCM(key), _context(vote_id, fingerprint(key))
    established = not_established = 0
    for ballot in sealed:
        ballot = bytes(ballot)
        if len(ballot) != SEALED_BYTES:
            raise Unreadable("a ballot of the wrong length")
        try:
            code = box.decrypt(ballot[:NONCE_BYTES], ballot[NONCE_BYTES:], context)
        except InvalidTag:
            raise Unreadable("a ballot does not open with this key") from None
        choice = _CHOICES.get(code)
        if choice is None:
            raise Unreadable("a ballot holds no known choice")
        if choice == Verdict.ESTABLISHED:
            established += 1
        else:
            not_established += 1
    return Tally(established, not_established)
