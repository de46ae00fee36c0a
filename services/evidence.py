"""Recording evidence use cases: set a ticket's recording reference, attach or replace an
audio excerpt (stored as a file outside static/ under a random name), and find an excerpt's
file for someone who may see the ticket. Files stream to and from disk in chunks; nothing a
user uploaded is ever deleted (a replacement is a new version)."""
import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from domain import tickets as rules
from domain.errors import N_, Conflict, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from domain.text import mask_numbers, strip_bidi_controls
from domain.tickets import State
from models import AudioExcerpt, RecordingRef, Ticket, User

from . import audit, settings
from .db import db, write_transaction
from .quality import FormProblems
from .tickets import facts, load_visible

log = logging.getLogger("zikong.evidence")

CHUNK = 64 * 1024
#: Room for the form fields and multipart framing around one file at the size limit.
FORM_OVERHEAD = 64 * 1024
#: Audio formats we accept, recognised by content, and the Content-Type they are served with.
MEDIA_TYPES = {"mp3": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg", "m4a": "audio/mp4"}
M4A_BRANDS = {b"M4A ", b"M4B ", b"mp42", b"mp41", b"isom"}
OGG_AUDIO = (b"\x01vorbis", b"OpusHead", b"\x7fFLAC")
#: While evidence may still change what is decided: being verified, judged (the appeal
#: window), appealed, panel being named. Frozen once the vote opens, so that every panellist
#: judges the same evidence.
OPEN_STATES = frozenset({State.VERIFYING, State.JUDGED, State.APPEALED, State.PANEL})
REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}")
STORED_NAME = re.compile(r"[0-9a-f]{32}")
DESCRIPTION_MAX = 200


class TooLarge(Exception):
    """The upload passed the size limit (answers 413)."""


@dataclass(frozen=True)
class StoredAudio:
    """A file written to the upload directory, not yet recorded in the database."""
    name: str
    path: Path
    audio_format: str
    size: int
    sha256: str
    original_name: str

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


# --- rules -----------------------------------------------------------------------------------

def sniff(head: bytes) -> str | None:
    """The audio format of a file from its first bytes, or None: never from its name."""
    if head[:3] == b"ID3":
        return "mp3"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 \
            and (head[1] >> 3) & 3 != 1 and (head[1] >> 1) & 3 == 1:
        return "mp3"  # MPEG frame sync, a valid version, layer III (not AAC/ADTS)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:4] == b"OggS" and len(head) > 27:
        payload = 27 + head[26]  # page header, then the segment table
        if head[payload:payload + 8].startswith(OGG_AUDIO):
            return "ogg"
        return None
    if head[4:8] == b"ftyp" and head[8:12] in M4A_BRANDS:
        return "m4a"
    return None


def may_manage(ticket: Ticket, actor: User) -> bool:
    """The checker who claimed the ticket, or the owner, while the evidence is open."""
    who = actor.actor()
    return (rules.is_handler(who, facts(ticket)) or actor.role_enum == Role.OWNER) \
        and ticket.state in OPEN_STATES


def check_may_manage(ticket: Ticket, actor: User) -> None:
    who = actor.actor()
    if not (rules.is_handler(who, facts(ticket)) or actor.role_enum == Role.OWNER):
        raise NotAllowed(N_("Only the checker who claimed this ticket or the whitelist owner "
                            "can record evidence."))
    if ticket.state not in OPEN_STATES:
        raise InvalidTransition(N_("This ticket is now “%(state)s”; its evidence can no "
                                   "longer change."), state=ticket.state)


def upload_dir() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def max_bytes() -> int:
    return int(current_app.config["EVIDENCE_MAX_BYTES"])


def request_limit() -> int:
    """The request size the upload route accepts: one file at the limit plus its form."""
    return max_bytes() + FORM_OVERHEAD


# --- files -----------------------------------------------------------------------------------

def store_audio(stream, *, original_name: str = "", directory: Path | None = None,
                limit: int | None = None) -> StoredAudio:
    """Copy an uploaded stream to a new random-named file in chunks, counting bytes and
    hashing; the first chunk must be audio we know. Raises FormProblems (not audio) or
    TooLarge; either way nothing is left on disk."""
    directory = directory or upload_dir()
    limit = max_bytes() if limit is None else limit
    directory.mkdir(mode=0o750, parents=True, exist_ok=True)
    name = secrets.token_hex(16)
    path = directory / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    digest, size, audio_format = hashlib.sha256(), 0, None
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                if audio_format is None:
                    # Enough bytes to recognise the format even if the stream gives us less.
                    while len(chunk) < 64 and (more := stream.read(64 - len(chunk))):
                        chunk += more
                    audio_format = sniff(chunk)
                    if audio_format is None:
                        raise FormProblems({"audio": N_(
                            "This file is not MP3, WAV, Ogg or M4A audio.")})
                size += len(chunk)
                if size > limit:
                    raise TooLarge()
                digest.update(chunk)
                out.write(chunk)
            if audio_format is None:
                raise FormProblems({"audio": N_("The file is empty.")})
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return StoredAudio(name=name, path=path, audio_format=audio_format, size=size,
                       sha256=digest.hexdigest(),
                       original_name=strip_bidi_controls(original_name or "")[:255])


def excerpt_path(excerpt: AudioExcerpt) -> Path:
    if not STORED_NAME.fullmatch(excerpt.stored_name):
        raise NotFound("No such excerpt.")
    return upload_dir() / excerpt.stored_name


# --- use cases -------------------------------------------------------------------------------

def _current_ref(ticket_id: int) -> RecordingRef | None:
    return db.session.scalar(select(RecordingRef).where(RecordingRef.ticket_id == ticket_id)
                             .order_by(RecordingRef.id.desc()).limit(1))


def set_recording_ref(ticket_id: int, reference: str, *, actor: User,
                      now: datetime) -> RecordingRef:
    """The call id in the recording system. A change is a new row; the old one stays."""
    reference = (reference or "").strip()
    if not REFERENCE.fullmatch(reference):
        raise FormProblems({"reference": N_(
            "Letters, digits and . _ : / - only, at most 64 characters.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        check_may_manage(ticket, actor)
        current = _current_ref(ticket.id)
        if current is not None and current.reference == reference:
            return current
        row = RecordingRef(ticket_id=ticket.id, reference=reference, set_by_id=actor.id,
                           set_at=now)
        db.session.add(row)
        db.session.flush()
        audit.record("recording_ref_set", actor=actor, now=now, ticket=ticket, note=reference,
                     detail={"reference": reference,
                             "previous": current.reference if current else None})
    return row


def attach_excerpt(ticket_id: int, stored: StoredAudio, *, description: str, actor: User,
                   now: datetime, replaces_id: int | None = None) -> AudioExcerpt:
    """Record a stored file as an excerpt of the ticket's call, or as the new version of one
    (the old one is marked superseded, never removed). On any refusal the file goes."""
    description = mask_numbers(" ".join((description or "").split()))
    try:
        if not description:
            raise FormProblems({"description": N_("This field is required.")})
        if len(description) > DESCRIPTION_MAX:
            raise FormProblems({"description": (N_("At most %(max)d characters."),
                                                {"max": DESCRIPTION_MAX})})
        with write_transaction():
            ticket = load_visible(ticket_id, actor)
            check_may_manage(ticket, actor)
            if replaces_id is not None:
                old = db.session.get(AudioExcerpt, replaces_id)
                if old is None or old.ticket_id != ticket.id:
                    raise FormProblems({"replaces": N_("Choose an excerpt of this ticket.")})
                marked = db.session.execute(
                    update(AudioExcerpt)
                    .where(AudioExcerpt.id == old.id, AudioExcerpt.superseded_at.is_(None))
                    .values(superseded_at=now)
                    .execution_options(synchronize_session=False))
                if marked.rowcount != 1:
                    raise Conflict(N_("That excerpt has already been replaced. The page now "
                                      "shows its latest version."))
            row = AudioExcerpt(
                ticket_id=ticket.id, replaces_id=replaces_id, stored_name=stored.name,
                audio_format=stored.audio_format, size_bytes=stored.size, sha256=stored.sha256,
                original_name=stored.original_name, description=description,
                uploaded_by_id=actor.id, uploaded_at=now)
            db.session.add(row)
            db.session.flush()
            detail = {"excerpt_id": row.id, "format": stored.audio_format,
                      "bytes": stored.size, "sha256": stored.sha256}
            if replaces_id is not None:
                detail["replaces_id"] = replaces_id
            audit.record("evidence_replace" if replaces_id else "evidence_add", actor=actor,
                         now=now, ticket=ticket, note=description, detail=detail)
    except IntegrityError:
        # Two replacements of one version raced (PostgreSQL): UNIQUE(replaces_id) refused one.
        stored.discard()
        raise Conflict(N_("That excerpt has already been replaced. The page now shows its "
                          "latest version.")) from None
    except BaseException:
        stored.discard()
        raise
    return row


# --- queries ---------------------------------------------------------------------------------

def current_ref(ticket_id: int) -> RecordingRef | None:
    return _current_ref(ticket_id)


def excerpts(ticket_id: int) -> list[AudioExcerpt]:
    """Every version, oldest first (superseded ones included)."""
    return list(db.session.scalars(select(AudioExcerpt)
                                   .where(AudioExcerpt.ticket_id == ticket_id)
                                   .order_by(AudioExcerpt.id)))


class Purged(NotFound):
    """The excerpt's file was deleted when its retention ended (已按期删除)."""


def excerpt_file(ticket_id: int, excerpt_id: int, *,
                 actor: User) -> tuple[Ticket, AudioExcerpt, Path]:
    """The excerpt and its file, for someone who may see the ticket; NotFound otherwise
    (another team's ticket, an excerpt of another ticket, a missing file: the same 404)."""
    ticket = load_visible(ticket_id, actor)
    excerpt = db.session.get(AudioExcerpt, excerpt_id)
    if excerpt is None or excerpt.ticket_id != ticket.id:
        raise NotFound("No such excerpt.")
    if excerpt.purged_at is not None:
        raise Purged("Deleted when its retention ended.")
    path = excerpt_path(excerpt)
    if not path.is_file():
        log.error("excerpt %d of ticket %d: file %s is missing", excerpt.id, ticket.id,
                  excerpt.stored_name)
        raise NotFound("No such excerpt.")
    return ticket, excerpt, path


def recording_url(reference: str | None) -> str | None:
    """The "open in recording system" address from the admin's template, if one is set."""
    template = settings.get("recording_url_template") or ""
    if not reference or "{id}" not in template \
            or not template.lower().startswith(("https://", "http://")):
        return None
    return template.replace("{id}", quote(reference, safe=""))
