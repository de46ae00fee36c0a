"""The weekly queues: surveys Monday–Wednesday (last week's contacts), callbacks
Thursday–Sunday (this week's surveyed contacts), and the counts of their tabs."""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import selectinload

from domain import survey as rules
from domain.phones import normalize_phone
from domain.survey import Task
from domain.text import escape_like
from models import User
from models.survey import SurveyContact, SurveyRecord

from ..db import db
from ..privacy import number_hash


@dataclass
class ContactFilter:
    """A weekly queue's filter bar: its tab, a channel, the search box. (Not the quality
    queue's QueueFilter: that one filters tickets by group, state and checker.)"""
    show: str = "todo"
    channel: str | None = None
    q: str | None = None


#: The most of a search that is read: an agent no. has 10 characters, a typed number ~20.
SEARCH_MAX = 32


def _search(q: str):
    """What the search box matches: any part of the agent no. (`%` and `_` as typed), and a
    customer number only when the whole of it is typed (as domain.phones normalises it: 138
    1234 5678, +86…). Digits never match the end of a number: four of them at a time would
    rebuild a masked 138****5678."""
    conditions = [SurveyContact.agent_no.like(f"%{escape_like(q)}%", escape="\\")]
    phone = normalize_phone(q)
    if phone is not None:   # anonymised contacts by the keyed hash of the number
        conditions += [SurveyContact.phone == phone,
                       SurveyContact.phone_hash == number_hash(phone)]
    return or_(*conditions)


def _filtered(query, filters: ContactFilter):
    if filters.channel in set(rules.Channel):
        query = query.where(SurveyContact.channel == filters.channel)
    q = (filters.q or "").strip()[:SEARCH_MAX]
    if q:
        query = query.where(_search(q))
    return query


def survey_queue(today: date, filters: ContactFilter, *, actor: User,
                 limit: int = 300) -> list[SurveyContact]:
    """todo: last week's (and older) contacts needing a survey, not surveyed; upcoming: this
    week's, surveyed from next Monday; done: surveyed, latest first."""
    rules.require(actor.role, Task.WORK)
    monday = rules.monday_of(today)
    base = select(SurveyContact).where(SurveyContact.needs_survey.is_(True))
    if filters.show == "done":
        query = base.where(SurveyContact.surveyed_at.is_not(None)).order_by(
            SurveyContact.surveyed_at.desc())
    else:
        this_week = SurveyContact.week_start >= monday
        query = base.where(SurveyContact.surveyed_at.is_(None),
                           this_week if filters.show == "upcoming" else ~this_week).order_by(
            SurveyContact.survey_due_on, SurveyContact.contact_at, SurveyContact.id)
    return list(db.session.scalars(_filtered(query, filters).limit(limit)))


def callback_queue(today: date, filters: ContactFilter, *, actor: User,
                   limit: int = 300) -> list[SurveyContact]:
    """todo: callbacks whose week has reached Thursday, not done (held ones included);
    upcoming: surveyed this week, called back from Thursday; tracked: appended events being
    followed; done: called back, latest first."""
    rules.require(actor.role, Task.WORK)
    base = select(SurveyContact).where(SurveyContact.needs_callback.is_(True))
    opens_by = today + timedelta(days=3)  # callback_due_on - 3 (Thursday) <= today
    if filters.show == "done":
        query = base.where(SurveyContact.callback_done_at.is_not(None)).order_by(
            SurveyContact.callback_done_at.desc())
    elif filters.show == "tracked":
        query = base.where(SurveyContact.tracking.is_(True)).order_by(
            SurveyContact.callback_done_at)
    else:
        window = SurveyContact.callback_due_on <= opens_by
        query = base.where(SurveyContact.callback_done_at.is_(None),
                           ~window if filters.show == "upcoming" else window).order_by(
            SurveyContact.callback_due_on, SurveyContact.contact_at, SurveyContact.id)
    query = query.options(selectinload(SurveyContact.survey).selectinload(SurveyRecord.category),
                          selectinload(SurveyContact.callbacks),
                          selectinload(SurveyContact.caller))
    return list(db.session.scalars(_filtered(query, filters).limit(limit)))


def queue_counts(today: date, *, actor: User) -> dict:
    """How many contacts each queue tab holds (badges)."""
    rules.require(actor.role, Task.WORK)
    monday = rules.monday_of(today)
    opens_by = today + timedelta(days=3)
    C = SurveyContact
    to_survey = and_(C.needs_survey.is_(True), C.surveyed_at.is_(None))
    to_call = and_(C.needs_callback.is_(True), C.callback_done_at.is_(None))

    def n(*conditions):
        return db.session.scalar(select(func.count(C.id)).where(*conditions)) or 0

    return {"survey_todo": n(to_survey, C.week_start < monday),
            "survey_upcoming": n(to_survey, C.week_start >= monday),
            "survey_overdue": n(to_survey, C.survey_due_on < today),
            "callback_todo": n(to_call, C.callback_due_on <= opens_by),
            "callback_upcoming": n(to_call, C.callback_due_on > opens_by),
            "callback_overdue": n(to_call, C.callback_due_on < today),
            "tracked": n(C.needs_callback.is_(True), C.tracking.is_(True))}


