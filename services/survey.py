"""Dissatisfied-customer survey and callback (SPEC Part B): contacts from tickets, marks, the
survey and callback records, holds and chases, remedy tasks with their alerts, the owner's
sample audit, the weekly queues, configuration, and the KPIs computed in SQL."""
import json
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from domain import survey as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotFound
from domain.periods import Span
from domain.roles import Role
from models import Setting, Team, Ticket, User
from models.survey import (CallbackRecord, RemedyTask, SampleAudit, SampleItem, SurveyCategory,
                           SurveyContact, SurveyRecord)

from . import audit
from .alerts import alert, users_with_role
from .clock import local_day, to_local
from .db import db, write_transaction

SUMMARY_MAX = 1000
TEXT_MAX = 1000
SAMPLE_MAX = 200

# --- configuration (categories and scripts, holidays, satisfaction bands) ---------------------

CALENDAR_KEY, BANDS_KEY = "survey_calendar", "survey_bands"


def _setting(key: str, default):
    row = db.session.get(Setting, key)
    return json.loads(row.value) if row is not None else default


def _store(key: str, value, *, actor, now) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        row = Setting(key=key)
        db.session.add(row)
    row.value = json.dumps(value, ensure_ascii=False)
    row.updated_at = now
    row.updated_by_id = actor.id


def calendar() -> rules.Calendar:
    stored = _setting(CALENDAR_KEY, {})
    return rules.Calendar(
        holidays=frozenset(date.fromisoformat(d) for d in stored.get("holidays", [])),
        workdays=frozenset(date.fromisoformat(d) for d in stored.get("workdays", [])))


def bands() -> rules.Bands:
    stored = _setting(BANDS_KEY, {})
    default = rules.Bands()
    return rules.Bands(satisfied_min=int(stored.get("satisfied_min", default.satisfied_min)),
                       fairly_min=int(stored.get("fairly_min", default.fairly_min)))


def save_settings(*, holidays: list[date], workdays: list[date], satisfied_min: int,
                  fairly_min: int, actor, now: datetime) -> None:
    new_bands = rules.Bands(satisfied_min=satisfied_min, fairly_min=fairly_min)
    if not new_bands.valid():
        raise FormProblems({"fairly_min": N_("较满意 must start at or below 满意, both within "
                                             "1 to 10.")})
    with write_transaction():
        _store(CALENDAR_KEY, {"holidays": sorted(d.isoformat() for d in set(holidays)),
                              "workdays": sorted(d.isoformat() for d in set(workdays))},
               actor=actor, now=now)
        _store(BANDS_KEY, {"satisfied_min": satisfied_min, "fairly_min": fairly_min},
               actor=actor, now=now)
        audit.record("survey_settings_update", actor=actor, now=now,
                     detail={"holidays": len(set(holidays)), "workdays": len(set(workdays)),
                             "satisfied_min": satisfied_min, "fairly_min": fairly_min})


def categories(channel: str | None = None, *, active_only: bool = True) -> list[SurveyCategory]:
    query = select(SurveyCategory).order_by(SurveyCategory.channel, SurveyCategory.position,
                                            SurveyCategory.id)
    if channel:
        query = query.where(SurveyCategory.channel == channel)
    if active_only:
        query = query.where(SurveyCategory.active.is_(True))
    return list(db.session.scalars(query))


def get_category(category_id) -> SurveyCategory | None:
    try:
        return db.session.get(SurveyCategory, int(category_id))
    except (TypeError, ValueError, OverflowError):
        return None


def save_category(*, channel: str, name: str, script: str, active: bool, actor,
                  now: datetime) -> SurveyCategory:
    """Add a category to a channel, or reword / retire one (matched by channel and name).
    Retired categories stay on the surveys that used them."""
    name, script = (name or "").strip(), (script or "").strip()
    problems = {}
    if channel not in set(rules.Channel):
        problems["channel"] = N_("Choose 热线 or QQ.")
    if not name or len(name) > 32:
        problems["name"] = N_("Enter a category name of at most 32 characters.")
    if len(script) > 2000:
        problems["script"] = (N_("At most %(max)d characters."), {"max": 2000})
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        row = db.session.scalar(select(SurveyCategory).where(
            SurveyCategory.channel == channel, SurveyCategory.name == name))
        if row is None:
            last = db.session.scalar(select(func.max(SurveyCategory.position)).where(
                SurveyCategory.channel == channel))
            row = SurveyCategory(channel=channel, name=name, position=(last or 0) + 1)
            db.session.add(row)
        row.script, row.active = script, active
        db.session.flush()
        audit.record("survey_category_save", actor=actor, now=now, note=f"{channel} {name}",
                     detail={"active": active})
    return row


# --- contacts ---------------------------------------------------------------------------------

def dates_for(contact_at: datetime) -> dict:
    """week_start and survey_due_on of a contact at `contact_at` (UTC)."""
    cycle = rules.cycle_of(local_day(contact_at))
    return {"week_start": cycle.contact_week, "survey_due_on": cycle.survey_due}


def get_contact(contact_id: int) -> SurveyContact:
    contact = db.session.get(SurveyContact, contact_id)
    if contact is None:
        raise NotFound("No such contact.")
    return contact


def contact_for_ticket(ticket_id: int) -> SurveyContact | None:
    return db.session.scalar(select(SurveyContact).where(SurveyContact.ticket_id == ticket_id))


def create_from_ticket(ticket: Ticket, *, actor, now: datetime) -> tuple[SurveyContact, bool]:
    """Turn a whitelist ticket into a dissatisfied hotline contact (the complained-about call:
    受理号码, the ticket's time, 被投诉工号, 投诉内容). Returns (contact, created)."""
    existing = contact_for_ticket(ticket.id)
    if existing is not None:
        return existing, False
    if not ticket.accused_no:
        raise InvalidTransition(N_("Set the accused employee no. on the ticket first: the "
                                   "contact is filed against that agent."))
    with write_transaction():
        ticket = db.session.get(Ticket, ticket.id)
        contact = SurveyContact(
            channel=rules.Channel.HOTLINE, phone=ticket.caller_number,
            contact_at=ticket.created_at.replace(microsecond=0), agent_no=ticket.accused_no,
            summary=ticket.complaint[:SUMMARY_MAX], score=None, ticket_id=ticket.id,
            created_by_id=actor.id, created_at=now, needs_survey=True,
            **dates_for(ticket.created_at))
        db.session.add(contact)
        existing = db.session.scalar(select(SurveyContact).where(
            SurveyContact.channel == contact.channel, SurveyContact.phone == contact.phone,
            SurveyContact.contact_at == contact.contact_at,
            SurveyContact.agent_no == contact.agent_no))
        if existing is not None:  # already imported from the survey system
            db.session.expunge(contact)
            existing.ticket_id = ticket.id
            contact = existing
        db.session.flush()
        audit.record("survey_contact_from_ticket", actor=actor, now=now, ticket=ticket,
                     detail={"contact": contact.id})
    return contact, True


def _load(contact_id: int, version: int | None = None) -> SurveyContact:
    contact = get_contact(contact_id)
    if version is not None and version != contact.version:
        raise InvalidTransition(N_("Someone changed this contact in the meantime. The page now "
                                   "shows its latest state."))
    return contact


def set_marks(contact_id: int, *, needs_survey: bool, needs_callback: bool | None, actor,
              now: datetime, version: int | None = None) -> SurveyContact:
    """需调研/无需调研 and 需回访/无需回访."""
    with write_transaction():
        contact = _load(contact_id, version)
        if contact.callback_done_at is not None and needs_callback is False:
            raise InvalidTransition(N_("This contact has been called back already."))
        if contact.surveyed_at is not None and needs_survey != contact.needs_survey:
            raise InvalidTransition(N_("This contact has been surveyed already."))
        contact.needs_survey = needs_survey
        contact.needs_callback = needs_callback
        _set_callback_due(contact)
        db.session.flush()
        audit.record("survey_marks", actor=actor, now=now,
                     detail={"contact": contact.id, "needs_survey": needs_survey,
                             "needs_callback": needs_callback})
    return contact


def _set_callback_due(contact: SurveyContact) -> None:
    if not contact.needs_callback:
        contact.callback_due_on = None
        return
    surveyed = local_day(contact.surveyed_at) if contact.surveyed_at else None
    contact.callback_due_on = rules.callback_due(local_day(contact.contact_at), surveyed)


def confirm_review(contact_id: int, part: str, *, actor, now: datetime) -> SurveyContact:
    """The recording / contact record / chat log was reviewed before the survey or callback
    (seed 000: 调研前必须听取录音、查看来访记录、聊天记录)."""
    with write_transaction():
        contact = get_contact(contact_id)
        if part == "survey":
            _require_survey_open(contact)
            contact.survey_reviewed_at, contact.survey_reviewed_by_id = now, actor.id
        else:
            _require_callback_open(contact)
            contact.callback_reviewed_at, contact.callback_reviewed_by_id = now, actor.id
        db.session.flush()
        audit.record("survey_review_confirmed", actor=actor, now=now,
                     detail={"contact": contact.id, "part": part})
    return contact


def _require_survey_open(contact: SurveyContact) -> None:
    if not contact.needs_survey:
        raise InvalidTransition(N_("This contact is marked as not needing a survey."))
    if contact.surveyed_at is not None:
        raise InvalidTransition(N_("This contact has been surveyed already."))


def _require_callback_open(contact: SurveyContact) -> None:
    if not contact.needs_callback:
        raise InvalidTransition(N_("This contact is not marked as needing a callback."))
    if contact.callback_done_at is not None and not contact.tracking:
        raise InvalidTransition(N_("This contact has been called back already."))


def record_survey(contact_id: int, *, resolved: bool | None, category_id, unresolved_issue: str,
                  needs_callback: bool | None, actor, now: datetime) -> SurveyRecord:
    """The surveyor's record. Nothing is accepted before the surveyor has confirmed the review
    of the recording / contact record / chat log."""
    issue = (unresolved_issue or "").strip()
    with write_transaction():
        contact = get_contact(contact_id)
        _require_survey_open(contact)
        if contact.survey_reviewed_by_id != actor.id or contact.survey_reviewed_at is None:
            raise FormProblems({"reviewed": N_("First confirm that you listened to the recording "
                                               "and read the contact record or chat log.")})
        problems = {}
        category = get_category(category_id)
        if category is None or not category.active or category.channel != contact.channel:
            problems["category"] = N_("Choose a cause category of this channel.")
        if resolved is None:
            problems["resolved"] = N_("Say whether the problem is resolved.")
        if resolved is False and not issue:
            problems["unresolved_issue"] = N_("Record the problem that is still unresolved.")
        if len(issue) > TEXT_MAX:
            problems["unresolved_issue"] = (N_("At most %(max)d characters."), {"max": TEXT_MAX})
        if needs_callback is None:
            problems["needs_callback"] = N_("Say whether the customer needs a callback.")
        if problems:
            raise FormProblems(problems)
        record = SurveyRecord(contact_id=contact.id, reviewed_at=contact.survey_reviewed_at,
                              resolved=resolved, category_id=category.id,
                              unresolved_issue=issue, needs_callback=needs_callback,
                              surveyed_by_id=actor.id, surveyed_at=now)
        db.session.add(record)
        contact.surveyed_at = now
        contact.resolved = resolved
        contact.needs_callback = needs_callback
        _set_callback_due(contact)
        db.session.flush()
        audit.record("survey_record", actor=actor, now=now,
                     detail={"contact": contact.id, "category": category.name,
                             "resolved": resolved, "needs_callback": needs_callback})
    return record


def hold_callback(contact_id: int, *, note: str, actor, now: datetime) -> SurveyContact:
    """The business side has not given its result yet: the callback waits."""
    note = (note or "").strip()
    if len(note) > TEXT_MAX:
        raise FormProblems({"note": (N_("At most %(max)d characters."), {"max": TEXT_MAX})})
    with write_transaction():
        contact = get_contact(contact_id)
        _require_callback_open(contact)
        if is_held(contact):
            raise InvalidTransition(N_("The callback is already waiting for the business side."))
        contact.held_at, contact.hold_note = now, note
        contact.business_result, contact.business_result_at = "", None
        db.session.flush()
        audit.record("callback_hold", actor=actor, now=now, note=note,
                     detail={"contact": contact.id})
    return contact


def is_held(contact: SurveyContact) -> bool:
    return contact.held_at is not None and contact.business_result_at is None


def chase(contact_id: int, *, actor, now: datetime) -> SurveyContact:
    """催促: the agent chased the business side for its result."""
    with write_transaction():
        contact = get_contact(contact_id)
        if not is_held(contact):
            raise InvalidTransition(N_("The callback is not waiting for the business side."))
        contact.chase_count += 1
        contact.last_chased_at = now
        db.session.flush()
        audit.record("callback_chase", actor=actor, now=now,
                     detail={"contact": contact.id, "count": contact.chase_count})
    return contact


def release_hold(contact_id: int, *, result: str, actor, now: datetime) -> SurveyContact:
    """The business side's result arrived: the callback may go ahead."""
    result = (result or "").strip()
    if not result:
        raise FormProblems({"result": N_("Record the business side's result.")})
    if len(result) > TEXT_MAX:
        raise FormProblems({"result": (N_("At most %(max)d characters."), {"max": TEXT_MAX})})
    with write_transaction():
        contact = get_contact(contact_id)
        if not is_held(contact):
            raise InvalidTransition(N_("The callback is not waiting for the business side."))
        contact.business_result, contact.business_result_at = result, now
        db.session.flush()
        audit.record("callback_release", actor=actor, now=now, note=result,
                     detail={"contact": contact.id})
    return contact


def record_callback(contact_id: int, *, outcome: str | None, score, reason: str, note: str,
                    actor, now: datetime) -> CallbackRecord:
    """The callback agent's record. A score below 8 needs the reason; a dissatisfied customer
    (不接受, or a score below 较满意) opens a remedy task for the duty managers, alerted in
    the same transaction."""
    reason, note = (reason or "").strip(), (note or "").strip()
    with write_transaction():
        contact = get_contact(contact_id)
        _require_callback_open(contact)
        if is_held(contact):
            raise InvalidTransition(N_("The callback waits for the business side's result. "
                                       "Chase them, or record their result first."))
        if contact.callback_reviewed_by_id != actor.id or contact.callback_reviewed_at is None:
            raise FormProblems({"reviewed": N_("First confirm that you listened to the recording "
                                               "and read the contact record or chat log.")})
        problems = {}
        if outcome not in set(rules.Outcome):
            problems["outcome"] = N_("Choose the outcome.")
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = None
        if score is None or not rules.SCORE_MIN <= score <= rules.SCORE_MAX:
            problems["score"] = N_("Give the customer's score, a whole number from 1 to 10.")
        elif rules.needs_reason(score) and not reason:
            problems["reason"] = N_("A score below 8 needs the customer's reason.")
        for field, text in (("reason", reason), ("note", note)):
            if len(text) > TEXT_MAX:
                problems[field] = (N_("At most %(max)d characters."), {"max": TEXT_MAX})
        if problems:
            raise FormProblems(problems)
        follow_up = contact.callback_done_at is not None
        record = CallbackRecord(contact_id=contact.id, reviewed_at=contact.callback_reviewed_at,
                                outcome=outcome, score=score, reason=reason, note=note,
                                follow_up=follow_up, recorded_by_id=actor.id, recorded_at=now)
        db.session.add(record)
        if not follow_up:
            contact.callback_done_at, contact.callback_by_id = now, actor.id
            contact.callback_score, contact.callback_outcome = score, outcome
        if outcome == rules.Outcome.RESOLVED:
            contact.resolved = True
        contact.tracking = outcome in rules.TRACKED
        contact.callback_reviewed_at = contact.callback_reviewed_by_id = None
        db.session.flush()
        dissatisfied = rules.is_dissatisfied(outcome, score, bands())
        audit.record("callback_record", actor=actor, now=now,
                     detail={"contact": contact.id, "outcome": outcome, "score": score,
                             "follow_up": follow_up, "remedy": dissatisfied})
        if dissatisfied:
            _open_remedy(contact, record, actor=actor, now=now)
    return record


def _open_remedy(contact, record, *, actor, now) -> RemedyTask:
    contact_due, remedy_due = rules.remedy_clocks(to_local(now), calendar())
    task = RemedyTask(contact_id=contact.id, callback_id=record.id, opened_at=now,
                      contact_due_at=_utc(contact_due), remedy_due_at=_utc(remedy_due))
    db.session.add(task)
    db.session.flush()
    audit.record("remedy_open", actor=actor, now=now, detail={"contact": contact.id,
                                                              "task": task.id})
    alert(users_with_role(Role.DUTY_MANAGER), "remedy", now=now)
    return task


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def reveal_phone(contact_id: int, *, actor, now: datetime) -> SurveyContact:
    with write_transaction():
        contact = get_contact(contact_id)
        audit.record("survey_reveal_phone", actor=actor, now=now,
                     detail={"contact": contact.id})
    return contact


# --- remedy tasks -----------------------------------------------------------------------------

def remedy_tasks(*, open_only: bool = True, limit: int = 300) -> list[RemedyTask]:
    query = (select(RemedyTask).options(selectinload(RemedyTask.contact),
                                        selectinload(RemedyTask.callback))
             .order_by(RemedyTask.remedied_at.is_not(None), RemedyTask.contact_due_at,
                       RemedyTask.id).limit(limit))
    if open_only:
        query = query.where(RemedyTask.remedied_at.is_(None))
    return list(db.session.scalars(query))


def get_remedy(task_id: int) -> RemedyTask:
    task = db.session.get(RemedyTask, task_id)
    if task is None:
        raise NotFound("No such remedy task.")
    return task


def remedy_step(task_id: int, step: str, *, note: str, actor, now: datetime,
                version: int | None = None) -> RemedyTask:
    """'contacted': the supervisor reached the customer; 'remedied': the remedy is in place."""
    note = (note or "").strip()
    if not note:
        raise FormProblems({"note": N_("Say what was done.")})
    if len(note) > TEXT_MAX:
        raise FormProblems({"note": (N_("At most %(max)d characters."), {"max": TEXT_MAX})})
    with write_transaction():
        task = get_remedy(task_id)
        if version is not None and version != task.version:
            raise InvalidTransition(N_("Someone changed this task in the meantime. The page now "
                                       "shows its latest state."))
        if step == "contacted":
            if task.contacted_at is not None:
                raise InvalidTransition(N_("The customer contact is recorded already."))
            task.contacted_at, task.contacted_by_id, task.contact_note = now, actor.id, note
        else:
            if task.remedied_at is not None:
                raise InvalidTransition(N_("The remedy is recorded already."))
            if task.contacted_at is None:
                raise InvalidTransition(N_("Record the contact with the customer first."))
            task.remedied_at, task.remedied_by_id, task.remedy_note = now, actor.id, note
        db.session.flush()
        audit.record(f"remedy_{step}", actor=actor, now=now, note=note,
                     detail={"task": task.id, "contact": task.contact_id})
    return task


def open_remedy_count() -> int:
    return db.session.scalar(select(func.count(RemedyTask.id)).where(
        RemedyTask.remedied_at.is_(None))) or 0


# --- the weekly queues ------------------------------------------------------------------------

@dataclass
class QueueFilter:
    show: str = "todo"
    channel: str | None = None
    q: str | None = None


def _filtered(query, filters: QueueFilter):
    if filters.channel in set(rules.Channel):
        query = query.where(SurveyContact.channel == filters.channel)
    q = (filters.q or "").strip()
    if q:
        query = query.where(or_(SurveyContact.agent_no == q[:10],
                                SurveyContact.phone.like("%" + q.replace("%", "")[:16])))
    return query


def survey_queue(today: date, filters: QueueFilter, limit: int = 300) -> list[SurveyContact]:
    """todo: last week's (and older) contacts needing a survey, not surveyed; upcoming: this
    week's, surveyed from next Monday; done: surveyed, latest first."""
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


def callback_queue(today: date, filters: QueueFilter, limit: int = 300) -> list[SurveyContact]:
    """todo: callbacks whose week has reached Thursday, not done (held ones included);
    upcoming: surveyed this week, called back from Thursday; tracked: appended events being
    followed; done: called back, latest first."""
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
                          selectinload(SurveyContact.callbacks))
    return list(db.session.scalars(_filtered(query, filters).limit(limit)))


def queue_counts(today: date) -> dict:
    """How many contacts each queue tab holds (badges)."""
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


# --- the owner's sample audit -----------------------------------------------------------------

def draw_sample(span: Span, size: int, *, actor, now: datetime,
                rng: random.Random | None = None) -> SampleAudit:
    """Draw `size` callback records at random among those whose callback was due in `span`
    and that no earlier sample holds."""
    if not 1 <= size <= SAMPLE_MAX:
        raise FormProblems({"size": (N_("Draw between 1 and %(max)d records."),
                                     {"max": SAMPLE_MAX})})
    with write_transaction():
        sampled = select(SampleItem.callback_id)
        candidates = list(db.session.scalars(
            select(CallbackRecord.id).join(SurveyContact)
            .where(SurveyContact.callback_due_on >= span.start,
                   SurveyContact.callback_due_on < span.end,
                   CallbackRecord.id.not_in(sampled)).order_by(CallbackRecord.id)))
        if not candidates:
            raise FormProblems({"size": N_("No callback record of this period is left to "
                                           "sample.")})
        chosen = sorted((rng or random.SystemRandom()).sample(candidates,
                                                              min(size, len(candidates))))
        sample = SampleAudit(period_start=span.start, period_end=span.end, size=len(chosen),
                             drawn_by_id=actor.id, drawn_at=now)
        db.session.add(sample)
        db.session.flush()
        db.session.add_all(SampleItem(audit_id=sample.id, callback_id=c) for c in chosen)
        audit.record("survey_audit_draw", actor=actor, now=now,
                     detail={"audit": sample.id, "size": len(chosen),
                             "from": span.start.isoformat(), "to": span.end.isoformat()})
    return sample


def sample_audits(limit: int = 50) -> list[SampleAudit]:
    return list(db.session.scalars(select(SampleAudit).options(selectinload(SampleAudit.items))
                                   .order_by(SampleAudit.drawn_at.desc()).limit(limit)))


def get_sample(audit_id: int) -> SampleAudit:
    sample = db.session.get(SampleAudit, audit_id)
    if sample is None:
        raise NotFound("No such sample.")
    return sample


def mark_item(item_id: int, *, accurate: bool | None, note: str, actor,
              now: datetime) -> SampleItem:
    """Mark one sampled record accurate or not; a later mark replaces it (the audit log keeps
    each)."""
    note = (note or "").strip()
    if accurate is None:
        raise FormProblems({"accurate": N_("Say whether the record is accurate.")})
    if len(note) > TEXT_MAX:
        raise FormProblems({"note": (N_("At most %(max)d characters."), {"max": TEXT_MAX})})
    with write_transaction():
        item = db.session.get(SampleItem, item_id)
        if item is None:
            raise NotFound("No such sampled record.")
        item.accurate, item.note = accurate, note
        item.marked_by_id, item.marked_at = actor.id, now
        db.session.flush()
        audit.record("survey_audit_mark", actor=actor, now=now, note=note,
                     detail={"audit": item.audit_id, "callback": item.callback_id,
                             "accurate": accurate})
    return item


# --- KPIs, in SQL -----------------------------------------------------------------------------

BREAKDOWNS = ("agent", "team", "caller")


def _key(by: str | None):
    return {None: None, "agent": SurveyContact.agent_no, "team": User.team_id,
            "caller": SurveyContact.callback_by_id}[by]


def kpi_counts(span: Span, by: str | None = None) -> dict:
    """{key: KpiCounts} for the span (key None when by is None): one grouped query for the
    contact figures and one for the sample audit, with the definitions of domain.survey."""
    C = SurveyContact
    b = bands()
    due = and_(C.needs_callback.is_(True), C.callback_due_on >= span.start,
               C.callback_due_on < span.end)
    done = and_(due, C.callback_done_at.is_not(None))
    issue = and_(C.surveyed_at.is_not(None), C.survey_due_on >= span.start,
                 C.survey_due_on < span.end)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    key = _key(by)
    columns = [total(due), total(done),
               total(and_(done, C.callback_score >= b.satisfied_min)),
               total(and_(done, C.callback_score >= b.fairly_min,
                          C.callback_score < b.satisfied_min)),
               total(issue), total(and_(issue, C.resolved.is_(True)))]
    query = select(key if key is not None else func.count(), *columns).select_from(C) \
        .where(or_(due, issue))
    if by == "team":
        query = query.outerjoin(User, User.employee_no == C.agent_no)
    if key is not None:
        query = query.group_by(key)
    result: dict = {}
    for row in db.session.execute(query):
        k = row[0] if key is not None else None
        result[k] = rules.KpiCounts(callbacks_due=row[1], callbacks_done=row[2],
                                    satisfied=row[3], fairly=row[4], issues=row[5],
                                    resolved=row[6])
    marked = (select(key if key is not None else func.count(), func.count(SampleItem.id),
                     total(SampleItem.accurate.is_(True)))
              .select_from(SampleItem).join(CallbackRecord)
              .join(C, C.id == CallbackRecord.contact_id)
              .where(due, SampleItem.accurate.is_not(None)))
    if by == "team":
        marked = marked.outerjoin(User, User.employee_no == C.agent_no)
    if key is not None:
        marked = marked.group_by(key)
    for row in db.session.execute(marked):
        k = row[0] if key is not None else None
        if row[1]:
            counts = result.setdefault(k, rules.KpiCounts())
            counts.sampled, counts.accurate = row[1], row[2]
    if key is None:
        return {None: result.get(None, rules.KpiCounts())}
    return result


def kpis(span: Span) -> rules.KpiCounts:
    return kpi_counts(span)[None]


@dataclass
class KpiRow:
    key: object
    label: str
    counts: rules.KpiCounts
    rank: int = 0


def breakdown(span: Span, by: str) -> list[KpiRow]:
    """KPIs per agent (the contact's agent no.), per team (that agent's team) or per callback
    agent, ranked: satisfaction, then completion, then resolution, then volume."""
    counts = kpi_counts(span, by)
    labels: dict = {}
    keys = [k for k in counts if k is not None]
    if by == "agent" and keys:
        labels = {no: f"{name} {no}" for no, name in db.session.execute(
            select(User.employee_no, User.name).where(User.employee_no.in_(keys)))}
        labels.update({k: k for k in keys if k not in labels})
    elif by == "team" and keys:
        labels = dict(db.session.execute(select(Team.id, Team.name).where(Team.id.in_(keys))))
    elif by == "caller" and keys:
        labels = {i: f"{name} {no}" for i, name, no in db.session.execute(
            select(User.id, User.name, User.employee_no).where(User.id.in_(keys)))}
    rows = [KpiRow(key=k, label=labels.get(k, "") if k is not None else "", counts=c)
            for k, c in counts.items()]
    rows.sort(key=lambda r: (r.key is None, rules.ranking_key(r.counts), str(r.label)))
    rank = 0
    for row in rows:
        if row.key is not None:
            rank += 1
            row.rank = rank
    return rows


def trend(spans: list[Span]) -> list[dict]:
    """Per week: callbacks done, and the completion and satisfaction rates."""
    points = []
    for span in spans:
        k = kpis(span)
        points.append({"span": span, "done": k.callbacks_done, "due": k.callbacks_due,
                       "completion": k.completion_rate, "satisfaction": k.satisfaction_rate})
    return points


def qq_causes(span: Span, limit: int = 8) -> list[tuple[str, int]]:
    """QQ common causes (共性问题): surveys of QQ contacts due in the span, by category."""
    return [tuple(row) for row in db.session.execute(
        select(SurveyCategory.name, func.count(SurveyRecord.id))
        .select_from(SurveyRecord).join(SurveyContact).join(SurveyCategory)
        .where(SurveyContact.channel == rules.Channel.QQ,
               SurveyContact.survey_due_on >= span.start, SurveyContact.survey_due_on < span.end)
        .group_by(SurveyCategory.name)
        .order_by(func.count(SurveyRecord.id).desc(), SurveyCategory.name).limit(limit))]


def qq_cause_trend(spans: list[Span], names: list[str]) -> dict[str, list[int]]:
    """Weekly counts of the given QQ causes, oldest week first."""
    if not spans or not names:
        return {}
    start, end = spans[0].start, spans[-1].end
    counts: dict = {}
    for name, due, n in db.session.execute(
            select(SurveyCategory.name, SurveyContact.survey_due_on, func.count(SurveyRecord.id))
            .select_from(SurveyRecord).join(SurveyContact).join(SurveyCategory)
            .where(SurveyContact.channel == rules.Channel.QQ, SurveyCategory.name.in_(names),
                   SurveyContact.survey_due_on >= start, SurveyContact.survey_due_on < end)
            .group_by(SurveyCategory.name, SurveyContact.survey_due_on)):
        counts[(name, due)] = n
    return {name: [sum(n for (nm, due), n in counts.items()
                       if nm == name and s.start <= due < s.end) for s in spans]
            for name in names}


def records(span: Span, batch: int = 1000):
    """Contacts whose survey or callback was due in the span, with their records (export),
    in keyset batches."""
    C = SurveyContact
    in_span = or_(and_(C.survey_due_on >= span.start, C.survey_due_on < span.end),
                  and_(C.callback_due_on >= span.start, C.callback_due_on < span.end))
    last = 0
    while True:
        rows = list(db.session.scalars(
            select(C).options(selectinload(C.survey).selectinload(SurveyRecord.category),
                              selectinload(C.survey).selectinload(SurveyRecord.surveyed_by),
                              selectinload(C.callbacks).selectinload(
                                  CallbackRecord.recorded_by))
            .where(in_span, C.id > last).order_by(C.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].id

