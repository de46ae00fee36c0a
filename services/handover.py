"""The lead/quality handover table (领班与内部服务质量自控交接表) for one local day."""
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain.roles import SEES_ALL_HANDED_OVER, Role
from models import HandoverEntry, Ticket, User

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
