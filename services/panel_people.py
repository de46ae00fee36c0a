"""The people picker for naming a panel (issue 18): find people by name or employee no.,
each with role, team and — when they cannot sit — the reason, by the rules that
services.appeals.name_panel applies (domain.appeals)."""
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from domain import appeals as rules
from domain.errors import N_, InvalidTransition, NotAllowed
from domain.roles import PANELLIST_ROLES
from domain.text import escape_like
from domain.tickets import State
from models import User

from .appeals import side_of
from .db import db
from .tickets import load_visible

LIMIT = 30


@dataclass(frozen=True)
class Candidate:
    user: User
    problem: str | None   # None: may be named


def panel_candidates(ticket_id: int, *, query: str, actor: User) -> list[Candidate]:
    """People matching `query` (part of a name, or the start of an employee no.), for the
    side the actor names on this ticket's panel; nobody for an empty query."""
    ticket = load_visible(ticket_id, actor)
    if ticket.state != State.PANEL:
        raise InvalidTransition("This ticket is now “%(state)s”; the action no longer "
                                "applies.", state=ticket.state)
    if side_of(ticket, actor) is None:
        raise NotAllowed(N_("Only the appellant and the owner name panellists."))
    query = (query or "").strip()
    if not query:
        return []
    pattern = escape_like(query[:50])
    people = db.session.scalars(
        select(User).options(joinedload(User.team))
        .where(or_(User.name.like(f"%{pattern}%", escape="\\"),
                   User.employee_no.like(f"{pattern}%", escape="\\")))
        .order_by(User.active.desc(), User.employee_no).limit(LIMIT))
    accused = db.session.scalar(select(User.id).where(
        User.employee_no == ticket.accused_no)) if ticket.accused_no else None
    judge = ticket.judgement.judged_by_id if ticket.judgement else None
    other_side = {m.user_id for m in ticket.appeal.members}
    return [Candidate(user, rules.panellist_problem(
        user.id, may_sit=user.active and user.role in PANELLIST_ROLES, accused=accused,
        judge=judge, other_side=other_side)) for user in people]
