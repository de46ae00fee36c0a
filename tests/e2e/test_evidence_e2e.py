"""Recording evidence in a real browser: the checker sets the recording reference and uploads
a few seconds of WAV made here with `wave`; the page's player loads and plays it, and a
timestamp in the judgement basis seeks it (static/js/player.js, under the strict CSP)."""
import io
import math
import re
import struct
import wave

import pytest

from extensions import db
from services import quality, settings
from tests.factories import Factory

from .conftest import shot

pytestmark = pytest.mark.e2e

SECONDS, RATE = 6, 8000


def tone_wav() -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * i
                                                                        / RATE)))
                                 for i in range(SECONDS * RATE)))
    return buffer.getvalue()


def judged_ticket(live_server, basis):
    """A ticket the live server's checker has judged, made through the services."""
    with live_server.app.app_context():
        from models import User
        from services.clock import utcnow
        make = Factory(utcnow())
        checker = db.session.query(User).filter_by(
            employee_no=live_server.people["checker"][0]).one()
        ticket = make.ticket("verifying", checker=checker)
        criteria = [c.id for c in quality.active_criteria() if c.code == "A2"]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=criteria,
                      basis=basis, actor=checker, now=make.now)
        settings.update({"recording_url_template": "https://rec.intranet/call/{id}"},
                        actor=make.user("admin"), now=make.now)
        ticket_id = ticket.id
        db.session.remove()
    return ticket_id


def test_upload_play_and_seek_from_a_timestamp(open_session, live_server, tmp_path):
    live_server.app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    ticket_id = judged_ticket(live_server, "录音00:04处员工反问客户。")
    checker = open_session("checker")
    checker.goto(f"{live_server.url}/tickets/{ticket_id}")

    checker.locator("#evidence summary").first.click()   # folded: nothing recorded yet
    checker.get_by_text("填写录音编号").click()
    checker.get_by_label("录音编号").fill("C20261123-0815")
    checker.get_by_role("button", name="保存录音编号").click()
    link = checker.locator("#recording-link")
    link.wait_for()
    assert link.get_attribute("href") == "https://rec.intranet/call/C20261123-0815"

    checker.get_by_text("添加录音片段").click()
    form = checker.locator("#excerpt-form")
    form.get_by_label("录音片段").set_input_files(
        {"name": "excerpt.wav", "mimeType": "audio/wav", "buffer": tone_wav()})
    form.get_by_label("片段说明").fill("00:00–00:06 员工反问客户")
    form.get_by_role("button", name="上传片段").click()
    checker.wait_for_url(re.compile(r"/tickets/\d+#evidence$"))
    audio = checker.locator("#excerpts audio").first
    audio.wait_for()
    checker.wait_for_function(
        "document.querySelector('#excerpts audio').readyState >= 1", timeout=10_000)
    duration = audio.evaluate("a => a.duration")
    assert abs(duration - SECONDS) < 0.2

    # the timestamp in the judgement basis seeks the player (a click: playing is allowed)
    seek = checker.locator("#judgement a[data-seek]")
    assert seek.inner_text() == "00:04" and seek.get_attribute("href") == "#evidence"
    seek.click()
    checker.wait_for_function(
        "document.querySelector('#excerpts audio').currentTime >= 3.9", timeout=5_000)
    position = audio.evaluate("a => a.currentTime")
    assert 3.9 <= position <= SECONDS
    # it plays on from there: the position advances, unless it already reached the end
    for _ in range(50):
        if audio.evaluate("a => a.ended ? 1e9 : a.currentTime") > position + 0.2:
            break
        checker.wait_for_timeout(100)
    else:
        pytest.fail("the player did not play on from the timestamp")
    shot(checker, "30-evidence-player")
