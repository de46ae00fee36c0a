"""Dissatisfied contacts (不满意用户), their survey (调研) and callback (回访) records, remedy tasks
(补救任务), the owner's sample audits (抽检), import batches and the cause categories."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class SurveyCategory(db.Model):
    """A cause category of one channel and the handling script read to the customer."""
    __tablename__ = "survey_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(32))
    script: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    __table_args__ = (UniqueConstraint("channel", "name",
                                       name="uq_survey_categories_channel_name"),)


class SurveyImport(db.Model):
    """One uploaded file: its checked rows wait here between the preview and the import."""
    __tablename__ = "survey_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]
    total_rows: Mapped[int] = mapped_column(default=0)
    good_rows: Mapped[str] = mapped_column(Text, default="")  # JSON of the good rows
    problems: Mapped[str] = mapped_column(Text, default="")  # JSON [[line, [msgid, …]], …]
    file_problem: Mapped[str] = mapped_column(Text, default="")
    known_rows: Mapped[int] = mapped_column(default=0)       # already in the database
    imported_at: Mapped[datetime | None]
    imported_count: Mapped[int | None]

    uploaded_by: Mapped[User] = relationship()


class SurveyContact(db.Model):
    """A dissatisfied contact to survey and call back. The natural key (channel, phone,
    contact time, agent no.) is unique, so importing the same file twice adds nothing."""
    __tablename__ = "survey_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    channel: Mapped[str] = mapped_column(String(8))
    phone: Mapped[str] = mapped_column(String(16))
    phone_hash: Mapped[str | None] = mapped_column(String(64), index=True)  # once anonymised
    anonymised_at: Mapped[datetime | None]
    contact_at: Mapped[datetime]                                # UTC
    agent_no: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int | None]                                   # the survey system's score
    week_start: Mapped[date] = mapped_column(Date)              # Monday of the contact's week
    survey_due_on: Mapped[date] = mapped_column(Date)           # Wednesday of the next week
    import_id: Mapped[int | None] = mapped_column(ForeignKey("survey_imports.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]

    needs_survey: Mapped[bool] = mapped_column(default=True)    # 需调研 / 无需调研
    needs_callback: Mapped[bool | None]                         # 需回访 / 无需回访; None: not yet
    survey_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    survey_reviewed_at: Mapped[datetime | None]
    surveyed_at: Mapped[datetime | None]
    resolved: Mapped[bool | None]             # at the survey, or later by a callback
    callback_due_on: Mapped[date | None] = mapped_column(Date)  # Sunday of the callback week

    held_at: Mapped[datetime | None]          # waiting for the business side's result
    hold_note: Mapped[str] = mapped_column(Text, default="")
    chase_count: Mapped[int] = mapped_column(default=0)
    last_chased_at: Mapped[datetime | None]
    business_result: Mapped[str] = mapped_column(Text, default="")
    business_result_at: Mapped[datetime | None]

    callback_reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    callback_reviewed_at: Mapped[datetime | None]
    # The first completed callback (the one the KPIs count); later ones follow tracked events.
    callback_done_at: Mapped[datetime | None]
    callback_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The caller the callback is given to (seed 003 回访任务分配); set by the duty manager, or
    # by the quality team's own callback of one nobody held.
    caller_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    assigned_at: Mapped[datetime | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    area: Mapped[str] = mapped_column(String(20), default="")      # 区域, from the import
    customer_name: Mapped[str] = mapped_column(String(40), default="")  # as last given
    callback_score: Mapped[int | None]
    callback_outcome: Mapped[str | None] = mapped_column(String(16))
    tracking: Mapped[bool] = mapped_column(default=False)       # an appended event followed

    ticket = relationship("Ticket")
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    callback_by: Mapped[User | None] = relationship(foreign_keys=[callback_by_id])
    caller: Mapped[User | None] = relationship(foreign_keys=[caller_id])
    survey: Mapped["SurveyRecord | None"] = relationship(back_populates="contact",
                                                         uselist=False)
    callbacks: Mapped[list["CallbackRecord"]] = relationship(
        back_populates="contact", order_by="CallbackRecord.recorded_at")
    remedies: Mapped[list["RemedyTask"]] = relationship(
        back_populates="contact", order_by="RemedyTask.opened_at")
    problems: Mapped[list["ContactProblem"]] = relationship(  # noqa: F821 (models.callbacks)
        back_populates="contact", order_by="ContactProblem.id")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        UniqueConstraint("channel", "phone", "contact_at", "agent_no",
                         name="uq_survey_contacts_natural"),
        Index("ix_survey_contacts_survey", "needs_survey", "surveyed_at", "survey_due_on"),
        Index("ix_survey_contacts_callback", "needs_callback", "callback_done_at",
              "callback_due_on"),
        Index("ix_survey_contacts_agent", "agent_no"),
        Index("ix_survey_contacts_caller", "caller_id", "callback_due_on"),
    )


class SurveyRecord(db.Model):
    """The surveyor's part (调研记录, 绿色部分)."""
    __tablename__ = "survey_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("survey_contacts.id"), unique=True)
    reviewed_at: Mapped[datetime]            # recording / contact record / chat log reviewed
    resolved: Mapped[bool]
    category_id: Mapped[int] = mapped_column(ForeignKey("survey_categories.id"))
    unresolved_issue: Mapped[str] = mapped_column(Text, default="")
    needs_callback: Mapped[bool]
    # Unhappy with the earlier result (seed 000, 8): the alternative offered, whether it was
    # accepted, and whether an event was appended then and there.
    alternative: Mapped[str] = mapped_column(Text, default="")
    alternative_accepted: Mapped[bool | None]
    event_appended: Mapped[bool] = mapped_column(default=False)
    surveyed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    surveyed_at: Mapped[datetime]

    contact: Mapped[SurveyContact] = relationship(back_populates="survey")
    category: Mapped[SurveyCategory] = relationship()
    surveyed_by: Mapped[User] = relationship()


class CallbackRecord(db.Model):
    """The callback agent's part (回访记录, 红色部分). Append-only: a tracked event gets a
    later record."""
    __tablename__ = "callback_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("survey_contacts.id"), index=True)
    reviewed_at: Mapped[datetime]
    method: Mapped[str] = mapped_column(String(12), default="phone")  # 电话/短信/在线问卷/面对面
    customer_name: Mapped[str] = mapped_column(String(40), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    score: Mapped[int]
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    follow_up: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime]

    contact: Mapped[SurveyContact] = relationship(back_populates="callbacks")
    recorded_by: Mapped[User] = relationship()


class RemedyTask(db.Model):
    """补救任务 for the duty managers after a dissatisfied callback: contact the customer
    within 1 hour, remedy within 3 working days."""
    __tablename__ = "remedy_tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    contact_id: Mapped[int] = mapped_column(ForeignKey("survey_contacts.id"), index=True)
    callback_id: Mapped[int] = mapped_column(ForeignKey("callback_records.id"), unique=True)
    opened_at: Mapped[datetime]
    contact_due_at: Mapped[datetime]
    remedy_due_at: Mapped[datetime]
    contacted_at: Mapped[datetime | None]
    contacted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    contact_note: Mapped[str] = mapped_column(Text, default="")
    remedied_at: Mapped[datetime | None]
    remedied_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    remedy_note: Mapped[str] = mapped_column(Text, default="")

    contact: Mapped[SurveyContact] = relationship(back_populates="remedies")
    callback: Mapped[CallbackRecord] = relationship()
    contacted_by: Mapped[User | None] = relationship(foreign_keys=[contacted_by_id])
    remedied_by: Mapped[User | None] = relationship(foreign_keys=[remedied_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_remedy_tasks_open", "remedied_at", "remedy_due_at"),)


class SampleAudit(db.Model):
    """The owner's sample audit of callback records (回访记录抽检)."""
    __tablename__ = "sample_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)   # exclusive
    size: Mapped[int]
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    drawn_at: Mapped[datetime]

    drawn_by: Mapped[User] = relationship()
    items: Mapped[list["SampleItem"]] = relationship(back_populates="audit",
                                                     order_by="SampleItem.id")


class SampleItem(db.Model):
    """One sampled callback record and the owner's mark."""
    __tablename__ = "sample_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    audit_id: Mapped[int] = mapped_column(ForeignKey("sample_audits.id"))
    callback_id: Mapped[int] = mapped_column(ForeignKey("callback_records.id"), index=True)
    accurate: Mapped[bool | None]
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    marked_at: Mapped[datetime | None]

    audit: Mapped[SampleAudit] = relationship(back_populates="items")
    callback: Mapped[CallbackRecord] = relationship()

    __table_args__ = (UniqueConstraint("audit_id", "callback_id",
                                       name="uq_sample_items_audit_callback"),)
