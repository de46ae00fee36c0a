"""Who the appeal path turns to now: the active owners, duty managers, group heads and site
heads, the configured deputy for re-judging, and the accused agent's lead."""
from sqlalchemy import select

from domain.appeals import People
from domain.errors import N_, FormProblems, NotAllowed
from domain.roles import Role
from models import Ticket, User

from . import settings
from .db import db

_ROLES = {Role.OWNER: "owners", Role.DUTY_MANAGER: "duty_managers",
          Role.GROUP_HEAD: "group_heads", Role.SITE_HEAD: "site_heads"}


def people() -> People:
    """One query: the active users of the roles the appeal path turns to."""
    found = {name: set() for name in _ROLES.values()}
    for user_id, role in db.session.execute(
            select(User.id, User.role).where(User.active.is_(True),
                                             User.role.in_([r.value for r in _ROLES]))):
        found[_ROLES[Role(role)]].add(user_id)
    return People(**{name: frozenset(ids) for name, ids in found.items()})


def deputy_id() -> int | None:
    """复审代理人 (系统配置): the employee no. of the owner or group head who re-judges when
    no owner may; unset means the group heads."""
    employee_no = settings.get("rejudge_deputy")
    if not employee_no:
        return None
    return db.session.scalar(select(User.id).where(User.employee_no == employee_no))


def accused_leads(ticket: Ticket) -> frozenset[int]:
    """The active leads of the accused agent's team (those who may file its appeal)."""
    if not ticket.accused_no:
        return frozenset()
    team = select(User.team_id).where(User.employee_no == ticket.accused_no).scalar_subquery()
    return frozenset(db.session.scalars(select(User.id).where(
        User.role == Role.TEAM_LEAD.value, User.active.is_(True), User.team_id == team)))


def deputy_candidates() -> list[User]:
    """Who may be named the deputy: the active owners and group heads."""
    return list(db.session.scalars(select(User).where(
        User.active.is_(True), User.role.in_([Role.OWNER.value, Role.GROUP_HEAD.value]))
        .order_by(User.role, User.employee_no)))


def set_deputy(employee_no: str, *, actor: User, now) -> None:
    """Name the deputy (an active owner or group head), or "" for the group heads."""
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed(N_("Only the administrator changes the configuration."))
    if employee_no and employee_no not in {u.employee_no for u in deputy_candidates()}:
        raise FormProblems({"deputy": N_("Choose an active owner or group head.")})
    settings.update({"rejudge_deputy": employee_no}, actor=actor, now=now)
