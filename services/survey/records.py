"""The surveyor's and the caller's work on a contact: the review of the recording and records
that comes first, the survey record (调研记录: the alternative offered when the customer is
unhappy with the earlier result, an event appended then and there), holds and chases while
the business side has no result, and the callback record (回访记录: method, the customer's
name), which opens a remedy task when the customer is dissatisfied and a graded problem when
an event is appended or a remedy opens. Also the callback notes' keyword counts."""
from datetime import UTC, datetime

from sqlalchemy import func, or_, select

from domain import survey as rules
from domain.errors import N_, FormProblems, InvalidTransition
from domain.problems import Grade, Source
from domain.roles import Role
from domain.survey import Task
from domain.text import escape_like, has_bidi_controls
from models import User
from models.survey import CallbackRecord, RemedyTask, SurveyContact, SurveyRecord

from .. import audit
from ..alerts import alert, users_with_role
from ..clock import to_local
from ..db import db, write_transaction
from .config import calendar, get_category, threshold
from .contacts import load_contact, require_caller, set_callback_due
from .problems import open_problem


def confirm_review(contact_id: int, part: str, *, actor: User, now: datetime) -> SurveyContact:
    """The recording / contact record / chat log was reviewed before the survey or callback
    (seed 000: 调研前必须听取录音、查看来访记录、聊天记录). The survey's by the quality team; the
    callback's by whoever may call the contact back."""
    rules.require(actor.role, Task.WORK if part == "survey" else Task.CALL)
    with write_transaction():
        contact = load_contact(contact_id)
        if part == "survey":
            _require_survey_open(contact)
            contact.survey_reviewed_at, contact.survey_reviewed_by_id = now, actor.id
        else:
            require_caller(contact, actor)
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


def _alternative_problems(alternative: str, accepted: bool | None, append_event: bool,
                          event: str, grade, needs_callback: bool | None) -> dict:
    """Seed 000, 8: unhappy with the earlier result, the customer is offered an alternative; one
    who does not accept it gets an event appended, graded, and a callback."""
    problems = {}
    if accepted is not None and not alternative:
        problems["alternative"] = N_("Say what alternative was offered.")
    if alternative and accepted is None:
        problems["alternative_accepted"] = N_("Say whether the customer accepted it.")
    if accepted is False and not append_event:
        problems["append_event"] = N_("The customer did not accept the alternative: append an "
                                      "event for them.")
    if append_event:
        if not event:
            problems["event"] = N_("Say what the appended event is about.")
        if grade not in set(Grade):
            problems["grade"] = N_("Grade the problem.")
        if needs_callback is False:
            problems["needs_callback"] = N_("An appended event is followed by a callback.")
    for field, text in (("alternative", alternative), ("event", event)):
        if problem := rules.too_long(text):
            problems[field] = problem
    return problems


def record_survey(contact_id: int, *, resolved: bool | None, category_id, unresolved_issue: str,
                  needs_callback: bool | None, actor: User, now: datetime,
                  alternative: str = "", alternative_accepted: bool | None = None,
                  append_event: bool = False, event: str = "",
                  grade: str | None = None) -> SurveyRecord:
    """The surveyor's record. Nothing is accepted before the surveyor has confirmed the review
    of the recording / contact record / chat log. An event appended here opens a graded
    problem in the same transaction."""
    rules.require(actor.role, Task.WORK)
    issue = rules.note_text(unresolved_issue)
    alternative, event = rules.note_text(alternative), rules.note_text(event)
    with write_transaction():
        contact = load_contact(contact_id)
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
        if problem := rules.too_long(issue):
            problems["unresolved_issue"] = problem
        if needs_callback is None:
            problems["needs_callback"] = N_("Say whether the customer needs a callback.")
        problems.update(_alternative_problems(alternative, alternative_accepted, append_event,
                                              event, grade, needs_callback))
        if problems:
            raise FormProblems(problems)
        record = SurveyRecord(contact_id=contact.id, reviewed_at=contact.survey_reviewed_at,
                              resolved=resolved, category_id=category.id,
                              unresolved_issue=issue, needs_callback=needs_callback,
                              alternative=alternative, alternative_accepted=alternative_accepted,
                              event_appended=append_event, surveyed_by_id=actor.id,
                              surveyed_at=now)
        db.session.add(record)
        contact.surveyed_at = now
        contact.resolved = resolved
        contact.needs_callback = needs_callback
        set_callback_due(contact)
        db.session.flush()
        audit.record("survey_record", actor=actor, now=now,
                     detail={"contact": contact.id, "category": category.name,
                             "resolved": resolved, "needs_callback": needs_callback,
                             "alternative_accepted": alternative_accepted,
                             "event_appended": append_event})
        if append_event:
            open_problem(contact, source=Source.SURVEY, grade=grade, summary=event,
                         raised_by=actor, now=now)
    return record


def hold_callback(contact_id: int, *, note: str, actor: User, now: datetime) -> SurveyContact:
    """The business side has not given its result yet: the callback waits."""
    rules.require(actor.role, Task.CALL)
    note = rules.note_text(note)
    if problem := rules.too_long(note):
        raise FormProblems({"note": problem})
    with write_transaction():
        contact = load_contact(contact_id)
        require_caller(contact, actor)
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


def chase(contact_id: int, *, actor: User, now: datetime) -> SurveyContact:
    """催促: the caller chased the business side for its result."""
    rules.require(actor.role, Task.CALL)
    with write_transaction():
        contact = load_contact(contact_id)
        require_caller(contact, actor)
        if not is_held(contact):
            raise InvalidTransition(N_("The callback is not waiting for the business side."))
        contact.chase_count += 1
        contact.last_chased_at = now
        db.session.flush()
        audit.record("callback_chase", actor=actor, now=now,
                     detail={"contact": contact.id, "count": contact.chase_count})
    return contact


def release_hold(contact_id: int, *, result: str, actor: User, now: datetime) -> SurveyContact:
    """The business side's result arrived: the callback may go ahead."""
    rules.require(actor.role, Task.CALL)
    result = rules.note_text(result)
    if not result:
        raise FormProblems({"result": N_("Record the business side's result.")})
    if problem := rules.too_long(result):
        raise FormProblems({"result": problem})
    with write_transaction():
        contact = load_contact(contact_id)
        require_caller(contact, actor)
        if not is_held(contact):
            raise InvalidTransition(N_("The callback is not waiting for the business side."))
        contact.business_result, contact.business_result_at = result, now
        db.session.flush()
        audit.record("callback_release", actor=actor, now=now, note=result,
                     detail={"contact": contact.id})
    return contact


def _callback_problems(outcome, score, reason: str, note: str, method, name: str,
                       grade, limit: int) -> dict:
    problems = {}
    if outcome not in set(rules.Outcome):
        problems["outcome"] = N_("Choose the outcome.")
    if method not in set(rules.Method):
        problems["method"] = N_("Choose how the callback was made.")
    if score is None or not rules.SCORE_MIN <= score <= rules.SCORE_MAX:
        problems["score"] = N_("Give the customer's score, a whole number from 1 to 10.")
    elif rules.needs_reason(score, limit) and not reason:
        problems["reason"] = (N_("A score below %(n)d needs the customer's reason."),
                              {"n": limit})
    for field, text in (("reason", reason), ("note", note)):
        if problem := rules.too_long(text):
            problems[field] = problem
    if has_bidi_controls(name):
        problems["customer_name"] = N_("A name cannot contain hidden text-direction characters "
                                       "(they make it display differently). Retype it.")
    elif problem := rules.too_long(name, rules.NAME_MAX):
        problems["customer_name"] = problem
    raises = outcome in rules.TRACKED or (
        score is not None and rules.is_dissatisfied(outcome, score, limit))
    if raises and grade not in set(Grade):
        problems["grade"] = N_("Grade the problem: an event is appended or the customer is "
                               "dissatisfied.")
    return problems


def _score(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def record_callback(contact_id: int, *, outcome: str | None, score, reason: str, note: str,
                    actor: User, now: datetime, method: str | None = None,
                    customer_name: str = "", grade: str | None = None) -> CallbackRecord:
    """The caller's record: the method, the customer's name when given, the outcome and score.
    A score below the threshold needs the reason; a dissatisfied customer (不接受, or below the
    threshold) opens a remedy task for the duty managers, alerted in the same transaction;
    an appended event or a remedy task opens a problem with the grade given. A callback of a
    contact nobody held becomes the quality team member's own."""
    rules.require(actor.role, Task.CALL)
    reason, note = rules.note_text(reason), rules.note_text(note)
    name = (customer_name or "").strip()
    score = _score(score)
    limit = threshold()
    with write_transaction():
        contact = load_contact(contact_id)
        require_caller(contact, actor)
        _require_callback_open(contact)
        if is_held(contact):
            raise InvalidTransition(N_("The callback waits for the business side's result. "
                                       "Chase them, or record their result first."))
        if contact.callback_reviewed_by_id != actor.id or contact.callback_reviewed_at is None:
            raise FormProblems({"reviewed": N_("First confirm that you listened to the recording "
                                               "and read the contact record or chat log.")})
        problems = _callback_problems(outcome, score, reason, note, method, name, grade, limit)
        if problems:
            raise FormProblems(problems)
        follow_up = contact.callback_done_at is not None
        record = CallbackRecord(contact_id=contact.id, reviewed_at=contact.callback_reviewed_at,
                                method=method, customer_name=name, outcome=outcome,
                                score=score, reason=reason, note=note, follow_up=follow_up,
                                recorded_by_id=actor.id, recorded_at=now)
        db.session.add(record)
        if contact.caller_id is None:
            contact.caller_id, contact.assigned_at, contact.assigned_by_id = actor.id, now, actor.id
        if not follow_up:
            contact.callback_done_at, contact.callback_by_id = now, actor.id
            contact.callback_score, contact.callback_outcome = score, outcome
        if name:
            contact.customer_name = name
        if outcome == rules.Outcome.RESOLVED:
            contact.resolved = True
        contact.tracking = outcome in rules.TRACKED
        contact.callback_reviewed_at = contact.callback_reviewed_by_id = None
        db.session.flush()
        dissatisfied = rules.is_dissatisfied(outcome, score, limit)
        audit.record("callback_record", actor=actor, now=now,
                     detail={"contact": contact.id, "outcome": outcome, "score": score,
                             "method": method, "follow_up": follow_up, "remedy": dissatisfied})
        remedy = _open_remedy(contact, record, actor=actor, now=now) if dissatisfied else None
        if dissatisfied or outcome in rules.TRACKED:
            open_problem(contact, source=Source.REMEDY if remedy else Source.CALLBACK,
                         grade=grade, raised_by=actor, now=now, callback=record, remedy=remedy,
                         summary=reason or note or (contact.survey.unresolved_issue
                                                    if contact.survey else "") or contact.summary)
    return record


def _open_remedy(contact: SurveyContact, record: CallbackRecord, *, actor: User,
                now: datetime) -> RemedyTask:
    """A dissatisfied callback's remedy task, and an alert to every duty manager."""
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


def keyword_counts(start: datetime, end: datetime, keyword: str) -> tuple[int, int]:
    """(callback records whose reason or notes mention the keyword, all callback records)
    recorded in [start, end) UTC: the weekly keyword monitor counts them beside tickets and
    feedback notes."""
    in_week = (CallbackRecord.recorded_at >= start, CallbackRecord.recorded_at < end)
    pattern = f"%{escape_like(keyword)}%"
    total = db.session.scalar(select(func.count(CallbackRecord.id)).where(*in_week)) or 0
    hits = db.session.scalar(select(func.count(CallbackRecord.id)).where(
        *in_week, or_(CallbackRecord.reason.like(pattern, escape="\\"),
                      CallbackRecord.note.like(pattern, escape="\\")))) or 0
    return hits, total
