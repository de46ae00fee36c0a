"""The appeal list (判责异议列表): appeals in the actor's scope, narrowed by stage — for the
owners, the duty managers, group and site heads (every appeal) and the leads (their team's)."""
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from domain.errors import N_, NotAllowed
from domain.roles import Role
from domain.tickets import State
from models import Appeal, Ticket

from .db import db
from .tickets.lists import visible_condition

#: Who may list appeals: everyone on the appeal path but the checkers and agents (who reach
#: theirs from the ticket and the vote pages).
LISTERS = frozenset({Role.TEAM_LEAD, Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD,
                     Role.SITE_HEAD})
#: The stages an appeal passes through, in order; "decided" once its final verdict is in.
OPEN_STAGES = (State.APPEALED, State.PANEL, State.VOTING, State.ESCALATED)
DECIDED = "decided"
STAGES = (*(s.value for s in OPEN_STAGES), DECIDED)
LIMIT = 500


def list_appeals(*, actor, stage: str | None = None) -> list[Appeal]:
    """The appeals of the tickets the actor may see (a lead: the team's, as the ticket list),
    newest first; `stage` one of STAGES, anything else means all."""
    if actor.role_enum not in LISTERS:
        raise NotAllowed(N_("You may not list appeals."))
    query = (select(Appeal).join(Ticket, Ticket.id == Appeal.ticket_id)
             .options(joinedload(Appeal.ticket), joinedload(Appeal.appellant))
             .where(visible_condition(actor))
             .order_by(Appeal.filed_at.desc(), Appeal.id.desc()).limit(LIMIT))
    if stage == DECIDED:
        query = query.where(Appeal.outcome.is_not(None))
    elif stage in STAGES:
        query = query.where(Ticket.state == stage, Appeal.outcome.is_(None))
    return list(db.session.scalars(query))


def stage_of(appeal: Appeal) -> str:
    """Where an appeal stands: the ticket's state while open, DECIDED once final."""
    return DECIDED if appeal.outcome is not None else appeal.ticket.state
