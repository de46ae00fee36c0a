"""Supervision orders (督办单): the quality team asks a slow department or person to act on a
ticket by a deadline; the answer (or 未答复) is recorded; overdue orders alert the owner."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select, update
from sqlalchemy.orm import joinedload

from domain import supervision as rules
from domain.errors import N_, Conflict, FormProblems, NotAllowed, NotFound
from domain.roles import Role
from domain.supervision import Action, State
from domain.text import mask_numbers
from models import SupervisionOrder, Ticket, User

from . import audit
from .alerts import alert, users_with_role
from .db import db, write_transaction
from .survey import contacts as survey_contacts
from .tickets import flush_guarded, load_visible

PAGE_SIZE = 50
#: Alert kinds (blueprints/ui/labels.py ALERT_LABELS).
ISSUED, ANSWERED, OVERDUE = "supervision", "supervision_answered", "supervision_overdue"


@dataclass(frozen=True)
class OrderInput:
    """What the issuer fills in: what is asked, by when, and to whom (a user by employee no.,
    or a department by name with its contact)."""
    request: str
    due_at: datetime | None
    recipient_no: str = ""
    department: str = ""
    department_contact: str = ""


def facts(order: SupervisionOrder) -> rules.OrderFacts:
    return rules.OrderFacts(state=State(order.state), issued_by_id=order.issued_by_id,
                            recipient_id=order.recipient_id)


def may(action: Action, order: SupervisionOrder, actor: User) -> bool:
    return rules.may(action, actor.id, actor.role_enum, facts(order))


def may_issue(ticket: Ticket, actor: User) -> bool:
    """The owner or a checker, on a ticket the quality team has (signed over)."""
    return actor.role_enum in rules.ISSUERS and ticket.handed_over_at is not None


def _recipient(data: OrderInput, actor: User, problems: dict) -> User | None:
    no, department = (data.recipient_no or "").strip(), (data.department or "").strip()
    if no and department:
        problems["recipient_no"] = N_("Address the order to a user or to a department, "
                                      "not both.")
        return None
    if not no and not department:
        problems["recipient_no"] = N_("Name the user (employee no.) or the department the "
                                      "order goes to.")
        return None
    if department:
        if len(department) > 80:
            problems["department"] = (N_("At most %(max)d characters."), {"max": 80})
        return None
    user = db.session.scalar(select(User).where(User.employee_no == no,
                                                User.active.is_(True)))
    if user is None or user.role_enum == Role.ADMIN:
        problems["recipient_no"] = (N_("No such employee no.: %(nos)s"), {"nos": no})
    elif user.id == actor.id:
        problems["recipient_no"] = N_("An order goes to someone else.")
    return user


def _check_input(data: OrderInput, now: datetime) -> dict:
    problems = {}
    request = mask_numbers((data.request or "").strip())
    if not request or len(request) > rules.REQUEST_MAX:
        problems["request"] = (N_("Say what is asked (at most %(max)d characters)."),
                               {"max": rules.REQUEST_MAX})
    if data.due_at is None:
        problems["due_at"] = N_("Give the time by which an answer is due.")
    elif data.due_at <= now:
        problems["due_at"] = N_("The answer is due in the future.")
    elif data.due_at > now + timedelta(days=rules.MAX_DAYS):
        problems["due_at"] = (N_("At most %(days)d days from now."), {"days": rules.MAX_DAYS})
    if len((data.department_contact or "").strip()) > 80:
        problems["department_contact"] = (N_("At most %(max)d characters."), {"max": 80})
    return problems


def _create(data: OrderInput, recipient: User | None, *, actor: User, now: datetime,
            ticket: Ticket | None = None, contact=None) -> SupervisionOrder:
    """The order, its recipient's alert and the audit entry, in the caller's transaction."""
    order = SupervisionOrder(
        ticket_id=getattr(ticket, "id", None), contact_id=getattr(contact, "id", None),
        request=mask_numbers(data.request.strip()),
        due_at=data.due_at, recipient_id=recipient.id if recipient else None,
        department="" if recipient else data.department.strip(),
        department_contact="" if recipient else (data.department_contact or "").strip(),
        state=rules.TRANSITIONS[(None, Action.ISSUE)], answer="", issued_by_id=actor.id,
        issued_at=now)
    db.session.add(order)
    db.session.flush()
    if recipient is not None:
        alert([recipient.id], ISSUED, ticket=ticket, ref_id=order.id, now=now)
    detail = {"order": order.id, "to": addressee(order), "due": data.due_at.isoformat()}
    if contact is not None:
        detail["contact"] = contact.id
    audit.record("supervision_issue", actor=actor, now=now, ticket=ticket, note=order.request,
                 detail=detail)
    return order


def issue_order(ticket_id: int, data: OrderInput, *, actor: User,
                now: datetime) -> SupervisionOrder:
    """下督办单 about a ticket: the recipient (a user) gets it in their bell and home."""
    if actor.role_enum not in rules.ISSUERS:
        raise NotAllowed(N_("Only the quality team issues supervision orders."))
    problems = _check_input(data, now)
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if not may_issue(ticket, actor):
            raise NotAllowed(N_("Only the quality team issues supervision orders."))
        recipient = _recipient(data, actor, problems)
        if problems:
            raise FormProblems(problems)
        return _create(data, recipient, actor=actor, now=now, ticket=ticket)


def issue_for_contact(contact_id: int, data: OrderInput, *, actor: User,
                      now: datetime) -> SupervisionOrder:
    """下督办单 about a dissatisfied contact whose issue involves another department (seed 003:
    将涉及其他部门的问题分别反馈给相关部门): the same order, linked to the contact."""
    if actor.role_enum not in rules.ISSUERS:
        raise NotAllowed(N_("Only the quality team issues supervision orders."))
    problems = _check_input(data, now)
    with write_transaction():
        contact = survey_contacts.get_contact(contact_id, actor=actor)
        recipient = _recipient(data, actor, problems)
        if problems:
            raise FormProblems(problems)
        return _create(data, recipient, actor=actor, now=now, contact=contact)


def _close(order_id: int, action: Action, text: str, *, actor: User, now: datetime,
           version: int | None) -> SupervisionOrder:
    with write_transaction():
        order = db.session.get(SupervisionOrder, order_id)
        if order is None or not rules.may_read(actor.id, actor.role_enum, facts(order)):
            raise NotFound(N_("No such supervision order."))
        after = rules.check(action, actor.id, actor.role_enum, facts(order))
        if version is not None and version != order.version:
            raise Conflict(N_("Someone changed this order after you opened it. "
                              "The page now shows its latest state."))
        order.state, order.answer = after, text
        order.answered_by_id, order.answered_at = actor.id, now
        flush_guarded()
        if actor.id != order.issued_by_id:
            alert([order.issued_by_id], ANSWERED, ticket=order.ticket, ref_id=order.id,
                  now=now)
        audit.record(f"supervision_{action}", actor=actor, now=now, ticket=order.ticket,
                     note=text, detail={"order": order.id, "late": order.due_at < now})
    return order


def answer_order(order_id: int, *, answer: str, actor: User, now: datetime,
                 version: int | None = None) -> SupervisionOrder:
    """记录答复: what the recipient answered (by the recipient, or by the quality team)."""
    text = mask_numbers((answer or "").strip())
    if not text or len(text) > rules.ANSWER_MAX:
        raise FormProblems({"answer": (N_("Write the answer (at most %(max)d characters)."),
                                       {"max": rules.ANSWER_MAX})})
    return _close(order_id, Action.ANSWER, text, actor=actor, now=now, version=version)


def record_no_answer(order_id: int, *, note: str, actor: User, now: datetime,
                     version: int | None = None) -> SupervisionOrder:
    """记为未答复: the quality team closes an order nobody answered."""
    text = mask_numbers((note or "").strip())
    if len(text) > rules.ANSWER_MAX:
        raise FormProblems({"note": (N_("At most %(max)d characters."),
                                     {"max": rules.ANSWER_MAX})})
    return _close(order_id, Action.NO_ANSWER, text, actor=actor, now=now, version=version)


def alert_overdue(now: datetime) -> int:
    """Alert the owners (and the issuer) once about each order past its due time (the sweep,
    every minute). Idempotent: an order is marked in the same guarded UPDATE that claims it,
    so two sweeps at once alert once."""
    ids = list(db.session.scalars(select(SupervisionOrder.id).where(
        SupervisionOrder.state == State.OPEN, SupervisionOrder.due_at < now,
        SupervisionOrder.overdue_alerted_at.is_(None)).order_by(SupervisionOrder.due_at)))
    raised = 0
    for order_id in ids:
        with write_transaction():
            claimed = db.session.execute(
                update(SupervisionOrder)
                .where(SupervisionOrder.id == order_id, SupervisionOrder.state == State.OPEN,
                       SupervisionOrder.overdue_alerted_at.is_(None))
                .values(overdue_alerted_at=now, version=SupervisionOrder.version + 1)
            ).rowcount
            if not claimed:
                continue
            order = db.session.get(SupervisionOrder, order_id)
            alert([*users_with_role(Role.OWNER), order.issued_by_id], OVERDUE,
                  ticket=order.ticket, ref_id=order.id, now=now)
            audit.record("supervision_overdue", actor=None, now=now, ticket=order.ticket,
                         detail={"order": order.id})
            raised += 1
    return raised


# --- reading ---------------------------------------------------------------------------------

def addressee(order: SupervisionOrder) -> str:
    """To whom, in one line: the user's name and number, or the department and its contact."""
    if order.recipient is not None:
        return f"{order.recipient.name} {order.recipient.employee_no}"
    return " ".join(p for p in (order.department, order.department_contact) if p)


def get_order(order_id: int, *, actor: User) -> SupervisionOrder:
    order = db.session.scalar(select(SupervisionOrder).options(
        joinedload(SupervisionOrder.ticket), joinedload(SupervisionOrder.recipient),
        joinedload(SupervisionOrder.issued_by), joinedload(SupervisionOrder.answered_by))
        .where(SupervisionOrder.id == order_id))
    if order is None or not rules.may_read(actor.id, actor.role_enum, facts(order)):
        raise NotFound(N_("No such supervision order."))
    return order


_WITH_PEOPLE = (joinedload(SupervisionOrder.recipient), joinedload(SupervisionOrder.issued_by),
                joinedload(SupervisionOrder.answered_by))


def orders_of_contact(contact_id: int) -> list[SupervisionOrder]:
    """The contact page's section (its reader was checked when the page loaded the contact)."""
    return list(db.session.scalars(
        select(SupervisionOrder).options(*_WITH_PEOPLE)
        .where(SupervisionOrder.contact_id == contact_id).order_by(SupervisionOrder.id)))


def orders_of_ticket(ticket_id: int) -> list[SupervisionOrder]:
    """The ticket page's section: one query, run only when the ticket has orders."""
    return list(db.session.scalars(
        select(SupervisionOrder).options(*_WITH_PEOPLE)
        .where(SupervisionOrder.ticket_id == ticket_id).order_by(SupervisionOrder.id)))


SHOWS = ("open", "all")


def _listed(actor: User, show: str):
    query = select(SupervisionOrder)
    if actor.role_enum not in rules.READERS_OF_ALL:
        query = query.where(SupervisionOrder.recipient_id == actor.id)
    if show == "open":
        query = query.where(SupervisionOrder.state == State.OPEN)
    # Open ones first, each group by due time: the overdue are on top.
    return query.order_by(case((SupervisionOrder.state == State.OPEN, 0), else_=1),
                          SupervisionOrder.due_at, SupervisionOrder.id)


def list_orders(actor: User, *, show: str = "open",
                page: int = 1) -> tuple[list[SupervisionOrder], bool]:
    rows = list(db.session.scalars(
        _listed(actor, show).options(joinedload(SupervisionOrder.ticket), *_WITH_PEOPLE)
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def iter_orders(actor: User, show: str):
    yield from db.session.scalars(
        _listed(actor, show).options(joinedload(SupervisionOrder.ticket), *_WITH_PEOPLE))


def open_for(actor: User) -> list[SupervisionOrder]:
    """The open orders addressed to this user (their home), earliest due first."""
    return list(db.session.scalars(
        select(SupervisionOrder).options(joinedload(SupervisionOrder.ticket),
                                         joinedload(SupervisionOrder.issued_by))
        .where(SupervisionOrder.recipient_id == actor.id,
               SupervisionOrder.state == State.OPEN)
        .order_by(SupervisionOrder.due_at)))


def open_counts(now: datetime) -> tuple[int, int]:
    """(open, overdue) orders, for the quality team's home."""
    row = db.session.execute(
        select(func.count(), func.count(case((SupervisionOrder.due_at < now, 1))))
        .where(SupervisionOrder.state == State.OPEN)).one()
    return row[0], row[1]
