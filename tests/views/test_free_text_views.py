"""Free text typed into the forms: a customer number in it is masked when saved (pages and
the XLSX exports show 138****5678, never the whole number), and direction controls are
dropped, so what is displayed is what is stored."""
import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import Notification, Ticket
from services import quality
from services.clock import local_today

from ._support import html, version_of

MOBILE = "13812345678"          # the customer's number, typed whole
TYPED = "138 1234 5678"         # …or with spaces
MASKED = "138****5678"
RLO = "\u202e"                  # right-to-left override: 退款321 shows as 退款123

pytestmark = pytest.mark.postgres


def posted(response, status=303):
    assert response.status_code == status, html(response)[:600]
    return response


def sheet_text(response) -> str:
    assert response.status_code == 200, response.data[:300]
    rows = load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)
    return "\n".join(" ".join(str(cell) for cell in row if cell is not None) for row in rows)


def ticket_form(**overrides):
    data = {"caller_number": "13900001111", "contact_number": "13900002222",
            "complaint": f"客户说另一号码{MOBILE}也被扣费{RLO}321元",
            "demand": f"回电{TYPED}", "accused_no": "110234"}
    data.update(overrides)
    return data


@pytest.fixture
def people(make):
    lead, agent = make.team_with_lead()
    accused_lead = make.user(Role.TEAM_LEAD, team="二班")
    accused = make.user(Role.STAFF, team="二班", employee_no="200333")
    return {"lead": lead, "agent": agent, "accused_lead": accused_lead, "accused": accused,
            "checker": make.user(Role.CHECKER), "owner": make.user(Role.OWNER),
            "duty": make.user(Role.DUTY_MANAGER)}


def as_(client, auth, user):
    auth.logout()
    auth.login(user)
    return client


def test_numbers_typed_into_free_text_are_masked_everywhere(db_backend, client, auth, people):
    p, day = people, local_today().isoformat()
    since = f"{day}T09:00"
    # the agent files two tickets; the lead returns one with a note, the agent fixes it
    c = as_(client, auth, p["agent"])
    back = int(posted(c.post("/tickets/new", data=ticket_form())).headers["Location"]
               .rsplit("/", 1)[1])
    front = int(posted(c.post("/tickets/new", data=ticket_form(accused_no="200333")))
                .headers["Location"].rsplit("/", 1)[1])
    c = as_(client, auth, p["lead"])
    posted(c.post(f"/tickets/{back}/return", data={"elements": ["demand"],
                                                   "note": f"客户号码{MOBILE}请核对",
                                                   "version": version_of(Ticket, back)}))
    c = as_(client, auth, p["agent"])
    posted(c.post(f"/tickets/{back}/edit",
                  data=ticket_form(version=version_of(Ticket, back))))
    c = as_(client, auth, p["lead"])
    for ticket_id in (back, front):
        posted(c.post(f"/tickets/{ticket_id}/sign",
                      data={"version": version_of(Ticket, ticket_id)}))

    # the checker: a back-office ticket notified and returned, a front one judged and replied
    c = as_(client, auth, p["checker"])
    for ticket_id in (back, front):
        posted(c.post(f"/tickets/{ticket_id}/claim",
                      data={"version": version_of(Ticket, ticket_id)}))
    posted(c.post(f"/tickets/{back}/notifications", data={"called_at": since,
                                                          "other_lead_name": "钱七"}))
    notification = db.session.scalar(select(Notification.id))
    posted(c.post(f"/notifications/{notification}", data={
        f"n{notification}-tracking": "answered",
        f"n{notification}-result": f"后台已回电{TYPED}{RLO}"}))
    posted(c.post(f"/tickets/{back}/return-to-lead", data={
        "reason": "R1", "remarks": f"未核实{MOBILE}", "version": version_of(Ticket, back)}))
    posted(c.post(f"/tickets/{front}/attempts", data={
        "at": since, "reached": "no", "note": f"拨打{MOBILE}未接"}))
    posted(c.post(f"/tickets/{front}/escalate", data={"note": f"{MOBILE}长期投诉"}))
    a2 = [str(c_.id) for c_ in quality.active_criteria() if c_.code == "A2"]
    posted(c.post(f"/tickets/{front}/judge", data={
        "kind": "attitude", "verdict": "established", "criteria": a2,
        "basis": f"录音中员工向{MOBILE}反问客户", "version": version_of(Ticket, front)}))
    posted(c.post(f"/tickets/{front}/reply", data={"method": "other",
                                                   "note": f"已回复{MOBILE}"}))
    posted(c.post(f"/tickets/{front}/flag", data={"note": f"{MOBILE}类投诉易复发"}))
    # the accused agent's lead appeals; a duty manager posts a notice; the owner a risk
    c = as_(client, auth, p["accused_lead"])
    posted(c.post(f"/tickets/{front}/appeal", data={"objection": f"录音01:20 {MOBILE}先辱骂",
                                                    "version": version_of(Ticket, front)}))
    c = as_(client, auth, p["duty"])
    posted(c.post("/announcements/new", data={"kind": "announcement",
                                              "title": f"勿外泄{MOBILE}",
                                              "body": f"号码{TYPED}的客户来电先转质检"}))
    c = as_(client, auth, p["owner"])
    posted(c.post("/risks/new", data={
        "title": f"客户{MOBILE}反复投诉", "description": f"回电{TYPED}", "probability": "3",
        "impact": "3", "owner_id": str(p["owner"].id),
        "review_on": (local_today() + timedelta(days=7)).isoformat(), "status": "open"}))

    seen = {}
    c = as_(client, auth, p["checker"])
    for ticket_id in (back, front):
        seen[f"ticket {ticket_id}"] = html(c.get(f"/tickets/{ticket_id}"))
    span = f"from={day}&to={day}"
    seen["handover.xlsx"] = sheet_text(c.get(f"/handover/export.xlsx?{span}"))
    seen["whitelist-handover.xlsx"] = sheet_text(c.get(f"/whitelist-handover/export.xlsx?{span}"))
    seen["replies.xlsx"] = sheet_text(c.get(f"/reply-records/export.xlsx?{span}"))
    seen["tickets.xlsx"] = sheet_text(c.get("/tickets/export.xlsx"))
    seen["handover"] = html(c.get(f"/handover?day={day}"))
    seen["whitelist table"] = html(c.get(f"/whitelist-handover?day={day}"))
    c = as_(client, auth, p["owner"])
    seen["appeals.xlsx"] = sheet_text(c.get("/appeals/export.xlsx"))
    seen["appeal sheet"] = html(c.get(f"/tickets/{front}/appeal-sheet"))
    seen["risks"] = html(c.get("/risks"))
    seen["warnings"] = html(c.get("/warnings"))
    c = as_(client, auth, p["agent"])
    seen["announcements"] = html(c.get("/announcements"))
    seen["ticket list"] = html(c.get("/tickets/"))
    seen["reply scripts"] = html(c.post("/tickets/lookup", data={"phone": "13900002222"}))

    for where, text in seen.items():
        assert MOBILE not in text and TYPED not in text, where
        assert MASKED in text, where
        assert RLO not in text, where
    expected = {
        f"ticket {back}": ["客户号码138****5678请核对", "后台已回电138****5678",
                           "未核实138****5678", "也被扣费321元"],
        f"ticket {front}": ["拨打138****5678未接", "138****5678长期投诉", "向138****5678反问",
                            "已回复138****5678", "回电138****5678"],
        "handover.xlsx": ["未核实138****5678"],
        "whitelist-handover.xlsx": ["后台已回电138****5678"],
        "replies.xlsx": ["拨打138****5678未接", "已回复138****5678"],
        "tickets.xlsx": ["另一号码138****5678也被扣费"],
        "appeals.xlsx": ["录音01:20 138****5678先辱骂"],
        "appeal sheet": ["录音01:20 138****5678先辱骂", "向138****5678反问"],
        "risks": ["客户138****5678反复投诉"],
        "warnings": ["138****5678类投诉易复发"],
        "announcements": ["勿外泄138****5678"],
    }
    for where, snippets in expected.items():
        for snippet in snippets:
            assert snippet in seen[where], (where, snippet)

