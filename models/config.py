"""Configuration the admin edits in the browser: settings, routing prefixes, criteria."""
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class Setting(db.Model):
    """One configurable value (JSON text), e.g. time limits, SMS template, verdict words."""
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class RouteRule(db.Model):
    """Employee-no. prefix → group (SPEC §4); the longest matching prefix wins."""
    __tablename__ = "route_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    prefix: Mapped[str] = mapped_column(String(10), unique=True)
    group: Mapped[str] = mapped_column(String(16))


class Criterion(db.Model):
    """A judgement criterion (判定标准, SPEC §5). Retired ones stay on old judgements."""
    __tablename__ = "criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # attitude | business
    text: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)
