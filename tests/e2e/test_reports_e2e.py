"""A manager changes a dashboard filter (the page updates in place and the URL follows) and
downloads an export that opens as a spreadsheet."""
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from extensions import db
from tests.factories import Factory

from .conftest import menu, shot

pytestmark = pytest.mark.e2e


def test_dashboard_filter_and_export(open_session, live_server):
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        owner = make.user("owner", name="周强")
        make.ticket("handed_over")
        live_server.people["owner"] = (owner.employee_no, owner.name)
        db.session.remove()
    page = open_session("owner")
    menu(page, "报表总览")
    page.wait_for_load_state("load")  # htmx (a deferred script) is ready before we use it
    page.locator("#dashboard").wait_for()
    assert page.locator("#kpi-filed .n").inner_text() == "1"
    page.select_option("#by", "group")
    expect(page).to_have_url(re.compile("by=group"))  # pushed by htmx (polled, no eval)
    page.locator("#breakdown").get_by_text("前台").wait_for()
    shot(page, "30-dashboard")
    with page.expect_download() as download:
        page.get_by_role("link", name="工单 XLSX").click()
    rows = list(load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
                .active.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号" and len(rows) == 2
