"""Recording evidence against a real database: content sniffing, streaming to disk with the
size limit, attaching and replacing excerpts (audited, nothing removed), the reference."""
import io
import json
import math
import struct
import wave

import pytest
from sqlalchemy import select

from domain.errors import Conflict, InvalidTransition, NotAllowed
from domain.roles import Role
from extensions import db
from models import AudioExcerpt, AuditEntry, RecordingRef
from services import evidence, settings
from services.quality import FormProblems

pytestmark = pytest.mark.postgres


def wav_bytes(seconds=0.5, rate=8000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", int(9000 * math.sin(i / 3)))
                                 for i in range(int(seconds * rate))))
    return buffer.getvalue()


OGG_PAGE = b"OggS\x00\x02" + bytes(20) + b"\x01"  # 27-byte header, one segment
SAMPLES = {
    "mp3 with an ID3 tag": (b"ID3\x04\x00\x00" + bytes(40), "mp3"),
    "mp3 frame, MPEG-1 layer III": (b"\xff\xfb\x90\x64" + bytes(40), "mp3"),
    "mp3 frame, MPEG-2 layer III": (b"\xff\xf3\x48\xc4" + bytes(40), "mp3"),
    "AAC (ADTS) is not mp3": (b"\xff\xf1\x50\x80" + bytes(40), None),
    "wav": (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40), "wav"),
    "RIFF but AVI": (b"RIFF\x24\x00\x00\x00AVI LIST" + bytes(40), None),
    "ogg vorbis": (OGG_PAGE + b"\x1e" + b"\x01vorbis" + bytes(30), "ogg"),
    "ogg opus": (OGG_PAGE + b"\x13" + b"OpusHead" + bytes(30), "ogg"),
    "ogg theora video": (OGG_PAGE + b"\x2a" + b"\x80theora" + bytes(30), None),
    "m4a": (b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00" + bytes(30), "m4a"),
    "mp4 isom": (b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00" + bytes(30), "m4a"),
    "QuickTime": (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00" + bytes(30), None),
    "Windows executable": (b"MZ\x90\x00\x03\x00\x00\x00" + bytes(40), None),
    "ELF executable": (b"\x7fELF\x02\x01\x01" + bytes(40), None),
    "HTML": (b"<html><script>alert(1)</script>", None),
    "empty": (b"", None),
}


@pytest.mark.parametrize("head, expected", SAMPLES.values(), ids=SAMPLES.keys())
def test_format_is_recognised_by_content(head, expected):
    assert evidence.sniff(head) == expected


class Trickle(io.BytesIO):
    """A stream that hands out at most `step` bytes per read and remembers the biggest read."""

    def __init__(self, data, step=None):
        super().__init__(data)
        self.step, self.largest = step, 0

    def read(self, size=-1):
        if self.step is not None:
            size = self.step if size is None or size < 0 else min(size, self.step)
        self.largest = max(self.largest, size)
        return super().read(size)


def test_store_copies_in_chunks_and_refuses_what_is_not_audio(tmp_path):
    data = wav_bytes(seconds=4)                       # 64 KB, several chunks
    stream = Trickle(data)
    stored = evidence.store_audio(stream, original_name="a.wav", directory=tmp_path,
                                  limit=1 << 20)
    assert stored.path.read_bytes() == data and stored.size == len(data)
    assert stored.audio_format == "wav" and len(stored.name) == 32
    assert stream.largest <= evidence.CHUNK           # never the whole file at once
    tiny = evidence.store_audio(Trickle(data, step=5), directory=tmp_path, limit=1 << 20)
    assert tiny.audio_format == "wav"                 # sniffed even when reads come short
    for fake in (b"MZ\x90\x00" + bytes(5000), b"\x7fELF" + bytes(10), b""):
        with pytest.raises(FormProblems) as refused:
            evidence.store_audio(io.BytesIO(fake), original_name="x.mp3", directory=tmp_path,
                                  limit=1 << 20)
        assert "audio" in refused.value.problems
    with pytest.raises(evidence.TooLarge):
        evidence.store_audio(io.BytesIO(data), directory=tmp_path, limit=len(data) - 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([stored.name, tiny.name])


@pytest.fixture
def scene(make, tmp_path, app):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker)
    return ticket, checker


def _store(data=None):
    return evidence.store_audio(io.BytesIO(data or wav_bytes()), original_name="call.wav")


def _audits(ticket_id):
    db.session.rollback()
    return [(a.action, json.loads(a.detail) if a.detail else {}) for a in db.session.scalars(
        select(AuditEntry).where(AuditEntry.ticket_id == ticket_id,
                                 AuditEntry.action.like("%evidence%")).order_by(AuditEntry.id))]


def test_replacing_adds_a_version_and_keeps_the_old_one(db_backend, scene, make, now):
    ticket, checker = scene
    first = evidence.attach_excerpt(ticket.id, _store(), description="02:10 员工反问",
                                    actor=checker, now=now)
    second = evidence.attach_excerpt(ticket.id, _store(), description="更清楚的片段",
                                     replaces_id=first.id, actor=checker, now=now)
    rows = evidence.excerpts(ticket.id)
    assert [r.id for r in rows] == [first.id, second.id]
    assert rows[0].superseded_at == now and rows[1].superseded_at is None
    assert rows[1].replaces_id == first.id
    assert all(evidence.excerpt_path(r).is_file() for r in rows)
    audits = _audits(ticket.id)
    assert [a for a, _ in audits] == ["evidence_add", "evidence_replace"]
    assert audits[1][1]["replaces_id"] == first.id and audits[1][1]["excerpt_id"] == second.id

    # a version already replaced cannot be replaced again; the refused file is not kept
    files_before = set(evidence.upload_dir().iterdir())
    with pytest.raises(Conflict):
        evidence.attach_excerpt(ticket.id, _store(), description="again",
                                replaces_id=first.id, actor=checker, now=now)
    other = make.ticket("verifying", checker=checker)
    foreign = evidence.attach_excerpt(other.id, _store(), description="x", actor=checker,
                                      now=now)
    files_before = set(evidence.upload_dir().iterdir())
    with pytest.raises(FormProblems):       # an excerpt of another ticket
        evidence.attach_excerpt(ticket.id, _store(), description="x", replaces_id=foreign.id,
                                actor=checker, now=now)
    assert set(evidence.upload_dir().iterdir()) == files_before
    assert len(_audits(ticket.id)) == 2


def test_only_the_handler_or_owner_and_only_while_open(db_backend, scene, make, now):
    ticket, checker = scene
    for outsider in (make.user(Role.CHECKER), make.user(Role.DUTY_MANAGER)):
        with pytest.raises(NotAllowed):
            evidence.attach_excerpt(ticket.id, _store(), description="x", actor=outsider,
                                    now=now)
    owner = make.user(Role.OWNER)
    evidence.attach_excerpt(ticket.id, _store(), description="负责人补充", actor=owner, now=now)
    evidence.set_recording_ref(ticket.id, "REC-1", actor=owner, now=now)
    closed = make.ticket("returned_to_lead", checker=checker)
    with pytest.raises(InvalidTransition):
        evidence.attach_excerpt(closed.id, _store(), description="x", actor=checker, now=now)
    assert len(list(evidence.upload_dir().iterdir())) == 1   # refused files are gone


def test_recording_reference_history_and_link(db_backend, scene, make, now):
    ticket, checker = scene
    for bad in ("", "has space", "<script>", "x" * 65):
        with pytest.raises(FormProblems):
            evidence.set_recording_ref(ticket.id, bad, actor=checker, now=now)
    evidence.set_recording_ref(ticket.id, "CALL-1", actor=checker, now=now)
    evidence.set_recording_ref(ticket.id, "CALL-1", actor=checker, now=now)  # no change
    evidence.set_recording_ref(ticket.id, "CALL-2", actor=checker, now=now)
    assert [r.reference for r in db.session.scalars(select(RecordingRef))] == ["CALL-1",
                                                                               "CALL-2"]
    assert evidence.current_ref(ticket.id).reference == "CALL-2"
    db.session.rollback()
    changes = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "recording_ref_set")).all()
    assert [c.note for c in changes] == ["CALL-1", "CALL-2"]
    assert json.loads(changes[1].detail)["previous"] == "CALL-1"

    assert evidence.recording_url("CALL-2") is None            # no template configured
    settings.update({"recording_url_template": "https://rec.intranet/call/{id}"},
                    actor=make.user(Role.ADMIN), now=now)
    assert evidence.recording_url("A/B:1") == "https://rec.intranet/call/A%2FB%3A1"
    settings.update({"recording_url_template": "javascript:alert('{id}')"},
                    actor=make.user(Role.ADMIN), now=now)
    assert evidence.recording_url("CALL-2") is None            # never a script link
    assert db.session.scalar(select(AudioExcerpt.id)) is None


def test_an_excerpts_text_is_saved_without_numbers_or_direction_controls(db_backend, scene,
                                                                         now):
    """The description is read by everyone who sees the ticket; the file's own name arrives
    without a form and could show reversed (录音\u202e3pm.exe)."""
    ticket, checker = scene
    stored = evidence.store_audio(io.BytesIO(wav_bytes()), original_name="录音\u202evaw.exe")
    row = evidence.attach_excerpt(ticket.id, stored, description="02:10 客户报号13812345678",
                                  actor=checker, now=now)
    db.session.expire_all()
    row = db.session.get(AudioExcerpt, row.id)
    assert row.description == "02:10 客户报号138****5678"
    assert row.original_name == "录音vaw.exe"
