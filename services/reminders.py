"""Deadlines coming up (提醒): a lead's review due within 30 minutes, a customer reply due within
4 hours. Run by the sweep; each deadline reminds once (the bell, and the channels routed to
it), however often the sweep runs and on however many hosts."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from domain import notify as rules
from domain.roles import Role
from domain.tickets import State
from models import Reminder, Ticket

from .alerts import alert, users_with_role
from .db import db, write_transaction

REVIEW, REPLY = "review_due", "reply_due"
_REPLY_OPEN = (State.HANDED_OVER.value, State.VERIFYING.value, State.JUDGED.value)


def _remind(kind: str, ticket_id: int, due_at: datetime, now: datetime) -> bool:
    """Alert whoever must act on this deadline, once: the reminder row (kind, ticket,
    deadline) is written in the same transaction, and a second sweep finds it there."""
    try:
        with write_transaction():
            if db.session.get(Reminder, (kind, ticket_id, due_at)) is not None:
                return False
            ticket = db.session.get(Ticket, ticket_id)
            db.session.add(Reminder(kind=kind, ticket_id=ticket_id, due_at=due_at,
                                    created_at=now))
            db.session.flush()
            if kind == REVIEW:
                people = [ticket.team.lead_id if ticket.team else None]
            else:
                keeper = ticket.replier_id or ticket.checker_id
                people = [keeper] if keeper else users_with_role(Role.OWNER)
            alert(people, kind, ticket=ticket, now=now)
    except IntegrityError:  # another host reminded at the same moment
        return False
    return True


def remind_due(now: datetime) -> int:
    """Remind of every deadline entering its window; how many reminders went out."""
    # ix_tickets_state_due (state, review_due_at) and ix_tickets_state_reply_due
    reviews = db.session.execute(select(Ticket.id, Ticket.review_due_at).where(
        Ticket.state == State.SUBMITTED.value, Ticket.review_due_at > now,
        Ticket.review_due_at <= now + rules.REVIEW_SOON)).all()
    replies = db.session.execute(select(Ticket.id, Ticket.reply_due_at).where(
        Ticket.state.in_(_REPLY_OPEN), Ticket.reply_done_at.is_(None),
        Ticket.reply_due_at > now, Ticket.reply_due_at <= now + rules.REPLY_SOON)).all()
    db.session.rollback()
    sent = sum(_remind(REVIEW, ticket_id, due, now) for ticket_id, due in reviews)
    return sent + sum(_remind(REPLY, ticket_id, due, now) for ticket_id, due in replies)
