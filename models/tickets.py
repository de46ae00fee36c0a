"""Tickets (自控工单), their daily number sequence, and the lead/quality handover table (交接表)."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import Team, User


class Ticket(db.Model):
    """Internal service-quality self-control ticket (内部服务质量自控工单)."""
    __tablename__ = "tickets"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    state: Mapped[str] = mapped_column(String(24))
    version: Mapped[int] = mapped_column(default=1)

    submitter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    caller_number: Mapped[str] = mapped_column(String(16))     # 受理号码
    contact_number: Mapped[str] = mapped_column(String(16))    # 联系电话
    complaint: Mapped[str] = mapped_column(Text)               # 投诉内容
    demand: Mapped[str] = mapped_column(Text, default="")      # 用户要求
    accused_no: Mapped[str | None] = mapped_column(String(10), index=True)  # 被投诉工号

    # Elements the lead named on the last return, comma-separated; cleared on resubmit.
    returned_elements: Mapped[str] = mapped_column(String(128), default="")
    return_note: Mapped[str] = mapped_column(Text, default="")

    created_at: Mapped[datetime]
    submitted_at: Mapped[datetime]
    review_due_at: Mapped[datetime | None]
    handed_over_at: Mapped[datetime | None]
    # The form's one-time key: the same form posted twice makes one ticket.
    idempotency_key: Mapped[str | None] = mapped_column(String(64), unique=True)

    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    team: Mapped[Team | None] = relationship()
    handover: Mapped["HandoverEntry | None"] = relationship(back_populates="ticket")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_tickets_team_state_due", "team_id", "state", "review_due_at"),
        Index("ix_tickets_state_due", "state", "review_due_at"),
    )

    @property
    def returned_list(self) -> list[str]:
        return [e for e in self.returned_elements.split(",") if e]


class TicketSequence(db.Model):
    """Last ticket number handed out per local day; bumped with one atomic upsert."""
    __tablename__ = "ticket_sequences"

    day: Mapped[str] = mapped_column(String(8), primary_key=True)  # YYYYMMDD, local
    last_value: Mapped[int]


class HandoverEntry(db.Model):
    """A row of the lead/quality handover table (领班与内部服务质量自控交接表)."""
    __tablename__ = "handover_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # local date of signing
    lead_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    lead_name: Mapped[str] = mapped_column(String(64))    # signature as signed
    lead_employee_no: Mapped[str] = mapped_column(String(10))
    signed_at: Mapped[datetime]
    # Filled by the quality team's capabilities: who received it, return reason, confirmation.
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    remarks: Mapped[str] = mapped_column(Text, default="")

    ticket: Mapped[Ticket] = relationship(back_populates="handover")
    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
