"""Every XLSX export opens ready to read and print: the header row frozen, columns as wide as
their content (within bounds), A4 landscape fitted to the page's width with the header row
repeated on every printed page."""
import io

import pytest
from openpyxl import load_workbook

from domain.roles import Role
from services import quality

EXPORTS = ["/tickets/export.xlsx", "/handover/export.xlsx", "/whitelist-handover/export.xlsx",
           "/reply-records/export.xlsx", "/reports/export.xlsx", "/appeals/export.xlsx",
           "/supervision/export.xlsx"]


@pytest.fixture
def signed_in_owner(client, auth, make, now):
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker, accused_no="110234",
                         complaint="客户投诉客服代表态度生硬，没有解释清楚，要求领导回电。" * 2)
    quality.log_notification(ticket.id, called_at=now, other_lead_name="钱七", actor=checker,
                             now=now)
    auth.login(make.user(Role.OWNER))
    return client


@pytest.mark.parametrize("url", EXPORTS)
def test_an_export_is_laid_out_for_reading_and_printing(signed_in_owner, url):
    response = signed_in_owner.get(url)
    assert response.status_code == 200, url
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize) == ("landscape", 9)    # A4 landscape
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0)
    widths = [d.width for d in sheet.column_dimensions.values()]
    assert len(widths) >= sheet.max_column and all(6 <= w <= 60 for w in widths)


def test_a_long_chinese_column_is_wider_than_a_short_one(signed_in_owner):
    sheet = load_workbook(io.BytesIO(signed_in_owner.get("/tickets/export.xlsx").data)).active
    header = [c.value for c in sheet[1]]
    complaint = sheet.column_dimensions[chr(65 + header.index("投诉内容"))].width
    number = sheet.column_dimensions["A"].width
    assert complaint > number >= len("ZK-20261123-0001")
