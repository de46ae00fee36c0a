"""Remedy tasks (补救任务): a dissatisfied callback opens one for the duty managers, who contact
the customer within an hour and put the remedy in place within three working days."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import survey as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotFound
from domain.survey import Task
from models import User
from models.survey import RemedyTask

from .. import audit
from ..db import db, write_transaction


def remedy_tasks(*, actor: User, open_only: bool = True, limit: int = 300) -> list[RemedyTask]:
    rules.require(actor.role, Task.READ_REMEDIES)
    query = (select(RemedyTask).options(selectinload(RemedyTask.contact),
                                        selectinload(RemedyTask.callback))
             .order_by(RemedyTask.remedied_at.is_not(None), RemedyTask.contact_due_at,
                       RemedyTask.id).limit(limit))
    if open_only:
        query = query.where(RemedyTask.remedied_at.is_(None))
    return list(db.session.scalars(query))


def get_remedy(task_id: int, *, actor: User) -> RemedyTask:
    rules.require(actor.role, Task.READ_REMEDIES)
    return _load(task_id)


def _load(task_id: int) -> RemedyTask:
    task = db.session.get(RemedyTask, task_id)
    if task is None:
        raise NotFound("No such remedy task.")
    return task


def remedy_step(task_id: int, step: str, *, note: str, actor: User, now: datetime,
                version: int | None = None) -> RemedyTask:
    """'contacted': the supervisor reached the customer; 'remedied': the remedy is in place."""
    rules.require(actor.role, Task.REMEDY)
    note = rules.note_text(note)
    if not note:
        raise FormProblems({"note": N_("Say what was done.")})
    if problem := rules.too_long(note):
        raise FormProblems({"note": problem})
    with write_transaction():
        task = _load(task_id)
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
