"""People administration: users, teams, roster import. Used by the admin pages and the CLI."""
import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from domain.errors import N_, Conflict, NotFound
from domain.people import is_employee_no
from domain.roles import TEAM_ROLES, Role
from domain.text import BIDI_IN_NAME, has_bidi_controls
from models import Team, User

from . import audit
from .db import db, write_transaction

MIN_PASSWORD = 8


@dataclass
class UserInput:
    employee_no: str
    name: str
    role: str
    team: str | None = None       # team name; created if missing
    password: str | None = None   # None: a random one is generated and returned
    active: bool = True


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    passwords: dict[str, str] = field(default_factory=dict)       # generated ones only


def validate_user(data: UserInput) -> dict[str, str]:
    """Field -> English msgid for every problem; empty when the input is fine."""
    problems = {}
    if not is_employee_no(data.employee_no):
        problems["employee_no"] = N_("An employee no. is 4 to 10 digits.")
    if not data.name or not data.name.strip() or len(data.name) > 64:
        problems["name"] = N_("Enter a name of at most 64 characters.")
    elif has_bidi_controls(data.name):
        problems["name"] = BIDI_IN_NAME
    if data.role not in set(Role):
        problems["role"] = N_("Choose a role.")
    if data.role in TEAM_ROLES and not (data.team and data.team.strip()):
        problems["team"] = N_("Agents and team leads belong to a team.")
    if data.team and len(data.team.strip()) > 64:
        problems["team"] = N_("A team name is at most 64 characters.")
    elif has_bidi_controls(data.team):
        problems["team"] = BIDI_IN_NAME
    if data.password is not None and len(data.password) < MIN_PASSWORD:
        problems["password"] = N_("A password has at least 8 characters.")
    return problems


def team_named(name: str | None, now: datetime, actor) -> Team | None:
    if not name or not name.strip():
        return None
    name = name.strip()
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        team = Team(name=name, created_at=now)
        db.session.add(team)
        db.session.flush()
        audit.record("team_create", actor=actor, now=now, note=name)
    return team


def apply_input(user: User, data: UserInput, team: Team | None) -> None:
    """Copy the input onto the user; a lead who changes role or team stops leading."""
    old_team = user.team
    if old_team is not None and old_team.lead_id is not None and old_team.lead_id == user.id \
            and (data.role != Role.TEAM_LEAD or old_team is not team):
        old_team.lead = None
    user.name = data.name.strip()
    user.role = data.role
    user.team = team
    if team is not None and data.role == Role.TEAM_LEAD:
        team.lead = user


def save_user(data: UserInput, *, actor, now: datetime,
              update: bool) -> tuple[User, str | None, bool]:
    """Create or (with update=True) update one user inside the caller's transaction."""
    problems = validate_user(data)
    if problems:
        raise Conflict(next(iter(problems.values())))
    user = db.session.scalar(select(User).where(User.employee_no == data.employee_no))
    if user is not None and not update:
        raise Conflict("Employee no. %(no)s already exists.", no=data.employee_no)
    generated = None
    password = data.password
    if password is None and user is None:
        password = generated = secrets.token_urlsafe(9)
    team = team_named(data.team, now, actor)
    created = user is None
    if created:
        user = User(employee_no=data.employee_no, created_at=now, active=data.active,
                    session_version=1)
        apply_input(user, data, team)
        db.session.add(user)
    else:
        apply_input(user, data, team)
    if password is not None:
        user.set_password(password)
        if not created:
            user.session_version += 1
    db.session.flush()
    audit.record("user_create" if created else "user_update", actor=actor, now=now,
                 note=f"{user.employee_no} {user.role} {team.name if team else ''}".strip())
    return user, generated, created


def create_user(data: UserInput, *, actor=None, now: datetime) -> tuple[User, str | None]:
    """Create a user; returns (user, generated password or None)."""
    with write_transaction():
        user, generated, _ = save_user(data, actor=actor, now=now, update=False)
    return user, generated


def update_user(user_id: int, data: UserInput, *, actor, now: datetime) -> User:
    """Change a user's details (not the employee no.). Deactivating or a new password ends
    their sessions."""
    with write_transaction():
        user = db.session.get(User, user_id)
        if user is None:
            raise NotFound("No such user.")
        problems = validate_user(data)
        if problems:
            raise Conflict(next(iter(problems.values())))
        apply_input(user, data, team_named(data.team, now, actor))
        if user.active and not data.active or data.password:
            user.session_version += 1
        user.active = data.active
        if data.password:
            user.set_password(data.password)
        audit.record("user_update", actor=actor, now=now,
                     note=f"{user.employee_no} {data.role} "
                          f"{'active' if data.active else 'inactive'}"
                          + (" password" if data.password else ""))
    return user


def change_password(user: User, *, new_password: str, now: datetime) -> None:
    if len(new_password) < MIN_PASSWORD:
        raise Conflict("A password has at least 8 characters.")
    with write_transaction():
        user = db.session.get(User, user.id)
        user.set_password(new_password)
        user.session_version += 1
        audit.record("password_change", actor=user, now=now, note=user.employee_no)


def end_sessions(user: User) -> None:
    """Sign-out: a cookie copied before it no longer signs anyone in (on any device)."""
    with write_transaction():
        db.session.execute(update(User).where(User.id == user.id)
                           .values(session_version=User.session_version + 1))


def create_team(name: str, *, actor, now: datetime) -> Team:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise Conflict("Enter a team name of at most 64 characters.")
    if has_bidi_controls(name):
        raise Conflict(BIDI_IN_NAME)
    with write_transaction():
        if db.session.scalar(select(Team).where(Team.name == name)):
            raise Conflict("Team %(name)s already exists.", name=name)
        team = team_named(name, now, actor)
    return team


ROSTER_COLUMNS = ("employee_no", "name", "role", "team")


def import_roster(stream: io.TextIOBase, *, actor=None, now: datetime) -> ImportResult:
    """Import a CSV roster (employee_no,name,role,team[,password]): all rows or none.

    Existing employee numbers are updated; a row without a password keeps the existing one
    or, for a new user, gets a generated one (returned so IT can hand it over).
    """
    result = ImportResult()
    reader = csv.DictReader(stream)
    missing = [c for c in ROSTER_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append((1, "missing columns: " + ", ".join(missing)))
        return result
    rows = []
    for line, row in enumerate(reader, start=2):
        data = UserInput(employee_no=(row.get("employee_no") or "").strip(),
                         name=(row.get("name") or "").strip(),
                         role=(row.get("role") or "").strip(),
                         team=(row.get("team") or "").strip() or None,
                         password=(row.get("password") or "").strip() or None)
        problems = validate_user(data)
        if problems:
            result.errors.append((line, "; ".join(f"{k}: {v}" for k, v in problems.items())))
        rows.append(data)
    seen = [r.employee_no for r in rows]
    for no in {n for n in seen if seen.count(n) > 1}:
        result.errors.append((0, f"employee_no {no} appears more than once"))
    if result.errors:
        return result
    with write_transaction():
        for data in rows:
            user, generated, created = save_user(data, actor=actor, now=now, update=True)
            (result.created if created else result.updated).append(user.employee_no)
            if generated:
                result.passwords[user.employee_no] = generated
    return result


def get_user(user_id: int) -> User | None:
    return db.session.get(User, user_id)


def list_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.employee_no)))


def list_teams() -> list[tuple[Team, int]]:
    counts = (select(User.team_id, func.count(User.id).label("n"))
              .group_by(User.team_id).subquery())
    rows = db.session.execute(
        select(Team, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.team_id == Team.id).order_by(Team.name))
    return [(team, n) for team, n in rows]


_DUMMY_HASHES: dict[str, str] = {}


def _dummy_check(password: str) -> None:
    """Spend the same hashing time as a real check, so the answer time does not tell
    whether an employee no. exists."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    check_password_hash(_DUMMY_HASHES[method], password)


def authenticate(employee_no: str, password: str) -> User | None:
    user = db.session.scalar(select(User).where(User.employee_no == employee_no))
    if user is None:
        _dummy_check(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user
