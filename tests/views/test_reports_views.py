"""The dashboard and the exports: fragments, links to the tickets behind a figure, and
spreadsheets whose rows are the list's rows."""
import io

import pytest
from openpyxl import load_workbook

from domain.roles import Role
from services.clock import utcnow

from ._support import element, html, text_of


@pytest.fixture
def owner(make):
    return make.user(Role.OWNER)


def sheet_rows(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))


def test_dashboard_page_and_fragment(client, auth, make, owner):
    make.ticket(at=utcnow())
    auth.login(owner)
    page = html(client.get("/reports?period=month"))
    assert text_of(page, "kpi-filed").endswith("1")
    assert element(page, "trend") is not None and "<svg" in page
    fragment = client.get("/reports?period=week&by=group", headers={"HX-Request": "true"})
    assert "<html" not in html(fragment) and 'id="dashboard"' in html(fragment)
    assert "HX-Request" in fragment.headers["Vary"]


def test_a_figure_links_to_the_tickets_behind_it(client, auth, make, owner):
    ticket = make.ticket(at=utcnow())
    other = make.ticket(at=utcnow())
    other_team = other.team_id
    auth.login(owner)
    page = html(client.get("/reports?period=month&by=team"))
    href = element(page, "kpi-filed")[0]["href"]
    assert "on=created" in href
    # the quality team and managers see only signed-over tickets: none yet
    assert ticket.number not in html(client.get(href))
    rows = html(client.get(f"/tickets/?team={other_team}&on=created"))
    assert "active-filters" in rows


def test_ticket_export_matches_the_list(client, auth, make):
    lead, agent = make.team_with_lead()
    first = make.ticket(submitter=agent, caller_number="13811112222")
    second = make.ticket(submitter=agent)
    auth.login(lead)
    listed = html(client.get("/tickets/"))
    rows = sheet_rows(client.get("/tickets/export.xlsx"))
    assert rows[0][:3] == ("工单编号", "交单工号", "受理号码")
    numbers = [r[0] for r in rows[1:]]
    assert numbers == [second.number, first.number]       # the list's order
    assert all(n in listed for n in numbers)
    assert "138****2222" in [r[2] for r in rows[1:]]       # masked, as in the list
    assert "13811112222" not in str(rows)


def test_handover_and_whitelist_exports(client, auth, make, now):
    from services import quality
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, accused_no="110234")
    quality.log_notification(ticket.id, called_at=now, other_lead_name="钱七", actor=checker,
                             now=now)
    auth.login(checker)
    handover = sheet_rows(client.get("/handover/export.xlsx?from=2026-11-23&to=2026-11-23"))
    assert handover[0][0] == "日期" and handover[1][1] == ticket.number
    calls = sheet_rows(client.get(
        "/whitelist-handover/export.xlsx?from=2026-11-23&to=2026-11-23"))
    assert calls[1][:3] == (ticket.number, "后台", "89087814") and "钱七" in calls[1]
    replies = sheet_rows(client.get("/reply-records/export.xlsx?from=2026-11-23&to=2026-11-23"))
    assert replies[1][0] == ticket.number


@pytest.mark.parametrize(("url", "form", "target", "by"), [
    ("/reports", "report-filters", "#dashboard", "group"),
    ("/survey/kpis", "kpi-filters", "#kpis", "caller")])
def test_the_period_filter_keeps_what_was_asked(client, auth, owner, url, form, target, by):
    """Both report pages' period filter (one macro) asks its own page and re-renders its own
    block, and shows the period, the days and the breakdown the URL asked for, in Chinese."""
    auth.login(owner)
    page = html(client.get(f"{url}?period=custom&date=2026-11-20&from=2026-11-02"
                           f"&to=2026-11-08&by={by}"))
    attrs = element(page, form)[0]
    assert attrs["action"] == attrs["hx-get"] == url and attrs["hx-target"] == target
    assert '<option value="custom" selected>' in page
    assert element(page, "date")[0]["value"] == "2026-11-20"
    assert element(page, "from")[0]["value"] == "2026-11-02"
    assert element(page, "to")[0]["value"] == "2026-11-08"
    assert f'<option value="{by}" selected>' in page
    assert '<label for="period">统计周期</label>' in page
