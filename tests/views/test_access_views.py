"""Deny by default: every endpoint declares who may use it, and the role × route × method
matrix below is the expected outcome of every cell (SECURITY.md, Access control)."""
import shutil
from datetime import datetime
from types import SimpleNamespace

import pytest

from blueprints._access import PUBLIC, access_rule
from domain.roles import Role
from extensions import db
from tests.conftest import make_app
from tests.factories import Factory
from services import quality, routing
from services.survey import contacts as survey_contacts

R = Role
ALL = set(Role)
QUALITY = {R.CHECKER, R.OWNER}
REPORTERS = {R.OWNER, R.DUTY_MANAGER, R.GROUP_HEAD, R.SITE_HEAD}
VIEWERS = {R.STAFF, R.TEAM_LEAD, R.CHECKER, R.OWNER, R.DUTY_MANAGER, R.GROUP_HEAD, R.SITE_HEAD}
MANAGEMENT = {R.CHECKER, R.OWNER, R.DUTY_MANAGER, R.GROUP_HEAD, R.SITE_HEAD}
FLOOR_CALLERS = {R.STAFF, R.TEAM_LEAD}
CALLERS = QUALITY | FLOOR_CALLERS
ASSIGNERS = {R.DUTY_MANAGER, R.OWNER}


def each(roles, status):
    return {role: status for role in roles}


HANDLER_ONLY = {R.CHECKER: 303, R.OWNER: 403}


#: (method, url template, endpoint, {role: expected status}); roles not listed get 403,
#: anonymous users are sent to sign in (303) unless the route is public.
MATRIX = [
    ("GET", "/", "main.home", each(ALL, 200)),
    ("GET", "/healthz", "main.healthz", "public"),
    ("GET", "/wallboard/s/not-a-screen", "wallboard.screen", "public"),
    ("GET", "/wallboard", "wallboard.board", each(ALL, 200)),
    ("GET", "/privacy", "privacy.index", each({R.ADMIN, R.OWNER}, 200)),
    ("POST", "/privacy/retention", "privacy.save_retention", {R.ADMIN: 303}),
    ("POST", "/privacy/lookup", "privacy.lookup", each({R.ADMIN, R.OWNER}, 200)),
    ("POST", "/privacy/anonymise", "privacy.anonymise", each({R.ADMIN, R.OWNER}, 200)),
    ("GET", "/wallboard/setup", "wallboard.setup", {R.ADMIN: 200}),
    ("POST", "/wallboard/screens", "wallboard.add_screen", {R.ADMIN: 200}),
    ("POST", "/wallboard/screens/999999/revoke", "wallboard.revoke_screen", {R.ADMIN: 404}),
    ("POST", "/wallboard/thresholds", "wallboard.save_thresholds", {R.ADMIN: 303}),
    # an agent's own figures: themself, their lead, management (the others get 404)
    ("GET", "/reports/agents/{staff_no}", "reports.agent",
     {R.STAFF: 200, R.TEAM_LEAD: 200, **each(REPORTERS, 200)}),
    ("GET", "/reports/agents/{staff_no}/export.xlsx", "reports.export_agent",
     {R.STAFF: 200, R.TEAM_LEAD: 200, **each(REPORTERS, 200)}),
    ("GET", "/login", "auth.login", "public"),
    ("POST", "/lang", "auth.set_language", "public"),
    ("POST", "/logout", "auth.logout", each(ALL, 303)),
    ("GET", "/account/password", "auth.change_password", each(ALL, 200)),
    ("GET", "/tickets/new", "tickets.new", each({R.STAFF, R.TEAM_LEAD}, 200)),
    ("GET", "/tickets/transferred/new", "tickets.new_transferred", each(QUALITY, 200)),
    ("GET", "/tickets/", "tickets.index", each(VIEWERS, 200)),
    ("GET", "/tickets/lookup", "tickets.lookup", each(VIEWERS, 200)),
    ("POST", "/tickets/lookup", "tickets.lookup", each(VIEWERS, 200)),
    ("GET", "/tickets/{submitted}", "tickets.show",
     {R.STAFF: 200, R.TEAM_LEAD: 200, **each(MANAGEMENT, 404)}),
    ("GET", "/tickets/{handed_over}", "tickets.show", each(VIEWERS, 200)),
    ("GET", "/tickets/{returned}/edit", "tickets.edit", {R.STAFF: 200, R.TEAM_LEAD: 302}),
    ("POST", "/tickets/{submitted}/sign", "tickets.sign", {R.TEAM_LEAD: 303}),
    ("POST", "/tickets/{submitted}/return", "tickets.return_to_staff", {R.TEAM_LEAD: 303}),
    ("GET", "/review", "handover.queue", {R.TEAM_LEAD: 200}),
    ("GET", "/handover", "handover.table", each({R.TEAM_LEAD} | MANAGEMENT, 200)),
    ("GET", "/admin/users", "admin.users", {R.ADMIN: 200}),
    ("GET", "/admin/users/new", "admin.new_user", {R.ADMIN: 200}),
    ("GET", "/admin/users/{staff_id}", "admin.edit_user", {R.ADMIN: 200}),
    ("GET", "/admin/teams", "admin.teams", {R.ADMIN: 200}),
    ("GET", "/admin/configuration", "admin.configuration", {R.ADMIN: 200}),
    ("POST", "/admin/routing", "admin.save_route", {R.ADMIN: 303}),
    ("POST", "/admin/routing/{rule_id}/delete", "admin.delete_route", {R.ADMIN: 303}),
    ("POST", "/admin/criteria", "admin.save_criterion", {R.ADMIN: 303}),
    ("GET", "/quality", "quality.queue", each(QUALITY, 200)),
    ("GET", "/whitelist-handover", "quality.whitelist_table", each(MANAGEMENT, 200)),
    ("POST", "/tickets/{handed_over}/claim", "quality.claim", each(QUALITY, 303)),
    # the world's checker claimed {verifying}; the owner is not its handler
    ("POST", "/tickets/{verifying}/accused", "quality.set_accused", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/notifications", "quality.log_notification", HANDLER_ONLY),
    ("POST", "/notifications/{notification_id}", "quality.update_notification", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/return-to-lead", "quality.return_to_lead", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/judge", "quality.judge", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/attempts", "quality.log_attempt", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/sms", "quality.send_sms", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/reply", "quality.complete_reply", HANDLER_ONLY),
    ("POST", "/tickets/{verifying}/escalate", "quality.escalate", HANDLER_ONLY),
    # deciding an escalated customer's reply: {verifying} is not escalated
    ("POST", "/tickets/{verifying}/reply-decision", "quality.decide_reply",
     {R.OWNER: 409, R.DUTY_MANAGER: 409}),
    ("POST", "/tickets/{verifying}/reveal", "quality.reveal", each(QUALITY, 200)),
    ("POST", "/tickets/{returned_to_lead}/confirm-return", "quality.confirm_return",
     {R.TEAM_LEAD: 303}),
    # appeals: {verifying} is not judged, so every permitted role is refused for the state
    ("POST", "/tickets/{verifying}/appeal", "appeals.file_appeal",
     {R.TEAM_LEAD: 409, R.DUTY_MANAGER: 409, R.GROUP_HEAD: 409}),
    ("POST", "/tickets/{verifying}/rejudge", "appeals.rejudge",
     {R.OWNER: 409, R.GROUP_HEAD: 409, R.SITE_HEAD: 409}),
    ("POST", "/tickets/{verifying}/panel", "appeals.name_panel",
     {R.TEAM_LEAD: 409, R.DUTY_MANAGER: 409, R.GROUP_HEAD: 409, R.OWNER: 409,
      R.SITE_HEAD: 409}),
    ("POST", "/tickets/{verifying}/rule", "appeals.rule", {R.SITE_HEAD: 409, R.GROUP_HEAD: 409}),
    ("POST", "/tickets/{verifying}/objection", "appeals.raise_objection",
     {R.STAFF: 403, R.TEAM_LEAD: 403}),
    ("POST", "/tickets/{verifying}/objections/999999/decline", "appeals.decline_objection",
     {R.TEAM_LEAD: 404, R.DUTY_MANAGER: 404, R.GROUP_HEAD: 404}),
    ("POST", "/admin/deputy", "admin.save_deputy", {R.ADMIN: 303}),
    ("GET", "/tickets/{verifying}/vote", "appeals.vote", each(ALL - {R.ADMIN}, 404)),
    ("GET", "/votes", "appeals.my_votes", each(ALL - {R.ADMIN}, 200)),
    ("POST", "/tickets/{verifying}/flag", "notices.flag", HANDLER_ONLY),
    ("GET", "/warnings", "notices.warnings", each({R.DUTY_MANAGER, R.OWNER}, 200)),
    ("GET", "/announcements/new", "notices.new_announcement", {R.DUTY_MANAGER: 200}),
    ("GET", "/announcements", "notices.announcements", each(ALL - {R.ADMIN}, 200)),
    ("GET", "/announcements/999999", "notices.announcement", each(ALL - {R.ADMIN}, 404)),
    ("POST", "/announcements/999999/ack", "notices.acknowledge", each(ALL - {R.ADMIN}, 404)),
    ("GET", "/alerts/bell", "notices.bell", each(ALL, 200)),
    ("GET", "/alerts", "notices.alerts", each(ALL, 200)),
    ("POST", "/alerts/read", "notices.mark_alerts_read", each(ALL, 303)),
    ("GET", "/reports", "reports.dashboard", each(REPORTERS, 200)),
    ("GET", "/tickets/export.xlsx", "tickets.export", each(VIEWERS, 200)),
    ("GET", "/handover/export.xlsx", "reports.export_handover",
     each({R.TEAM_LEAD, R.CHECKER} | REPORTERS, 200)),
    ("GET", "/whitelist-handover/export.xlsx", "reports.export_notifications",
     each({R.CHECKER} | REPORTERS, 200)),
    # the reply record (白名单回复记录): the quality team and management
    ("GET", "/reply-records", "quality.reply_records", each(MANAGEMENT, 200)),
    ("GET", "/reply-records/print", "quality.reply_records_print", each(MANAGEMENT, 200)),
    ("GET", "/reply-records/export.xlsx", "quality.export_reply_records",
     each(MANAGEMENT, 200)),
    ("GET", "/reports/export.xlsx", "reports.export_dashboard", each(REPORTERS, 200)),
    ("GET", "/appeals/export.xlsx", "appeals.export",
     each({R.OWNER, R.DUTY_MANAGER, R.GROUP_HEAD, R.SITE_HEAD}, 200)),
    ("GET", "/tickets/{verifying}/appeal-sheet", "appeals.sheet",
     {**each(ALL - {R.ADMIN}, 404)}),
    # recording evidence: the world's checker claimed {verifying}; the owner may record too
    ("POST", "/tickets/{verifying}/recording", "evidence.set_recording", each(QUALITY, 303)),
    ("POST", "/tickets/{verifying}/evidence", "evidence.upload", each(QUALITY, 422)),  # no file
    ("GET", "/tickets/{verifying}/evidence/1", "evidence.audio", each(VIEWERS, 404)),  # none yet
    ("POST", "/admin/recording-link", "admin.save_recording_link", {R.ADMIN: 303}),
    # directory sign-in and notifications (issue 19): admin only; the world has no mapping
    # row, no route and no outbox message, and no channel to route to (422)
    ("GET", "/admin/directory", "admin.directory_settings", {R.ADMIN: 200}),
    ("POST", "/admin/directory/groups", "admin.save_group_mapping", {R.ADMIN: 303}),
    ("POST", "/admin/directory/groups/0/delete", "admin.delete_group_mapping", {R.ADMIN: 404}),
    ("GET", "/admin/notifications", "admin.notifications", {R.ADMIN: 200}),
    ("POST", "/admin/notifications/routes", "admin.save_notify_route", {R.ADMIN: 422}),
    ("POST", "/admin/notifications/routes/0/delete", "admin.delete_notify_route",
     {R.ADMIN: 404}),
    ("POST", "/admin/notifications/999999/retry", "admin.retry_notification", {R.ADMIN: 404}),
    # dissatisfied-customer survey and callback: the quality team works the queues and
    # contacts (duty managers read a contact), callers of the floor call back only the
    # contacts given to them (the world's contact is given to nobody: 404), duty managers
    # (and the owner) give callbacks and handle remedy tasks, the owner audits samples,
    # managers read the KPIs; admin and owner edit categories and scripts.
    # No contact, import, task, sample, item or problem 999999.
    ("GET", "/survey", "survey.survey_queue", each(QUALITY, 200)),
    ("GET", "/survey/callbacks", "survey.callback_queue", each(QUALITY, 200)),
    ("GET", "/survey/contacts/999999", "survey.contact",
     each(CALLERS | {R.DUTY_MANAGER}, 404)),
    ("GET", "/survey/contacts/{contact_id}", "survey.contact",
     {**each(QUALITY | {R.DUTY_MANAGER}, 200), **each(FLOOR_CALLERS, 404)}),
    ("GET", "/survey/contacts/{contact_id}/script", "survey.script", each(QUALITY, 200)),
    ("POST", "/survey/contacts/{contact_id}/review", "survey.review",
     {**each(QUALITY, 303), **each(FLOOR_CALLERS, 404)}),
    ("POST", "/survey/contacts/{contact_id}/reveal", "survey.reveal",
     {**each(QUALITY, 200), **each(FLOOR_CALLERS, 404)}),
    ("GET", "/survey/contacts/999999/script", "survey.script", each(QUALITY, 404)),
    ("POST", "/survey/contacts/999999/marks", "survey.marks", each(QUALITY, 404)),
    ("POST", "/survey/contacts/999999/review", "survey.review", each(CALLERS, 404)),
    ("POST", "/survey/contacts/999999/survey", "survey.record_survey", each(QUALITY, 404)),
    ("POST", "/survey/contacts/999999/hold", "survey.hold", each(CALLERS, 404)),
    ("POST", "/survey/contacts/999999/chase", "survey.chase", each(CALLERS, 404)),
    ("POST", "/survey/contacts/999999/release", "survey.release", each(CALLERS, 404)),
    ("POST", "/survey/contacts/999999/callback", "survey.record_callback", each(CALLERS, 404)),
    ("POST", "/survey/contacts/999999/reveal", "survey.reveal", each(CALLERS, 404)),
    ("GET", "/survey/contacts/{contact_id}/supervision", "supervision.issue_for_contact",
     each(QUALITY, 200)),
    ("POST", "/survey/contacts/{contact_id}/supervision", "supervision.issue_for_contact",
     each(QUALITY, 303)),
    ("GET", "/survey/mine", "survey.mine", each(CALLERS, 200)),
    ("GET", "/survey/assign", "survey.assign", each(ASSIGNERS, 200)),
    ("POST", "/survey/assign/999999", "survey.assign_one", each(ASSIGNERS, 422)),  # no caller
    ("POST", "/survey/assign/count", "survey.assign_count", each(ASSIGNERS, 422)),
    ("POST", "/survey/assign/area", "survey.assign_area", each(ASSIGNERS, 422)),
    ("GET", "/survey/problems", "survey.problems", each(QUALITY | {R.DUTY_MANAGER}, 200)),
    ("GET", "/survey/problems/999999", "survey.problem", each(CALLERS | {R.DUTY_MANAGER}, 404)),
    ("POST", "/survey/problems/999999/diagnosis", "survey.problem_step",
     each(QUALITY | {R.DUTY_MANAGER}, 404)),
    ("POST", "/survey/problems/999999/grade", "survey.regrade",
     each(QUALITY | {R.DUTY_MANAGER}, 404)),
    ("GET", "/survey/ranking", "survey.ranking", each(ALL - {R.ADMIN}, 200)),
    ("POST", "/survey/ranking/publish", "survey.publish_ranking", each(ASSIGNERS, 303)),
    ("GET", "/survey/analysis", "survey.analysis", each(REPORTERS, 200)),
    ("POST", "/survey/analysis/findings", "survey.record_finding", {R.DUTY_MANAGER: 422}),
    ("POST", "/survey/analysis/training", "survey.record_training",
     each({R.DUTY_MANAGER, R.OWNER}, 422)),
    ("POST", "/survey/config/callbacks", "survey.save_callback_settings",
     each({R.ADMIN, R.OWNER}, 422)),
    ("GET", "/survey/import", "survey.upload", each(QUALITY, 200)),
    ("POST", "/survey/import", "survey.upload", each(QUALITY, 422)),  # no file
    ("GET", "/survey/imports/999999", "survey.preview", each(QUALITY, 404)),
    ("POST", "/survey/imports/999999/confirm", "survey.confirm_import", each(QUALITY, 404)),
    ("POST", "/tickets/{handed_over}/dissatisfied", "survey.from_ticket", each(QUALITY, 303)),
    ("GET", "/survey/remedies", "survey.remedies", each({R.DUTY_MANAGER, R.OWNER}, 200)),
    ("POST", "/survey/remedies/999999/contacted", "survey.remedy_contacted",
     {R.DUTY_MANAGER: 404}),
    ("POST", "/survey/remedies/999999/remedied", "survey.remedy_done", {R.DUTY_MANAGER: 404}),
    ("GET", "/survey/kpis", "survey.kpis", each(REPORTERS, 200)),
    ("GET", "/survey/kpis/export.xlsx", "survey.export_kpis", each(REPORTERS, 200)),
    ("GET", "/survey/records/export.xlsx", "survey.export_records",
     each(QUALITY | REPORTERS, 200)),
    ("GET", "/survey/audits", "survey.audits", {R.OWNER: 200}),
    ("GET", "/survey/audits/999999", "survey.audit_sample", {R.OWNER: 404}),
    ("POST", "/survey/audit-items/999999", "survey.mark_item", {R.OWNER: 404}),
    ("GET", "/survey/config", "survey.config", each({R.ADMIN, R.OWNER}, 200)),
    ("POST", "/survey/config/categories", "survey.save_category", each({R.ADMIN, R.OWNER}, 303)),
    ("POST", "/survey/config/settings", "survey.save_settings", each({R.ADMIN, R.OWNER}, 303)),
    # case library: everyone but IT reads, the owner writes ({verifying} is not judged yet:
    # back to the ticket with a message); risk register: managers read, the owner and the
    # group head write (no risk owner named: the form comes back, 422). No case or risk 999999.
    ("GET", "/cases", "cases.index", each(ALL - {R.ADMIN}, 200)),
    ("GET", "/cases/999999", "cases.show", each(ALL - {R.ADMIN}, 404)),
    ("GET", "/tickets/{verifying}/case/new", "cases.new", {R.OWNER: 303}),
    ("POST", "/cases/999999/edit", "cases.edit", {R.OWNER: 404}),
    ("GET", "/risks", "risks.index",
     each({R.OWNER, R.DUTY_MANAGER, R.GROUP_HEAD, R.SITE_HEAD}, 200)),
    ("POST", "/risks/new", "risks.new", each({R.OWNER, R.GROUP_HEAD}, 422)),
    ("POST", "/risks/999999/edit", "risks.edit", each({R.OWNER, R.GROUP_HEAD}, 404)),
    # supervision orders (督办单): the quality team issues on a signed-over ticket; anyone but
    # IT may be a recipient, so reads the list (their own orders) — no order 999999.
    ("POST", "/tickets/{verifying}/supervision", "supervision.issue", each(QUALITY, 303)),
    ("GET", "/supervision", "supervision.index", each(ALL - {R.ADMIN}, 200)),
    ("GET", "/supervision/export.xlsx", "supervision.export", each(ALL - {R.ADMIN}, 200)),
    ("GET", "/supervision/999999", "supervision.show", each(ALL - {R.ADMIN}, 404)),
    ("GET", "/supervision/999999/print", "supervision.sheet", each(ALL - {R.ADMIN}, 404)),
    ("POST", "/supervision/999999/answer", "supervision.answer", each(ALL - {R.ADMIN}, 404)),
    ("POST", "/supervision/999999/no-answer", "supervision.no_answer", each(QUALITY, 404)),
    # proposals (建议上报): the owner and duty managers write, the group head and the site head
    # acknowledge and decide, the quality team and management read — no proposal 999999.
    ("GET", "/proposals/new?source=keyword&key=x&from=2026-11-16&to=2026-11-22",
     "proposals.new", each({R.OWNER, R.DUTY_MANAGER}, 200)),
    ("GET", "/proposals", "proposals.index", each(MANAGEMENT, 200)),
    ("GET", "/proposals/999999", "proposals.show", each(MANAGEMENT, 404)),
    ("GET", "/proposals/999999/print", "proposals.sheet", each(MANAGEMENT, 404)),
    ("POST", "/proposals/999999/acknowledge", "proposals.acknowledge",
     each({R.GROUP_HEAD, R.SITE_HEAD}, 404)),
    ("POST", "/proposals/999999/decide", "proposals.decide",
     each({R.GROUP_HEAD, R.SITE_HEAD}, 404)),
    # feedback notes (服务反馈便签): agents and leads post, duty managers review (the owner
    # reads along) — no note 999999.
    ("GET", "/notes/mine", "notes.mine", each({R.STAFF, R.TEAM_LEAD}, 200)),
    ("POST", "/notes/mine", "notes.mine", each({R.STAFF, R.TEAM_LEAD}, 303)),
    ("GET", "/notes", "notes.review", each({R.DUTY_MANAGER, R.OWNER}, 200)),
    ("POST", "/notes/999999/review", "notes.record", {R.DUTY_MANAGER: 404}),
]

POST_DATA = {
    "tickets.return_to_staff": {"elements": ["demand"], "note": "x"},
    "tickets.lookup": {"phone": "13912345678"},
    "admin.save_route": {"prefix": "36", "group": "front"},
    "admin.save_criterion": {"code": "A9", "kind": "attitude", "text": "新标准", "active": "y"},
    "quality.set_accused": {"accused_no": "120001"},
    "quality.log_notification": {"called_at": "2026-11-23T08:00", "other_lead_name": "钱七"},
    "quality.update_notification": {"tracking": "handling", "result": "后台处理中"},
    "quality.return_to_lead": {"reason": "R1", "remarks": "未致歉"},
    "quality.judge": {"kind": "attitude", "verdict": "not_established", "basis": "录音无问题"},
    "quality.log_attempt": {"at": "2026-11-23T08:00", "reached": "no"},
    "quality.send_sms": {"kind": "notice", "text": "请致电10010查询"},
    "quality.complete_reply": {"method": "other", "note": "已形成投诉工单"},
    "quality.escalate": {"note": "长期投诉用户"},
    "quality.decide_reply": {"method": "sms", "replier": "1", "note": "长期投诉，短信回复"},
    "appeals.file_appeal": {"objection": "录音01:20"},
    "notices.flag": {"note": "资费解释易出错"},
    "appeals.rejudge": {"decision": "uphold", "reason": "维持"},
    "appeals.name_panel": {"member1": "210001", "member2": "210002", "member3": "210003"},
    "appeals.rule": {"verdict": "established", "reason": "裁定"},
    "appeals.raise_objection": {"points": "录音01:20"},
    "appeals.decline_objection": {"reason": "不予提交"},
    "admin.save_deputy": {"deputy": ""},
    "evidence.set_recording": {"recording-reference": "CALL-20261123-0001"},
    "admin.save_recording_link": {"recording_url_template": "https://rec.intranet/call/{id}"},
    "admin.save_group_mapping": {"group": "cn=zk-quality,ou=groups,dc=corp", "role": "checker"},
    "admin.save_notify_route": {"event": "vote", "channel": "none", "role": ""},
    "survey.review": {"part": "survey"},
    "survey.save_category": {"channel": "qq", "name": "新类别", "script": "话术", "active": "y"},
    "survey.save_settings": {"holidays": "2026-10-01", "workdays": "", "threshold": "8"},
    "survey.publish_ranking": {"month": "2026-11"},
    "supervision.issue_for_contact": {"request": "请反馈处理结果", "due_at": "2026-11-24T10:00",
                                      "department": "技术组"},
    "cases.edit": {"title": "争执", "summary": "概述", "analysis": "分析", "lesson": "教训",
                   "handling": "处理"},
    "risks.new": {"title": "高峰排队", "probability": "4", "impact": "4",
                  "review_on": "2026-12-31", "status": "open"},
    "supervision.issue": {"request": "请反馈处理结果", "due_at": "2026-11-24T10:00",
                          "department": "技术组"},
    "supervision.answer": {"answer": "已处理"},
    "notes.mine": {"text": "客户对赠品领取方式有疑问"},
    "notes.record": {"outcome": "discussed"},
    "wallboard.add_screen": {"name": "一楼大屏"},
    "privacy.save_retention": {"contact_days": "180", "audio_days": "365"},
    "privacy.lookup": {"phone": "13700009999"},
    "privacy.anonymise": {"phone": "13700009999", "reason": "客户要求", "sure": "y"},
    "wallboard.save_thresholds": {key: "5" for key in (
        "review_waiting", "review_late", "unclaimed", "replies_due", "unreached", "votes_open",
        "established_today", "top_criterion", "keyword")},
    "risks.edit": {"title": "高峰排队", "probability": "4", "impact": "4",
                   "review_on": "2026-12-31", "status": "open"},
}


def build_world(make):
    """One team (lead + agent) with a ticket in each state, and one user of every other role."""
    lead, agent = make.team_with_lead()
    users = {R.STAFF: agent, R.TEAM_LEAD: lead}
    for role in ALL - {R.STAFF, R.TEAM_LEAD}:
        users[role] = make.user(role)
    checker = users[R.CHECKER]
    verifying = make.ticket("verifying", submitter=agent, checker=checker, accused_no="110234")
    notification = quality.log_notification(
        verifying.id, called_at=make.now, other_lead_name="钱七", actor=checker, now=make.now)
    quality.log_attempt(verifying.id, at=make.now, reached=False, note="", actor=checker,
                        now=make.now)
    handed_over = make.ticket("handed_over", submitter=agent)
    contact, _ = survey_contacts.create_from_ticket(handed_over.id, actor=checker, now=make.now)
    ids = {
        "submitted": make.ticket(submitter=agent).id,
        "handed_over": handed_over.id,
        "contact_id": contact.id,
        "returned": make.ticket("returned_to_staff", submitter=agent).id,
        "verifying": verifying.id,
        "notification_id": notification.id,
        "returned_to_lead": make.ticket("returned_to_lead", submitter=agent,
                                        checker=checker).id,
        "staff_id": agent.id,
        "staff_no": agent.employee_no,
        "rule_id": routing.list_rules()[0].id,
    }
    people = {role: SimpleNamespace(id=u.id, employee_no=u.employee_no, name=u.name)
              for role, u in users.items()}
    return people, ids


@pytest.fixture(scope="module")
def world_database(tmp_path_factory, sqlite_template):
    """The world is built once through the services; every cell gets a copy of the file."""
    path = tmp_path_factory.mktemp("world") / "world.sqlite3"
    shutil.copy(sqlite_template, path)
    built = make_app(f"sqlite:///{path}")
    with built.app_context():
        world = build_world(Factory(datetime(2026, 11, 23, 2, 0)))
        db.session.remove()
        db.engine.dispose()
    return path, world


@pytest.fixture
def app(world_database, tmp_path):
    """This module's app: a fresh copy of the world database (SQLite) per test."""
    path = tmp_path / "zikong.sqlite3"
    shutil.copy(world_database[0], path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def world(world_database):
    return world_database[1]


def test_every_endpoint_declares_who_may_use_it(app):
    undeclared = [rule.endpoint for rule in app.url_map.iter_rules()
                  if access_rule(rule.endpoint) is None]
    assert undeclared == []


def test_the_matrix_covers_every_route(app):
    covered = {endpoint for _, _, endpoint, _ in MATRIX}
    routes = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    assert routes - covered == set(), "add the new routes to MATRIX"


def test_matrix_public_rows_are_public(app):
    for _, _, endpoint, expected in MATRIX:
        assert (access_rule(endpoint) == PUBLIC) == (expected == "public"), endpoint


CELLS = [(method, url, endpoint, role, expected)
         for method, url, endpoint, expected in MATRIX if expected != "public"
         for role in [None, *Role]]


@pytest.mark.parametrize("method, url, endpoint, role, expected", CELLS,
                         ids=[f"{m} {u} {r or 'anonymous'}" for m, u, _, r, _ in CELLS])
def test_role_route_matrix(client, auth, world, method, url, endpoint, role, expected):
    users, ids = world
    if role is not None:
        auth.login(users[role])
    path = url.format(**ids)
    response = client.open(path, method=method, data=POST_DATA.get(endpoint, {}))
    if role is None:
        assert response.status_code in (302, 303)
        assert "/login" in response.headers["Location"]
    else:
        assert response.status_code == expected.get(role, 403), response.data[:300]


@pytest.mark.parametrize("path", ["/tickets/{submitted}", "/tickets/{returned}/edit"])
def test_other_teams_get_404_not_the_ticket(client, auth, make, world, path):
    _, ids = world
    other_lead, other_agent = make.team_with_lead()
    for outsider in (other_lead, other_agent):
        auth.login(outsider)
        response = client.get(path.format(**ids))
        assert response.status_code == 404
        assert "13812345678".encode() not in response.data
        auth.logout()


def test_other_team_lead_cannot_sign_or_return(client, auth, make, world):
    users, ids = world
    other_lead, _ = make.team_with_lead()
    auth.login(other_lead)
    assert client.post(f"/tickets/{ids['submitted']}/sign").status_code == 404
    assert client.post(f"/tickets/{ids['submitted']}/return",
                       data={"elements": ["demand"]}).status_code == 404
    assert client.get(f"/tickets/{ids['submitted']}",
                      headers={"HX-Request": "true"}).status_code == 404


def test_unknown_ticket_is_404(client, auth, world):
    users, _ = world
    auth.login(users[R.CHECKER])
    assert client.get("/tickets/999999").status_code == 404


def test_security_headers_on_pages(client, auth, world):
    users, _ = world
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    auth.login(users[R.STAFF])
    assert client.get("/").headers["Cache-Control"] == "no-store"
