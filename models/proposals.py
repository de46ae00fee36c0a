"""Proposals sent up (建议上报): the proposal, the tickets and figures it rests on, and each
addressee's acknowledgement and decision."""
import json
from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User

proposal_tickets = Table(
    "proposal_tickets", db.metadata,
    Column("proposal_id", ForeignKey("proposals.id"), primary_key=True),
    Column("ticket_id", ForeignKey("tickets.id"), primary_key=True, index=True),
)


class Proposal(db.Model):
    """建议: what the owner (or a duty manager) proposes for complaint-prone business."""
    __tablename__ = "proposals"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(12))       # criterion | keyword | note
    source_key: Mapped[str] = mapped_column(String(64), default="")
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)   # exclusive
    figures: Mapped[str] = mapped_column(Text, default="")  # JSON, as of writing
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))
    state: Mapped[str] = mapped_column(String(16))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    tickets = relationship("Ticket", secondary=proposal_tickets, order_by="Ticket.id.desc()")
    reviews: Mapped[list["ProposalReview"]] = relationship(
        back_populates="proposal", order_by="ProposalReview.role")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_proposals_state_created", "state", "created_at"),)

    @property
    def figure_values(self) -> dict:
        return json.loads(self.figures) if self.figures else {}


class ProposalReview(db.Model):
    """One addressee's steps: acknowledged (签收), then decided (批复) with a note."""
    __tablename__ = "proposal_reviews"

    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposals.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)  # group_head | site_head
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(12))   # adopt | partly | reject
    decision_note: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]

    proposal: Mapped[Proposal] = relationship(back_populates="reviews")
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
