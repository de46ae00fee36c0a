"""The audit log: append-only, one row per state change or sensitive read."""
import json
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class AuditEntry(db.Model):
    """Who did what, when, from which state to which (the ticket timeline)."""
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    from_state: Mapped[str | None] = mapped_column(String(24))
    to_state: Mapped[str | None] = mapped_column(String(24))
    note: Mapped[str] = mapped_column(Text, default="")
    # Structured facts of the change (JSON), e.g. {"elements": [...]} for a return.
    detail: Mapped[str] = mapped_column(Text, default="")

    actor: Mapped[User | None] = relationship()

    @property
    def details(self) -> dict:
        return json.loads(self.detail) if self.detail else {}

    __table_args__ = (Index("ix_audit_entries_ticket_at", "ticket_id", "at"),)
