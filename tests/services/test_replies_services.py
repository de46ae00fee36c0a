"""The reply record's rules against a real database (SQLite, and PostgreSQL when set): the SMS
reply and the direct explanation open after failed calls on three different local days, not
72 hours after the first one; the decision on an escalated customer names the method and the
one who replies."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from domain.errors import FormProblems, InvalidTransition, NotAllowed
from domain.roles import Role
from extensions import db
from models import Alert, AuditEntry, Ticket
from services import quality, replies, settings

pytestmark = pytest.mark.postgres

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    """Shanghai wall-clock time as the naive UTC the database stores."""
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(
        ZoneInfo("UTC")).replace(tzinfo=None)


def fresh(ticket_id):
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


@pytest.fixture
def claimed(make, now):
    """A front-desk ticket claimed by a checker on Monday 2026-11-23: (ticket, checker)."""
    checker = make.user(Role.CHECKER)
    return make.ticket("verifying", checker=checker, accused_no="170333"), checker


def fail(ticket, checker, when: str, note="无人接听"):
    at = local(when)
    quality.log_attempt(ticket.id, at=at, reached=False, note=note, actor=checker, now=at)


def sms_reply(ticket, checker, now):
    return quality.send_sms(ticket.id, kind="reply", text="您反映的问题已处理，请致电10010查询",
                            actor=checker, now=now)


def test_72_hours_after_one_failed_call_is_not_three_days_of_calls(db_backend, claimed):
    ticket, checker = claimed
    fail(ticket, checker, "2026-11-23 10:00")
    fail(ticket, checker, "2026-11-23 16:00")   # the same day: still one day
    later = local("2026-11-27 10:00")           # 96 hours on
    with pytest.raises(InvalidTransition) as refused:
        sms_reply(ticket, checker, later)
    assert refused.value.params == {"n": 3}
    with pytest.raises(FormProblems) as problems:
        quality.complete_reply(ticket.id, method="explain", note="长期欠停，来电时解释",
                               actor=checker, now=later)
    assert problems.value.problems["method"][1] == {"n": 3}
    assert fresh(ticket.id).reply_done_at is None


def test_failed_calls_on_three_local_days_open_the_sms_reply_within_a_day(db_backend, claimed):
    ticket, checker = claimed
    fail(ticket, checker, "2026-11-23 23:50")
    fail(ticket, checker, "2026-11-24 00:10")
    with pytest.raises(InvalidTransition):
        sms_reply(ticket, checker, local("2026-11-24 12:00"))
    fail(ticket, checker, "2026-11-25 00:05")  # 24 h 15 min after the first: the third day
    sms_reply(ticket, checker, local("2026-11-25 00:06"))
    ticket = fresh(ticket.id)
    assert (ticket.reply_method, ticket.reply_done_at) == ("sms", local("2026-11-25 00:06"))


def test_the_direct_explanation_follows_the_same_days(db_backend, claimed):
    ticket, checker = claimed
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        fail(ticket, checker, f"{day} 09:30", note="停机")
    quality.complete_reply(ticket.id, method="explain", note="用户长期欠停，来电时按此解释",
                           actor=checker, now=local("2026-11-25 10:00"))
    assert fresh(ticket.id).reply_method == "explain"


def test_the_number_of_days_is_a_setting(db_backend, claimed, make, now):
    ticket, checker = claimed
    limits = {**settings.get("limits"), "follow_up_days": 2}
    settings.update({"limits": limits}, actor=make.user(Role.ADMIN), now=now)
    fail(ticket, checker, "2026-11-23 11:00")
    fail(ticket, checker, "2026-11-24 11:00")
    sms_reply(ticket, checker, local("2026-11-24 11:05"))
    assert fresh(ticket.id).reply_method == "sms"


def test_a_call_that_reached_the_customer_means_a_phone_reply(db_backend, claimed):
    ticket, checker = claimed
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        fail(ticket, checker, f"{day} 09:30")
    at = local("2026-11-25 15:00")
    quality.log_attempt(ticket.id, at=at, reached=True, note="已告知结果", actor=checker, now=at)
    with pytest.raises(InvalidTransition):
        sms_reply(ticket, checker, at)
    quality.complete_reply(ticket.id, method="phone", note="", actor=checker, now=at)
    assert fresh(ticket.id).reply_method == "phone"


def test_the_sms_notice_after_each_failed_call_stays(db_backend, claimed):
    ticket, checker = claimed
    fail(ticket, checker, "2026-11-23 10:00")
    quality.send_sms(ticket.id, kind="notice", text="我们未能联系上您，请方便时致电10010",
                     actor=checker, now=local("2026-11-23 10:01"))
    assert [m.kind for m in fresh(ticket.id).sms] == ["notice"]


# --- the decision on an escalated customer -----------------------------------------------------

@pytest.fixture
def escalated(claimed, now):
    ticket, checker = claimed
    quality.escalate(ticket.id, note="长期投诉用户，多次来电", actor=checker, now=now)
    return ticket, checker


def decide(ticket, actor, now, *, method="sms", replier=None, note="多次投诉，改为短信回复"):
    return replies.decide_reply(ticket.id, method=method,
                                replier_id=replier.id if replier else None, note=note,
                                actor=actor, now=now)


def test_a_duty_manager_decides_and_the_replier_is_alerted(db_backend, escalated, make, now):
    ticket, checker = escalated
    duty, owner = make.user(Role.DUTY_MANAGER), make.user(Role.OWNER)
    decide(ticket, duty, now, replier=owner)
    ticket = fresh(ticket.id)
    assert (ticket.reply_decision, ticket.replier_id, ticket.reply_decided_by_id) == (
        "sms", owner.id, duty.id)
    alerted = set(db.session.scalars(select(Alert.user_id).where(Alert.kind == "reply_decided")))
    assert alerted == {owner.id, checker.id}
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.ticket_id == ticket.id, AuditEntry.action == "reply_decision")).one()
    assert (entry.actor_id, entry.note) == (duty.id, "多次投诉，改为短信回复")
    assert entry.details["method"] == "sms" and owner.employee_no in entry.details["replier"]


def test_the_decided_sms_needs_no_days_of_calls_and_the_replier_keeps_the_record(
        db_backend, escalated, make, now):
    ticket, checker = escalated
    owner = make.user(Role.OWNER)
    decide(ticket, make.user(Role.DUTY_MANAGER), now, replier=owner)
    with pytest.raises(NotAllowed):  # the claimant no longer answers this customer
        fail(ticket, checker, "2026-11-23 11:00")
    sms_reply(ticket, owner, now + timedelta(minutes=5))
    ticket = fresh(ticket.id)
    assert (ticket.reply_method, ticket.reply_done_at) == ("sms", now + timedelta(minutes=5))


def test_the_decided_method_is_the_one_recorded(db_backend, escalated, make, now):
    ticket, checker = escalated
    decide(ticket, make.user(Role.OWNER), now, method="explain", replier=checker,
           note="无理投诉，直接备注解释口径")
    with pytest.raises(FormProblems) as problems:
        quality.complete_reply(ticket.id, method="other", note="已形成投诉工单", actor=checker,
                               now=now)
    assert "method" in problems.value.problems
    with pytest.raises(InvalidTransition):
        sms_reply(ticket, checker, now)
    quality.complete_reply(ticket.id, method="explain", note="来电时解释：已核实处理",
                           actor=checker, now=now)
    assert fresh(ticket.id).reply_method == "explain"


def test_who_decides_and_who_may_reply(db_backend, escalated, make, now):
    ticket, checker = escalated
    owner = make.user(Role.OWNER)
    with pytest.raises(NotAllowed):
        decide(ticket, checker, now, replier=checker)
    for replier in (make.user(Role.DUTY_MANAGER), make.user(Role.CHECKER, active=False), None,
                    make.user(Role.CHECKER, employee_no="170333")):  # the accused agent's no.
        with pytest.raises(FormProblems) as problems:
            decide(ticket, owner, now, replier=replier)
        assert set(problems.value.problems) == {"replier"}
    with pytest.raises(FormProblems) as problems:
        decide(ticket, owner, now, method="fax", replier=checker, note="")
    assert set(problems.value.problems) == {"method", "note"}
    assert fresh(ticket.id).reply_decision is None


def test_only_an_escalated_unanswered_customer_gets_a_decision(db_backend, claimed, make, now):
    ticket, checker = claimed
    owner = make.user(Role.OWNER)
    with pytest.raises(InvalidTransition):
        decide(ticket, owner, now, replier=checker)
    quality.escalate(ticket.id, note="无理投诉", actor=checker, now=now)
    quality.complete_reply(ticket.id, method="other", note="已形成投诉工单", actor=checker, now=now)
    with pytest.raises(InvalidTransition):
        decide(ticket, owner, now, replier=checker)
