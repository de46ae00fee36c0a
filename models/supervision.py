"""Supervision orders (督办单): what the quality team asks of a slow department or person."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class SupervisionOrder(db.Model):
    """督办单 about a ticket, or about a dissatisfied contact's callback (seed 003: issues
    involving another department), hence two nullable links. Addressed to a user, or
    to a department recorded by name with its contact."""
    __tablename__ = "supervision_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("survey_contacts.id"))
    request: Mapped[str] = mapped_column(Text)            # 督办事项
    due_at: Mapped[datetime]                              # 答复时限
    recipient_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    department: Mapped[str] = mapped_column(String(80), default="")     # 接收部门
    department_contact: Mapped[str] = mapped_column(String(80), default="")  # 联系人/电话
    state: Mapped[str] = mapped_column(String(12))        # open | answered | no_answer
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    answered_at: Mapped[datetime | None]
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime]
    #: When the owner was alerted that the order is overdue (once per order).
    overdue_alerted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    ticket = relationship("Ticket")
    contact = relationship("SurveyContact")
    recipient: Mapped[User | None] = relationship(foreign_keys=[recipient_id])
    issued_by: Mapped[User] = relationship(foreign_keys=[issued_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_supervision_orders_state_due", "state", "due_at"),
        Index("ix_supervision_orders_recipient", "recipient_id", "state"),
        Index("ix_supervision_orders_ticket", "ticket_id"),
        CheckConstraint("state IN ('open', 'answered', 'no_answer')", name="state"),
        CheckConstraint("recipient_id IS NOT NULL OR department <> ''", name="addressee"),
    )
