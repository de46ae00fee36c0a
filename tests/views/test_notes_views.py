"""服务反馈便签 pages: an agent posts from home (mistakes beside the field, text kept), the
duty manager's review of yesterday's notes with a day picker, each outcome, and the author's
list showing what became of each note."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import Announcement, FeedbackNote
from services import feedback

from ._support import count, element, html, text_of, version_of


@pytest.fixture
def floor(make):
    lead, agent = make.team_with_lead()
    return lead, agent, make.user(Role.DUTY_MANAGER, name="吴刚")


def test_an_agent_posts_a_note_from_home(client, auth, floor):
    _lead, agent, _duty = floor
    auth.login(agent)
    home = html(client.get("/"))
    assert element(home, "note-form") is not None
    response = client.post("/notes/mine", data={"text": "客" * 201, "next": "/"})
    assert response.status_code == 422
    page = html(response)
    assert "200" in text_of(page, "text-field") and "客" * 201 in page
    response = client.post("/notes/mine", data={"text": "客户13812345678对赠品领取方式有疑问",
                                                "next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    mine = text_of(html(client.get("/")), "home-my-notes")
    assert "客户138****5678对赠品领取方式有疑问" in mine and "待处理" in mine


def test_the_duty_manager_reviews_yesterdays_notes(client, auth, make, now, floor):
    _lead, agent, duty = floor
    yesterday = now - timedelta(days=1)
    discussed = feedback.post_note("理财到期日和短信通知不一致", actor=agent, now=yesterday)
    warned = feedback.post_note("赠品领取方式有疑问", actor=agent, now=yesterday)
    announced = feedback.post_note("宽带提速口径不清", actor=agent, now=yesterday)
    today = feedback.post_note("今天的便签", actor=agent, now=now)
    auth.login(duty)
    assert text_of(html(client.get("/")), "home-notes").endswith("3")
    page = html(client.get("/notes"))
    assert element(page, f"note-{discussed.id}") is not None
    assert element(page, f"note-{today.id}") is None
    assert element(html(client.get(f"/notes?day={now.date().isoformat()}")),
                   f"note-{today.id}") is not None
    response = client.post(f"/notes/{discussed.id}/review", data={
        "outcome": "discussed", "note": "早会已讨论",
        "version": version_of(FeedbackNote, discussed.id)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#note-{discussed.id}")
    response = client.post(f"/notes/{warned.id}/review", data={
        "outcome": "warning", "version": version_of(FeedbackNote, warned.id)})
    assert response.status_code == 303
    response = client.post(f"/notes/{warned.id}/review", data={
        "outcome": "dismissed", "version": version_of(FeedbackNote, warned.id)})
    assert response.status_code == 409 and "该便签已处理" in html(response)
    response = client.post(f"/notes/{announced.id}/review", data={
        "outcome": "discussed", "note": "x" * 201,
        "version": version_of(FeedbackNote, announced.id)})
    assert response.status_code == 422
    assert "200" in text_of(html(response), f"note-{announced.id}")
    form = html(client.get(f"/announcements/new?note={announced.id}"))
    assert "宽带提速口径不清" in text_of(form, "from-note")
    response = client.post("/announcements/new", data={
        "kind": "announcement", "title": "宽带提速口径", "body": "请按新口径解释",
        "note_id": announced.id})
    assert response.status_code == 303
    assert "/warnings" in html(client.get("/warnings")) and "赠品领取方式有疑问" in html(
        client.get("/warnings"))
    auth.logout()
    auth.login(agent)
    page = html(client.get("/notes/mine"))
    assert "已讨论" in text_of(page, f"note-{discussed.id}")
    assert "早会已讨论" in text_of(page, f"note-{discussed.id}")
    assert "已转为预警" in text_of(page, f"note-{warned.id}")
    assert "已转为公告" in text_of(page, f"note-{announced.id}")
    notice = db.session.scalar(select(Announcement))
    assert db.session.get(FeedbackNote, announced.id).announcement_id == notice.id


def test_who_may_post_and_review(client, auth, make, now, floor):
    lead, agent, duty = floor
    note = feedback.post_note("便签", actor=agent, now=now)
    auth.login(make.user(Role.CHECKER))
    assert client.post("/notes/mine", data={"text": "x"}).status_code == 403
    assert client.get("/notes").status_code == 403
    auth.logout()
    auth.login(lead)
    assert client.post(f"/notes/{note.id}/review", data={
        "outcome": "dismissed", "version": note.version}).status_code == 403
    assert count(FeedbackNote) == 1 and db.session.get(FeedbackNote, note.id).outcome is None


def test_an_outcome_without_the_version_is_refused(client, auth, now, floor):
    _lead, agent, duty = floor
    note = feedback.post_note("赠品领取方式有疑问", actor=agent, now=now - timedelta(days=1))
    auth.login(duty)
    response = client.post(f"/notes/{note.id}/review", data={"outcome": "discussed"})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(FeedbackNote, note.id).outcome is None
