"""The owner's sample audit (回访记录抽检): callback records drawn at random and marked
accurate or not, the source of the callback record accuracy."""
import random
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import survey as rules
from domain.errors import N_, FormProblems, NotFound
from domain.periods import Span
from domain.survey import Task
from models import User
from models.survey import CallbackRecord, SampleAudit, SampleItem, SurveyContact

from .. import audit
from ..db import db, write_transaction

SAMPLE_MAX = 200


def draw_sample(span: Span, size: int, *, actor: User, now: datetime,
                rng: random.Random | None = None) -> SampleAudit:
    """Draw `size` callback records at random among those whose callback was due in `span`
    and that no earlier sample holds."""
    rules.require(actor.role, Task.AUDIT)
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


def sample_audits(*, actor: User, limit: int = 50) -> list[SampleAudit]:
    rules.require(actor.role, Task.AUDIT)
    return list(db.session.scalars(select(SampleAudit).options(selectinload(SampleAudit.items))
                                   .order_by(SampleAudit.drawn_at.desc()).limit(limit)))


def get_sample(audit_id: int, *, actor: User) -> SampleAudit:
    rules.require(actor.role, Task.AUDIT)
    sample = db.session.get(SampleAudit, audit_id)
    if sample is None:
        raise NotFound("No such sample.")
    return sample


def get_item(item_id: int, *, actor: User) -> SampleItem:
    """One sampled record (its sample is the page a mark returns to)."""
    rules.require(actor.role, Task.AUDIT)
    return _load_item(item_id)


def _load_item(item_id: int) -> SampleItem:
    item = db.session.get(SampleItem, item_id)
    if item is None:
        raise NotFound("No such sampled record.")
    return item


def mark_item(item_id: int, *, accurate: bool | None, note: str, actor: User,
              now: datetime) -> SampleItem:
    """Mark one sampled record accurate or not; a later mark replaces it (the audit log keeps
    each)."""
    rules.require(actor.role, Task.AUDIT)
    note = rules.note_text(note)
    if accurate is None:
        raise FormProblems({"accurate": N_("Say whether the record is accurate.")})
    if problem := rules.too_long(note):
        raise FormProblems({"note": problem})
    with write_transaction():
        item = _load_item(item_id)
        item.accurate, item.note = accurate, note
        item.marked_by_id, item.marked_at = actor.id, now
        db.session.flush()
        audit.record("survey_audit_mark", actor=actor, now=now, note=note,
                     detail={"audit": item.audit_id, "callback": item.callback_id,
                             "accurate": accurate})
    return item


