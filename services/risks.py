"""The risk register (风险登记, SPEC Part C): risks scored by probability and impact, each with
an owner and a next review date; the owner and the group head keep it, every change audited."""
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import joinedload

from domain import risks as rules
from domain.errors import N_, NotAllowed, NotFound
from domain.roles import Role
from domain.text import mask_numbers
from models import Risk, User

from . import audit
from .db import db, update_if_unchanged, write_transaction
from .quality import FormProblems

#: Who keeps the register; duty managers and the site head read it.
EDITORS = frozenset({Role.OWNER, Role.GROUP_HEAD})
VIEWERS = EDITORS | {Role.DUTY_MANAGER, Role.SITE_HEAD}
#: Who can be named a risk's owner: anyone who manages or leads, not agents, not IT.
OWNER_ROLES = (Role.OWNER, Role.GROUP_HEAD, Role.DUTY_MANAGER, Role.SITE_HEAD, Role.CHECKER,
               Role.TEAM_LEAD)
FIELDS = ("title", "description", "probability", "impact", "owner_id", "review_on", "status")


@dataclass(frozen=True)
class RiskInput:
    title: str
    description: str
    probability: int
    impact: int
    owner_id: int
    review_on: date
    status: str = rules.Status.OPEN


def _clean(data: RiskInput) -> dict:
    values = {name: getattr(data, name) for name in FIELDS}
    values["title"] = mask_numbers((data.title or "").strip())
    values["description"] = mask_numbers((data.description or "").strip())
    problems = {}
    if not values["title"]:
        problems["title"] = N_("This field is required.")
    elif len(values["title"]) > 200:
        problems["title"] = (N_("At most %(max)d characters."), {"max": 200})
    if len(values["description"]) > 4000:
        problems["description"] = (N_("At most %(max)d characters."), {"max": 4000})
    for name in ("probability", "impact"):
        if not rules.is_score(values[name]):
            problems[name] = N_("Choose a score from 1 to 5.")
    if values["status"] not in set(rules.Status):
        problems["status"] = N_("Choose open or closed.")
    if not isinstance(values["review_on"], date):
        problems["review_on"] = N_("Enter a date.")
    owner = db.session.get(User, values["owner_id"]) if values["owner_id"] else None
    if owner is None or not owner.active or owner.role_enum not in OWNER_ROLES:
        problems["owner_id"] = N_("Choose an active manager or team lead.")
    if problems:
        raise FormProblems(problems)
    return values


def _require_editor(actor: User) -> None:
    if actor.role_enum not in EDITORS:
        raise NotAllowed(N_("Only the whitelist owner and the group head keep the register."))


def _plain(value):
    """A field's value as the audit entry keeps it (JSON)."""
    return value.isoformat() if isinstance(value, date) else value


def _snapshot(risk: Risk) -> dict:
    return {name: _plain(getattr(risk, name)) for name in FIELDS}


def create_risk(data: RiskInput, *, actor: User, now: datetime) -> Risk:
    _require_editor(actor)
    values = _clean(data)
    with write_transaction():
        risk = Risk(**values, created_by_id=actor.id, created_at=now, updated_by_id=actor.id,
                    updated_at=now)
        db.session.add(risk)
        db.session.flush()
        audit.record("risk_save", actor=actor, now=now, detail={
            "risk": risk.id, "from": None, "to": _snapshot(risk),
            "quadrant": rules.quadrant(risk.probability, risk.impact)})
    return risk


def update_risk(risk_id: int, data: RiskInput, *, actor: User, now: datetime,
                version: int | None = None) -> Risk:
    _require_editor(actor)
    values = _clean(data)
    with write_transaction():
        risk, before = update_if_unchanged(
            Risk, risk_id, values, version=version, actor=actor, now=now,
            missing=N_("No such risk."),
            changed=N_("Someone saved this risk after you opened it. "
                       "The form now shows the latest values."))
        moved = [name for name in FIELDS if before[name] != values[name]]
        audit.record("risk_save", actor=actor, now=now, detail={
            "risk": risk.id, "from": {name: _plain(before[name]) for name in moved},
            "to": {name: _plain(values[name]) for name in moved},
            "quadrant": rules.quadrant(risk.probability, risk.impact)})
    return risk


def get_risk(risk_id: int) -> Risk:
    risk = db.session.get(Risk, risk_id)
    if risk is None:
        raise NotFound(N_("No such risk."))
    return risk


def list_risks() -> list[Risk]:
    """Open risks first, by next review date (overdue on top); then closed ones."""
    closed_last = case((Risk.status == rules.Status.OPEN, 0), else_=1)
    return list(db.session.scalars(
        select(Risk).options(joinedload(Risk.owner))
        .order_by(closed_last, Risk.review_on, Risk.id)))


def owner_choices() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([r.value for r in OWNER_ROLES]))
        .order_by(User.name, User.employee_no)))
