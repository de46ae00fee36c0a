"""The quality team's records: judgements, outbound notifications (白名单交接表), contact
attempts and SMS of the customer reply record (白名单回复记录)."""
from datetime import datetime

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .config import Criterion
from .users import User

judgement_criteria = Table(
    "judgement_criteria", db.metadata,
    Column("judgement_id", ForeignKey("judgements.id"), primary_key=True),
    Column("criterion_id", ForeignKey("criteria.id"), primary_key=True),
)


class Judgement(db.Model):
    """The checker's judgement (判责): type, criteria, verdict and its basis."""
    __tablename__ = "judgements"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(16))     # business 业务类 | attitude 态度类
    verdict: Mapped[str] = mapped_column(String(20))  # established 成立 | not_established 不成立
    basis: Mapped[str] = mapped_column(Text)          # 判定依据
    judged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    judged_at: Mapped[datetime]

    judged_by: Mapped[User] = relationship()
    criteria: Mapped[list[Criterion]] = relationship(secondary=judgement_criteria,
                                                     order_by=Criterion.position)


class Notification(db.Model):
    """An outbound notification call: a row of the whitelist handover table (白名单交接表)."""
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    group: Mapped[str] = mapped_column(String(16))
    number_called: Mapped[str] = mapped_column(String(16))
    called_at: Mapped[datetime] = mapped_column(index=True)
    other_lead_name: Mapped[str] = mapped_column(String(64))
    tracking: Mapped[str] = mapped_column(String(16), default="notified")
    result: Mapped[str] = mapped_column(Text, default="")
    checker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    checker: Mapped[User] = relationship()
    ticket = relationship("Ticket", back_populates="notifications")


class ContactAttempt(db.Model):
    """One attempt to reach the customer by phone (记录联系)."""
    __tablename__ = "contact_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    at: Mapped[datetime]
    reached: Mapped[bool]
    note: Mapped[str] = mapped_column(Text, default="")
    checker_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    checker: Mapped[User] = relationship()

    __table_args__ = (Index("ix_contact_attempts_ticket_at", "ticket_id", "at"),)


class SmsMessage(db.Model):
    """The SMS outbox: every text to a customer, whatever the gateway did with it."""
    __tablename__ = "sms_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))   # notice (after a failed call) | reply
    number: Mapped[str] = mapped_column(String(16))
    number_hash: Mapped[str | None] = mapped_column(String(64))   # once anonymised
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="recorded")
    #: When the SMS platform last reported on it (sent, failed), with the HTTP gateway.
    status_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
