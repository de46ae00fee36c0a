"""督办单 pages: issued from the ticket page (mistakes beside the fields, what was typed kept),
the recipient's home, bell and answer, the list with overdue orders marked, the print and the
XLSX, and a ticket page that reads orders only when there are some."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select

from domain.roles import Role
from extensions import db
from models import SupervisionOrder
from services import supervision
from services.supervision import OrderInput

from ._support import count, element, html, text_of, version_of


@pytest.fixture
def world(make):
    checker = make.user(Role.CHECKER, name="赵敏")
    ticket = make.ticket("verifying", checker=checker, accused_no="110234")
    lead = make.user(Role.TEAM_LEAD, name="后台领班")
    return checker, ticket, lead


def form(**fields):
    data = {"request": "请反馈后台处理结果，客户13812345678", "due_at": "2026-11-24T10:00",
            "recipient_no": "", "department": "后台当班领班", "department_contact": "钱七 89087814"}
    data.update(fields)
    return data


def test_the_checker_issues_an_order_from_the_ticket_page(client, auth, world):
    checker, ticket, _lead = world
    auth.login(checker)
    page = html(client.get(f"/tickets/{ticket.id}"))
    assert element(page, "order-form") is not None
    response = client.post(f"/tickets/{ticket.id}/supervision", data=form())
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/tickets/{ticket.id}#supervision")
    page = html(client.get(f"/tickets/{ticket.id}"))
    orders = text_of(page, "supervision-orders")
    assert "后台当班领班 钱七 89087814" in orders and "138****5678" in orders
    assert "已下督办单" in text_of(page, "timeline")


@pytest.mark.parametrize("fields, field_id, message", [
    ({"request": ""}, "request", "必填"),
    ({"due_at": "2026-11-20T10:00"}, "due_at", "答复时限须晚于现在"),
    ({"department": "", "department_contact": ""}, "recipient_no", "请填写接收人工号或接收部门"),
    ({"recipient_no": "999999", "department": ""}, "recipient_no", "999999"),
])
def test_mistakes_come_back_beside_the_field_with_the_text_kept(client, auth, world, fields,
                                                               field_id, message):
    checker, ticket, _lead = world
    auth.login(checker)
    response = client.post(f"/tickets/{ticket.id}/supervision",
                           data=form(request=fields.pop("request", "请于明日答复"), **fields))
    assert response.status_code == 422
    page = html(response)
    assert message in text_of(page, f"{field_id}-field")
    assert element(page, "order-form") is not None
    if field_id != "request":
        assert "请于明日答复" in text_of(page, "request")
    assert count(SupervisionOrder) == 0


def test_the_recipient_sees_it_at_home_and_in_the_bell_and_answers(client, auth, world, now):
    checker, ticket, lead = world
    order = supervision.issue_order(ticket.id, OrderInput(
        request="请督促后台回电", due_at=now + timedelta(hours=4), recipient_no=lead.employee_no),
        actor=checker, now=now)
    auth.login(lead)
    home = html(client.get("/"))
    assert "请督促后台回电" in text_of(home, "home-orders")
    assert text_of(home, "bell-count") == "1"
    assert f"/supervision/{order.id}" in html(client.get("/alerts"))
    page = html(client.get(f"/supervision/{order.id}"))
    assert element(page, "record-answer") is not None and element(page, "record-no-answer") is None
    assert f"/tickets/{ticket.id}" not in page      # the lead may not open the ticket
    response = client.post(f"/supervision/{order.id}/answer",
                           data={"answer": "", "version": order.version})
    assert response.status_code == 422 and "必填" in text_of(html(response), "answer-field")
    response = client.post(f"/supervision/{order.id}/answer",
                           data={"answer": "已督促，今日回电", "version": order.version})
    assert response.status_code == 303
    page = html(client.get(f"/supervision/{order.id}"))
    assert text_of(page, "order-state") == "已答复"
    assert "已督促，今日回电" in text_of(page, "order-answer")
    assert element(html(client.get("/")), "home-orders") is None
    # answering again: the order is closed, nothing changes
    response = client.post(f"/supervision/{order.id}/answer", data={
        "answer": "再答", "version": version_of(SupervisionOrder, order.id)})
    assert response.status_code == 409 and "该督办单已结束" in html(response)
    db.session.expire_all()
    assert db.session.get(SupervisionOrder, order.id).answer == "已督促，今日回电"


def test_the_list_marks_overdue_orders_and_others_see_only_their_own(client, auth, make, world,
                                                                     now):
    checker, ticket, lead = world
    late = supervision.issue_order(ticket.id, OrderInput(
        request="逾期的督办", due_at=now + timedelta(minutes=1), department="技术组"),
        actor=checker, now=now - timedelta(hours=2))
    db.session.execute(db.update(SupervisionOrder).where(SupervisionOrder.id == late.id)
                       .values(due_at=now - timedelta(hours=1)))
    db.session.commit()
    fresh = supervision.issue_order(ticket.id, OrderInput(
        request="新的督办", due_at=now + timedelta(days=1), recipient_no=lead.employee_no),
        actor=checker, now=now)
    auth.login(checker)
    page = html(client.get("/supervision"))
    late_row = element(page, f"order-{late.id}")
    assert "overdue" in late_row[0]["class"] and "已超时" in late_row[1]
    assert page.index(f"order-{late.id}") < page.index(f"order-{fresh.id}")
    assert "overdue" not in element(page, f"order-{fresh.id}")[0]["class"]
    export = client.get("/supervision/export.xlsx?show=all")
    rows = list(load_workbook(io.BytesIO(export.data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "督办单号" and len(rows) == 3 and rows[1][8] == "是"
    sheet = html(client.get(f"/supervision/{late.id}/print"))
    assert "签发人（签字）" in sheet and "接收人（签字）" in sheet and "逾期的督办" in sheet
    auth.logout()
    auth.login(lead)
    page = html(client.get("/supervision?show=all"))
    assert element(page, f"order-{fresh.id}") is not None
    assert element(page, f"order-{late.id}") is None
    assert client.get(f"/supervision/{late.id}").status_code == 404
    auth.logout()
    auth.login(make.user(Role.STAFF))
    assert client.get(f"/supervision/{fresh.id}/print").status_code == 404


def test_the_ticket_page_reads_orders_only_when_it_has_some(client, auth, make, world, now):
    checker, ticket, _lead = world
    statements = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    auth.login(make.user(Role.DUTY_MANAGER))
    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = html(client.get(f"/tickets/{ticket.id}"))
        reads = [s for s in statements if s.startswith("SELECT supervision_orders")]
        assert element(page, "supervision") is None and reads == []
        supervision.issue_order(ticket.id, OrderInput(request="请答复", due_at=now + timedelta(
            days=1), department="技术组"), actor=checker, now=now)
        statements.clear()
        page = html(client.get(f"/tickets/{ticket.id}"))
        reads = [s for s in statements if s.startswith("SELECT supervision_orders")]
        assert "技术组" in text_of(page, "supervision") and len(reads) == 1
        assert element(page, "order-form") is None   # a duty manager does not issue
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def issued(world, now):
    """An order about the world's ticket to a department, issued by its checker."""
    checker, ticket, _lead = world
    return supervision.issue_order(ticket.id, OrderInput(
        request="请答复", due_at=now + timedelta(days=1), department="技术组"),
        actor=checker, now=now)


def test_the_quality_team_records_no_answer(client, auth, world, now):
    order = issued(world, now)
    auth.login(world[0])
    response = client.post(f"/supervision/{order.id}/no-answer",
                           data={"note": "三次催办无果", "version": order.version})
    assert response.status_code == 303
    page = html(client.get(f"/supervision/{order.id}"))
    assert text_of(page, "order-state") == "未答复"
    assert db.session.scalar(select(SupervisionOrder.state)) == "no_answer"


def test_closing_an_order_without_the_version_is_refused(client, auth, world, now):
    order = issued(world, now)
    auth.login(world[0])
    response = client.post(f"/supervision/{order.id}/no-answer", data={"note": "三次催办无果"})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(SupervisionOrder, order.id).state == "open"
