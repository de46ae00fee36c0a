"""The reply record's pages: the follow-up's progress on the checker's panel, the decision on
an escalated customer (errors beside the fields), the reply record as a page, a printout and
a spreadsheet with the filters of the other forms, and the two reply figures on the
dashboard with their formulas."""
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from domain.roles import Role
from extensions import db
from models import Ticket
from services import quality

from ._support import element, html, text_of

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SHANGHAI).astimezone(
        ZoneInfo("UTC")).replace(tzinfo=None)


@pytest.fixture
def checker(make):
    return make.user(Role.CHECKER, name="赵敏")


@pytest.fixture
def claimed(make, checker):
    """Signed over and claimed on Monday 2026-11-23 10:00 (Shanghai), the app's now."""
    return make.ticket("verifying", checker=checker, accused_no="200333",
                       contact_number="13912345678")


def fail(ticket, checker, when, note="无人接听"):
    at = local(when)
    quality.log_attempt(ticket.id, at=at, reached=False, note=note, actor=checker, now=at)


def sheet(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


# --- the follow-up on the reply panel ---------------------------------------------------------

def test_the_panel_counts_days_not_calls_and_names_the_next_day(client, auth, checker, claimed):
    fail(claimed, checker, "2026-11-22 09:00")   # Sunday (logged late)
    fail(claimed, checker, "2026-11-22 21:00")   # the same Sunday
    fail(claimed, checker, "2026-11-23 08:00")   # Monday
    auth.login(checker)
    page = html(client.get(f"/tickets/{claimed.id}"))
    assert text_of(page, "follow-up-days") == "已尝试 2/3 天"
    assert text_of(page, "follow-up-next") == "还需在 11月24日周二 或之后的另一天再外呼一次。"
    assert element(page, "sms-kind") is not None
    assert '<option selected value="notice">' in page      # the notice, not yet the reply


def test_the_panel_opens_the_sms_reply_after_the_third_day(client, auth, checker, claimed):
    for day in ("2026-11-21", "2026-11-22", "2026-11-23"):
        fail(claimed, checker, f"{day} 09:00")
    auth.login(checker)
    page = html(client.get(f"/tickets/{claimed.id}"))
    assert text_of(page, "follow-up-days") == "已尝试 3/3 天"
    assert "现在可以短信回复或直接解释" in text_of(page, "follow-up-next")
    assert '<option selected value="reply">' in page


def test_before_any_failed_call_the_panel_explains_the_rule(client, auth, checker, claimed):
    auth.login(checker)
    page = html(client.get(f"/tickets/{claimed.id}"))
    assert text_of(page, "follow-up-days") == "已尝试 0/3 天"
    assert "3个不同日期" in text_of(page, "follow-up-next")


# --- the decision on an escalated customer --------------------------------------------------------

@pytest.fixture
def escalated(claimed, checker, now):
    quality.escalate(claimed.id, note="长期投诉用户，多次来电", actor=checker, now=now)
    return claimed


def test_a_decision_with_missing_fields_comes_back_beside_them(client, auth, make, escalated):
    auth.login(make.user(Role.DUTY_MANAGER))
    page = html(client.get(f"/tickets/{escalated.id}"))
    assert element(page, "decision-form") is not None
    response = client.post(f"/tickets/{escalated.id}/reply-decision",
                           data={"method": "sms", "replier": "", "note": ""})
    assert response.status_code == 422
    page = html(response)
    assert text_of(page, "decision-replier-error") == "此项必填。"
    assert text_of(page, "decision-note-error")
    assert re.search(r'<input checked[^>]*value="sms"', page)  # what was chosen is kept
    db.session.rollback()
    assert db.session.get(Ticket, escalated.id).reply_decision is None


def test_a_replier_who_may_not_reply_is_refused_beside_the_field(client, auth, make, escalated):
    auth.login(make.user(Role.OWNER))
    staff = make.user(Role.STAFF)
    response = client.post(f"/tickets/{escalated.id}/reply-decision",
                           data={"method": "sms", "replier": str(staff.id), "note": "无理投诉"})
    assert response.status_code == 422
    assert "自控组工作人员或白名单负责人" in text_of(html(response), "decision-replier-error")


def test_the_decision_is_shown_and_the_replier_panel_follows_it(client, auth, make, escalated,
                                                                 checker):
    owner = make.user(Role.OWNER, name="钱主任")
    auth.login(make.user(Role.DUTY_MANAGER))
    assert "待决定" in text_of(html(client.get("/")), "escalated")
    response = client.post(f"/tickets/{escalated.id}/reply-decision",
                           data={"method": "explain", "replier": str(owner.id),
                                 "note": "无理投诉，备注解释口径", "anchor": "reply-decision"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#reply-decision")
    page = html(client.get(f"/tickets/{escalated.id}"))
    assert "钱主任" in text_of(page, "reply-decision-current")
    assert "已决定回复方式" in text_of(page, "timeline")
    assert "上报决定： 直接解释 · 钱主任" in text_of(html(client.get("/")), "escalated")
    auth.logout()
    auth.login(owner)
    page = html(client.get(f"/tickets/{escalated.id}"))
    assert "直接解释" in text_of(page, "reply-decided")
    assert "可不经连续外呼" in text_of(page, "follow-up-next")
    methods = text_of(page, "reply-form")
    assert "直接解释" in methods and "电话" not in methods.split("回复方式")[1][:10]
    assert element(page, "attempt-form") is not None     # the replier keeps the record
    alerts = html(client.get("/alerts"))
    assert "上报用户的回复方式已决定" in alerts
    auth.logout()
    auth.login(checker)                                   # the claimant no longer does
    assert element(html(client.get(f"/tickets/{escalated.id}")), "attempt-form") is None


# --- the reply record as a page, a printout and a spreadsheet -------------------------------------

@pytest.fixture
def record(make, checker, now):
    """Two tickets of two teams signed over on 11-23; one answered by SMS after three days."""
    first = make.ticket("verifying", checker=checker, accused_no="200333",
                        contact_number="13912345678")
    other = make.ticket("verifying", checker=checker, accused_no="180111",
                        contact_number="13700001111")
    quality.judge(first.id, kind="attitude", verdict="not_established", criteria_ids=[],
                  basis="录音中员工解释清楚，无不当用语。", actor=checker, now=now)
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        fail(first, checker, f"{day} 11:00", note="关机")
    quality.send_sms(first.id, kind="reply", text="您反映的问题已处理完毕，请致电10010查询。",
                     actor=checker, now=local("2026-11-25 11:05"))
    return first, other


def test_the_reply_record_page_lists_every_detail_masked(client, auth, make, record):
    first, other = record
    auth.login(make.user(Role.GROUP_HEAD))
    page = html(client.get("/reply-records?from=2026-11-23&to=2026-11-23"))
    row = text_of(page, f"reply-row-{first.id}")
    for part in (first.number, "200333", "139****5678", "不成立", "录音中员工解释清楚",
                 "11-23 11:00 未联系上 · 关机", "11-25 11:00", "短信", "请致电10010查询",
                 "赵敏", "✓ 是"):
        assert part in row, part
    assert "13912345678" not in page
    assert element(page, f"reply-row-{other.id}") is not None


def test_the_reply_record_filters_like_the_other_forms(client, auth, make, record):
    first, other = record
    auth.login(make.user(Role.CHECKER))
    by_team = html(client.get(f"/reply-records?from=2026-11-23&team={other.team_id}"))
    assert element(by_team, f"reply-row-{other.id}") and not element(by_team,
                                                                      f"reply-row-{first.id}")
    by_method = html(client.get("/reply-records?from=2026-11-23&method=sms"))
    assert element(by_method, f"reply-row-{first.id}") and not element(
        by_method, f"reply-row-{other.id}")
    earlier = html(client.get("/reply-records?from=2026-11-01&to=2026-11-22"))
    assert element(earlier, f"reply-row-{first.id}") is None
    fragment = client.get("/reply-records?from=2026-11-23&method=sms",
                          headers={"HX-Request": "true"})
    assert "<html" not in html(fragment) and 'id="reply-rows"' in html(fragment)
    assert "HX-Request" in fragment.headers["Vary"]


def test_the_printout_and_the_spreadsheet_have_the_same_rows(client, auth, make, record):
    first, other = record
    auth.login(make.user(Role.SITE_HEAD))
    query = f"from=2026-11-23&to=2026-11-23&team={first.team_id}"
    printout = html(client.get(f"/reply-records/print?{query}"))
    assert element(printout, "reply-print") is not None
    assert element(printout, f"reply-row-{first.id}") and not element(
        printout, f"reply-row-{other.id}")
    assert "2026-11-23 — 2026-11-23" in text_of(printout, "print-scope")
    rows = sheet(client.get(f"/reply-records/export.xlsx?{query}"))
    assert rows[0][:3] == ("工单编号", "交接时间", "被投诉工号")
    assert [r[0] for r in rows[1:]] == [first.number]
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["联系电话"] == "139****5678"
    assert cells["判定依据"] == "录音中员工解释清楚，无不当用语。"
    assert "11-24 11:00 未联系上 关机" in cells["联系记录"]
    assert cells["解释口径／处理情况"] == "您反映的问题已处理完毕，请致电10010查询。"
    assert (cells["首次联系及时"], cells["回复合规"]) == ("是", "是")
    assert "13912345678" not in str(rows)


def test_the_print_css_sets_a4_landscape(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "@page reply-record { size: A4 landscape" in css


def test_the_reply_record_is_in_the_menu_of_the_quality_team_and_management(client, auth,
                                                                            make):
    for role in (Role.CHECKER, Role.DUTY_MANAGER):
        auth.login(make.user(role))
        assert 'href="/reply-records"' in html(client.get("/"))
        auth.logout()
    lead, _agent = make.team_with_lead()
    auth.login(lead)
    assert 'href="/reply-records"' not in html(client.get("/"))


# --- the dashboard ------------------------------------------------------------------------------

def test_the_dashboard_shows_the_two_figures_with_their_formulas(client, auth, make, record):
    auth.login(make.user(Role.OWNER))
    page = html(client.get("/reports?period=week&date=2026-11-23"))
    assert element(page, "kpi-reply") is None
    assert text_of(page, "kpi-compliance").startswith("回复合规率100%1 / 1")
    assert "首次联系及时率" in text_of(page, "kpi-first-contact")
    assert "签字交接后48小时内首次联系客户的工单数 ÷" in text_of(page, "formula-first-contact")
    assert "3个不同日期均未联系上" in text_of(page, "formula-compliance")
    rows = sheet(client.get("/reports/export.xlsx?period=week&date=2026-11-23"))
    figures = {r[0]: r for r in rows[1:] if r and r[0]}
    assert figures["回复合规率"][1:4] == (1, 1, 1)
    assert "÷" in figures["回复合规率"][4] and "÷" in figures["首次联系及时率"][4]
    assert "按时回复" not in str(rows)


def test_the_admin_sets_the_number_of_days(client, auth, make):
    from services import settings
    auth.login(make.user(Role.ADMIN))
    page = html(client.get("/admin/configuration"))
    assert "短信回复或直接解释前需外呼未联系上的天数" in text_of(page, "follow_up_days-field")
    form = {"review_hours": "2", "reply_hours": "48", "appeal_hours": "72",
            "sms_notice_template": "请来电", "sms_reply_template": "请来电",
            "sms_forbidden_words": "成立"}
    response = client.post("/admin/configuration", data={**form, "follow_up_days": "0"})
    assert response.status_code == 422
    assert text_of(html(response), "follow_up_days-error")
    assert client.post("/admin/configuration",
                       data={**form, "follow_up_days": "2"}).status_code == 303
    db.session.rollback()
    assert settings.limits().follow_up_days == 2
