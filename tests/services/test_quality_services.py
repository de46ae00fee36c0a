"""The quality team's use cases against a real database (SQLite, and PostgreSQL when set)."""
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import AuditEntry, HandoverEntry, Notification, SmsMessage, Ticket, User
from services import quality, settings
from services import tickets as ticket_service

pytestmark = pytest.mark.postgres


def fresh(ticket_id):
    db.session.expire_all()
    return db.session.get(Ticket, ticket_id)


def audit_count():
    return db.session.scalar(select(func.count(AuditEntry.id)))


def criterion_ids(*codes):
    return [c.id for c in quality.active_criteria() if c.code in codes]


@pytest.fixture
def verifying(make, now):
    """A back-office ticket claimed by a checker: (ticket, checker)."""
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, accused_no="110234")
    return ticket, checker


def test_sign_routes_the_ticket_and_starts_the_reply_clock(db_backend, make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent, accused_no="800912")
    ticket_service.sign_handover(ticket.id, actor=lead, now=now)
    ticket = fresh(ticket.id)
    assert ticket.route_group == "line_8200"
    assert ticket.reply_due_at == now + timedelta(hours=48)


def test_claim_records_the_checker_on_the_handover_row(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("handed_over")
    quality.claim(ticket.id, actor=checker, now=now)
    ticket = fresh(ticket.id)
    assert (ticket.state, ticket.checker_id) == ("verifying", checker.id)
    row = db.session.scalar(select(HandoverEntry).where(HandoverEntry.ticket_id == ticket.id))
    assert row.received_by_id == checker.id


def test_a_second_claim_is_told_who_has_it(db_backend, make, now):
    first, second = make.user(Role.CHECKER, name="赵敏"), make.user(Role.CHECKER)
    ticket = make.ticket("handed_over")
    quality.claim(ticket.id, actor=first, now=now)
    before = audit_count()
    with pytest.raises(Conflict) as refused:
        quality.claim(ticket.id, actor=second, now=now)
    assert refused.value.params == {"name": "赵敏"}
    assert fresh(ticket.id).checker_id == first.id
    assert audit_count() == before


def test_two_checkers_claiming_at_once_one_wins(db_backend, app, make, now):
    ticket = make.ticket("handed_over")
    ids = [make.user(Role.CHECKER).id, make.user(Role.CHECKER).id]
    version = ticket.version
    db.session.remove()
    barrier = threading.Barrier(2)

    def attempt(user_id):
        with app.app_context():
            actor = db.session.get(User, user_id)
            db.session.close()
            barrier.wait(timeout=20)
            try:
                quality.claim(ticket.id, actor=actor, now=now, version=version)
                return "won"
            except Conflict as exc:
                return exc.params.get("name") or "conflict"
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(attempt, ids))
    assert results.count("won") == 1
    winner = ids[results.index("won")]
    loser_message = [r for r in results if r != "won"][0]
    assert loser_message == db.session.get(User, winner).name
    assert fresh(ticket.id).checker_id == winner
    claims = db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.ticket_id == ticket.id, AuditEntry.action == "claim"))
    assert claims == 1


def test_a_checker_never_handles_their_own_ticket(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("handed_over", accused_no=checker.employee_no)
    with pytest.raises(NotAllowed):
        quality.claim(ticket.id, actor=checker, now=now)
    assert fresh(ticket.id).state == "handed_over"


def test_setting_the_accused_routes_again(db_backend, verifying, now):
    ticket, checker = verifying
    quality.set_accused(ticket.id, "350001", actor=checker, now=now)
    assert fresh(ticket.id).route_group == "line_9696"
    quality.set_accused(ticket.id, "300001", actor=checker, now=now)
    assert fresh(ticket.id).route_group is None


def test_unaccepted_employee_no_can_only_be_returned_as_r2(db_backend, verifying, now):
    ticket, checker = verifying
    quality.set_accused(ticket.id, "100161", actor=checker, now=now)  # still back office
    quality.set_accused(ticket.id, "300001", actor=checker, now=now)  # no group
    with pytest.raises(quality.FormProblems) as problems:
        quality.judge(ticket.id, kind="attitude", verdict="not_established", criteria_ids=[],
                      basis="x", actor=checker, now=now)
    assert "accused_no" in problems.value.problems
    with pytest.raises(quality.FormProblems):
        quality.return_to_lead(ticket.id, reason="R1", remarks="", actor=checker, now=now)
    quality.return_to_lead(ticket.id, reason="R2", remarks="10016员工", actor=checker, now=now)
    ticket = fresh(ticket.id)
    assert ticket.state == "returned_to_lead"
    assert (ticket.handover.return_reason, ticket.handover.remarks) == ("R2", "10016员工")


def test_back_office_needs_a_logged_notification_before_judging(db_backend, verifying, now):
    ticket, checker = verifying
    args = dict(kind="attitude", verdict="established", criteria_ids=criterion_ids("A1"),
                basis="录音中员工反问客户", actor=checker, now=now)
    with pytest.raises(quality.FormProblems) as problems:
        quality.judge(ticket.id, **args)
    assert "accused_no" in problems.value.problems
    row = quality.log_notification(ticket.id, called_at=now - timedelta(minutes=5),
                                   other_lead_name="钱七", actor=checker, now=now)
    assert row.number_called == "89087814"
    quality.judge(ticket.id, **args)
    ticket = fresh(ticket.id)
    assert ticket.state == "judged"
    assert ticket.judgement.verdict == "established"
    assert [c.code for c in ticket.judgement.criteria] == ["A1"]
    assert ticket.appeal_until == now + timedelta(hours=72)


@pytest.mark.parametrize("kind, verdict, codes, basis, field", [
    ("attitude", "established", [], "依据", "criteria"),
    ("attitude", "established", ["B1"], "依据", "criteria"),   # criterion of the other type
    ("business", "established", ["B1"], "  ", "basis"),
    ("weird", "established", [], "依据", "kind"),
])
def test_incomplete_judgements_are_refused_and_change_nothing(db_backend, verifying, now, kind,
                                                              verdict, codes, basis, field):
    ticket, checker = verifying
    quality.log_notification(ticket.id, called_at=now, other_lead_name="钱七", actor=checker,
                             now=now)
    before = (fresh(ticket.id).version, audit_count())
    with pytest.raises(quality.FormProblems) as problems:
        quality.judge(ticket.id, kind=kind, verdict=verdict, criteria_ids=criterion_ids(*codes),
                      basis=basis, actor=checker, now=now)
    assert field in problems.value.problems
    assert (fresh(ticket.id).state, fresh(ticket.id).version, audit_count()) == (
        "verifying", *before)


def test_only_the_claimant_acts(db_backend, verifying, make, now):
    ticket, _ = verifying
    other = make.user(Role.OWNER)
    for call in (
        lambda: quality.log_attempt(ticket.id, at=now, reached=False, note="", actor=other,
                                    now=now),
        lambda: quality.judge(ticket.id, kind="attitude", verdict="not_established",
                              criteria_ids=[], basis="x", actor=other, now=now),
        lambda: quality.return_to_lead(ticket.id, reason="R1", remarks="", actor=other, now=now),
    ):
        with pytest.raises(NotAllowed):
            call()


def test_sms_guard_and_the_three_day_rule(db_backend, verifying, now):
    ticket, checker = verifying
    with pytest.raises(InvalidTransition):  # no failed call yet
        quality.send_sms(ticket.id, kind="notice", text="请来电", actor=checker, now=now)
    quality.log_attempt(ticket.id, at=now, reached=False, note="关机", actor=checker, now=now)
    with pytest.raises(quality.FormProblems) as problems:
        quality.send_sms(ticket.id, kind="notice", text="您的投诉不成立", actor=checker, now=now)
    assert problems.value.problems["text"][1] == {"words": "成立、不成立"}
    quality.send_sms(ticket.id, kind="notice", text="请致电10010", actor=checker, now=now)
    with pytest.raises(InvalidTransition):  # one day of failed calls, however long ago
        quality.send_sms(ticket.id, kind="reply", text="请致电10010", actor=checker,
                         now=now + timedelta(hours=100))
    for day in (1, 2):
        at = now + timedelta(days=day)
        quality.log_attempt(ticket.id, at=at, reached=False, note="关机", actor=checker, now=at)
    later = now + timedelta(days=2, minutes=5)
    quality.send_sms(ticket.id, kind="reply", text="请致电10010查询结果", actor=checker, now=later)
    ticket = fresh(ticket.id)
    assert (ticket.reply_method, ticket.reply_done_at) == ("sms", later)
    outbox = db.session.scalars(select(SmsMessage).order_by(SmsMessage.id)).all()
    assert [(m.kind, m.status, m.number) for m in outbox] == [
        ("notice", "recorded", ticket.contact_number), ("reply", "recorded", ticket.contact_number)]


def test_the_verdict_word_list_is_configurable(db_backend, verifying, make, now):
    ticket, checker = verifying
    admin = make.user(Role.ADMIN)
    quality.log_attempt(ticket.id, at=now, reached=False, note="", actor=checker, now=now)
    settings.update({"sms_forbidden_words": ["赔偿"]}, actor=admin, now=now)
    quality.send_sms(ticket.id, kind="notice", text="投诉成立与否请来电", actor=checker, now=now)
    with pytest.raises(quality.FormProblems):
        quality.send_sms(ticket.id, kind="notice", text="关于赔偿请来电", actor=checker, now=now)


def test_reply_methods_have_their_conditions(db_backend, verifying, now):
    ticket, checker = verifying
    with pytest.raises(quality.FormProblems):
        quality.complete_reply(ticket.id, method="phone", note="", actor=checker, now=now)
    with pytest.raises(quality.FormProblems):
        quality.complete_reply(ticket.id, method="explain", note="口径", actor=checker, now=now)
    quality.log_attempt(ticket.id, at=now, reached=True, note="已解释", actor=checker, now=now)
    quality.complete_reply(ticket.id, method="phone", note="", actor=checker, now=now)
    assert fresh(ticket.id).reply_method == "phone"
    with pytest.raises(InvalidTransition):
        quality.complete_reply(ticket.id, method="other", note="x", actor=checker, now=now)


def judged_and_replied(ticket, checker, now, verdict="established"):
    quality.log_notification(ticket.id, called_at=now, other_lead_name="钱七", actor=checker,
                             now=now)
    quality.judge(ticket.id, kind="attitude", verdict=verdict,
                  criteria_ids=criterion_ids("A2") if verdict == "established" else [],
                  basis="录音", actor=checker, now=now)
    quality.log_attempt(ticket.id, at=now, reached=True, note="", actor=checker, now=now)
    quality.complete_reply(ticket.id, method="phone", note="", actor=checker, now=now)


def test_sweep_closes_only_after_the_appeal_window(db_backend, verifying, now):
    ticket, checker = verifying
    judged_and_replied(ticket, checker, now)
    assert quality.close_due(now + timedelta(hours=71)) == 0
    assert fresh(ticket.id).state == "judged"
    assert quality.close_due(now + timedelta(hours=72)) == 1
    ticket = fresh(ticket.id)
    assert (ticket.state, ticket.closed_at) == ("closed", now + timedelta(hours=72))
    last = service_timeline(ticket)[-1]
    assert (last.action, last.actor_id, last.to_state) == ("close", None, "closed")
    assert quality.close_due(now + timedelta(hours=100)) == 0  # idempotent


def test_a_not_established_verdict_closes_once_replied(db_backend, verifying, now):
    ticket, checker = verifying
    judged_and_replied(ticket, checker, now, verdict="not_established")
    assert quality.close_if_due(ticket.id, now) is True


def test_no_reply_no_close(db_backend, verifying, now):
    ticket, checker = verifying
    quality.log_notification(ticket.id, called_at=now, other_lead_name="钱七", actor=checker,
                             now=now)
    quality.judge(ticket.id, kind="attitude", verdict="not_established", criteria_ids=[],
                  basis="录音", actor=checker, now=now)
    assert quality.close_due(now + timedelta(days=30)) == 0


def test_lead_confirms_a_return(db_backend, make, now):
    lead, agent = make.team_with_lead()
    other_lead, _ = make.team_with_lead()
    ticket = make.ticket("returned_to_lead", submitter=agent)
    assert [t.id for t in quality.returns_to_confirm(actor=lead)] == [ticket.id]
    with pytest.raises(NotFound):  # another team's ticket: not even visible
        quality.confirm_return(ticket.id, actor=other_lead, now=now)
    quality.confirm_return(ticket.id, actor=lead, now=now)
    ticket = fresh(ticket.id)
    assert ticket.state == "return_confirmed"
    assert (ticket.handover.return_confirmed_by_id, ticket.handover.return_confirmed_at) == (
        lead.id, now)


def test_reveal_is_audited_and_limited(db_backend, verifying, make, now):
    ticket, checker = verifying
    with pytest.raises(NotAllowed):
        quality.reveal_phone(ticket.id, actor=make.user(Role.CHECKER), now=now)
    quality.reveal_phone(ticket.id, actor=checker, now=now)
    quality.reveal_phone(ticket.id, actor=make.user(Role.OWNER), now=now)
    reveals = db.session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "reveal_phone", AuditEntry.ticket_id == ticket.id))
    assert reveals == 2


def test_queue_filters_and_search(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    front = make.ticket("handed_over", accused_no="200333", caller_number="13812349876")
    back = make.ticket("verifying", checker=checker, accused_no="110234")

    def ids(**filters):
        return [t.id for t in quality.queue(quality.QueueFilter(**filters), actor=checker)]

    assert set(ids()) == {front.id, back.id}
    assert ids(group="back") == [back.id]
    assert ids(checker="me") == [back.id]
    assert ids(checker="none") == [front.id]
    assert ids(q="13812349876") == [front.id]     # a customer's whole number
    assert ids(q=fresh(back.id).number) == [back.id]
    assert ids(q="110234") == [back.id]           # accused employee no.
    assert ids(q="38123") == []                   # the middle of a number finds nothing


def test_notifications_form_the_days_whitelist_table(db_backend, verifying, now):
    ticket, checker = verifying
    quality.log_notification(ticket.id, called_at=now - timedelta(hours=1),
                             other_lead_name="钱七", actor=checker, now=now)
    rows = quality.notifications_on(now - timedelta(hours=2), now)
    assert [(r.ticket_id, r.group, r.other_lead_name) for r in rows] == [
        (ticket.id, "back", "钱七")]
    quality.update_notification(rows[0].id, tracking="answered", result="后台已回复用户",
                                actor=checker, now=now)
    db.session.expire_all()
    assert db.session.get(Notification, rows[0].id).tracking == "answered"


def service_timeline(ticket):
    return ticket_service.timeline(ticket)


def test_queue_search_treats_percent_and_underscore_as_text(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    make.ticket("handed_over")
    for text in ("%", "_", "ZK-%", "\\"):
        assert quality.queue(quality.QueueFilter(q=text), actor=checker) == []


def test_queue_search_finds_a_customer_only_by_the_whole_number(db_backend, make, now):
    """A fragment of a customer's number finds nothing, so the masked 186****2222 in the
    list cannot be completed by searching; the whole number, however typed, finds the ticket."""
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("handed_over", caller_number="18612342222",
                         contact_number="13912345678")

    def ids(q):
        return [t.id for t in quality.queue(quality.QueueFilter(q=q), actor=checker)]

    for fragment in ("2222", "42222", "342222", "2342222", "12342222", "612342222",
                     "8612342222", "1861234222", "1234", "186%2222", "186__342222",
                     "1861234222_", "%2222"):
        assert ids(fragment) == [], fragment
        assert quality.queue_count(quality.QueueFilter(q=fragment), actor=checker) == 0
    for whole in ("18612342222", "186 1234 2222", "+86 186-1234-2222", "１８６１２３４２２２２",
                  "13912345678", "139-1234-5678"):
        assert ids(whole) == [ticket.id], whole
    assert ids(fresh(ticket.id).number[-4:]) == [ticket.id]   # a fragment of the ticket no.


def test_any_due_says_whether_close_due_has_work(db_backend, verifying, now):
    ticket, checker = verifying
    assert quality.any_due(now + timedelta(days=30)) is False     # not judged
    judged_and_replied(ticket, checker, now)
    assert quality.any_due(now + timedelta(hours=71)) is False    # appeal window open
    assert quality.any_due(now + timedelta(hours=72)) is True
    assert quality.close_due(now + timedelta(hours=72)) == 1
    assert quality.any_due(now + timedelta(hours=100)) is False   # nothing left to close


def test_queue_pages_follow_the_deadline_then_the_id(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    tickets = [make.ticket("handed_over", at=now + timedelta(minutes=m)) for m in (5, 0, 0, 5, 0)]
    expected = [t.id for t in sorted(tickets, key=lambda t: (t.reply_due_at, t.id))]
    shown, after = [], None
    while True:
        page = quality.queue(quality.QueueFilter(), actor=checker, limit=2, after=after)
        if not page:
            break
        shown += [row.id for row in page]
        after = page[-1].id
    assert shown == expected
    assert quality.queue_count(quality.QueueFilter(), actor=checker) == 5
    assert quality.queue_count(quality.QueueFilter(), actor=checker, cap=3) == 4  # "3+"
    assert quality.queue_count(quality.QueueFilter(state="closed"), actor=checker) == 0


def test_queue_ignores_a_checker_that_is_no_id(db_backend, make, now):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("handed_over")
    for value in ("x", "99999999999999999999999", "0"):
        rows = quality.queue(quality.QueueFilter(checker=value), actor=checker)
        assert [row.id for row in rows] == [ticket.id]
    assert quality.queue(quality.QueueFilter(checker=str(checker.id)), actor=checker) == []
