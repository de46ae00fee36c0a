"""Reading appeals: who has voted, the menu's count of ballots waiting, and who an appeal
waits on now."""
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from domain import appeals as rules
from domain.appeals import Side
from domain.roles import Role
from domain.tickets import State
from models import Appeal, PanelMember, Ticket, User

from .. import chain
from ..db import db, read_memo


def voted_count(appeal: Appeal) -> int:
    return sum(1 for m in appeal.members if m.submitted)


def has_voted(appeal: Appeal, user: User) -> bool | None:
    """None when the user is not on the panel."""
    for member in appeal.members:
        if member.user_id == user.id:
            return member.submitted
    return None


_members, _appeals, _tickets = (PanelMember.__table__, Appeal.__table__, Ticket.__table__)


def _pending_votes(user_id):
    return (select(func.count()).select_from(
        _members.join(_appeals, _appeals.c.id == _members.c.appeal_id)
        .join(_tickets, _tickets.c.id == _appeals.c.ticket_id))
        .where(_members.c.user_id == user_id, _members.c.submitted.is_(False),
               _tickets.c.state == State.VOTING.value))


#: Built once: the menu shows this count on every page (building the ORM statement cost
#: more than running it, as for the bell's count).
_PENDING_VOTES = _pending_votes(bindparam("user_id"))
#: The same count as a column of the statement that loads the signed-in user (app.py).
PENDING_VOTES_OF_USER = _pending_votes(User.id).scalar_subquery()


def remember_vote_count(user_id: int, count: int) -> None:
    """Keep the count read with the signed-in user for the rest of the request (until the
    request writes anything: services.db.read_memo)."""
    read_memo()[("votes", user_id)] = count


def pending_vote_count(user: User) -> int:
    """Ballots waiting for this user: the badge beside 投票 in the menu."""
    known = read_memo().get(("votes", user.id))
    if known is not None:
        return known
    return db.session.connection().scalar(_PENDING_VOTES, {"user_id": user.id}) or 0


def my_open_votes(user: User) -> list[Ticket]:
    return list(db.session.scalars(
        select(Ticket).join(Appeal).join(PanelMember)
        .where(PanelMember.user_id == user.id, PanelMember.submitted.is_(False),
               Ticket.state == State.VOTING)
        .order_by(Appeal.vote_deadline)))


def waiting_on(ticket: Ticket, people: rules.People | None = None) -> frozenset[int]:
    """Everyone who may act now on this ticket's appeal. Never empty while the appeal waits
    for a person (re-judging, naming the panel, ruling); a vote closes itself at its
    deadline, so it waits on the panellists who have not voted."""
    appeal, state = ticket.appeal, ticket.state
    if appeal is None:
        return frozenset()
    people = people or chain.people()
    if state == State.APPEALED:
        return rules.rejudgers(people, deputy=chain.deputy_id(),
                               judge=ticket.judgement.judged_by_id if ticket.judgement else None)
    if state == State.PANEL:
        named = {m.side for m in appeal.members}
        waiting = set()
        if Side.APPELLANT not in named:
            waiting |= rules.appellant_side_namers(people, appellant=appeal.appellant_id,
                                                   appellant_active=appeal.appellant.active)
        if Side.JUDGING not in named:
            waiting |= rules.judging_side_namers(people, rejudged_by=appeal.rejudged_by_id)
        return frozenset(waiting)
    if state == State.VOTING:
        return frozenset(m.user_id for m in appeal.members
                         if not m.submitted and m.user.active)
    if state == State.ESCALATED:
        return rules.rulers(people)
    return frozenset()


#: Who may ever be asked to act on an appeal: nobody else needs to look.
_APPEAL_ACTORS = frozenset({Role.TEAM_LEAD, Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD,
                            Role.SITE_HEAD})


def waiting_for(user: User) -> list[Ticket]:
    """Appeal work waiting for this user: re-judging, naming panellists, ruling."""
    if user.role_enum not in _APPEAL_ACTORS:
        return []
    rows = list(db.session.scalars(
        select(Ticket).join(Appeal)
        .options(joinedload(Ticket.appeal).joinedload(Appeal.appellant))
        .where(Ticket.state.in_([State.APPEALED, State.PANEL, State.ESCALATED]))
        .order_by(Appeal.filed_at)))
    if not rows:
        return []
    people = chain.people()
    return [ticket for ticket in rows if user.id in waiting_on(ticket, people)]


def list_appeals(limit: int = 500) -> list[Appeal]:
    return list(db.session.scalars(
        select(Appeal).options(joinedload(Appeal.ticket), joinedload(Appeal.appellant))
        .order_by(Appeal.filed_at.desc()).limit(limit)))
