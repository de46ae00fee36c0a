"""Feedback notes (服务反馈便签): what an agent noticed on a call, and what became of it."""
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class FeedbackNote(db.Model):
    """A short note posted on the day; the duty manager's review records its outcome and the
    warning, announcement or proposal it became."""
    __tablename__ = "feedback_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    text: Mapped[str] = mapped_column(Text)
    day: Mapped[date] = mapped_column(Date)               # local day it was posted
    created_at: Mapped[datetime]
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_note: Mapped[str] = mapped_column(Text, default="")
    warning_id: Mapped[int | None] = mapped_column(ForeignKey("warnings.id"))
    announcement_id: Mapped[int | None] = mapped_column(ForeignKey("announcements.id"))
    proposal_id: Mapped[int | None] = mapped_column(ForeignKey("proposals.id"))
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    handled_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    author: Mapped[User] = relationship(foreign_keys=[author_id])
    team = relationship("Team")
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (Index("ix_feedback_notes_day", "day", "id"),
                      Index("ix_feedback_notes_author", "author_id", "created_at"))
