"""Objection requests (异议申请; 001: "员工或领班对责任判定有异议", "申诉权：领班—主值班—
受理组负责人"): the accused agent asks the appeal chain to file the appeal sheet. Each level
files it (with the agent's points) or declines with a reason the agent sees; a declined agent
may take it one level up. All within the appeal window, every step audited on the timeline."""
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from domain import appeals as rules
from domain.appeals import Level
from domain.errors import N_, Conflict, InvalidTransition, NotAllowed, NotFound
from domain.judgement import Verdict
from domain.text import required_text
from domain.tickets import State
from models import Objection, Ticket, User

from . import audit, chain
from .alerts import alert
from .db import db, write_transaction
from .tickets import load_visible

PENDING, FILED, DECLINED = "pending", "filed", "declined"


def history(ticket: Ticket) -> list[Objection]:
    """The ticket's objection requests, first level first."""
    return list(db.session.scalars(
        select(Objection).options(joinedload(Objection.decided_by))
        .where(Objection.ticket_id == ticket.id).order_by(Objection.raised_at, Objection.id)))


def window_open(ticket: Ticket, now: datetime) -> bool:
    """An established verdict, not appealed, within its appeal window (the same window as
    an appeal sheet)."""
    return (ticket.state == State.JUDGED and ticket.verdict == Verdict.ESTABLISHED
            and ticket.appeal is None and ticket.appeal_until is not None
            and now < ticket.appeal_until)


def is_accused(ticket: Ticket, user: User) -> bool:
    return bool(ticket.accused_no) and ticket.accused_no == user.employee_no


def next_level(ticket: Ticket, user: User, now: datetime,
               earlier: list[Objection] | None = None) -> Level | None:
    """The level at which this user may raise an objection now, or None: the accused agent,
    within the window, first to their lead, then one level up after each decline."""
    if not is_accused(ticket, user) or not window_open(ticket, now):
        return None
    earlier = history(ticket) if earlier is None else earlier
    if not earlier:
        return Level.TEAM_LEAD
    last = earlier[-1]
    return rules.next_level(Level(last.level)) if last.status == DECLINED else None


def deciders(objection: Objection, ticket: Ticket,
             people: rules.People | None = None) -> frozenset[int]:
    return rules.objection_deciders(Level(objection.level), people or chain.people(),
                                    accused_leads=chain.accused_leads(ticket))


def raise_objection(ticket_id: int, *, points: str, actor: User, now: datetime) -> Objection:
    """异议申请: the accused agent's points go to the next level of the appeal chain."""
    points = required_text(points, "points",
                           N_("State your objection points about the recording."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if not is_accused(ticket, actor):
            raise NotAllowed(N_("Only the agent the ticket is about may raise an objection."))
        if not window_open(ticket, now):
            raise InvalidTransition(N_("An objection can be raised only on an established "
                                       "verdict, within the appeal window, before an appeal."))
        level = next_level(ticket, actor, now)
        if level is None:
            raise InvalidTransition(N_("Your objection is waiting for a decision, or has "
                                       "reached the top of the appeal chain."))
        objection = Objection(ticket_id=ticket.id, agent_id=actor.id, level=level,
                              points=points, raised_at=now, status=PENDING)
        db.session.add(objection)
        try:
            db.session.flush()
        except IntegrityError:   # the same request sent twice: one is kept
            raise Conflict(N_("Your objection has already been sent.")) from None
        alert(deciders(objection, ticket), "objection", ticket=ticket, now=now)
        audit.record("objection_raise", actor=actor, now=now, ticket=ticket, note=points,
                     detail={"level": level})
    return objection


def _pending(objection_id: int, actor: User,
             ticket_id: int | None = None) -> tuple[Objection, Ticket]:
    objection = db.session.get(Objection, objection_id)
    if objection is None or ticket_id not in (None, objection.ticket_id):
        raise NotFound("No such ticket.")
    ticket = load_visible(objection.ticket_id, actor)
    if objection.status != PENDING:
        raise InvalidTransition(N_("This objection has already been decided."))
    if actor.id not in deciders(objection, ticket):
        raise NotAllowed(N_("This objection is for someone else on the appeal chain."))
    return objection, ticket


def _decide(objection: Objection, status: str, actor: User, now: datetime,
            reason: str = "") -> None:
    """The guarded update: only a pending request is decided, once."""
    changed = db.session.execute(
        update(Objection).where(Objection.id == objection.id, Objection.status == PENDING)
        .values(status=status, decided_by_id=actor.id, decided_at=now, decline_reason=reason)
        .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise Conflict(N_("This objection has already been decided."))


def decline(objection_id: int, *, reason: str, actor: User, now: datetime,
            ticket_id: int | None = None) -> Objection:
    """Not filed, with a reason the agent sees; the agent may take it one level up."""
    reason = required_text(reason, "reason", N_("Give the agent the reason."))
    with write_transaction():
        objection, ticket = _pending(objection_id, actor, ticket_id)
        _decide(objection, DECLINED, actor, now, reason)
        alert([objection.agent_id], "objection_declined", ticket=ticket, now=now)
        audit.record("objection_decline", actor=actor, now=now, ticket=ticket, note=reason,
                     detail={"level": objection.level})
    db.session.refresh(objection)
    return objection


def settle_on_appeal(ticket: Ticket, *, objection_id: int | None, actor: User,
                     now: datetime) -> None:
    """In the transaction that files the appeal sheet: the request it answers (whose
    decider the filer must be) is filed, and so is any other still pending — the agent's
    objection is in the appeal now, whoever filed it."""
    if objection_id is not None:
        _pending(objection_id, actor, ticket.id)
    for objection in db.session.scalars(select(Objection).where(
            Objection.ticket_id == ticket.id, Objection.status == PENDING)):
        _decide(objection, FILED, actor, now)
        alert([objection.agent_id], "objection_filed", ticket=ticket, now=now)
        audit.record("objection_file", actor=actor, now=now, ticket=ticket,
                     detail={"level": objection.level})


def waiting_for(user: User, now: datetime) -> list[Objection]:
    """Objection requests this user is to decide while the window is open, oldest first."""
    rows = list(db.session.scalars(
        select(Objection).options(joinedload(Objection.ticket), joinedload(Objection.agent))
        .where(Objection.status == PENDING).order_by(Objection.raised_at)))
    rows = [o for o in rows if window_open(o.ticket, now)]
    if not rows:
        return []
    people = chain.people()
    return [o for o in rows if user.id in deciders(o, o.ticket, people)]
