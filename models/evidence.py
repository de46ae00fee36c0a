"""Recording evidence on a ticket: the call's reference in the centre's recording system
(录音编号) and audio excerpts of the call (录音片段). Both are append-only: a new reference
or a replacement excerpt is a new row; the file of an excerpt is never deleted."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db

from .users import User


class RecordingRef(db.Model):
    """The call id in the recording system, as set by the quality team; the latest row of a
    ticket is the one in force, earlier ones stay as its history."""
    __tablename__ = "recording_refs"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    reference: Mapped[str] = mapped_column(String(64))
    set_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_at: Mapped[datetime]

    set_by: Mapped[User] = relationship()

    __table_args__ = (Index("ix_recording_refs_ticket_id", "ticket_id", "id"),)


class AudioExcerpt(db.Model):
    """An audio excerpt of the call (mp3, wav, ogg or m4a), stored on disk as `stored_name`
    in the upload directory. A replacement points at the version it replaces
    (`replaces_id`, at most one successor each); the replaced one gets `superseded_at` and
    stays listed and playable."""
    __tablename__ = "audio_excerpts"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"))
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("audio_excerpts.id"),
                                                    unique=True)
    superseded_at: Mapped[datetime | None]
    stored_name: Mapped[str] = mapped_column(String(32), unique=True)  # secrets.token_hex(16)
    audio_format: Mapped[str] = mapped_column(String(8))   # mp3 | wav | ogg | m4a, by content
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    original_name: Mapped[str] = mapped_column(String(255), default="")  # as uploaded; shown only
    description: Mapped[str] = mapped_column(String(200))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime]
    # 已按期删除: the file was deleted when its retention ended; the row and its SHA-256 stay.
    purged_at: Mapped[datetime | None]

    uploaded_by: Mapped[User] = relationship()
    replaces: Mapped["AudioExcerpt | None"] = relationship(remote_side=[id])

    __table_args__ = (Index("ix_audio_excerpts_ticket_id", "ticket_id", "id"),)
