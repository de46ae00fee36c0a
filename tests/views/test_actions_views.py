"""Answering an action (blueprints/_actions.answer): a form's `next` takes the user back only
to a page of this site that forms may name (BACK_TO); any other address is a forged form,
refused (400) before anything changes — never an open redirect."""
import pytest

from domain.roles import Role
from extensions import db
from models import AuditEntry, Ticket
from services import notices

from ._support import count, html, text_of

HX = {"HX-Request": "true"}

OUTSIDE = [
    "https://evil.example/review",
    "//evil.example/review",
    "/\\evil.example/review",
    "http://localhost/review",
    "javascript:alert(1)",
    "review",
    "/admin/users",          # a page of this site, but not one a form goes back to
    "/review/../admin/users",
    "/review\r\nSet-Cookie: a=b",
    "/rev iew",
]


@pytest.mark.parametrize("target", OUTSIDE)
@pytest.mark.parametrize("headers", [{}, HX], ids=["form", "htmx"])
def test_a_next_outside_the_list_is_refused_and_changes_nothing(client, auth, make, target,
                                                                headers):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(lead)
    audits = count(AuditEntry)
    response = client.post(f"/tickets/{ticket.id}/sign",
                           data={"version": ticket.version, "next": target}, headers=headers)
    assert response.status_code == 400
    assert "Location" not in response.headers and "HX-Redirect" not in response.headers
    assert count(AuditEntry) == audits
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).state == "submitted"


def test_a_next_on_the_list_is_where_success_goes(client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(lead)
    target = f"/tickets/{ticket.id}#lead-actions"
    response = client.post(f"/tickets/{ticket.id}/sign",
                           data={"version": ticket.version, "next": target})
    assert response.status_code == 303 and response.headers["Location"] == target


def test_acknowledging_on_the_home_page_goes_back_home(client, auth, make, now):
    duty, agent = make.user(Role.DUTY_MANAGER), make.user(Role.STAFF)
    notice = notices.post(kind="reminder", title="新话术", body="请按新话术解释",
                          recipients=[agent.employee_no], actor=duty, now=now)
    auth.login(agent)
    home = html(client.get("/"))
    assert 'name="next" value="/"' in home
    response = client.post(f"/announcements/{notice.id}/ack", data={"next": "/"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "已确认阅读" in text_of(html(client.get("/")), "flash")
