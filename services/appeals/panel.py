"""Naming the panel: each side names three panellists; when both have, the vote opens."""
from datetime import datetime

from sqlalchemy import select

from domain import appeals as rules
from domain.appeals import Side
from domain.errors import N_, InvalidTransition, NotAllowed
from domain.roles import PANELLIST_ROLES
from domain.tickets import State
from models import PanelMember, Ticket, User

from .. import audit, chain
from ..db import db, write_transaction
from ..quality import FormProblems
from ..tickets import load_visible
from .votes import open_vote


def _excluded(ticket: Ticket) -> set[int]:
    """The accused agent and the checker who judged may not sit."""
    excluded = set()
    if ticket.judgement is not None:
        excluded.add(ticket.judgement.judged_by_id)
    if ticket.accused_no:
        accused = db.session.scalar(select(User.id).where(User.employee_no == ticket.accused_no))
        if accused is not None:
            excluded.add(accused)
    return excluded


def side_of(ticket: Ticket, actor: User, people: rules.People | None = None) -> Side | None:
    """Which side of the panel this user names, if any (domain.appeals: the appellant, the
    owners and whoever upheld; their stand-ins when they are gone)."""
    appeal = ticket.appeal
    if appeal is None:
        return None
    people = people or chain.people()
    if actor.id in rules.appellant_side_namers(people, appellant=appeal.appellant_id,
                                               appellant_active=appeal.appellant.active):
        return Side.APPELLANT
    if actor.id in rules.judging_side_namers(people, rejudged_by=appeal.rejudged_by_id):
        return Side.JUDGING
    return None


def name_panel(ticket_id: int, *, employee_nos: list[str], actor: User,
               now: datetime) -> Ticket:
    """Each side names three panellists; when both have, the vote opens."""
    nos = [(n or "").strip() for n in employee_nos]
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.state != State.PANEL:
            raise InvalidTransition("This ticket is now “%(state)s”; the action no longer "
                                    "applies.", state=ticket.state)
        side = side_of(ticket, actor)
        if side is None:
            raise NotAllowed(N_("Only the appellant and the owner name panellists."))
        appeal = ticket.appeal
        if any(m.side == side for m in appeal.members):
            raise InvalidTransition(N_("Your side has already named its panellists."))
        users = {u.employee_no: u for u in db.session.scalars(
            select(User).where(User.employee_no.in_(nos)))}
        unknown = [n for n in nos if n and n not in users]
        if unknown:
            raise FormProblems({"members": (N_("No such employee no.: %(nos)s"),
                                            {"nos": "、".join(unknown)})})
        named = [users[n].id for n in nos if n]
        eligible = {u.id for u in users.values()
                    if u.active and u.role in PANELLIST_ROLES}
        problem = rules.panel_problems(
            named, other_side={m.user_id for m in appeal.members}, excluded=_excluded(ticket),
            eligible=eligible)
        if problem:
            raise FormProblems({"members": problem})
        for user_id in named:
            db.session.add(PanelMember(appeal=appeal, user_id=user_id, side=side,
                                       named_by_id=actor.id, submitted=False))
        db.session.flush()
        audit.record("name_panel", actor=actor, now=now, ticket=ticket,
                     detail={"side": side, "members": nos})
        if len(appeal.members) == 2 * rules.PANEL_SIDE_SIZE:
            open_vote(ticket, now)
    return ticket
