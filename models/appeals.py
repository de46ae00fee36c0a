"""Appeals (判责异议单) and the anonymous panel vote (合议, 无记名投票).

Ballot secrecy by construction: `panel_members` knows who sits and whether they have voted
(no time, no order); `ballots` holds each choice sealed under a key kept outside the database
(domain.ballots), in a row with a random key and nothing else, until the vote closes and only
the counts are kept on the appeal. No running count exists.
"""
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class Appeal(db.Model):
    """One appeal per ticket: the sheet, the owner's re-judgement, the vote, the decision."""
    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    appellant_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    filed_at: Mapped[datetime]
    objection: Mapped[str] = mapped_column(Text)          # 异议点 (about the call recording)
    # The owner's re-judgement
    rejudged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    rejudged_at: Mapped[datetime | None]
    decision: Mapped[str | None] = mapped_column(String(12))   # overturn | uphold
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # The vote
    vote_opened_at: Mapped[datetime | None]
    vote_deadline: Mapped[datetime | None]
    vote_closed_at: Mapped[datetime | None]
    established_count: Mapped[int | None]      # published when the vote closes
    not_established_count: Mapped[int | None]
    #: domain.ballots.fingerprint of the key the ballots are sealed with (set at opening).
    ballot_key_id: Mapped[str | None] = mapped_column(String(16))
    #: The vote closed but its ballots could not be opened with the current key (the key was
    #: changed, or rows were tampered with): no counts, the site head rules.
    ballots_unreadable: Mapped[bool] = mapped_column(default=False)
    # The site head's ruling after a tie or no ballots
    ruled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    ruled_at: Mapped[datetime | None]
    ruling_reason: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20))   # the final verdict

    appellant: Mapped[User] = relationship(foreign_keys=[appellant_id])
    rejudged_by: Mapped[User | None] = relationship(foreign_keys=[rejudged_by_id])
    ruled_by: Mapped[User | None] = relationship(foreign_keys=[ruled_by_id])
    ticket = relationship("Ticket", back_populates="appeal")
    members: Mapped[list["PanelMember"]] = relationship(
        back_populates="appeal", order_by="PanelMember.side, PanelMember.user_id")


class PanelMember(db.Model):
    """A panellist: who, for which side, named by whom, and whether they have voted."""
    __tablename__ = "panel_members"

    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    side: Mapped[str] = mapped_column(String(12))
    named_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted: Mapped[bool] = mapped_column(default=False)

    appeal: Mapped[Appeal] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])


class Ballot(db.Model):
    """One sealed ballot of an open vote: a random key, the vote, the ciphertext. No voter,
    no time, no order (no rowid on SQLite); deleted when the vote is counted."""
    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    appeal_id: Mapped[int] = mapped_column(ForeignKey("appeals.id"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Objection(db.Model):
    """异议申请: the accused agent asks someone on the appeal chain (领班 → 主值班 → 受理组负责人)
    to file the appeal sheet; one request per level, each filed or declined with a reason."""
    __tablename__ = "objections"
    __table_args__ = (UniqueConstraint("ticket_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    level: Mapped[str] = mapped_column(String(16))     # domain.appeals.Level
    points: Mapped[str] = mapped_column(Text)
    raised_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    decline_reason: Mapped[str] = mapped_column(Text, default="")

    ticket = relationship("Ticket")
    agent: Mapped[User] = relationship(foreign_keys=[agent_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
