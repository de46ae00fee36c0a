"""The notification outbox (通知发件箱): a message for an external channel (企业微信 or 钉钉
group robot, e-mail, the SMS platform), written in the transaction of the event it reports
and delivered by `flask --app app notify`."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from extensions import db


class OutboxMessage(db.Model):
    """One delivery to one channel: pending → sending → sent, or dead after the last retry
    (the administrator sees those and can send them again)."""
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: A channel's name in NOTIFY_CHANNELS, or "sms" for the SMS platform.
    channel: Mapped[str] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(32))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    #: The supervision order (or other record) the event is about, by its kind.
    ref_id: Mapped[int | None]
    sms_id: Mapped[int | None] = mapped_column(ForeignKey("sms_messages.id"))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    #: When the current or last attempt started: counts towards the channel's rate limit,
    #: and a row left "sending" by a crashed run is taken again once this is old.
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),
                      Index("ix_outbox_channel_claimed", "channel", "claimed_at"))


class Reminder(db.Model):
    """A deadline someone was reminded of (a lead's review due in 30 minutes, a reply due
    soon): once per ticket and deadline, however often the sweep runs."""
    __tablename__ = "reminders"

    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
