"""Notifications where people look, against real local servers: 企业微信 and 钉钉 robots
(pytest-httpserver, JSON bodies and DingTalk's signature checked), SMTP with STARTTLS
(aiosmtpd), the SMS platform; routing, retries, dead letters, rate limits, reminders."""
import base64
import email
import email.policy
import hashlib
import hmac
import json
import time
import urllib.parse
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, select, text

from domain.roles import Role
from extensions import db
from models import Alert, AuditEntry, OutboxMessage, Reminder, SmsMessage
from services import channels, outbox, quality, reminders, settings
from services import tickets as ticket_service

pytestmark = pytest.mark.postgres

OK = {"errcode": 0, "errmsg": "ok"}
CUSTOMER_NUMBERS = ("13812345678", "13912345678", "138****5678", "139****5678")


@pytest.fixture
def robots(app, httpserver):
    """Two robot channels on the local web server, links to https://zikong.test."""
    app.config.update(PUBLIC_URL="https://zikong.test", NOTIFY_CHANNELS={
        "一班企业微信群": {"type": "wecom",
                      "webhook": httpserver.url_for("/cgi-bin/webhook/send") + "?key=K1"},
        "自控组钉钉群": {"type": "dingtalk", "secret": "SECtest",
                    "webhook": httpserver.url_for("/robot/send") + "?access_token=T1"},
    })
    return httpserver


def route(admin, now, **row):
    outbox.save_route(row["event"], row["channel"], row.get("role", ""), row.get("team", ""),
                      actor=admin, now=now)


def returned_ticket(make, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent, lead=lead)
    ticket_service.return_to_staff(ticket.id, actor=lead, now=now + timedelta(minutes=5),
                                   elements=["demand"], note="请补充")
    return ticket, agent


def pending():
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_event_writes_an_outbox_row_only_for_a_routed_channel(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    ticket, agent = returned_ticket(make, now)
    assert pending() == []                                     # no route yet
    route(admin, now, event="returned", channel="一班企业微信群", team=agent.team.name)
    route(admin, now, event="returned", channel="自控组钉钉群", team="另一个班")
    ticket2, agent2 = returned_ticket(make, now)
    assert pending() == []                                     # another team's return
    lead = agent.team.lead
    again = make.ticket(submitter=agent, lead=lead)
    ticket_service.return_to_staff(again.id, actor=lead, now=now, elements=["demand"], note="x")
    rows = pending()
    assert [(r.channel, r.event, r.ticket_id, r.status) for r in rows] == \
        [("一班企业微信群", "returned", again.id, "pending")]
    # the same transaction as the bell's alert
    assert db.session.scalar(select(Alert.id).where(Alert.ticket_id == again.id,
                                                    Alert.kind == "returned"))


def test_the_wecom_robot_gets_the_ticket_number_what_to_do_and_a_link(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="一班企业微信群")
    ticket, _agent = returned_ticket(make, now)
    robots.expect_oneshot_request("/cgi-bin/webhook/send", method="POST",
                                  query_string={"key": "K1"}).respond_with_json(OK)
    assert channels.run(now + timedelta(minutes=6)) == {"sent": 1}
    robots.check_assertions()
    request, _response = robots.log[0]
    body = request.get_json()
    assert body["msgtype"] == "text" and set(body) == {"msgtype", "text"}
    content = body["text"]["content"]
    assert ticket.number in content and "重新提交" in content
    assert f"https://zikong.test/tickets/{ticket.id}" in content
    assert not any(n in content for n in CUSTOMER_NUMBERS)
    assert "成立" not in content
    assert pending()[0].status == "sent"


def test_dingtalk_messages_carry_a_valid_signature(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="自控组钉钉群")
    returned_ticket(make, now)
    seen = []

    def handler(request):
        from werkzeug import Response
        stamp, sign = request.args["timestamp"], request.args["sign"]
        expected = base64.b64encode(hmac.new(b"SECtest", f"{stamp}\nSECtest".encode(),
                                             hashlib.sha256).digest()).decode()
        # the signature arrives URL-encoded in the query; werkzeug has decoded it once
        seen.append((request.args["access_token"], sign == expected,
                     abs(int(stamp) - time.time() * 1000) < 3_600_000, request.get_json()))
        return Response(json.dumps(OK), content_type="application/json")

    robots.expect_request("/robot/send").respond_with_handler(handler)
    assert channels.run(now + timedelta(minutes=6)) == {"sent": 1}
    assert len(seen) == 1
    token, signed, fresh, body = seen[0]
    assert (token, signed, fresh, body["msgtype"]) == ("T1", True, True, "text")
    # over the wire the base64 text is URL-encoded (+ / = escaped)
    raw = robots.log[0][0].query_string.decode()
    assert raw.split("sign=")[1].split("&")[0] == urllib.parse.quote_plus(expected_sign(raw))


def expected_sign(raw_query: str) -> str:
    stamp = raw_query.split("timestamp=")[1].split("&")[0]
    return base64.b64encode(hmac.new(b"SECtest", f"{stamp}\nSECtest".encode(),
                                     hashlib.sha256).digest()).decode()


def test_a_channel_that_fails_then_recovers_delivers_exactly_once(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="一班企业微信群")
    returned_ticket(make, now)
    robots.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_data("busy", 502)
    robots.expect_oneshot_request("/cgi-bin/webhook/send").respond_with_json(
        {"errcode": 45009, "errmsg": "api freq out of limit"})
    robots.expect_request("/cgi-bin/webhook/send").respond_with_json(OK)
    t = now + timedelta(minutes=6)
    assert channels.run(t) == {"pending": 1}                   # 502: retry in 1 minute
    row = pending()[0]
    assert (row.attempts, row.next_attempt_at, "502" in row.last_error) == \
        (1, t + timedelta(minutes=1), True)
    assert channels.run(t + timedelta(seconds=30)) == {}       # not due yet
    assert channels.run(t + timedelta(minutes=1)) == {"pending": 1}   # errcode: retry
    assert "45009" in pending()[0].last_error
    assert channels.run(t + timedelta(minutes=3)) == {"sent": 1}
    for later in (5, 60, 600):
        assert channels.run(t + timedelta(minutes=later)) == {}
    answers = [response.get_json() for _request, response in robots.log
               if response.status_code == 200]
    assert answers.count(OK) == 1 and len(robots.log) == 3


def test_after_the_last_retry_a_dead_letter_the_administrator_sends_again(
        app, robots, make, now):
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="一班企业微信群")
    returned_ticket(make, now)
    robots.expect_request("/cgi-bin/webhook/send").respond_with_data("down", 503)
    t = now + timedelta(minutes=6)
    statuses = []
    for _attempt in range(9):
        statuses.append(next(iter(channels.run(t))))
        t = pending()[0].next_attempt_at
    assert statuses == ["pending"] * 8 + ["dead"]
    dead = outbox.dead_letters()
    assert [d.attempts for d in dead] == [9]
    assert channels.run(t + timedelta(days=1)) == {}            # dead stays dead
    robots.clear()
    robots.expect_request("/cgi-bin/webhook/send").respond_with_json(OK)
    outbox.retry(dead[0].id, actor=admin, now=t)
    assert channels.run(t) == {"sent": 1}
    assert db.session.scalar(select(AuditEntry.action).where(
        AuditEntry.action == "notify_retry")) == "notify_retry"


def test_a_robot_gets_at_most_20_messages_a_minute(app, robots, make, now):
    robots.expect_request("/cgi-bin/webhook/send").respond_with_json(OK)
    for _i in range(25):
        db.session.add(OutboxMessage(channel="一班企业微信群", event="warning", status="pending",
                                     attempts=0, next_attempt_at=now, last_error="",
                                     created_at=now))
    db.session.commit()
    assert channels.run(now) == {"sent": 20}
    assert channels.run(now + timedelta(seconds=59)) == {}
    assert channels.run(now + timedelta(seconds=61)) == {"sent": 5}
    assert len(robots.log) == 25


def test_a_channel_at_its_limit_does_not_hold_up_another(app, robots, now):
    robots.expect_request("/cgi-bin/webhook/send").respond_with_json(OK)
    robots.expect_request("/robot/send").respond_with_json(OK)
    for channel in ["一班企业微信群"] * 30 + ["自控组钉钉群"]:
        db.session.add(OutboxMessage(channel=channel, event="warning", status="pending",
                                     attempts=0, next_attempt_at=now, last_error="",
                                     created_at=now))
    db.session.commit()
    assert channels.run(now) == {"sent": 21}
    assert sum(1 for request, _ in robots.log if request.path == "/robot/send") == 1


def test_a_message_for_a_channel_no_longer_configured_is_a_dead_letter(app, robots, now):
    db.session.add(OutboxMessage(channel="gone", event="warning", status="pending", attempts=0,
                                 next_attempt_at=now, last_error="", created_at=now))
    db.session.commit()
    assert channels.run(now) == {}
    assert [(d.channel, d.last_error) for d in outbox.dead_letters()] == \
        [("gone", "channel not configured")]


def test_hosts_claiming_at_once_take_different_rows(app, db_backend, now):
    if db_backend != "postgresql":
        pytest.skip("FOR UPDATE SKIP LOCKED is PostgreSQL's; SQLite claims under "
                    "BEGIN IMMEDIATE, one writer at a time")
    app.config["NOTIFY_CHANNELS"] = {"c": {"type": "email"}}
    for _i in range(2):
        db.session.add(OutboxMessage(channel="c", event="warning", status="pending", attempts=0,
                                     next_attempt_at=now, last_error="", created_at=now))
    db.session.commit()
    first = min(r.id for r in pending())
    other = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other.connect() as conn:
        conn.execute(text("BEGIN"))
        conn.execute(text("SELECT id FROM outbox_messages WHERE id = :id FOR UPDATE"),
                     {"id": first})                            # another host's claim
        claimed = outbox.claim(now)
        conn.execute(text("ROLLBACK"))
    other.dispose()
    assert [c.id for c in claimed] == [first + 1]


def test_reminders_of_a_review_due_in_30_minutes_go_once(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    lead, agent = make.team_with_lead()
    route(admin, now, event="review_due", channel="一班企业微信群", role="team_lead")
    ticket = make.ticket(submitter=agent, lead=lead, at=now - timedelta(minutes=110))
    assert reminders.remind_due(now - timedelta(minutes=25)) == 0  # due in 35 minutes
    assert reminders.remind_due(now) == 1
    assert reminders.remind_due(now + timedelta(minutes=1)) == 0
    assert db.session.scalar(select(Alert.user_id).where(Alert.kind == "review_due")) == lead.id
    assert db.session.get(Reminder, ("review_due", ticket.id, ticket.review_due_at))
    robots.expect_request("/cgi-bin/webhook/send").respond_with_json(OK)
    assert channels.run(now) == {"sent": 1}
    assert "11-23 10:10" in robots.log[0][0].get_json()["text"]["content"]  # Shanghai time


def test_a_reminder_whose_deadline_was_met_before_sending_is_skipped(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    lead, agent = make.team_with_lead()
    route(admin, now, event="review_due", channel="一班企业微信群")
    ticket = make.ticket(submitter=agent, lead=lead, at=now - timedelta(minutes=100))
    reminders.remind_due(now)
    ticket_service.sign_handover(ticket.id, actor=lead, now=now + timedelta(minutes=1))
    assert channels.run(now + timedelta(minutes=2)) == {"skipped": 1}
    assert robots.log == []


def test_reply_reminders_go_to_the_checker_keeping_the_reply(app, make, now):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, at=now - timedelta(hours=45))
    assert reminders.remind_due(now) == 1
    assert db.session.scalar(select(Alert.user_id).where(
        Alert.kind == "reply_due", Alert.ticket_id == ticket.id)) == checker.id


# --- e-mail -------------------------------------------------------------------------------

@pytest.fixture
def smtp_server(tmp_path):
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    from tests.integrations.certs import make_ca_and_server
    from tests.integrations.slapd import free_port
    import ssl
    certs = make_ca_and_server(tmp_path / "smtp")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certs["cert"], certs["key"])

    class Inbox:
        messages = []
        logins = []

        async def handle_DATA(self, server, session, envelope):
            self.messages.append((session.tls_version if hasattr(session, "tls_version")
                                  else None, envelope))
            return "250 OK"

    def authenticator(server, session, envelope, mechanism, auth_data):
        Inbox.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"zikong", b"pw"))

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), tls_context=context,
                            require_starttls=True, authenticator=authenticator,
                            auth_require_tls=True)
    controller.start()
    yield controller, inbox, certs["ca"]
    controller.stop()


def test_email_over_starttls_with_login(app, make, now, smtp_server):
    controller, inbox, ca = smtp_server
    app.config.update(PUBLIC_URL="https://zikong.test", NOTIFY_CHANNELS={"自控组邮件": {
        "type": "email", "host": "127.0.0.1", "port": controller.port, "ca_file": ca,
        "username": "zikong", "password": "pw", "sender": "zikong@centre.test",
        "to": ["quality@centre.test"]}})
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="自控组邮件")
    ticket, _agent = returned_ticket(make, now)
    assert channels.run(now + timedelta(minutes=6)) == {"sent": 1}
    (_tls, envelope), = inbox.messages
    assert envelope.rcpt_tos == ["quality@centre.test"]
    assert envelope.mail_from == "zikong@centre.test"
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail["Subject"] == "自控提醒"
    body = mail.get_content()
    assert ticket.number in body and f"https://zikong.test/tickets/{ticket.id}" in body
    assert not any(n in body for n in CUSTOMER_NUMBERS)


def test_email_refused_by_the_server_is_retried(app, make, now, smtp_server):
    controller, inbox, ca = smtp_server
    app.config.update(NOTIFY_TIMEOUT=2, NOTIFY_CHANNELS={"自控组邮件": {
        "type": "email", "host": "127.0.0.1", "port": controller.port, "ca_file": ca,
        "username": "zikong", "password": "wrong", "to": ["quality@centre.test"]}})
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="自控组邮件")
    returned_ticket(make, now)
    assert channels.run(now + timedelta(minutes=6)) == {"pending": 1}
    assert inbox.messages == [] and inbox.logins[0] == (b"zikong", b"wrong")
    assert pending()[0].last_error


# --- the SMS platform ------------------------------------------------------------------------

@pytest.fixture
def sms_platform(app, httpserver):
    app.config.update(SMS_GATEWAY="http", SMS_HTTP_URL=httpserver.url_for("/sms/send"),
                      SMS_HTTP_AUTH_HEADER="Authorization: Bearer sms-token")
    return httpserver


def notice_sms(make, now, text="您好，请致电10010查询处理结果。"):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker)
    quality.log_attempt(ticket.id, at=now, reached=False, note="", actor=checker, now=now)
    return quality.send_sms(ticket.id, kind="notice", text=text, actor=checker, now=now)


def test_the_http_gateway_sends_through_the_outbox_and_records_delivery(
        app, sms_platform, make, now):
    message = notice_sms(make, now)
    assert message.status == "queued"
    assert [(r.channel, r.sms_id) for r in pending()] == [("sms", message.id)]
    sms_platform.expect_oneshot_request(
        "/sms/send", method="POST", headers={"Authorization": "Bearer sms-token"},
        json={"mobile": "13912345678", "content": "您好，请致电10010查询处理结果。"},
    ).respond_with_json({"code": 0})
    assert channels.run(now) == {"sent": 1}
    sms_platform.check_assertions()
    stored = db.session.get(SmsMessage, message.id)
    assert (stored.status, stored.status_at) == ("sent", now)


def test_a_failed_sms_is_retried_and_its_status_shows_it(app, sms_platform, make, now):
    message = notice_sms(make, now)
    sms_platform.expect_oneshot_request("/sms/send").respond_with_data("no", 500)
    sms_platform.expect_request("/sms/send").respond_with_json({"code": 0})
    assert channels.run(now) == {"pending": 1}
    assert db.session.get(SmsMessage, message.id).status == "retrying"
    assert channels.run(now + timedelta(minutes=1)) == {"sent": 1}
    assert db.session.get(SmsMessage, message.id).status == "sent"


def test_the_verdict_words_are_checked_again_right_before_sending(app, sms_platform, make, now):
    message = notice_sms(make, now, text="您好，请致电10010查询核实情况。")
    admin = make.user(Role.ADMIN)
    settings.update({"sms_forbidden_words": ["核实"]}, actor=admin, now=now)
    assert channels.run(now) == {"pending": 1}
    assert sms_platform.log == []
    assert "核实" in pending()[0].last_error
    assert db.session.get(SmsMessage, message.id).status == "retrying"


def test_outbox_only_stays_the_default(app, make, now):
    assert notice_sms(make, now).status == "recorded"
    assert pending() == []


def test_the_notify_command_sends_what_is_due(app, robots, make, now):
    admin = make.user(Role.ADMIN)
    route(admin, now, event="returned", channel="一班企业微信群")
    make.ticket("returned_to_staff", at=now - timedelta(hours=1))  # returned 50 min ago
    robots.expect_request("/cgi-bin/webhook/send").respond_with_json(OK)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["notify"]).output.strip() == "notify: 1 sent"
    assert runner.invoke(args=["notify"]).output.strip() == "notify: nothing due"
