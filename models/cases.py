"""Prevention (SPEC §8, Part C): the case library (案例库) and the risk register (风险登记)."""
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .config import Criterion
from .users import User

case_criteria = Table(
    "case_criteria", db.metadata,
    Column("case_id", ForeignKey("cases.id"), primary_key=True),
    Column("criterion_id", ForeignKey("criteria.id"), primary_key=True, index=True),
)


class Case(db.Model):
    """A case (案例) the owner wrote from a judged ticket: never deleted, only archived."""
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)       # 案例概述
    analysis: Mapped[str] = mapped_column(Text)      # 原因分析
    lesson: Mapped[str] = mapped_column(Text)        # 经验教训
    handling: Mapped[str] = mapped_column(Text)      # 建议处理方式
    archived: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]

    ticket = relationship("Ticket")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])
    criteria: Mapped[list[Criterion]] = relationship(secondary=case_criteria,
                                                     order_by=Criterion.position)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_cases_archived_created", "archived", "created_at"),)


class Risk(db.Model):
    """A risk (风险) scored by probability and impact, with an owner and a review date."""
    __tablename__ = "risks"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    probability: Mapped[int]   # 1–5
    impact: Mapped[int]        # 1–5
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    review_on: Mapped[date] = mapped_column(Date)   # next review date
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | closed
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime]

    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    updated_by: Mapped[User] = relationship(foreign_keys=[updated_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_risks_status_review", "status", "review_on"),
        CheckConstraint("probability BETWEEN 1 AND 5", name="probability"),
        CheckConstraint("impact BETWEEN 1 AND 5", name="impact"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
    )
