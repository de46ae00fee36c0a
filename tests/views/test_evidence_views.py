"""Recording evidence pages: upload with the message beside the field, the size limit, who may
play an excerpt (by page and by direct URL), Range requests, replacing, the recording link,
and mm:ss timestamps rendered as seek links on escaped text."""
import io
import re
from pathlib import Path

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from blueprints.evidence.timestamps import link_timestamps
from extensions import db
from models import AudioExcerpt, AuditEntry
from tests.conftest import make_app
from tests.services.test_appeals_services import World
from tests.services.test_evidence_services import wav_bytes

from ._support import element, html, text_of

AUDIO = wav_bytes(seconds=1)


@pytest.fixture
def world(app, make, now, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path / "uploads")
    return World(make, now)


def upload(client, ticket_id, data=AUDIO, name="call.wav", description="02:10 员工反问客户",
           **extra):
    return client.post(f"/tickets/{ticket_id}/evidence", data={
        "excerpt-audio": (io.BytesIO(data), name), "excerpt-description": description,
        **extra}, content_type="multipart/form-data")


def excerpt_ids():
    db.session.rollback()
    return list(db.session.scalars(select(AudioExcerpt.id).order_by(AudioExcerpt.id)))


def stored_files(app):
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_who_may_play_an_excerpt_by_page_and_by_direct_url(app, client, auth, world, make):
    auth.login(world.checker)
    assert upload(client, world.ticket_id).status_code == 303
    auth.logout()
    (excerpt,) = excerpt_ids()
    url = f"/tickets/{world.ticket_id}/evidence/{excerpt}"
    other_lead, other_agent = make.team_with_lead()
    panellist = world.panel[0]
    expected = {world.agent: 200, world.lead: 200, world.accused: 200, world.accused_lead: 200,
                world.checker: 200, world.owner: 200, world.duty: 200, world.site_head: 200,
                other_agent: 404, other_lead: 404, panellist: 404, world.admin: 403}

    def check(expected):
        for person, status in expected.items():
            auth.login(person)
            assert client.get(url).status_code == status, person.name
            page = client.get(f"/tickets/{world.ticket_id}")
            if status == 200:
                audio = element(html(page), f"excerpt-{excerpt}")
                assert audio is not None and "02:10 员工反问客户" in audio[1]
            else:
                assert page.status_code == status and url not in html(page)
            auth.logout()

    check(expected)
    # another ticket's id in the address: 404, as for an excerpt that does not exist
    auth.login(world.agent)
    assert client.get(f"/tickets/{world.ticket_id}/evidence/{excerpt + 1}").status_code == 404
    own = make.ticket(submitter=world.agent)
    assert client.get(f"/tickets/{own.id}/evidence/{excerpt}").status_code == 404
    auth.logout()

    # once on the panel, the panellist hears it on the voting page, above the ballot
    world.to_vote()
    check({panellist: 200, other_agent: 404})
    auth.login(panellist)
    page = html(client.get(f"/tickets/{world.ticket_id}/vote"))
    assert page.index('id="evidence"') < page.index('id="ballot"')
    assert re.search(r'<audio controls preload="metadata" src="' + re.escape(url), page)
    auth.logout()
    # the vote is open: the evidence is frozen
    auth.login(world.checker)
    assert upload(client, world.ticket_id).status_code == 409
    assert excerpt_ids() == [excerpt]


def test_a_renamed_executable_is_refused_beside_the_field(app, client, auth, world):
    auth.login(world.checker)
    for fake in (b"MZ\x90\x00\x03" + bytes(2000), b"\x7fELF\x02\x01\x01" + bytes(2000)):
        response = upload(client, world.ticket_id, data=fake, name="x.mp3")
        assert response.status_code == 422
        page = html(response)
        assert "不是 MP3、WAV、Ogg 或 M4A 音频" in text_of(page, "excerpt-audio-error")
        assert element(page, "excerpt-description")[0]["value"] == "02:10 员工反问客户"
    response = upload(client, world.ticket_id, description="")
    assert response.status_code == 422 and element(html(response), "excerpt-description-error")
    assert excerpt_ids() == [] and stored_files(app) == []


def test_the_size_limit_answers_413_with_a_page(app, client, auth, world):
    app.config["EVIDENCE_MAX_BYTES"] = len(AUDIO) - 1
    auth.login(world.checker)
    response = upload(client, world.ticket_id)
    assert response.status_code == 413
    assert "录音片段最大" in text_of(html(response), "error-body")
    app.config["EVIDENCE_MAX_BYTES"] = 8 * 1024          # far beyond: refused while parsing
    response = upload(client, world.ticket_id, data=AUDIO * 3)
    assert response.status_code == 413 and "录音片段最大" in html(response)
    assert excerpt_ids() == [] and stored_files(app) == []
    # other routes keep the 1 MiB request limit
    response = client.post(f"/tickets/{world.ticket_id}/recording",
                           data={"recording-reference": "x" * (1100 * 1024)})
    assert response.status_code == 413


def test_a_large_upload_passes_the_csrf_check_in_production(app, world):
    """With CSRF on, Flask-WTF parses the form before the view: the raised limit must apply
    already then (a 1.5 MB excerpt against the 1 MiB default request limit)."""
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True,
                         UPLOAD_DIR=app.config["UPLOAD_DIR"])
    client = protected.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    assert client.post("/login", data={"employee_no": world.checker.employee_no,
                                       "password": "password-123",
                                       "csrf_token": token}).status_code == 303
    page = client.get(f"/tickets/{world.ticket_id}").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    big = wav_bytes(seconds=95)                        # 1.5 MB
    response = client.post(f"/tickets/{world.ticket_id}/evidence", data={
        "excerpt-csrf_token": token, "excerpt-audio": (io.BytesIO(big), "long.wav"),
        "excerpt-description": "整段通话"}, content_type="multipart/form-data")
    assert response.status_code == 303, response.status_code
    response = client.post(f"/tickets/{world.ticket_id}/evidence", data={
        "excerpt-audio": (io.BytesIO(big), "long.wav"), "excerpt-description": "无令牌"},
        content_type="multipart/form-data")
    assert response.status_code == 400                 # no token: refused, nothing stored
    assert len(excerpt_ids()) == 1 and len(stored_files(app)) == 1


def test_range_requests_seek_and_headers_are_safe(client, auth, world):
    auth.login(world.checker)
    assert upload(client, world.ticket_id, name="<img src=x> 录音.wav").status_code == 303
    (excerpt,) = excerpt_ids()
    url = f"/tickets/{world.ticket_id}/evidence/{excerpt}"
    whole = client.get(url)
    assert whole.status_code == 200 and whole.data == AUDIO
    assert whole.headers["Content-Type"] == "audio/wav"
    assert whole.headers["X-Content-Type-Options"] == "nosniff"
    assert whole.headers["Accept-Ranges"] == "bytes"
    disposition = whole.headers["Content-Disposition"]
    assert disposition.startswith("inline; filename=ZK-") and disposition.endswith(
        f"-{excerpt}.wav") and "<" not in disposition
    part = client.get(url, headers={"Range": "bytes=1000-1999"})
    assert part.status_code == 206 and part.data == AUDIO[1000:2000]
    assert part.headers["Content-Range"] == f"bytes 1000-1999/{len(AUDIO)}"
    tail = client.get(url, headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.data == AUDIO[-100:]
    download = client.get(url + "?download=1")
    assert download.headers["Content-Disposition"].startswith("attachment; filename=ZK-")


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=", "bytes=5-2", "items=0-10",
                                    "bytes=0-1,5-6"])
def test_a_range_that_cannot_be_parsed_is_ignored(client, auth, world, header):
    """RFC 9110 §14.2: a Range header the server does not understand (malformed, another
    unit, or several ranges, which we do not serve) is ignored: the whole file, 200."""
    auth.login(world.checker)
    upload(client, world.ticket_id)
    (excerpt,) = excerpt_ids()
    answer = client.get(f"/tickets/{world.ticket_id}/evidence/{excerpt}",
                        headers={"Range": header})
    assert answer.status_code == 200 and answer.data == AUDIO
    assert "Content-Range" not in answer.headers


def test_a_range_beyond_the_file_is_not_satisfiable(client, auth, world):
    auth.login(world.checker)
    upload(client, world.ticket_id)
    (excerpt,) = excerpt_ids()
    url = f"/tickets/{world.ticket_id}/evidence/{excerpt}"
    answer = client.get(url, headers={"Range": "bytes=999999-"})
    assert answer.status_code == 416
    assert answer.headers["Content-Range"] == f"bytes */{len(AUDIO)}"
    satisfiable = client.get(url, headers={"Range": f"bytes={len(AUDIO) - 10}-999999"})
    assert satisfiable.status_code == 206 and satisfiable.data == AUDIO[-10:]


def test_replacing_keeps_both_versions_listed_playable_and_audited(client, auth, world):
    auth.login(world.checker)
    upload(client, world.ticket_id, description="第一版")
    (first,) = excerpt_ids()
    response = upload(client, world.ticket_id, data=wav_bytes(seconds=2), description="第二版",
                      **{"excerpt-replaces": str(first)})
    assert response.status_code == 303
    first, second = excerpt_ids()
    page = html(client.get(f"/tickets/{world.ticket_id}"))
    assert "已被替换" in text_of(page, f"excerpt-{first}")
    assert "已被替换" not in text_of(page, f"excerpt-{second}")
    assert "片段 1 的新版本" in text_of(page, f"excerpt-{second}")
    for excerpt in (first, second):
        assert client.get(f"/tickets/{world.ticket_id}/evidence/{excerpt}").status_code == 200
    timeline = text_of(page, "timeline")
    assert "上传录音片段" in timeline and "录音片段已由新版本替换" in timeline
    # the replaced version is no longer offered for replacement
    options = re.findall(r'<option value="(\d+)"', page)
    assert options == [str(second)]
    assert upload(client, world.ticket_id, description="又一版",
                  **{"excerpt-replaces": str(first)}).status_code == 422
    assert excerpt_ids() == [first, second]


def test_recording_reference_and_the_admins_link(client, auth, world):
    auth.login(world.admin)
    bad = client.post("/admin/recording-link", data={"recording_url_template": "javascript:{id}"})
    assert bad.status_code == 422 and element(html(bad), "recording_url_template-error")
    assert client.post("/admin/recording-link", data={
        "recording_url_template": "https://rec.intranet/call/{id}"}).status_code == 303
    auth.logout()
    auth.login(world.checker)
    response = client.post(f"/tickets/{world.ticket_id}/recording",
                           data={"recording-reference": "有空格 的"})
    assert response.status_code == 422
    assert element(html(response), "recording-reference-error") is not None
    assert client.post(f"/tickets/{world.ticket_id}/recording",
                       data={"recording-reference": "C20261123-0815"}).status_code == 303
    auth.logout()
    auth.login(world.agent)                           # agents see it, without the forms
    page = html(client.get(f"/tickets/{world.ticket_id}"))
    link = element(page, "recording-link")[0]
    assert link["href"] == "https://rec.intranet/call/C20261123-0815"
    assert link["rel"] == "noopener noreferrer"
    assert element(page, "excerpt-form") is None and element(page, "recording-form") is None
    assert "设置录音编号" in text_of(page, "timeline")
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "recording_ref_set")) == 1


TIMESTAMPS = [
    ("录音02:10处", '录音<a class="seek" href="#evidence" data-seek="130">02:10</a>处'),
    ("2：05 与 75:30", '<a class="seek" href="#evidence" data-seek="125">2：05</a> 与 '
                      '<a class="seek" href="#evidence" data-seek="4530">75:30</a>'),
    ("<b>00:07</b> & \"x\"", '&lt;b&gt;<a class="seek" href="#evidence" data-seek="7">00:07'
                            '</a>&lt;/b&gt; &amp; &#34;x&#34;'),
    ("<a href='javascript:alert(1)'>01:00</a>",
     "&lt;a href=&#39;javascript:alert(1)&#39;&gt;<a class=\"seek\" href=\"#evidence\" "
     "data-seek=\"60\">01:00</a>&lt;/a&gt;"),
    ("1:02:10, 12:60, 2026-11-23 10:00:00, 1234:56", "1:02:10, 12:60, 2026-11-23 10:00:00, "
                                                     "1234:56"),
    ("", ""),
]


@pytest.mark.parametrize("text, expected", TIMESTAMPS)
def test_timestamps_become_seek_links_on_escaped_text(text, expected):
    rendered = link_timestamps(text)
    assert isinstance(rendered, Markup) and str(rendered) == expected
    assert link_timestamps(None) == ""


def test_timestamps_are_links_on_the_ticket_and_vote_pages(client, auth, world):
    world.to_vote()   # objection "录音01:20处…", shown on the ticket page and the vote page
    auth.login(world.panel[0])
    link = '<a class="seek" href="#evidence" data-seek="80">01:20</a>'
    assert link in text_of_html(html(client.get(f"/tickets/{world.ticket_id}/vote")),
                                "objection")
    assert link in text_of_html(html(client.get(f"/tickets/{world.ticket_id}")), "appeal")


def text_of_html(page: str, element_id: str) -> str:
    """The raw HTML from the element's opening tag on (enough to find a link inside it)."""
    start = page.index(f'id="{element_id}"')
    return page[start:start + 5000]
