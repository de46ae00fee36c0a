"""Feedback notes (服务反馈便签, seed 002): agents and leads post what they noticed on a call;
the duty manager reviews a day's notes the next morning and records what became of each
(discussed, a warning, an announcement, a proposal, or dismissed); the author sees it."""
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from domain import notes as rules
from domain.errors import N_, Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.notes import Outcome
from domain.text import escape_like, mask_numbers
from models import FeedbackNote, User

from . import audit
from .clock import work_day
from .db import db, write_transaction
from .tickets import flush_guarded

#: Outcomes recorded on the review page itself; the announcement and the proposal are
#: recorded when they are posted (services.notices.post, services.proposals).
DIRECT = (Outcome.DISCUSSED, Outcome.WARNING, Outcome.DISMISSED)


def post_note(text: str, *, actor: User, now: datetime) -> FeedbackNote:
    """便签: what the agent noticed on a call today, at most 200 characters."""
    if actor.role_enum not in rules.AUTHORS:
        raise NotAllowed(N_("Agents and team leads post feedback notes."))
    text = mask_numbers((text or "").strip())
    if not text or len(text) > rules.TEXT_MAX:
        raise FormProblems({"text": (N_("Write what you noticed (at most %(max)d "
                                        "characters)."), {"max": rules.TEXT_MAX})})
    with write_transaction():
        note = FeedbackNote(author_id=actor.id, team_id=actor.team_id, text=text,
                            day=work_day(now), created_at=now, outcome_note="")
        db.session.add(note)
        db.session.flush()
        audit.record("note_post", actor=actor, now=now, note=text, detail={"note": note.id})
    return note


def settle(note_id: int, outcome: str, *, actor: User, now: datetime, note: str = "",
           version: int | None = None, **links) -> FeedbackNote:
    """Record what became of a note, inside the caller's transaction (the warning, the
    announcement or the proposal it became is linked in `links`)."""
    found = db.session.get(FeedbackNote, note_id)
    if found is None:
        raise NotFound(N_("No such note."))
    rules.check_review(actor.role_enum, found.outcome)
    if version is not None and version != found.version:
        raise Conflict(N_("This note was handled already."))
    found.outcome, found.outcome_note = Outcome(outcome).value, note
    found.handled_by_id, found.handled_at = actor.id, now
    for name, value in links.items():
        setattr(found, name, value)
    flush_guarded()
    audit.record("note_review", actor=actor, now=now, note=note,
                 detail={"note": found.id, "outcome": found.outcome,
                         **{k: v for k, v in links.items() if v is not None}})
    return found


def review_note(note_id: int, outcome: str, *, note: str = "", actor: User, now: datetime,
                version: int | None = None) -> FeedbackNote:
    """已讨论, 转为预警 or 不予处理 from the review page (a warning is raised in the duty
    managers' queue with the note's text)."""
    if outcome not in DIRECT:
        raise InvalidTransition(N_("Turn a note into an announcement or a proposal from "
                                   "their forms."))
    note = mask_numbers((note or "").strip())
    if len(note) > rules.OUTCOME_NOTE_MAX:
        raise FormProblems({"note": (N_("At most %(max)d characters."),
                                     {"max": rules.OUTCOME_NOTE_MAX})})
    from .notices import add_warning
    with write_transaction():
        found = db.session.get(FeedbackNote, note_id)
        if found is None:
            raise NotFound(N_("No such note."))
        rules.check_review(actor.role_enum, found.outcome)
        links = {}
        if outcome == Outcome.WARNING:
            links["warning_id"] = add_warning("note", note=found.text, actor=actor, now=now).id
        return settle(note_id, outcome, actor=actor, now=now, note=note, version=version,
                      **links)


def get_for_review(note_id: int, *, actor: User) -> FeedbackNote:
    """A note a duty manager is turning into an announcement or a proposal."""
    if actor.role_enum not in rules.REVIEWERS:
        raise NotFound(N_("No such note."))
    note = db.session.get(FeedbackNote, note_id)
    if note is None:
        raise NotFound(N_("No such note."))
    return note


def notes_of_day(day: date, *, actor: User) -> list[FeedbackNote]:
    """The notes posted on a local day, in the order they came (the morning review)."""
    if actor.role_enum not in rules.READERS:
        raise NotAllowed(N_("Only a duty manager reviews the feedback notes."))
    return list(db.session.scalars(
        select(FeedbackNote).options(joinedload(FeedbackNote.author),
                                     joinedload(FeedbackNote.team),
                                     joinedload(FeedbackNote.handled_by))
        .where(FeedbackNote.day == day).order_by(FeedbackNote.id)))


def pending_count(day: date) -> int:
    """Notes of the day nobody has reviewed yet (the duty manager's home)."""
    return db.session.scalar(select(func.count(FeedbackNote.id)).where(
        FeedbackNote.day == day, FeedbackNote.outcome.is_(None))) or 0


def my_notes(actor: User, limit: int = 50) -> list[FeedbackNote]:
    """What the author posted, newest first, with what became of each."""
    return list(db.session.scalars(
        select(FeedbackNote).where(FeedbackNote.author_id == actor.id)
        .order_by(FeedbackNote.created_at.desc(), FeedbackNote.id.desc()).limit(limit)))


def keyword_counts(start: date, end: date, keyword: str) -> tuple[int, int]:
    """(notes that mention the keyword, all notes) posted on local days [start, end)."""
    in_days = (FeedbackNote.day >= start, FeedbackNote.day < end)
    total = db.session.scalar(select(func.count(FeedbackNote.id)).where(*in_days)) or 0
    hits = db.session.scalar(select(func.count(FeedbackNote.id)).where(
        *in_days, FeedbackNote.text.like(f"%{escape_like(keyword)}%", escape="\\"))) or 0
    return hits, total
