"""Appeal pages: who sees the ballot, counts hidden while the vote is open, the export."""
import io
import re

import pytest
from openpyxl import load_workbook

from domain.roles import Role
from tests.services.test_appeals_services import World

from ._support import element, html, text_of


@pytest.fixture
def world(make, now):
    world = World(make, now)
    world.to_vote()
    return world


def test_only_panellists_reach_the_ballot(client, auth, world):
    auth.login(world.owner)
    assert client.get(f"/tickets/{world.ticket_id}/vote").status_code == 404
    auth.logout()
    auth.login(world.panel[0])
    page = html(client.get(f"/tickets/{world.ticket_id}/vote"))
    assert "录音01:20处客户先辱骂员工" in text_of(page, "objection")
    assert "录音中员工反问客户" in text_of(page, "judgement")
    assert element(page, "ballot") is not None


def test_a_ballot_counts_once_and_the_page_says_so(client, auth, world):
    auth.login(world.panel[0])
    first = client.post(f"/tickets/{world.ticket_id}/vote",
                        data={"choice": "established", "confirm": "1"})
    assert first.status_code == 303
    assert "established" not in first.headers["Location"]
    again = client.post(f"/tickets/{world.ticket_id}/vote",
                        data={"choice": "not_established", "confirm": "1"})
    assert again.status_code == 409  # the vote page again, saying why
    assert "投票后不能更改" in html(again)
    tally = world.ticket().appeal
    assert sum(m.submitted for m in tally.members) == 1


def test_nobody_sees_counts_while_the_vote_is_open(client, auth, world, make):
    world.vote(["established", "established", "not_established", None, None, None])
    for viewer in (world.owner, world.site_head, world.panel[0], make.user(Role.CHECKER)):
        auth.login(viewer)
        page = html(client.get(f"/tickets/{world.ticket_id}"))
        appeal = text_of(page, "appeal")
        assert "已投票 3 / 6" in appeal
        assert "2 : 1" not in appeal and "1 : 2" not in appeal
        auth.logout()


def test_the_appeals_export_has_the_sheet_as_a_row(client, auth, world):
    world.vote(["established"] * 4 + ["not_established"] * 2)
    auth.login(world.owner)
    response = client.get("/appeals/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号" and "异议点" in rows[0]
    assert rows[1][0] == world.ticket().number
    assert "4:2" in rows[1] and "成立" in rows[1]


def test_the_print_sheet_has_signature_lines(client, auth, world):
    auth.login(world.accused_lead)
    page = html(client.get(f"/tickets/{world.ticket_id}/appeal-sheet"))
    sheet = text_of(page, "appeal-sheet")
    assert "内部服务质量判责异议单" in sheet and "异议提出人（签字）" in sheet
    assert "维持原判" in sheet


def _vote_badge(page: str) -> str | None:
    found = re.search(r'<a href="/votes"[^>]*>[^<]*<span class="badge">(\d+)</span>', page)
    return found.group(1) if found else None


def test_the_menu_counts_ballots_waiting_and_forgets_one_cast(client, auth, world):
    """The count beside 投票 is read with the signed-in user; casting the ballot (a write in
    that request) drops it, so the very next page counts again."""
    auth.login(world.panel[0])
    assert _vote_badge(html(client.get("/"))) == "1"
    cast = client.post(f"/tickets/{world.ticket_id}/vote",
                        data={"choice": "established", "confirm": "1"})
    assert cast.status_code == 303
    assert _vote_badge(html(client.get("/"))) is None


def test_a_write_in_the_request_drops_the_counts_read_with_the_user(app, world):
    from sqlalchemy import func, select

    from extensions import db
    from models import Alert
    from services import alerts, appeals
    from services.db import write_transaction
    member = world.panel[0]
    unread = db.session.scalar(select(func.count()).select_from(Alert).where(
        Alert.user_id == member.id, Alert.read_at.is_(None)))
    with app.app_context(), app.test_request_context():
        appeals.remember_vote_count(member.id, 7)
        alerts.remember_count(member.id, 9)
        assert (appeals.pending_vote_count(member), alerts.unread_count(member)) == (7, 9)
        with write_transaction():
            pass
        assert (appeals.pending_vote_count(member), alerts.unread_count(member)) == (1, unread)


def test_unreadable_ballots_are_said_plainly_to_those_who_must_act(client, auth, world, app):
    """The key changed while the vote was open: the ticket page says nothing was counted and
    offers the site head the ruling; the administrator's alert names the ticket without a
    link to a page IT may not open."""
    world.vote(["established", "not_established", None, None, None, None])
    app.config["SECRET_KEY"] = "rotated while the vote was open"
    world.vote([None, None] + ["established"] * 4)
    auth.login(world.site_head)
    page = html(client.get(f"/tickets/{world.ticket_id}"))
    assert "选票无法用当前投票密钥解密" in text_of(page, "ballots-unreadable")
    assert element(page, "ruling-form") is not None
    auth.logout()
    auth.login(world.admin)
    alerts = html(client.get("/alerts"))
    number = world.ticket().number
    assert "现场负责人裁定" in alerts and number in alerts
    assert not re.search(rf"<a[^>]*>\s*{number}\s*</a>", alerts)


# --- decisions that cannot be undone take two steps ------------------------------------------

@pytest.fixture
def appealed(make, now):
    world = World(make, now)
    world.appeal()
    return world


def test_overturning_takes_a_confirm_screen_and_going_back_keeps_the_reason(
        client, auth, appealed):
    auth.login(appealed.owner)
    url = f"/tickets/{appealed.ticket_id}/rejudge"
    data = {"decision": "overturn", "reason": "客户先辱骂，员工回应可以理解。",
            "version": appealed.ticket().version}
    first = client.post(url, data=data)
    assert first.status_code == 200
    assert "此为最终结论" in text_of(html(first), "confirm-consequence")
    assert appealed.ticket().state == "appealed"            # nothing happened yet
    back = client.post(url, data={**data, "confirm": "1", "back": "1"})
    assert back.status_code == 200 and appealed.ticket().state == "appealed"
    assert "员工回应可以理解" in text_of(html(back), "rejudge-form")
    done = client.post(url, data={**data, "confirm": "1"})
    assert done.status_code == 303
    ticket = appealed.ticket()
    assert (ticket.state, ticket.verdict) == ("judged", "not_established")
    page = html(client.get(f"/tickets/{appealed.ticket_id}"))
    assert "最终：不成立" in text_of(page, "final-verdict")
    assert "原判：成立" in text_of(page, "original-verdict")


def test_a_ballot_is_cast_only_from_its_confirm_screen(client, auth, world):
    auth.login(world.panel[0])
    first = client.post(f"/tickets/{world.ticket_id}/vote", data={"choice": "not_established"})
    assert first.status_code == 200 and "投票后不能更改" in html(first)
    assert sum(m.submitted for m in world.ticket().appeal.members) == 0
    assert "not_established" not in (first.headers.get("Location") or "")


def test_the_export_counts_the_final_verdict(client, auth, appealed):
    from services import appeals
    appeals.rejudge(appealed.ticket_id, decision="overturn", reason="改判",
                    actor=appealed.owner, now=appealed.now)
    auth.login(appealed.owner)
    book = load_workbook(io.BytesIO(client.get("/tickets/export.xlsx").data))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    column = header.index("现行判定（经申诉为最终结论）")
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert [row[column] for row in rows] == ["不成立"]


# --- the agent's objection ------------------------------------------------------------------

def test_the_objection_form_keeps_what_was_typed_and_the_lead_gets_it_prefilled(
        client, auth, make, now):
    world = World(make, now)
    auth.login(world.accused)
    url = f"/tickets/{world.ticket_id}/objection"
    empty = client.post(url, data={"points": "  "})
    assert empty.status_code == 422
    assert "请写明对录音的异议点" in text_of(html(empty), "points-field")
    sent = client.post(url, data={"points": "录音01:20处客户先辱骂"})
    assert sent.status_code == 303
    auth.logout()
    auth.login(world.accused_lead)
    page = html(client.get(f"/tickets/{world.ticket_id}"))
    assert "员工请你提交异议单" in text_of(page, "objection-decide")
    assert "录音01:20处客户先辱骂" in text_of(page, "appeal-form")
    assert element(page, "decline-form") is not None
    home = html(client.get("/"))
    assert world.ticket().number in text_of(home, "home-objections")


def test_the_deputy_is_chosen_among_owners_and_group_heads(client, auth, make):
    admin = make.user(Role.ADMIN)
    head = make.user(Role.GROUP_HEAD, employee_no="170001")
    make.user(Role.CHECKER, employee_no="190099")
    auth.login(admin)
    refused = client.post("/admin/deputy", data={"deputy": "190099"})
    assert refused.status_code == 422 and element(html(refused), "deputy-error") is not None
    saved = client.post("/admin/deputy", data={"deputy": head.employee_no})
    assert saved.status_code == 303
    page = html(client.get("/admin/configuration"))
    assert re.search(r'<option selected value="170001"|<option value="170001" selected', page)
