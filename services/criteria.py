"""Judgement criteria as configuration (SPEC §5): add, reword, retire. Retired criteria stay
on the judgements that used them."""
from sqlalchemy import func, select

from domain.errors import N_, Conflict
from domain.judgement import Kind
from models import Criterion

from . import audit
from .db import db, write_transaction


def list_all() -> list[Criterion]:
    return list(db.session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id)))


def save(code: str, *, kind: str, text: str, active: bool, actor, now) -> Criterion:
    code = (code or "").strip().upper()
    text = (text or "").strip()
    if not code or len(code) > 8:
        raise Conflict(N_("A code is 1 to 8 characters, e.g. A5."))
    if kind not in set(Kind):
        raise Conflict(N_("Choose business or attitude."))
    if not text or len(text) > 500:
        raise Conflict(N_("Describe the criterion in at most 500 characters."))
    with write_transaction():
        row = db.session.scalar(select(Criterion).where(Criterion.code == code))
        before = None
        if row is None:
            position = (db.session.scalar(select(func.max(Criterion.position))) or 0) + 1
            row = Criterion(code=code, position=position)
            db.session.add(row)
        else:
            before = {"kind": row.kind, "text": row.text, "active": row.active}
        row.kind, row.text, row.active = kind, text, active
        audit.record("criterion_save", actor=actor, now=now, detail={
            "code": code, "from": before, "to": {"kind": kind, "text": text, "active": active}})
    return row
