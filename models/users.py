"""People: users (one role each) and teams (班组)."""
from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from domain.roles import Role
from domain.tickets import Actor
from extensions import db


class Team(db.Model):
    """A team (班组) of agents with one lead."""
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", use_alter=True, name="fk_teams_lead_id_users"))
    created_at: Mapped[datetime]

    lead: Mapped["User | None"] = relationship(foreign_keys=[lead_id], post_update=True)
    members: Mapped[list["User"]] = relationship(
        back_populates="team", foreign_keys="User.team_id", order_by="User.employee_no")

    def __repr__(self):
        return f"<Team {self.name}>"


class User(UserMixin, db.Model):
    """A person who signs in with their employee number (工号)."""
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password change or deactivation: cookies carrying an older value stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    #: "local" (password kept here) or "directory" (signs in against the directory, which
    #: also keeps their name, role and team: services/directory.py).
    auth_source: Mapped[str] = mapped_column(String(12), default="local", server_default="local")

    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def actor(self) -> Actor:
        return Actor(id=self.id, role=Role(self.role), team_id=self.team_id,
                     employee_no=self.employee_no)

    def __repr__(self):
        return f"<User {self.employee_no} {self.role}>"


class Poller:
    """The signed-in user of the bell's poll (every open tab, every 30 s): their columns, read
    with the same checks as any sign-in (active, current session version) and without
    building a User; no relationships. The poll, the access check and an error page read
    nothing else. Kept for the bell's target: docs/decisions.md, issue 20."""
    is_authenticated, is_active, is_anonymous = True, True, False

    def __init__(self, row, token: str):
        self.id, self.employee_no, self.name = row.id, row.employee_no, row.name
        self.role, self.team_id, self._token = row.role, row.team_id, token

    def get_id(self) -> str:
        return self._token

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def __repr__(self):
        return f"<Poller {self.id} {self.role}>"
