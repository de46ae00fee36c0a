"""Early warnings (易重复投诉点, weekly rules), announcements and reminders (公告/提醒), and the
in-app alerts behind the bell."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class EarlyWarning(db.Model):
    """A warning in the duty managers' queue: a ticket flagged as likely to recur, a criterion
    counted unusually often this week, or a keyword whose share jumped."""
    __tablename__ = "warnings"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12))     # recur | criterion | keyword | note
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    key: Mapped[str | None] = mapped_column(String(64))      # criterion code or keyword
    week_start: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    figures: Mapped[str] = mapped_column(Text, default="")   # JSON: the numbers that triggered it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    ticket = relationship("Ticket")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    __table_args__ = (UniqueConstraint("kind", "key", "week_start", name="uq_warnings_rule_week"),
                      Index("ix_warnings_open", "handled_at", "created_at"))


class Announcement(db.Model):
    """公告 to all agents and leads, or a reminder (提醒) to named agents."""
    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))   # announcement | reminder
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    created_by: Mapped[User] = relationship()
    recipients: Mapped[list["AnnouncementRecipient"]] = relationship(back_populates="announcement")


class AnnouncementRecipient(db.Model):
    """Who must read an announcement, and when they acknowledged it."""
    __tablename__ = "announcement_recipients"

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"),
                                                 primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    acknowledged_at: Mapped[datetime | None]

    announcement: Mapped[Announcement] = relationship(back_populates="recipients")
    user: Mapped[User] = relationship()

    __table_args__ = (Index("ix_announcement_recipients_user", "user_id", "acknowledged_at"),)


class Alert(db.Model):
    """One line behind the bell: something landed in this user's queue."""
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(24))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    #: The supervision order or proposal the alert is about (by its kind), when not a ticket.
    ref_id: Mapped[int | None]
    created_at: Mapped[datetime]
    read_at: Mapped[datetime | None]

    ticket = relationship("Ticket")

    __table_args__ = (Index("ix_alerts_user_unread", "user_id", "read_at", "created_at"),)
