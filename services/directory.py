"""Directory sign-in and sync (目录登录与同步): who signs in against the directory, the account
a first sign-in creates, `flask directory sync`, and the group mapping kept in 系统配置."""
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select

from domain import directory as rules
from domain.errors import FormProblems, NotAllowed
from domain.roles import TEAM_ROLES, Role
from models import User

from . import audit, settings
from . import directory_client as client
from . import users as user_service
from .db import db, write_transaction
from .directory_client import DirectoryUnavailable

LOCAL, DIRECTORY = "local", "directory"


@dataclass
class SignIn:
    """The outcome of a sign-in attempt: a user, or why not. `problem` is "wrong" (unknown
    or wrong password: counts towards throttling), "unmapped" (the directory knows them but
    no group of theirs is mapped), "inactive" (deactivated here), or "unavailable"."""
    user: User | None = None
    problem: str | None = None
    source: str = LOCAL


def enabled() -> bool:
    return client.settings().enabled


def keeps_password(user) -> bool:
    """Whether `user` signs in against the directory, so a password here would do nothing."""
    return user.auth_source == DIRECTORY and enabled()


def mapping() -> list[rules.Mapping]:
    return [rules.Mapping(**row) for row in settings.get("directory_groups")]


def authenticate(employee_no: str, password: str, *, now: datetime) -> SignIn:
    """Check a sign-in. With the directory off, every account signs in with its password
    here. With it on, a local administrator still does (so IT can always get in, directory
    down or not); everyone else is checked by binding to the directory as them."""
    config = client.settings()
    if not config.enabled:
        user = user_service.authenticate(employee_no, password)
        return SignIn(user=user, problem=None if user else "wrong")
    local = db.session.execute(select(User.role, User.auth_source).where(
        User.employee_no == employee_no)).one_or_none()
    if local is not None and local.role == Role.ADMIN and local.auth_source == LOCAL:
        user = user_service.authenticate(employee_no, password)
        return SignIn(user=user, problem=None if user else "wrong")
    db.session.rollback()  # no transaction stays open while the directory answers
    try:
        entry = client.verify(config, employee_no, password)
    except DirectoryUnavailable:
        return SignIn(problem="unavailable", source=DIRECTORY)
    if entry is None:
        return SignIn(problem="wrong", source=DIRECTORY)
    placement = rules.place(entry.groups, mapping())
    if placement is None:
        return SignIn(problem="unmapped", source=DIRECTORY)
    user = _provision(entry, placement, now)
    if not user.active:
        return SignIn(problem="inactive", source=DIRECTORY)
    return SignIn(user=user, source=DIRECTORY)


def _provision(entry: rules.Entry, placement: rules.Placement, now: datetime) -> User:
    """The account of a person the directory just vouched for: created on first sign-in,
    otherwise brought up to date with the directory (name, role, team). One transaction,
    audited when anything changed."""
    with write_transaction():
        user = db.session.scalar(select(User).where(User.employee_no == entry.employee_no))
        data = user_service.UserInput(
            employee_no=entry.employee_no, role=placement.role, team=placement.team,
            name=rules.clean_name(entry.name, entry.employee_no))
        if user is None:
            user = User(employee_no=entry.employee_no, created_at=now, active=True,
                        session_version=1, auth_source=DIRECTORY)
            user_service.apply_input(user, data, user_service.team_named(data.team, now, None))
            # No password here: the directory checks it. A random one keeps the column
            # honest and signs nobody in should the directory be switched off.
            user.set_password(secrets.token_urlsafe(24))
            db.session.add(user)
            db.session.flush()
            audit.record("directory_user_create", actor=user, now=now,
                         note=f"{user.employee_no} {user.role} {placement.team or ''}".strip())
            return user
        before = (user.name, user.role, user.team.name if user.team else None, user.auth_source)
        if user.active:
            user_service.apply_input(user, data, user_service.team_named(data.team, now, None))
        user.auth_source = DIRECTORY
        after = (user.name, user.role, user.team.name if user.team else None, user.auth_source)
        if before != after:
            audit.record("directory_user_update", actor=user, now=now,
                         note=f"{user.employee_no} {user.role} {after[2] or ''}".strip())
    return user


# --- sync --------------------------------------------------------------------------------

@dataclass
class SyncReport:
    changes: list[rules.Change] = field(default_factory=list)
    unchanged: int = 0
    directory_people: int = 0


def sync(*, now: datetime, dry_run: bool = False) -> SyncReport:
    """`flask --app app directory sync`: bring every directory account up to date (name,
    role, team) and deactivate those who left the directory or whose groups no longer map
    (their sessions end). Deactivated accounts are left alone. With `dry_run` nothing is
    written. A directory that answers with nobody at all changes nothing: that is a wrong
    base DN or filter far more often than an empty centre."""
    config = client.settings()
    if not config.enabled:
        raise DirectoryUnavailable("directory sign-in is off (LDAP_URLS is empty)")
    people = {e.employee_no: e for e in client.everyone(config)}
    if not people:
        raise DirectoryUnavailable("the directory returned nobody: check LDAP_BASE_DN and "
                                   "LDAP_USER_FILTER; nothing was changed")
    report = SyncReport(directory_people=len(people))
    groups = mapping()
    with write_transaction():
        accounts = list(db.session.scalars(
            select(User).where(User.auth_source == DIRECTORY).order_by(User.employee_no)))
        for user in accounts:
            entry = people.get(user.employee_no)
            change = rules.sync_change(
                user.employee_no, name=user.name, role=user.role,
                team=user.team.name if user.team else None, active=user.active, entry=entry,
                placement=rules.place(entry.groups, groups) if entry else None)
            if change is None:
                report.unchanged += 1
                continue
            report.changes.append(change)
            if not dry_run:
                _apply_change(user, change, entry, now)
        if not dry_run:
            audit.record("directory_sync", actor=None, now=now, detail={
                "changed": len(report.changes), "unchanged": report.unchanged,
                "deactivated": sum(1 for c in report.changes if c.deactivate)})
        else:
            db.session.rollback()
    return report


def _apply_change(user: User, change: rules.Change, entry, now: datetime) -> None:
    if change.deactivate:
        user.active = False
        user.session_version += 1  # their open sessions end with the next request
        audit.record("directory_deactivate", actor=None, now=now,
                     note=f"{user.employee_no} {change.deactivate}")
        return
    data = user_service.UserInput(
        employee_no=user.employee_no, name=change.fields.get("name", (0, user.name))[1],
        role=change.fields.get("role", (0, user.role))[1],
        team=change.fields.get("team", (0, user.team.name if user.team else None))[1])
    user_service.apply_input(user, data, user_service.team_named(data.team, now, None))
    audit.record("directory_user_update", actor=None, now=now,
                 note=f"{user.employee_no} {user.role} {data.team or ''}".strip(),
                 detail={"fields": sorted(change.fields)})


# --- the mapping (系统配置) ------------------------------------------------------------------

def save_group(group: str, role: str, team: str, *, actor: User, now: datetime) -> None:
    """Add a mapping row, or change the row of the same group."""
    if actor.role != Role.ADMIN:
        raise NotAllowed()
    group, team = (group or "").strip(), (team or "").strip()
    problems = rules.mapping_problems(group, role, team)
    if problems:
        raise FormProblems(problems)
    rows = [r for r in settings.get("directory_groups")
            if rules.normalize_dn(r["group"]) != rules.normalize_dn(group)]
    rows.append({"group": group, "role": role,
                 "team": team if Role(role) in TEAM_ROLES else ""})
    settings.update({"directory_groups": rows}, actor=actor, now=now,
                    action="directory_mapping", detail={"group": group, "role": role})


def remove_group(index: int, *, actor: User, now: datetime) -> bool:
    if actor.role != Role.ADMIN:
        raise NotAllowed()
    rows = list(settings.get("directory_groups"))
    if not 0 <= index < len(rows):
        return False
    removed = rows.pop(index)
    settings.update({"directory_groups": rows}, actor=actor, now=now,
                    action="directory_mapping", detail={"removed": removed["group"]})
    return True



# --- what 系统配置 shows ----------------------------------------------------------------------

@dataclass(frozen=True)
class Status:
    """The directory settings as the admin page shows them: `settings` with the bind
    password blanked, and only whether it is set."""
    settings: client.Settings
    bind_password_set: bool
    tls: str                  # "ldaps", "starttls" or "none"
    mapping: list


def status() -> Status:
    s = client.settings()
    tls = "ldaps" if s.urls and all(u.lower().startswith("ldaps://") for u in s.urls) else \
        "starttls" if s.starttls else "none"
    return Status(settings=replace(s, bind_password=""), bind_password_set=bool(s.bind_password),
                  tls=tls, mapping=mapping())
