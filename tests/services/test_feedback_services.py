"""Feedback notes (服务反馈便签) against a real database: posting (masked, at most 200
characters), the morning review's outcomes and the records they link, and the notes counted
by the weekly keyword monitor."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.errors import FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import Announcement, EarlyWarning, FeedbackNote
from services import feedback as service
from services import notices, settings
from services.proposals import Basis, create_proposal

pytestmark = pytest.mark.postgres


@pytest.fixture
def floor(make):
    lead, agent = make.team_with_lead()
    return lead, agent, make.user(Role.DUTY_MANAGER)


def test_agents_and_leads_post_masked_notes_of_the_day(db_backend, make, now, floor):
    lead, agent, duty = floor
    note = service.post_note(" 客户13812345678对赠品领取方式有疑问 ", actor=agent, now=now)
    service.post_note("老人对电子支付不太熟练", actor=lead, now=now + timedelta(minutes=5))
    assert note.text == "客户138****5678对赠品领取方式有疑问"
    assert note.day == now.date() and note.team_id == agent.team_id
    with pytest.raises(FormProblems):
        service.post_note("x" * 201, actor=agent, now=now)
    with pytest.raises(FormProblems):
        service.post_note("   ", actor=agent, now=now)
    for other in (duty, make.user(Role.CHECKER)):
        with pytest.raises(NotAllowed):
            service.post_note("看到的问题", actor=other, now=now)
    assert [n.text for n in service.notes_of_day(now.date(), actor=duty)] == [
        "客户138****5678对赠品领取方式有疑问", "老人对电子支付不太熟练"]
    assert service.notes_of_day(now.date() - timedelta(days=1), actor=duty) == []
    assert [n.id for n in service.my_notes(agent)] == [note.id]
    with pytest.raises(NotAllowed):
        service.notes_of_day(now.date(), actor=agent)


def test_the_review_records_each_outcome_once(db_backend, make, now, floor):
    lead, agent, duty = floor
    texts = ("客户说理财到期日和短信通知不一致", "赠品领取方式有疑问", "客户表扬")
    discussed, warned, dismissed = (service.post_note(t, actor=agent, now=now) for t in texts)
    later = now + timedelta(days=1)
    service.review_note(discussed.id, "discussed", note="早会已讨论", actor=duty, now=later)
    service.review_note(warned.id, "warning", actor=duty, now=later)
    service.review_note(dismissed.id, "dismissed", note="非问题", actor=duty, now=later)
    with pytest.raises(InvalidTransition):
        service.review_note(discussed.id, "dismissed", actor=duty, now=later)
    with pytest.raises(InvalidTransition):     # through the announcement's own form
        service.review_note(make_note(agent, now).id, "announcement", actor=duty, now=later)
    with pytest.raises(NotAllowed):
        service.review_note(make_note(agent, now).id, "discussed", actor=lead, now=later)
    with pytest.raises(NotFound):
        service.review_note(999999, "discussed", actor=duty, now=later)
    db.session.expire_all()
    outcomes = {n.id: (n.outcome, n.outcome_note) for n in service.my_notes(agent)}
    assert outcomes[discussed.id] == ("discussed", "早会已讨论")
    assert outcomes[dismissed.id] == ("dismissed", "非问题")
    warning = db.session.get(EarlyWarning, db.session.get(FeedbackNote, warned.id).warning_id)
    assert (warning.kind, warning.note) == ("note", "赠品领取方式有疑问")
    assert [w.id for w in notices.open_warnings()] == [warning.id]


def make_note(agent, now):
    return service.post_note("另一条便签", actor=agent, now=now)


def test_a_note_becomes_an_announcement_or_a_proposal(db_backend, make, now, floor):
    lead, agent, duty = floor
    first, second = make_note(agent, now), make_note(agent, now)
    notice = notices.post(kind="announcement", title="赠品领取口径", body="请按新口径解释",
                          recipients=None, actor=duty, now=now, note_id=first.id)
    proposal = create_proposal(Basis(source="note", note_id=second.id), title="赠品流程",
                               body="建议简化领取流程", actor=duty, now=now)
    db.session.expire_all()
    assert (db.session.get(FeedbackNote, first.id).outcome,
            db.session.get(FeedbackNote, first.id).announcement_id) == ("announcement", notice.id)
    assert (db.session.get(FeedbackNote, second.id).outcome,
            db.session.get(FeedbackNote, second.id).proposal_id) == ("proposal", proposal.id)
    count = db.session.scalar(select(func.count(Announcement.id)))
    with pytest.raises(InvalidTransition):     # handled already: no second announcement
        notices.post(kind="announcement", title="再发", body="再发", recipients=None,
                     actor=duty, now=now, note_id=first.id)
    assert db.session.scalar(select(func.count(Announcement.id))) == count


def test_notes_count_in_the_weekly_keyword_monitor(db_backend, make, now, floor):
    """赠品 appears in no ticket, only in this week's notes: the monitor counts the notes and
    raises a keyword warning (before notes counted, it saw nothing)."""
    _lead, agent, _duty = floor
    settings.update({"monitor_keywords": ["赠品"]}, actor=make.user(Role.ADMIN), now=now)
    make.ticket(at=now, complaint="客户投诉员工解释不清")
    for _ in range(3):
        service.post_note("客户对赠品领取方式有疑问", actor=agent, now=now)
    week = now.date() - timedelta(days=now.weekday())
    assert notices.keyword_share(week, "赠品") == (3, 4)
    assert notices.weekly_warnings(now + timedelta(hours=1)) == 1
    warning = db.session.scalar(select(EarlyWarning))
    assert (warning.kind, warning.key) == ("keyword", "赠品")
    assert json.loads(warning.figures)["hits"] == 3
