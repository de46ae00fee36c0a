"""Problems raised in the callback cycle (问题分级, seed 004): opened by a survey or a callback
that appends an event, or by a remedy task; graded 一般 / 重要 / 紧急, diagnosed and planned
against the grade's clocks (working days from the survey calendar); regraded up at will and
down only with a reason; each clock that runs out alerted once by the sweep."""
from datetime import UTC, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import selectinload

from domain import problems as grading
from domain import survey as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotFound
from domain.problems import Grade
from domain.roles import Role
from domain.survey import Task
from models import User
from models.callbacks import ContactProblem, ProblemGrade

from .. import audit
from ..alerts import alert, users_with_role
from ..clock import to_local
from ..db import db, write_transaction
from .config import calendar, problem_limits

#: Alert kinds (blueprints/ui/labels.py ALERT_LABELS).
URGENT, OVERDUE = "problem_urgent", "problem_overdue"


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _clocks(raised_at: datetime, grade: str) -> tuple[datetime, datetime]:
    diagnosis, plan = grading.clocks(to_local(raised_at), Grade(grade), problem_limits(),
                                     calendar())
    return _utc(diagnosis), _utc(plan)


def open_problem(contact, *, source: str, grade: str, summary: str, raised_by: User,
                 now: datetime, callback=None, remedy=None) -> ContactProblem:
    """A problem raised by a survey or callback record, inside that use case's transaction
    (it checked its actor). An urgent one alerts the duty managers at once: its diagnosis is
    due in minutes."""
    diagnosis_due, plan_due = _clocks(now, grade)
    problem = ContactProblem(
        contact_id=contact.id, source=source, grade=grade, summary=rules.note_text(summary),
        callback_id=getattr(callback, "id", None), remedy_id=getattr(remedy, "id", None),
        raised_at=now, raised_by_id=raised_by.id, diagnosis_due_at=diagnosis_due,
        plan_due_at=plan_due)
    db.session.add(problem)
    db.session.flush()
    db.session.add(ProblemGrade(problem_id=problem.id, grade=grade, previous=None, reason="",
                                graded_by_id=raised_by.id, graded_at=now))
    audit.record("problem_open", actor=raised_by, now=now,
                 detail={"contact": contact.id, "problem": problem.id, "grade": grade,
                         "source": source})
    if grade == Grade.URGENT:
        alert(users_with_role(Role.DUTY_MANAGER), URGENT, ref_id=problem.id, now=now)
    return problem


def open_problems(*, actor: User, show: str = "open", limit: int = 300) -> list[ContactProblem]:
    """问题跟踪: open problems by their next due time (the overdue on top), or all."""
    rules.require(actor.role, Task.PROBLEM)
    next_due = ContactProblem.plan_due_at
    query = (select(ContactProblem)
             .options(selectinload(ContactProblem.contact), selectinload(ContactProblem.grades))
             .limit(limit))
    if show == "open":
        query = query.where(ContactProblem.planned_at.is_(None)).order_by(
            ContactProblem.diagnosed_at.is_not(None), ContactProblem.diagnosis_due_at,
            next_due, ContactProblem.id)
    else:
        query = query.order_by(ContactProblem.raised_at.desc(), ContactProblem.id.desc())
    return list(db.session.scalars(query))


def get_problem(problem_id: int, *, actor: User) -> ContactProblem:
    rules.require(actor.role, Task.PROBLEM)
    return _load(problem_id)


def contact_of(problem_id: int, *, actor: User) -> int:
    """The contact a problem belongs to, for whoever may read that contact (an alert's link:
    the caller of the contact is alerted too)."""
    rules.require(actor.role, Task.READ_CONTACT)
    problem = _load(problem_id)
    contact = problem.contact
    if not rules.may_read(actor.role, actor.id, rules.Holder(contact.agent_no,
                                                             contact.caller_id)):
        raise NotFound("No such problem.")
    return contact.id


def _load(problem_id: int, version: int | None = None) -> ContactProblem:
    problem = db.session.get(ContactProblem, problem_id)
    if problem is None:
        raise NotFound("No such problem.")
    if version is not None and version != problem.version:
        raise InvalidTransition(N_("Someone changed this problem in the meantime. The page now "
                                   "shows its latest state."))
    return problem


def record_step(problem_id: int, step: str, *, note: str, actor: User, now: datetime,
                version: int | None = None) -> ContactProblem:
    """'diagnosis' (初步诊断), then 'plan' (处理方案): what was found, what will be done."""
    rules.require(actor.role, Task.PROBLEM)
    note = rules.note_text(note)
    if step not in grading.STEPS_ORDER:
        raise NotFound("No such step.")
    if not note:
        raise FormProblems({"note": N_("Say what was found or decided.")})
    if problem := rules.too_long(note):
        raise FormProblems({"note": problem})
    with write_transaction():
        problem = _load(problem_id, version)
        if step == "diagnosis":
            if problem.diagnosed_at is not None:
                raise InvalidTransition(N_("The diagnosis is recorded already."))
            problem.diagnosed_at, problem.diagnosed_by_id = now, actor.id
            problem.diagnosis_note = note
        else:
            if problem.planned_at is not None:
                raise InvalidTransition(N_("The plan is recorded already."))
            if problem.diagnosed_at is None:
                raise InvalidTransition(N_("Record the diagnosis first."))
            problem.planned_at, problem.planned_by_id, problem.plan_note = now, actor.id, note
        db.session.flush()
        audit.record(f"problem_{step}", actor=actor, now=now, note=note,
                     detail={"problem": problem.id, "contact": problem.contact_id,
                             "late": now > (problem.diagnosis_due_at if step == "diagnosis"
                                            else problem.plan_due_at)})
    return problem


def regrade(problem_id: int, *, grade: str | None, reason: str, actor: User, now: datetime,
            version: int | None = None) -> ContactProblem:
    """Raise the grade, or lower it with the reason (seed 004: never silently lowered). The
    clocks still running are set again from when the problem was raised."""
    rules.require(actor.role, Task.PROBLEM)
    reason = rules.note_text(reason)
    if problem := rules.too_long(reason):
        raise FormProblems({"reason": problem})
    with write_transaction():
        problem = _load(problem_id, version)
        if problem.planned_at is not None:
            raise InvalidTransition(N_("The plan is recorded: the grade stays as it was."))
        if refused := grading.regrade_refusal(problem.grade, grade, reason):
            raise FormProblems(refused)
        previous = problem.grade
        diagnosis_due, plan_due = _clocks(problem.raised_at, grade)
        if problem.diagnosed_at is None and diagnosis_due != problem.diagnosis_due_at:
            problem.diagnosis_due_at, problem.diagnosis_alerted_at = diagnosis_due, None
        if plan_due != problem.plan_due_at:
            problem.plan_due_at, problem.plan_alerted_at = plan_due, None
        problem.grade = grade
        db.session.add(ProblemGrade(problem_id=problem.id, grade=grade, previous=previous,
                                    reason=reason, graded_by_id=actor.id, graded_at=now))
        db.session.flush()
        audit.record("problem_regrade", actor=actor, now=now, note=reason,
                     detail={"problem": problem.id, "contact": problem.contact_id,
                             "from": previous, "to": grade,
                             "lowered": grading.is_lower(grade, previous)})
        if grade == Grade.URGENT:
            alert(users_with_role(Role.DUTY_MANAGER), URGENT, ref_id=problem.id, now=now)
    return problem


def alert_overdue(now: datetime) -> int:
    """Alert the duty managers and the contact's caller (else whoever raised the problem) once
    about each clock that ran out: the sweep, every minute. Each clock is claimed by a guarded
    UPDATE that marks it, so two sweeps at once alert once."""
    P = ContactProblem
    late_diagnosis = (P.diagnosed_at.is_(None) & (P.diagnosis_due_at < now)
                      & P.diagnosis_alerted_at.is_(None))
    late_plan = P.planned_at.is_(None) & (P.plan_due_at < now) & P.plan_alerted_at.is_(None)
    ids = list(db.session.scalars(select(P.id).where(or_(late_diagnosis, late_plan))
                                  .order_by(P.id)))
    raised = 0
    for problem_id in ids:
        for step, late, mark in (("diagnosis", late_diagnosis, "diagnosis_alerted_at"),
                                 ("plan", late_plan, "plan_alerted_at")):
            with write_transaction():
                claimed = db.session.execute(
                    update(P).where(P.id == problem_id, late)
                    .values({mark: now, "version": P.version + 1})).rowcount
                if not claimed:
                    continue
                problem = db.session.get(P, problem_id)
                who = problem.contact.caller_id or problem.raised_by_id
                alert([*users_with_role(Role.DUTY_MANAGER), who], OVERDUE, ref_id=problem.id,
                      now=now)
                audit.record("problem_overdue", actor=None, now=now,
                             detail={"problem": problem.id, "step": step})
                raised += 1
    return raised
