"""The callback cycle's follow-up (issue 17): problems raised and graded (问题分级) with their
grade history, the callers' published monthly rankings (排名公布), the monthly analysis's
findings (根因与措施) and the training given for a common cause (专项培训)."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .survey import CallbackRecord, RemedyTask, SurveyCategory, SurveyContact
from .users import User


class ContactProblem(db.Model):
    """A problem raised in the callback cycle: an event appended at the survey or a callback,
    or a remedy task. Graded; diagnosed, then planned, each against its clock."""
    __tablename__ = "contact_problems"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    contact_id: Mapped[int] = mapped_column(ForeignKey("survey_contacts.id"), index=True)
    source: Mapped[str] = mapped_column(String(10))          # survey | callback | remedy
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("callback_records.id"))
    remedy_id: Mapped[int | None] = mapped_column(ForeignKey("remedy_tasks.id"))
    summary: Mapped[str] = mapped_column(Text, default="")
    grade: Mapped[str] = mapped_column(String(10))           # general | important | urgent
    raised_at: Mapped[datetime]
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    diagnosis_due_at: Mapped[datetime]
    plan_due_at: Mapped[datetime]
    diagnosed_at: Mapped[datetime | None]
    diagnosed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    diagnosis_note: Mapped[str] = mapped_column(Text, default="")
    planned_at: Mapped[datetime | None]
    planned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    plan_note: Mapped[str] = mapped_column(Text, default="")
    # When the sweep alerted that a clock ran out (once per clock and deadline).
    diagnosis_alerted_at: Mapped[datetime | None]
    plan_alerted_at: Mapped[datetime | None]

    contact: Mapped[SurveyContact] = relationship(back_populates="problems")
    callback: Mapped[CallbackRecord | None] = relationship()
    remedy: Mapped[RemedyTask | None] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    diagnosed_by: Mapped[User | None] = relationship(foreign_keys=[diagnosed_by_id])
    planned_by: Mapped[User | None] = relationship(foreign_keys=[planned_by_id])
    grades: Mapped[list["ProblemGrade"]] = relationship(
        back_populates="problem", order_by="ProblemGrade.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_contact_problems_open", "planned_at", "plan_due_at"),)


class ProblemGrade(db.Model):
    """One grade given to a problem: the first, and every change with its reason."""
    __tablename__ = "problem_grades"

    id: Mapped[int] = mapped_column(primary_key=True)
    problem_id: Mapped[int] = mapped_column(ForeignKey("contact_problems.id"), index=True)
    grade: Mapped[str] = mapped_column(String(10))
    previous: Mapped[str | None] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    graded_at: Mapped[datetime]

    problem: Mapped[ContactProblem] = relationship(back_populates="grades")
    graded_by: Mapped[User] = relationship()


class RankingPublication(db.Model):
    """A month's ranking of the callers as published to the floor: the rows as they stood."""
    __tablename__ = "ranking_publications"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date] = mapped_column(Date, index=True)   # its first day
    rows: Mapped[str] = mapped_column(Text)                 # JSON, ranked
    published_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime]
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))

    published_by: Mapped[User] = relationship()


class MonthlyFinding(db.Model):
    """The duty manager's root cause and action for a flagged cause category or step of a
    month; the figures are those flagged when it was recorded."""
    __tablename__ = "monthly_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    month: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))          # category | step
    key: Mapped[str] = mapped_column(String(64))           # "hotline:服务态度", "remedy_contact"
    figures: Mapped[str] = mapped_column(Text, default="")  # JSON
    root_cause: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    recorded_by: Mapped[User] = relationship()

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (UniqueConstraint("month", "kind", "key",
                                       name="uq_monthly_findings_month_kind_key"),)


class TrainingRecord(db.Model):
    """专项培训 given for a common cause: topic, day and who attended."""
    __tablename__ = "training_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("survey_categories.id"))
    topic: Mapped[str] = mapped_column(String(120))
    day: Mapped[date] = mapped_column(Date)
    attendees: Mapped[str] = mapped_column(Text)           # "张伟 200101、李娜 200102"
    attendee_count: Mapped[int]
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    category: Mapped[SurveyCategory] = relationship()
    recorded_by: Mapped[User] = relationship()

    __table_args__ = (Index("ix_training_records_category", "category_id", "day"),)
