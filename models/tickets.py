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

    # The quality team's part (SPEC §3–§6).
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]
    route_group: Mapped[str | None] = mapped_column(String(16))
    reply_due_at: Mapped[datetime | None]
    first_failed_call_at: Mapped[datetime | None]
    reached_at: Mapped[datetime | None]
    reply_method: Mapped[str | None] = mapped_column(String(16))  # phone|sms|explain|other
    reply_note: Mapped[str] = mapped_column(Text, default="")     # script / what was done
    reply_done_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    escalation_note: Mapped[str] = mapped_column(Text, default="")
    # The owner's or a duty manager's decision on an escalated customer: how and by whom the
    # customer is answered (SPEC §6). Changes are kept in the audit log.
    reply_decision: Mapped[str | None] = mapped_column(String(16))  # phone|sms|explain|other
    reply_decision_note: Mapped[str] = mapped_column(Text, default="")
    replier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reply_decided_at: Mapped[datetime | None]
    reply_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    judged_at: Mapped[datetime | None]
    appeal_until: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    source: Mapped[str | None] = mapped_column(String(16))  # transferred in from another line
    verdict: Mapped[str | None] = mapped_column(String(20))  # in force: the judgement or appeal
    # Anonymised (domain.privacy): the numbers above are masked, these keep their keyed hashes
    # so a lookup of the full number still finds the ticket; why: retention | request.
    caller_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    contact_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    anonymised_at: Mapped[datetime | None]
    anonymised_why: Mapped[str | None] = mapped_column(String(16))

    submitter: Mapped[User] = relationship(foreign_keys=[submitter_id])
    checker: Mapped[User | None] = relationship(foreign_keys=[checker_id])
    replier: Mapped[User | None] = relationship(foreign_keys=[replier_id])
    reply_decided_by: Mapped[User | None] = relationship(foreign_keys=[reply_decided_by_id])
    judgement = relationship("Judgement", uselist=False, viewonly=True)
    notifications = relationship("Notification", back_populates="ticket",
                                 order_by="Notification.called_at")
    attempts = relationship("ContactAttempt", order_by="ContactAttempt.at", viewonly=True)
    sms = relationship("SmsMessage", order_by="SmsMessage.created_at", viewonly=True)
    appeal = relationship("Appeal", uselist=False, back_populates="ticket")
    team: Mapped[Team | None] = relationship()
    handover: Mapped["HandoverEntry | None"] = relationship(back_populates="ticket")
    #: The accused agent, if the employee no. is anyone's: their team may see the ticket.
    accused: Mapped[User | None] = relationship(
        primaryjoin="foreign(Ticket.accused_no) == User.employee_no", viewonly=True)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_tickets_team_state_due", "team_id", "state", "review_due_at"),
        Index("ix_tickets_state_due", "state", "review_due_at"),
        Index("ix_tickets_state_reply_due", "state", "reply_due_at"),
        Index("ix_tickets_state_appeal_until", "state", "appeal_until"),
        Index("ix_tickets_checker_state", "checker_id", "state"),
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
    return_reason: Mapped[str | None] = mapped_column(String(4))  # R1 | R2
    remarks: Mapped[str] = mapped_column(Text, default="")
    return_confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    return_confirmed_at: Mapped[datetime | None]

    ticket: Mapped[Ticket] = relationship(back_populates="handover")
    lead: Mapped[User] = relationship(foreign_keys=[lead_id])
    received_by: Mapped[User | None] = relationship(foreign_keys=[received_by_id])
    return_confirmed_by: Mapped[User | None] = relationship(foreign_keys=[return_confirmed_by_id])
