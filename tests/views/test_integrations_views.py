"""系统配置 pages for directory sign-in and notifications: messages beside the fields in
Chinese, secrets shown only as configured / not set, dead letters sent again."""
import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import AuditEntry, OutboxMessage
from services import outbox, settings
from services.alerts import alert, users_with_role
from services.db import write_transaction


def page(response) -> str:
    return response.get_data(as_text=True)


# --- the directory page -------------------------------------------------------------------

@pytest.fixture
def admin_client(app, client, make, auth):
    admin = make.user(Role.ADMIN, employee_no="990001")
    auth.login(admin)
    return client


def test_directory_page_shows_settings_but_never_the_bind_password(app, admin_client):
    app.config.update(LDAP_URLS="ldaps://dc1.corp:636", LDAP_BASE_DN="dc=corp",
                      LDAP_BIND_DN="cn=svc,dc=corp", LDAP_BIND_PASSWORD="s3cret-bind")
    body = page(admin_client.get("/admin/directory"))
    assert "ldaps://dc1.corp:636" in body and "cn=svc,dc=corp" in body
    assert "s3cret-bind" not in body
    assert "已配置" in body.split('id="bind-password"')[1][:200]
    app.config["LDAP_BIND_PASSWORD"] = ""
    assert "未设置" in page(admin_client.get("/admin/directory")).split(
        'id="bind-password"')[1][:200]


def test_directory_off_says_so(admin_client):
    assert 'id="directory-off"' in page(admin_client.get("/admin/directory"))


def test_mapping_form_answers_422_beside_the_fields_keeping_what_was_typed(admin_client):
    response = admin_client.post("/admin/directory/groups",
                                 data={"group": "zk-agents", "role": "staff", "team": ""})
    assert response.status_code == 422
    body = page(response)
    group_field = body.split('id="group-field"')[1].split("</div>")[0]
    assert "请填写组的完整 DN" in group_field and 'value="zk-agents"' in group_field
    team_field = body.split('id="team-field"')[1].split("</div>")[0]
    assert "班组" in team_field and "field-error" in team_field
    assert settings.get("directory_groups") == []


def test_mapping_saved_audited_and_removed(admin_client):
    response = admin_client.post("/admin/directory/groups", data={
        "group": "cn=zk-agents,ou=groups,dc=corp", "role": "staff", "team": "一班"})
    assert response.status_code == 303
    body = page(admin_client.get("/admin/directory"))
    assert "cn=zk-agents,ou=groups,dc=corp" in body.split('id="mapping-rows"')[1]
    assert db.session.scalar(select(AuditEntry.id).where(
        AuditEntry.action == "directory_mapping"))
    assert admin_client.post("/admin/directory/groups/0/delete").status_code == 303
    assert settings.get("directory_groups") == []


# --- the notifications page ------------------------------------------------------------------

CHANNELS = {
    "一班企业微信群": {"type": "wecom",
                  "webhook": "https://qyapi.example/cgi-bin/webhook/send?key=SECRET-KEY-1"},
    "自控组钉钉群": {"type": "dingtalk", "webhook": "https://oapi.example/robot/send?access_"
                "token=SECRET-TOKEN-2", "secret": "SECsigning3"},
    "自控组邮件": {"type": "email", "host": "smtp.corp", "password": "smtp-pw-4",
              "to": ["q@corp"]},
}


def test_notifications_page_shows_channels_but_no_secret(app, admin_client):
    app.config.update(NOTIFY_CHANNELS=CHANNELS, SMS_GATEWAY="http",
                      SMS_HTTP_URL="https://sms.corp/send",
                      SMS_HTTP_AUTH_HEADER="Authorization: Bearer sms-token-5")
    body = page(admin_client.get("/admin/notifications"))
    for secret in ("SECRET-KEY-1", "SECRET-TOKEN-2", "SECsigning3", "smtp-pw-4",
                   "sms-token-5", "qyapi.example", "sms.corp"):
        assert secret not in body
    rows = body.split('id="channel-rows"')[1].split("</table>")[0]
    assert rows.count("已配置") == 6 and "一班企业微信群" in rows
    assert "20" in rows                          # the robots' limit per minute
    assert "已配置" in body.split('id="sms-gateway"')[1][:400]


def test_route_form_answers_422_beside_the_field(app, admin_client):
    app.config["NOTIFY_CHANNELS"] = CHANNELS
    response = admin_client.post("/admin/notifications/routes", data={
        "event": "returned", "channel": "一班企业微信群", "role": "", "team": "一\u202e班"})
    assert response.status_code == 422
    team_field = page(response).split('id="team-field"')[1].split("</div>")[0]
    assert "文字方向" in team_field or "方向" in team_field
    response = admin_client.post("/admin/notifications/routes", data={
        "event": "returned", "channel": "不存在的渠道", "role": "", "team": ""})
    assert response.status_code == 422
    assert "field-error" in page(response).split('id="channel-field"')[1].split("</div>")[0]
    assert outbox.routes() == []


def test_route_saved_then_an_event_queues_a_message(app, admin_client, make, now):
    app.config["NOTIFY_CHANNELS"] = CHANNELS
    assert admin_client.post("/admin/notifications/routes", data={
        "event": "warning", "channel": "自控组钉钉群", "role": "duty_manager",
        "team": ""}).status_code == 303
    assert [r.event for r in outbox.routes()] == ["warning"]
    make.user(Role.DUTY_MANAGER)
    with write_transaction():
        alert(users_with_role(Role.DUTY_MANAGER), "warning", now=now)
    assert [m.channel for m in db.session.scalars(select(OutboxMessage))] == ["自控组钉钉群"]


def test_a_dead_letter_is_listed_and_sent_again(app, admin_client, now):
    db.session.add(OutboxMessage(channel="自控组钉钉群", event="vote", status="dead",
                                 attempts=9, next_attempt_at=now, last_error="errcode 310000",
                                 created_at=now))
    db.session.commit()
    body = page(admin_client.get("/admin/notifications"))
    dead = body.split('id="dead-rows"')[1]
    assert "errcode 310000" in dead and "重新发送" in dead
    message_id = db.session.scalar(select(OutboxMessage.id))
    assert admin_client.post(f"/admin/notifications/{message_id}/retry").status_code == 303
    assert db.session.get(OutboxMessage, message_id).status == "pending"
    assert admin_client.post(f"/admin/notifications/{message_id}/retry").status_code == 404


def test_the_reply_record_shows_each_sms_delivery(app, client, make, auth, now, httpserver):
    from datetime import timedelta

    from services import channels, quality
    app.config.update(SMS_GATEWAY="http", SMS_HTTP_URL=httpserver.url_for("/sms"))
    httpserver.expect_request("/sms").respond_with_json({"code": 0})
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker)
    quality.log_attempt(ticket.id, at=now, reached=False, note="", actor=checker, now=now)
    quality.send_sms(ticket.id, kind="notice", text="请致电10010查询。", actor=checker, now=now)
    auth.login(checker)

    def status():
        body = page(client.get(f"/tickets/{ticket.id}"))
        return body.split('id="sms-list"')[1].split('class="sms-status">')[1].split("<")[0]

    assert status() == "已排队，等待短信平台发送"
    channels.run(now + timedelta(seconds=1))
    assert status() == "短信平台已接收"
