"""Callbacks given to named callers (回访任务分配, seed 003: 将回访任务分配给具体的客服代表): the
duty manager gives the week's open callbacks one by one, or in bulk by count or by area, and
can give one to someone else; who holds what; each caller's 我的回访."""
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, func, or_, select, update
from sqlalchemy.orm import selectinload

from domain import survey as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotFound
from domain.survey import Task
from models import User
from models.survey import SurveyContact, SurveyRecord

from .. import audit
from ..alerts import alert
from ..db import db, write_transaction

C = SurveyContact
#: Alert kind (blueprints/ui/labels.py ALERT_LABELS).
ASSIGNED = "callback_assigned"
BULK_MAX = 500
#: An open callback: to make, or an appended event still followed.
OPEN = and_(C.needs_callback.is_(True), or_(C.callback_done_at.is_(None), C.tracking.is_(True)))


def week_end(today: date) -> date:
    """The Sunday of today's week: the week's callbacks are those due by then (the overdue
    included)."""
    return rules.monday_of(today) + timedelta(days=6)


def _of_week(today: date):
    return and_(OPEN, C.callback_due_on <= week_end(today))


def callers(*, actor: User) -> list[User]:
    """Who can be given callbacks: the active users of the caller roles."""
    rules.require(actor.role, Task.ASSIGN)
    return _callers()


def _callers() -> list[User]:
    order = case({r: i for i, r in enumerate(("checker", "owner", "team_lead", "staff"))},
                 value=User.role)
    return list(db.session.scalars(select(User).where(
        User.active.is_(True), User.role.in_([str(r) for r in rules.CALLERS]))
        .order_by(order, User.employee_no)))


def week_callbacks(today: date, *, actor: User, show: str = "all",
                   limit: int = 500) -> list[SurveyContact]:
    """The week's open callbacks (the overdue first), all or only those nobody holds."""
    rules.require(actor.role, Task.ASSIGN)
    query = (select(C).where(_of_week(today))
             .options(selectinload(C.caller), selectinload(C.survey)
                      .selectinload(SurveyRecord.category))
             .order_by(C.callback_due_on, C.contact_at, C.id).limit(limit))
    if show == "unassigned":
        query = query.where(C.caller_id.is_(None))
    return list(db.session.scalars(query))


@dataclass
class Holding:
    """What one caller holds: open callbacks (of them overdue) and those done this week."""
    caller: User
    open: int = 0
    overdue: int = 0
    done_this_week: int = 0


def holdings(today: date, *, actor: User) -> list[Holding]:
    """Who holds what, for every caller holding or having done something this week."""
    rules.require(actor.role, Task.ASSIGN)
    monday = rules.monday_of(today)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    rows = db.session.execute(
        select(C.caller_id, total(OPEN), total(and_(OPEN, C.callback_due_on < today)),
               total(and_(C.callback_done_at.is_not(None), C.callback_due_on >= monday,
                          C.callback_due_on <= week_end(today))))
        .where(C.caller_id.is_not(None)).group_by(C.caller_id)).all()
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([r[0] for r in rows])))} if rows else {}
    found = [Holding(people[r[0]], r[1], r[2], r[3]) for r in rows if r[1] or r[3]]
    return sorted(found, key=lambda h: (-h.open, h.caller.employee_no))


def areas(today: date, *, actor: User) -> list[tuple[str, int]]:
    """The areas of the week's callbacks nobody holds, with how many each has ("" for none)."""
    rules.require(actor.role, Task.ASSIGN)
    return [tuple(r) for r in db.session.execute(
        select(C.area, func.count(C.id)).where(_of_week(today), C.caller_id.is_(None))
        .group_by(C.area).order_by(C.area))]


def _caller(caller_id) -> User:
    try:
        user = db.session.get(User, int(caller_id))
    except (TypeError, ValueError, OverflowError):
        user = None
    if user is None or not user.active or user.role not in rules.CALLERS:
        raise FormProblems({"caller": N_("Choose a caller.")})
    return user


def _claim(ids: list[int], caller: User, actor: User, now: datetime) -> int:
    """Give the contacts nobody holds to `caller` with one guarded UPDATE (a contact someone
    else gave away in the meantime is left alone); returns how many it took."""
    if not ids:
        return 0
    return db.session.execute(
        update(C).where(C.id.in_(ids), C.caller_id.is_(None))
        .values(caller_id=caller.id, assigned_at=now, assigned_by_id=actor.id,
                callback_reviewed_at=None, callback_reviewed_by_id=None,
                version=C.version + 1)).rowcount


def _given(caller: User, n: int, how: str, actor: User, now: datetime, **detail) -> int:
    if n:
        alert([caller.id], ASSIGNED, now=now)
    audit.record("callback_assign", actor=actor, now=now,
                 detail={"caller": caller.employee_no, "given": n, "how": how, **detail})
    return n


def assign(contact_id: int, caller_id, *, actor: User, now: datetime,
           version: int | None = None) -> SurveyContact:
    """Give one open callback to a caller, or to another caller (reassign). Never a complaint
    about the caller themselves."""
    rules.require(actor.role, Task.ASSIGN)
    with write_transaction():
        caller = _caller(caller_id)
        contact = db.session.get(C, contact_id)
        if contact is None:
            raise NotFound("No such contact.")
        if version is not None and version != contact.version:
            raise InvalidTransition(N_("Someone changed this contact in the meantime. The page "
                                       "now shows its latest state."))
        if not contact.needs_callback or (contact.callback_done_at is not None
                                          and not contact.tracking):
            raise InvalidTransition(N_("This callback is not open."))
        if contact.agent_no == caller.employee_no:
            raise FormProblems({"caller": N_("The complaint is about this caller: choose "
                                             "someone else.")})
        if contact.caller_id == caller.id:
            raise FormProblems({"caller": N_("This caller holds it already.")})
        before = contact.caller.employee_no if contact.caller else None
        contact.caller_id, contact.assigned_at, contact.assigned_by_id = caller.id, now, actor.id
        contact.callback_reviewed_at = contact.callback_reviewed_by_id = None
        db.session.flush()
        _given(caller, 1, "one", actor, now, contact=contact.id, before=before)
    return contact


def _bulk_ids(today: date, caller: User, **where) -> list:
    query = select(C.id).where(_of_week(today), C.caller_id.is_(None),
                               C.agent_no != caller.employee_no)
    if "area" in where:
        query = query.where(C.area == where["area"])
    query = query.order_by(C.callback_due_on, C.contact_at, C.id)
    if "count" in where:
        query = query.limit(where["count"])
    return list(db.session.scalars(query))


def _give_bulk(caller_id, today: date, *, actor: User, now: datetime, field: str,
               empty: str, **how) -> int:
    with write_transaction():
        caller = _caller(caller_id)
        n = _claim(_bulk_ids(today, caller, **how), caller, actor, now)
        if not n:
            raise FormProblems({field: empty})
        return _given(caller, n, next(iter(how)), actor, now, **how)


def assign_count(caller_id, count, today: date, *, actor: User, now: datetime) -> int:
    """Give a caller `count` of the week's callbacks nobody holds, the earliest due first."""
    rules.require(actor.role, Task.ASSIGN)
    if not isinstance(count, int) or not 1 <= count <= BULK_MAX:
        raise FormProblems({"count": (N_("Between %(min)d and %(max)d."),
                                      {"min": 1, "max": BULK_MAX})})
    return _give_bulk(caller_id, today, actor=actor, now=now, field="count", count=count,
                      empty=N_("No callback of this week is left to give."))


def assign_area(area: str, caller_id, today: date, *, actor: User, now: datetime) -> int:
    """Give a caller every callback of the week nobody holds in one area (seed 003: 熟悉区域)."""
    rules.require(actor.role, Task.ASSIGN)
    return _give_bulk(caller_id, today, actor=actor, now=now, field="area",
                      area=(area or "").strip(),
                      empty=N_("No callback of this area is left to give."))


def my_callbacks(today: date, *, actor: User, show: str = "open",
                 limit: int = 300) -> list[SurveyContact]:
    """我的回访: the callbacks given to the actor, open ones by due day (the overdue first), or
    those done, latest first."""
    rules.require(actor.role, Task.CALL)
    query = (select(C).where(C.caller_id == actor.id)
             .options(selectinload(C.survey).selectinload(SurveyRecord.category),
                      selectinload(C.callbacks), selectinload(C.problems))
             .limit(limit))
    if show == "done":
        query = query.where(C.callback_done_at.is_not(None)).order_by(
            C.callback_done_at.desc(), C.id.desc())
    else:
        query = query.where(OPEN).order_by(C.callback_due_on, C.contact_at, C.id)
    return list(db.session.scalars(query))
