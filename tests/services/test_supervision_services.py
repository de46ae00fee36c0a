"""Supervision orders (督办单) against a real database: who issues and answers, masking, the
guarded close, the overdue alert raised once, and the one-query ticket section."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from extensions import db
from models import Alert, AuditEntry, SupervisionOrder
from services import supervision as service
from services import tickets as ticket_service
from services.supervision import OrderInput

pytestmark = pytest.mark.postgres
DAY = timedelta(days=1)


def order_input(now, **fields):
    values = dict(request="请反馈后台对该投诉的处理结果", due_at=now + DAY,
                  recipient_no="", department="后台当班领班", department_contact="钱七 89087814")
    values.update(fields)
    return OrderInput(**values)


def alerts_of(user, kind):
    return db.session.scalar(select(func.count(Alert.id)).where(
        Alert.user_id == user.id, Alert.kind == kind))


@pytest.fixture
def world(make):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, accused_no="110234")
    return checker, ticket


def test_a_checker_issues_to_a_user_who_is_alerted_and_answers(db_backend, make, now, world):
    checker, ticket = world
    lead = make.user(Role.TEAM_LEAD)
    order = service.issue_order(ticket.id, order_input(
        now, recipient_no=lead.employee_no, department="", department_contact="",
        request="客户13812345678反映未回电，请于明日前答复"), actor=checker, now=now)
    assert order.state == "open" and order.recipient_id == lead.id
    assert "13812345678" not in order.request and "138****5678" in order.request
    assert alerts_of(lead, "supervision") == 1
    assert [o.id for o in service.open_for(lead)] == [order.id]
    service.answer_order(order.id, answer="已督促后台今日回电", actor=lead, now=now + DAY / 2)
    db.session.expire_all()
    order = db.session.get(SupervisionOrder, order.id)
    assert (order.state, order.answered_by_id) == ("answered", lead.id)
    assert alerts_of(checker, "supervision_answered") == 1
    assert service.open_for(lead) == []
    actions = list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.ticket_id == ticket.id, AuditEntry.action.like("supervision%"))))
    assert actions == ["supervision_issue", "supervision_answer"]


def test_a_department_order_is_answered_or_closed_by_the_quality_team(db_backend, make, now,
                                                                      world):
    checker, ticket = world
    owner = make.user(Role.OWNER)
    first = service.issue_order(ticket.id, order_input(now), actor=checker, now=now)
    second = service.issue_order(ticket.id, order_input(now), actor=checker, now=now)
    assert service.addressee(first) == "后台当班领班 钱七 89087814"
    service.answer_order(first.id, answer="后台已回电客户", actor=checker, now=now)
    service.record_no_answer(second.id, note="两次催办无回复", actor=owner, now=now + 2 * DAY)
    db.session.expire_all()
    assert db.session.get(SupervisionOrder, second.id).state == "no_answer"
    with pytest.raises(InvalidTransition):   # closed already: nothing changes
        service.answer_order(second.id, answer="迟到的答复", actor=checker, now=now)
    assert db.session.get(SupervisionOrder, second.id).answer == "两次催办无回复"


def test_who_may_issue_and_answer(db_backend, make, now, world):
    checker, ticket = world
    duty, agent = make.user(Role.DUTY_MANAGER), make.user(Role.STAFF)
    for outsider in (duty, agent):
        with pytest.raises((NotAllowed, NotFound)):
            service.issue_order(ticket.id, order_input(now), actor=outsider, now=now)
    submitted = make.ticket()   # not signed over: the quality team does not have it
    with pytest.raises(NotFound):
        service.issue_order(submitted.id, order_input(now), actor=checker, now=now)
    order = service.issue_order(ticket.id, order_input(now, department="", department_contact="",
                                                       recipient_no=duty.employee_no),
                                actor=checker, now=now)
    with pytest.raises(NotFound):            # not addressed to them, cannot read it
        service.answer_order(order.id, answer="x", actor=agent, now=now)
    with pytest.raises(NotAllowed):          # the recipient answers, but cannot close unanswered
        service.record_no_answer(order.id, note="", actor=duty, now=now)
    other_checker = make.user(Role.CHECKER)
    with pytest.raises(NotAllowed):
        service.record_no_answer(order.id, note="", actor=other_checker, now=now)
    assert db.session.get(SupervisionOrder, order.id).state == "open"


@pytest.mark.parametrize("fields, field", [
    ({"request": " "}, "request"),
    ({"due_at": None}, "due_at"),
    ({"due_at": "past"}, "due_at"),
    ({"department": ""}, "recipient_no"),
    ({"recipient_no": "999999"}, "recipient_no"),
    ({"recipient_no": "SELF", "department": ""}, "recipient_no"),
])
def test_bad_input_is_refused_beside_its_field(db_backend, make, now, world, fields, field):
    checker, ticket = world
    if fields.get("due_at") == "past":
        fields["due_at"] = now - timedelta(minutes=1)
    if fields.get("recipient_no") == "SELF":
        fields["recipient_no"] = checker.employee_no
    with pytest.raises(FormProblems) as refused:
        service.issue_order(ticket.id, order_input(now, **fields), actor=checker, now=now)
    assert field in refused.value.problems
    assert db.session.scalar(select(func.count(SupervisionOrder.id))) == 0


def test_a_stale_form_changes_nothing(db_backend, make, now, world):
    checker, ticket = world
    order = service.issue_order(ticket.id, order_input(now), actor=checker, now=now)
    version = order.version
    service.answer_order(order.id, answer="已答复", actor=checker, now=now)
    with pytest.raises((Conflict, InvalidTransition)):
        service.record_no_answer(order.id, note="", actor=checker, now=now, version=version)


def test_an_overdue_order_alerts_the_owner_once(db_backend, make, now, world):
    checker, ticket = world
    owner = make.user(Role.OWNER)
    late = service.issue_order(ticket.id, order_input(now), actor=checker, now=now)
    answered = service.issue_order(ticket.id, order_input(now), actor=checker, now=now)
    service.answer_order(answered.id, answer="已答复", actor=checker, now=now)
    service.issue_order(ticket.id, order_input(now, due_at=now + 3 * DAY), actor=checker,
                        now=now)
    assert service.alert_overdue(now + DAY / 2) == 0          # nothing due yet
    assert service.alert_overdue(now + DAY + timedelta(minutes=1)) == 1
    assert service.alert_overdue(now + 2 * DAY) == 0          # once per order
    assert alerts_of(owner, "supervision_overdue") == 1
    assert alerts_of(checker, "supervision_overdue") == 1
    assert db.session.scalar(select(Alert.ref_id).where(
        Alert.kind == "supervision_overdue", Alert.user_id == owner.id)) == late.id
    assert service.open_counts(now + 2 * DAY) == (2, 1)


def test_the_list_puts_open_orders_first_by_due_time(db_backend, make, now, world):
    checker, ticket = world
    lead = make.user(Role.TEAM_LEAD)
    later = service.issue_order(ticket.id, order_input(now, due_at=now + 3 * DAY), actor=checker,
                                now=now)
    done = service.issue_order(ticket.id, order_input(now, due_at=now + DAY / 4), actor=checker,
                               now=now)
    sooner = service.issue_order(ticket.id, order_input(now, due_at=now + DAY), actor=checker,
                                 now=now)
    mine = service.issue_order(ticket.id, order_input(
        now, recipient_no=lead.employee_no, department="", department_contact=""),
        actor=checker, now=now)
    service.answer_order(done.id, answer="好", actor=checker, now=now)
    rows, _ = service.list_orders(checker, show="all")
    assert [o.id for o in rows] == [sooner.id, mine.id, later.id, done.id]
    rows, _ = service.list_orders(checker, show="open")
    assert done.id not in [o.id for o in rows]
    assert [o.id for o in service.list_orders(lead, show="all")[0]] == [mine.id]


def test_the_ticket_page_knows_whether_there_are_orders(db_backend, make, now, world):
    checker, ticket = world
    _, extras = ticket_service.load_page(ticket.id, actor=checker)
    assert extras.has_orders is False
    service.issue_order(ticket.id, order_input(now), actor=checker, now=now)
    db.session.expire_all()
    _, extras = ticket_service.load_page(ticket.id, actor=checker)
    assert extras.has_orders is True
    assert len(service.orders_of_ticket(ticket.id)) == 1
