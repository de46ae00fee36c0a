"""Text that arrives without a form (the roster CSV, a contact file): names with direction
controls are refused line by line, free text loses them (domain.text.BIDI_CONTROLS)."""
import io

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Team, User
from services.survey import imports as survey_import
from services import users as user_service

pytestmark = pytest.mark.postgres


def test_a_roster_with_a_direction_control_in_a_name_imports_nothing(app, now):
    roster = io.StringIO("employee_no,name,role,team,password\n"
                         "400001,周一,staff,五班,pass-word-1\n"
                         "400002,吴\u202e二,staff,五班,pass-word-2\n"
                         "400003,郑三,staff,六\u2067班,pass-word-3\n")
    result = user_service.import_roster(roster, now=now)
    lines = {line: message for line, message in result.errors}
    assert set(lines) == {3, 4}
    assert lines[3].startswith("name:") and lines[4].startswith("team:")
    assert db.session.scalar(select(func.count(User.id))) == 0
    assert db.session.scalar(select(func.count(Team.id))) == 0


def test_a_contact_files_summary_loses_direction_controls(app, now):
    data = ("客户电话,渠道,接触时间,工号,问题摘要,满意度\n"
            "13812345678,热线,2026-11-22 10:00,200333,退款\u202e321\u202c元未到账,3\n")
    checked = survey_import.check_file(io.BytesIO(data.encode("utf-8")), "contacts.csv",
                                       now=now)
    assert checked.problems == []
    assert [row["summary"] for row in checked.rows] == ["退款321元未到账"]
