"""The lead/quality handover table (领班与内部服务质量自控交接表) for one floor day, and signing
several tickets of the lead's review queue over at once."""
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain.errors import N_, DomainError, NotAllowed, NotFound
from domain.roles import SEES_ALL_HANDED_OVER, Role
from models import HandoverEntry, Ticket, User

from . import tickets as ticket_service
from .db import db


def may_view_table(actor: User) -> bool:
    return actor.role_enum in SEES_ALL_HANDED_OVER or actor.role_enum == Role.TEAM_LEAD


def handover_rows(day: date, *, actor: User, until: date | None = None) -> list[HandoverEntry]:
    """Rows signed on `day` (or from `day` to `until`, inclusive): every team's for the
    quality team and management, the lead's own team's for a team lead."""
    days = HandoverEntry.day == day if until is None else HandoverEntry.day.between(day, until)
    query = (select(HandoverEntry).join(HandoverEntry.ticket)
             .options(joinedload(HandoverEntry.ticket).joinedload(Ticket.submitter),
                      joinedload(HandoverEntry.received_by),
                      joinedload(HandoverEntry.return_confirmed_by))
             .where(days)
             .order_by(HandoverEntry.day, HandoverEntry.signed_at, HandoverEntry.id))
    if actor.role_enum == Role.TEAM_LEAD:
        query = query.where(Ticket.team_id == actor.team_id)
    elif actor.role_enum not in SEES_ALL_HANDED_OVER:
        return []
    return list(db.session.scalars(query))


#: At most this many tickets in one signing (a team's queue is a handful; a bigger list is
#: not a lead's review).
MAX_AT_ONCE = 50


@dataclass
class SignOutcome:
    """What signing several tickets did: the signed tickets, and the refused ones by number
    with the domain error (its English msgid is translated by the view)."""
    signed: list[Ticket] = field(default_factory=list)
    refused: list[tuple[str, DomainError]] = field(default_factory=list)


def to_sign(ticket_ids: list[int], *, actor: User) -> list[Ticket]:
    """The checked tickets that wait in the actor's review queue, in the queue's order: what
    the confirm step lists."""
    if actor.role_enum != Role.TEAM_LEAD:
        raise NotAllowed(N_("Only a team lead signs tickets over."))
    wanted = set(ticket_ids[:MAX_AT_ONCE])
    return [t for t in ticket_service.review_queue(actor=actor) if t.id in wanted]


def sign_several(versions: dict[int, int | None], *, actor: User, now: datetime) -> SignOutcome:
    """Sign the checked tickets over (签字确认), each in its own transaction with its own audit
    entry, exactly as one at a time: one that changed meanwhile (signed by someone else,
    edited, not in the actor's team) is refused and reported by its number, the others are
    signed (docs/decisions.md)."""
    if actor.role_enum != Role.TEAM_LEAD:
        raise NotAllowed(N_("Only a team lead signs tickets over."))
    outcome = SignOutcome()
    for ticket_id, version in list(versions.items())[:MAX_AT_ONCE]:
        try:
            outcome.signed.append(ticket_service.sign_handover(
                ticket_id, actor=actor, now=now, version=version))
        except NotFound as exc:   # never say which number a ticket outside the team has
            outcome.refused.append((f"#{ticket_id}", exc))
        except DomainError as exc:
            ticket = db.session.get(Ticket, ticket_id)
            outcome.refused.append((ticket.number if ticket else f"#{ticket_id}", exc))
    return outcome
