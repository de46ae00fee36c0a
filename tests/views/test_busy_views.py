"""A database that stays busy (another process holding the write lock past our wait): 503 with
Retry-After, the form again with what was typed and 系统繁忙，请稍后重试 (htmx too), one log line
without a traceback, and a resubmit after the lock ends files exactly one record."""
import json
import logging
import re
import sqlite3
from contextlib import contextmanager

import pytest

from domain.roles import Role
from extensions import db
from models import Ticket
from services import quality
from tests.conftest import make_app
from tests.factories import Factory

from ._support import count, element, html, text_of

BUSY = "系统繁忙，请稍后重试"
FORM = {"caller_number": "138 1234 5678", "contact_number": "139 1234 5678",
        "complaint": "客户说坐席在通话中途挂断了电话，要求说明。", "demand": "要求回电致歉",
        "accused_no": "180123", "idempotency_key": "a" * 32}


@pytest.fixture
def waiting(app):
    """The same database, served by an app that waits only briefly for a lock."""
    short = make_app(app.config["SQLALCHEMY_DATABASE_URI"], SQLITE_BUSY_TIMEOUT_MS=50,
                     POSTGRES_LOCK_TIMEOUT_MS=100)
    with short.app_context():
        yield short
        db.session.remove()
        db.engine.dispose()


@contextmanager
def locked(url: str):
    """Another process's transaction holding the write lock until the block ends: SQLite's
    one write lock (BEGIN IMMEDIATE); on PostgreSQL the audit log, which every change
    writes to (LOCK TABLE … EXCLUSIVE still lets readers in, as a busy writer does)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        import psycopg
        conn = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
        conn.execute("LOCK TABLE audit_entries IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        conn.rollback()
        conn.close()


def sign_in(client, user):
    answer = client.post("/login", data={"employee_no": user.employee_no,
                                         "password": Factory.PASSWORD})
    assert answer.status_code == 303


def busy_lines(caplog):
    return [r for r in caplog.records if "database busy" in r.getMessage()]


def assert_busy(answer):
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "10"
    assert BUSY in html(answer)


@pytest.mark.postgres
def test_a_busy_database_shows_the_ticket_form_again_and_loses_nothing(waiting, make, caplog):
    _, agent = make.team_with_lead()
    db.session.commit()
    client = waiting.test_client()
    sign_in(client, agent)
    url = waiting.config["SQLALCHEMY_DATABASE_URI"]
    caplog.set_level(logging.INFO)
    with locked(url):
        answer = client.post("/tickets/new", data=FORM)
        assert_busy(answer)
        page = html(answer)
        assert FORM["complaint"] in text_of(page, "complaint")
        assert element(page, "accused_no")[0]["value"] == "180123"
        assert element(page, "idempotency_key")[0]["value"] == FORM["idempotency_key"]
        (line,) = busy_lines(caplog)
        assert line.levelname == "WARNING" and line.exc_info is None
        assert "tickets.new" in line.getMessage() and "\n" not in line.getMessage()
        assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

        fragment = client.post("/tickets/new", data=FORM, headers={"HX-Request": "true"})
        assert_busy(fragment)
        assert html(fragment).lstrip().startswith('<form id="ticket-form"')
        assert FORM["complaint"] in html(fragment)
    assert count(Ticket) == 0
    # the lock is gone: the same form, sent again (twice), files exactly one ticket
    assert client.post("/tickets/new", data=FORM).status_code == 303
    assert client.post("/tickets/new", data=FORM).status_code == 303
    assert count(Ticket) == 1


@pytest.mark.postgres
def test_the_action_forms_of_the_ticket_page_keep_what_was_typed(waiting, make):
    lead, agent = make.team_with_lead()
    submitted = make.ticket(submitter=agent, lead=lead)
    checker = make.user(Role.CHECKER)
    claimed = make.ticket("verifying", checker=checker)
    quality.log_attempt(claimed.id, at=make.now, reached=False, note="", actor=checker,
                        now=make.now)
    db.session.commit()
    url = waiting.config["SQLALCHEMY_DATABASE_URI"]
    lead_client, checker_client = waiting.test_client(), waiting.test_client()
    sign_in(lead_client, lead)
    sign_in(checker_client, checker)
    note = "请补充被投诉工号并核对来电号码"
    sms = "您好，关于您反映的问题请回电 10086 转 2。"
    with locked(url):
        answer = lead_client.post(f"/tickets/{submitted.id}/return", data={
            "elements": ["accused_no"], "note": note, "version": submitted.version})
        assert_busy(answer)
        assert note in text_of(html(answer), "note")
        answer = checker_client.post(f"/tickets/{claimed.id}/sms",
                                     data={"kind": "notice", "text": sms})
        assert_busy(answer)
        assert sms in text_of(html(answer), "text")
        # a bare button has nothing typed to keep: the 503 page says the same
        answer = lead_client.post(f"/tickets/{submitted.id}/sign",
                                  data={"version": submitted.version})
        assert_busy(answer)
        assert element(html(answer), "error-body") is not None
    db.session.rollback()
    assert db.session.get(Ticket, submitted.id).state == "submitted"
    answer = lead_client.post(f"/tickets/{submitted.id}/return", data={
        "elements": ["accused_no"], "note": note, "version": submitted.version})
    assert answer.status_code == 303


def test_htmx_swaps_a_503_answer(client):
    """htmx swaps only the statuses its responseHandling lists: the busy form must be one."""
    meta = re.search(r'<meta name="htmx-config" content=\'([^\']+)\'', html(client.get("/login")))
    rules = json.loads(meta.group(1))["responseHandling"]
    first = next(rule for rule in rules if re.fullmatch(rule["code"], "503"))
    assert first["swap"] is True


def _driver_errors():
    import psycopg.errors as pg
    from sqlalchemy.exc import IntegrityError, OperationalError
    wrapped = OperationalError("COMMIT", {}, pg.SerializationFailure("could not serialize"))
    return [
        (sqlite3.OperationalError("database is locked"), True),
        (sqlite3.OperationalError("database table is locked"), True),
        (OperationalError("BEGIN", {}, sqlite3.OperationalError("database is locked")), True),
        (pg.LockNotAvailable("canceling statement due to lock timeout"), True),
        (pg.QueryCanceled("canceling statement due to statement timeout"), True),
        (wrapped, True),
        (pg.DeadlockDetected("deadlock detected"), True),
        (sqlite3.OperationalError("no such table: tickets"), False),
        (IntegrityError("INSERT", {}, pg.UniqueViolation("duplicate key")), False),
        (ValueError("database is locked"), False),
    ]


@pytest.mark.parametrize(("exc", "busy"), _driver_errors(), ids=repr)
def test_what_counts_as_a_busy_database(exc, busy):
    from services.db import busy_reason
    assert (busy_reason(exc) is not None) == busy


@pytest.mark.postgres
def test_the_issue16_forms_keep_what_was_typed(waiting, make):
    """督办单 from the ticket page, a feedback note, a proposal: the form again with the text."""
    checker, owner = make.user(Role.CHECKER), make.user(Role.OWNER)
    _lead, agent = make.team_with_lead()
    claimed = make.ticket("verifying", checker=checker)
    db.session.commit()
    url = waiting.config["SQLALCHEMY_DATABASE_URI"]
    clients = {}
    for name, user in (("checker", checker), ("agent", agent), ("owner", owner)):
        clients[name] = waiting.test_client()
        sign_in(clients[name], user)
    request, note = "请后台今日内反馈处理结果", "客户对赠品领取方式有疑问"
    body = "建议统一赠品领取口径"
    with locked(url):
        answer = clients["checker"].post(f"/tickets/{claimed.id}/supervision", data={
            "request": request, "due_at": "2026-11-24T10:00", "department": "后台"})
        assert_busy(answer)
        assert request in text_of(html(answer), "request")
        answer = clients["agent"].post("/notes/mine", data={"text": note})
        assert_busy(answer)
        assert note in text_of(html(answer), "text")
        answer = clients["owner"].post("/proposals/new", data={
            "source": "keyword", "key": "赠品", "start": "2026-11-23", "end": "2026-11-30",
            "title": "赠品口径", "body": body})
        assert_busy(answer)
        assert body in text_of(html(answer), "body")
