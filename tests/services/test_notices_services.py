"""Warnings, announcements and the bell against a real database."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.errors import FormProblems, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import Alert, EarlyWarning
from services import alerts, notices, quality, settings

pytestmark = pytest.mark.postgres
WEEK = timedelta(weeks=1)


def judged(make, checker, code, at, complaint=None):
    fields = {"complaint": complaint} if complaint else {}
    ticket = make.ticket("verifying", checker=checker, accused_no="200333", at=at, **fields)
    ids = [c.id for c in quality.active_criteria() if c.code == code]
    quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=ids,
                  basis="录音", actor=checker, now=at + timedelta(hours=1))
    return ticket


def test_criterion_rule_needs_the_ratio_and_the_minimum(db_backend, make, now):
    """now is Monday 10:00. A1: 3 this week, 1 in each of the 4 weeks before (average 1):
    3 ≥ 1.3 × 1 and ≥ 3 → a warning. A2: 2 this week, none before: under the minimum."""
    checker = make.user(Role.CHECKER)
    duty = make.user(Role.DUTY_MANAGER)
    for _ in range(3):
        judged(make, checker, "A1", now)
    for weeks in range(1, 5):
        judged(make, checker, "A1", now - weeks * WEEK)
    for _ in range(2):
        judged(make, checker, "A2", now)
    assert notices.weekly_warnings(now + timedelta(hours=2)) == 1
    warning = db.session.scalar(select(EarlyWarning))
    assert (warning.kind, warning.key) == ("criterion", "A1")
    assert json.loads(warning.figures) == {"count": 3, "average": 1.0}
    assert notices.weekly_warnings(now + timedelta(hours=3)) == 0   # once per rule and week
    assert db.session.scalar(select(Alert.kind).where(Alert.user_id == duty.id)) == "warning"


def test_keyword_rule_fires_on_a_40_percent_jump(db_backend, make, now):
    """挂断: last week 1 of 4 tickets (25 %), this week 2 of 4 (50 %): +100 % → a warning.
    投诉: in every ticket both weeks: no jump."""
    settings.update({"monitor_keywords": ["挂断", "投诉"]}, actor=make.user(Role.ADMIN), now=now)
    for week_ago, mentions in ((1, 1), (0, 2)):
        for i in range(4):
            text = "客户投诉员工中途挂断电话" if i < mentions else "客户投诉员工解释不清"
            make.ticket(at=now - week_ago * WEEK, complaint=text)
    assert notices.weekly_warnings(now + timedelta(hours=1)) == 1
    warning = db.session.scalar(select(EarlyWarning))
    assert (warning.kind, warning.key) == ("keyword", "挂断")
    assert json.loads(warning.figures) == {"hits": 2, "total": 4, "share": 0.5,
                                           "last_share": 0.25}


def test_a_keyword_matches_percent_and_underscore_as_typed(db_backend, make, now):
    for text in ("客户说收费100%不合理", "客户说收费1000元不合理", "客户账号a_b被锁",
                 "客户账号axb被锁"):
        make.ticket(at=now, complaint=text)
    week = now.date() - timedelta(days=now.weekday())
    assert notices.keyword_share(week, "100%") == (1, 4)
    assert notices.keyword_share(week, "a_b") == (1, 4)
    assert notices.keyword_share(week, "%") == (1, 4)


def test_flag_post_acknowledge(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    duty = make.user(Role.DUTY_MANAGER)
    lead, agent = make.team_with_lead()
    other = make.user(Role.STAFF)
    ticket = make.ticket("verifying", checker=checker)
    with pytest.raises(NotAllowed):
        notices.flag_recurring(ticket.id, note="x", actor=make.user(Role.CHECKER), now=now)
    warning = notices.flag_recurring(ticket.id, note="资费解释易出错", actor=checker, now=now)
    assert [w.id for w in notices.open_warnings()] == [warning.id]
    with pytest.raises(FormProblems):
        notices.post(kind="reminder", title="提醒", body="内容", recipients=["999999"],
                     actor=duty, now=now, warning_id=warning.id)
    reminder = notices.post(kind="reminder", title="提醒", body="请按口径解释",
                            recipients=[agent.employee_no], actor=duty, now=now,
                            warning_id=warning.id)
    assert notices.open_warnings() == []
    assert [u.id for u in notices.not_acknowledged(reminder)] == [agent.id]
    assert [a.id for a in notices.unread_announcements(agent)] == [reminder.id]
    assert notices.unread_announcements(other) == []
    with pytest.raises(NotFound):
        notices.get_announcement(reminder.id, user=other)
    notices.acknowledge(reminder.id, actor=agent, now=now)
    assert notices.unread_announcements(agent) == []
    assert notices.not_acknowledged(reminder) == []
    with pytest.raises(NotFound):          # once
        notices.acknowledge(reminder.id, actor=agent, now=now)
    everyone = notices.post(kind="announcement", title="公告", body="全体", recipients=None,
                            actor=duty, now=now)
    assert {r.user_id for r in everyone.recipients} >= {lead.id, agent.id, other.id}
    assert checker.id not in {r.user_id for r in everyone.recipients}


def test_alerts_follow_the_work(db_backend, make, now):
    """A return reaches the agent, an appeal the owners, a vote its panel, a tie the site head."""
    lead, agent = make.team_with_lead()
    owner = make.user(Role.OWNER)
    make.ticket("returned_to_staff", submitter=agent, lead=lead)
    assert alerts.unread_count(agent) == 1
    kinds = [a.kind for a in alerts.recent_alerts(agent)]
    assert kinds == ["returned"]
    alerts.mark_read(agent, now)
    assert alerts.unread_count(agent) == 0
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, submitter=agent, lead=lead)
    assert [a.kind for a in alerts.recent_alerts(agent)][0] == "claimed"
    quality.escalate(ticket.id, note="长期投诉用户", actor=checker, now=now)
    assert alerts.recent_alerts(owner)[0].kind == "escalated"
