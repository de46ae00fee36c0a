"""The lead's review queue and the handover table: the floor's day (班次日), signing several
tickets at once, the team's XLSX, and the print layout's signature lines."""
from datetime import datetime, timedelta

from domain.roles import Role
from extensions import db
from models import HandoverEntry
from services import settings
from services.clock import utcnow
from tests.conftest import FIXED_NOW

from ._support import html, text_of

#: 2026-11-24 02:51 in Shanghai: the night shift after the fixed Monday.
NIGHT = datetime(2026, 11, 23, 18, 51)


def move_clock(app, to: datetime):
    app.config["CLOCK_OFFSET_SECONDS"] += (to - utcnow()).total_seconds()


def test_the_night_shift_signs_onto_the_day_its_shift_began(app, client, auth, make):
    lead, agent = make.team_with_lead()
    evening = make.ticket(submitter=agent, at=FIXED_NOW + timedelta(hours=10))   # 20:00
    night = make.ticket(submitter=agent, at=NIGHT - timedelta(minutes=30))
    move_clock(app, NIGHT)
    auth.login(lead)
    for ticket in (evening, night):
        assert client.post(f"/tickets/{ticket.id}/sign",
                           data={"version": ticket.version}).status_code == 303
    assert {e.day.isoformat() for e in db.session.query(HandoverEntry)} == {"2026-11-23"}
    page = html(client.get("/handover"))          # "today" at 02:51 is still Monday's table
    assert "2026-11-23" in text_of(page, "handover-day")
    rows = text_of(page, "handover-rows")
    assert evening.number in rows and night.number in rows

    move_clock(app, datetime(2026, 11, 24, 0, 0))                     # 08:00: a new day
    page = html(client.get("/handover"))
    assert "2026-11-24" in text_of(page, "handover-day")
    assert night.number not in text_of(page, "handover-rows")


def test_the_owners_home_shows_the_night_shifts_signed_tickets(app, client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent, at=NIGHT - timedelta(minutes=40))
    from services import tickets
    tickets.sign_handover(ticket.id, actor=lead, now=NIGHT - timedelta(minutes=20))
    move_clock(app, NIGHT)
    auth.login(make.user(Role.OWNER))
    assert ticket.number in text_of(html(client.get("/")), "home-handover")


def test_the_admin_sets_when_the_day_starts(app, client, auth, make):
    lead, agent = make.team_with_lead()
    auth.login(make.user(Role.ADMIN))
    form = {"review_hours": "2", "reply_hours": "48", "follow_up_days": "3",
            "appeal_hours": "72", "sms_notice_template": "请来电", "sms_reply_template": "请来电",
            "sms_forbidden_words": ""}
    page = html(client.get("/admin/configuration"))
    assert "夜班" in text_of(page, "day_start-field")
    refused = client.post("/admin/configuration", data={**form, "day_start": "25:00"})
    assert refused.status_code == 422
    assert text_of(html(refused), "day_start-error")
    assert 'value="25:00"' in html(refused)
    assert client.post("/admin/configuration",
                       data={**form, "day_start": "0:00"}).status_code == 303
    db.session.rollback()
    assert settings.get("day_start") == "00:00"
    ticket = make.ticket(submitter=agent, at=NIGHT - timedelta(minutes=30))
    from services import tickets
    tickets.sign_handover(ticket.id, actor=lead, now=NIGHT)     # midnight start: calendar day
    assert db.session.query(HandoverEntry).one().day.isoformat() == "2026-11-24"


# --- the review queue: the whole text, several tickets signed after one confirm step ---------

LONG = ("客户反映昨天来电咨询流量包，客服代表语气不耐烦，没听完就挂断电话，客户再次来电时"
        "又被要求重复说明情况，客户非常不满，要求给出说法。")


def test_the_queue_shows_the_whole_complaint_and_demand(client, auth, make):
    lead, agent = make.team_with_lead()
    demand = "要求对该客服代表批评教育并当面道歉"
    ticket = make.ticket(submitter=agent, complaint=LONG, demand=demand)
    auth.login(lead)
    page = html(client.get("/review"))
    cell = text_of(page, f"text-{ticket.id}")
    assert LONG in cell and demand in cell
    assert f'<details class="full-text" id="text-{ticket.id}">' in page   # opens without JS
    assert f'form="sign-several" name="ticket" value="{ticket.id}"' in page


def test_signing_several_confirms_the_list_then_signs_each(client, auth, make):
    from models import AuditEntry
    lead, agent = make.team_with_lead()
    first, second, changed = (make.ticket(submitter=agent) for _ in range(3))
    other_lead, other_agent = make.team_with_lead()
    foreign = make.ticket(submitter=other_agent)
    auth.login(lead)
    confirm = client.get(f"/review/sign?ticket={first.id}&ticket={second.id}"
                         f"&ticket={changed.id}&ticket={foreign.id}")
    assert confirm.status_code == 200
    rows = text_of(html(confirm), "confirm-rows")
    assert all(t.number in rows for t in (first, second, changed))
    assert foreign.number not in rows                     # not in this lead's queue
    assert "签字确认这 3 张" in html(confirm)
    audits = db.session.query(AuditEntry).count()

    response = client.post("/review/sign", data={
        "ticket": [str(first.id), str(second.id), str(changed.id), str(foreign.id)],
        f"version-{first.id}": first.version, f"version-{second.id}": second.version,
        f"version-{changed.id}": changed.version + 1,       # someone changed it meanwhile
        f"version-{foreign.id}": foreign.version})
    assert response.status_code == 303 and response.headers["Location"] == "/review"
    db.session.rollback()
    states = {t.id: db.session.get(type(t), t.id).state for t in (first, second, changed, foreign)}
    assert states == {first.id: "handed_over", second.id: "handed_over",
                      changed.id: "submitted", foreign.id: "submitted"}
    assert db.session.query(AuditEntry).count() == audits + 2       # one per signed ticket
    assert db.session.query(HandoverEntry).count() == 2
    flashes = text_of(html(client.get("/review")), "flash")
    assert first.number in flashes and second.number in flashes
    assert f"{changed.number} 未签字确认" in flashes
    assert f"#{foreign.id} 未签字确认" in flashes and foreign.number not in flashes


def test_signing_with_nothing_checked_says_so(client, auth, make):
    lead, agent = make.team_with_lead()
    make.ticket(submitter=agent)
    auth.login(lead)
    response = client.get("/review/sign")
    assert response.status_code == 303
    assert "请先勾选" in text_of(html(client.get("/review")), "flash")


# --- the day's table as XLSX, from the handover page ------------------------------------------

def test_the_lead_downloads_the_days_table_of_the_own_team(client, auth, make):
    import io

    from openpyxl import load_workbook

    from ._support import element
    lead, agent = make.team_with_lead()
    mine = make.ticket("handed_over", submitter=agent)
    _other_lead, other_agent = make.team_with_lead()
    theirs = make.ticket("handed_over", submitter=other_agent)
    auth.login(lead)
    page = html(client.get("/handover?day=2026-11-23"))
    attrs, label = element(page, "handover-xlsx")
    assert label == "导出 XLSX"
    href = attrs["href"].replace("&amp;", "&")
    assert href == "/handover/export.xlsx?from=2026-11-23&to=2026-11-23"
    response = client.get(href)
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    assert rows[0][3] == "确认领班"
    assert [r[1] for r in rows[1:]] == [mine.number]          # the lead's team only
    assert theirs.number not in str(rows)
