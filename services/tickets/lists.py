"""Lists of tickets: the actor's visible tickets narrowed by a filter, a page at a time or
all of them for an export, the lead's review queue, and the agent's returned tickets."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, or_, select
from sqlalchemy.orm import joinedload

from domain.roles import FILERS, SEES_ALL_HANDED_OVER, Role
from domain.tickets import State
from models import Ticket, User

from ..db import db


def visible_condition(actor: User):
    """SQL condition matching rules.can_view, for lists."""
    role = actor.role_enum
    conditions = []
    if role in FILERS:
        conditions += [Ticket.submitter_id == actor.id, Ticket.accused_no == actor.employee_no]
        if role == Role.TEAM_LEAD and actor.team_id is not None:
            team_nos = select(User.employee_no).where(User.team_id == actor.team_id)
            conditions += [Ticket.team_id == actor.team_id, Ticket.accused_no.in_(team_nos)]
    if role in SEES_ALL_HANDED_OVER:
        conditions.append(Ticket.handed_over_at.is_not(None))
    return or_(*conditions) if conditions else false()


PAGE_SIZE = 50

#: Which moment a date range applies to (the report figures link to these lists).
MOMENTS = {"created": Ticket.created_at, "handed_over": Ticket.handed_over_at,
           "judged": Ticket.judged_at, "replied": Ticket.reply_done_at,
           "escalated": Ticket.escalated_at}


@dataclass(frozen=True)
class TicketFilter:
    """Narrowing of a ticket list: state, a local-date range on one moment, team, route
    group, checker, verdict in force, reply method, the accused agent or the accused's team."""
    state: str | None = None
    start: datetime | None = None   # UTC bounds, half-open
    end: datetime | None = None
    moment: str = "created"
    team_id: int | None = None
    group: str | None = None
    checker_id: int | None = None
    verdict: str | None = None
    reply_method: str | None = None
    accused_no: str | None = None
    accused_team_id: int | None = None

    def apply(self, query):
        if self.state in set(State):
            query = query.where(Ticket.state == self.state)
        column = MOMENTS.get(self.moment, Ticket.created_at)
        if self.start is not None:
            query = query.where(column >= self.start)
        if self.end is not None:
            query = query.where(column < self.end)
        if self.team_id is not None:
            query = query.where(Ticket.team_id == self.team_id)
        if self.group:
            query = query.where(Ticket.route_group == self.group)
        if self.checker_id is not None:
            query = query.where(Ticket.checker_id == self.checker_id)
        if self.verdict:
            query = query.where(Ticket.verdict == self.verdict)
        if self.reply_method:
            query = query.where(Ticket.reply_method == self.reply_method)
        if self.accused_no:
            query = query.where(Ticket.accused_no == self.accused_no)
        if self.accused_team_id is not None:
            query = query.where(Ticket.accused_no.in_(
                select(User.employee_no).where(User.team_id == self.accused_team_id)))
        return query


def visible_tickets(actor: User, filters: TicketFilter | None = None):
    """SELECT of the tickets the actor may see, narrowed by `filters`, newest first."""
    query = (select(Ticket).where(visible_condition(actor))
             .order_by(Ticket.submitted_at.desc(), Ticket.id.desc()))
    return (filters or TicketFilter()).apply(query)


def list_tickets(*, actor: User, state: str | None = None, page: int = 1,
                 filters: TicketFilter | None = None) -> tuple[list[Ticket], bool]:
    """The actor's tickets, newest first, one page at a time. Returns (rows, has_more)."""
    filters = filters or TicketFilter(state=state)
    query = visible_tickets(actor, filters).options(joinedload(Ticket.submitter))
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def iter_tickets(actor: User, filters: TicketFilter, batch: int = 1000):
    """Every ticket of a filtered list, in the list's order, fetched in batches (exports of
    any size). The ids come first, in one query that the filter's index serves and one sort;
    then the tickets, a batch at a time by primary key. (Batches of the list query itself,
    keyset or OFFSET, would sort the whole filtered range again for every batch.)"""
    ids = list(db.session.scalars(visible_tickets(actor, filters).with_only_columns(Ticket.id)))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = {t.id: t for t in db.session.scalars(
            select(Ticket).options(joinedload(Ticket.submitter)).where(Ticket.id.in_(chunk)))}
        yield from (found[i] for i in chunk if i in found)
        db.session.expunge_all()  # keep memory flat however many rows there are


def review_queue(*, actor: User) -> list[Ticket]:
    """The lead's queue: the team's submitted tickets, earliest review deadline first."""
    if actor.team_id is None:
        return []
    return list(db.session.scalars(
        select(Ticket).options(joinedload(Ticket.submitter))
        .where(Ticket.team_id == actor.team_id, Ticket.state == State.SUBMITTED)
        .order_by(Ticket.review_due_at, Ticket.id)))


def returned_to_me(*, actor: User) -> list[Ticket]:
    """Tickets the actor filed that a lead returned and that wait for a fix."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.submitter_id == actor.id,
                             Ticket.state == State.RETURNED_TO_STAFF)
        .order_by(Ticket.id)))
