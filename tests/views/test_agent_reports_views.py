"""Reports by the accused: the dashboard's breakdowns by the accused agent's team and by agent,
an agent's own page (for themself, their lead and management), the exports' formulas."""
import io

import pytest
from openpyxl import load_workbook

from domain.roles import Role
from tests.services.test_reports_services import accused_world  # noqa: F401 (fixture)

from ._support import html, text_of

pytestmark = pytest.mark.postgres


def test_the_dashboard_breaks_down_by_the_accused(db_backend, client, auth, make,
                                                  accused_world):  # noqa: F811
    auth.login(make.user(Role.OWNER))
    page = html(client.get("/reports?period=week&date=2026-11-23&by=accused_team"))
    breakdown = text_of(page, "breakdown")
    assert "被投诉员工班组" in breakdown
    b1 = accused_world["b1"]
    agents = html(client.get("/reports?period=week&date=2026-11-23&by=accused"))
    assert f'/reports/agents/{b1.employee_no}' in agents
    book = load_workbook(io.BytesIO(client.get(
        "/reports/export.xlsx?period=week&date=2026-11-23&by=accused_team").data))
    cells = [[c.value for c in row] for row in book.active.iter_rows()]
    head = next(i for i, row in enumerate(cells) if row[0] == "被投诉员工班组")
    assert cells[head + 1][0] == "计算公式"
    assert "最终成立数" in cells[head + 1][3]
    assert all(row[4] for row in cells[2:11]), "every figure carries its formula"


def test_an_agent_page_for_themself_their_lead_and_management(db_backend, client, auth, make,
                                                              accused_world):  # noqa: F811
    w = accused_world
    url = f"/reports/agents/{w['b1'].employee_no}?period=week&date=2026-11-23"
    for reader in (w["b1"], w["lead_b"], make.user(Role.SITE_HEAD)):
        auth.login(reader)
        page = html(client.get(url))
        assert "2" in text_of(page, "agent-filed") and "1 / 2" in text_of(page, "agent-established")
        assert "50%" in text_of(page, "agent-rate")
        auth.logout()
    for outsider in (w["c1"], w["lead_c"]):
        auth.login(outsider)
        assert client.get(url).status_code == 404
        assert client.get(f"/reports/agents/{w['b1'].employee_no}/export.xlsx").status_code \
            == 404
        auth.logout()
    auth.login(w["lead_b"])
    home = html(client.get("/"))
    assert w["b1"].name in text_of(home, "home-team-agents")
    assert f'href="/reports/agents/{w["b1"].employee_no}"' in home
