"""CSRF is enforced for plain forms and htmx requests alike (this module runs with it on)."""
import re

import pytest
from sqlalchemy import func, select

from extensions import db
from models import Ticket
from tests.conftest import make_app
from tests.factories import Factory


@pytest.fixture
def csrf_client(app):
    """The same database as `app`, served by an app with CSRF protection switched on."""
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with protected.app_context():
        yield protected.test_client()


def token_from(html: bytes) -> str:
    return re.search(rb'name="csrf-token" content="([^"]+)"', html).group(1).decode()


def sign_in(client, user):
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page.data).group(1)
    response = client.post("/login", data={"employee_no": user.employee_no,
                                           "password": Factory.PASSWORD,
                                           "csrf_token": token.decode()})
    assert response.status_code == 303


def test_login_without_token_is_refused(csrf_client, make):
    user = make.user()
    response = csrf_client.post("/login", data={"employee_no": user.employee_no,
                                                "password": Factory.PASSWORD})
    assert response.status_code == 400
    assert "表单已失效" in response.get_data(as_text=True)


def test_htmx_post_needs_the_header_token(csrf_client, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    sign_in(csrf_client, lead)
    headers = {"HX-Request": "true"}
    data = {"version": ticket.version, "next": "/review"}
    refused = csrf_client.post(f"/tickets/{ticket.id}/sign", data=data, headers=headers)
    assert refused.status_code == 400
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).state == "submitted"

    token = token_from(csrf_client.get("/review").data)
    accepted = csrf_client.post(f"/tickets/{ticket.id}/sign", data=data,
                                headers={**headers, "X-CSRFToken": token})
    assert accepted.status_code == 204 and accepted.headers["HX-Redirect"] == "/review"
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).state == "handed_over"


def test_new_ticket_form_with_its_token_works(csrf_client, make):
    _, agent = make.team_with_lead()
    sign_in(csrf_client, agent)
    page = csrf_client.get("/tickets/new").get_data(as_text=True)
    fields = dict(re.findall(r'name="(csrf_token|idempotency_key)" type="hidden" value="([^"]+)"',
                             page))
    response = csrf_client.post("/tickets/new", data={
        **fields, "caller_number": "13812345678", "contact_number": "13812345678",
        "complaint": "客户投诉态度问题", "demand": ""})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(Ticket.id))) == 1


def test_the_reply_script_lookup_posts_with_its_token(csrf_client, make):
    _, agent = make.team_with_lead()
    sign_in(csrf_client, agent)
    page = csrf_client.get("/tickets/lookup").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    refused = csrf_client.post("/tickets/lookup", data={"phone": "13700001111"})
    assert refused.status_code == 400
    answer = csrf_client.post("/tickets/lookup", data={"phone": "13700001111",
                                                        "csrf_token": token})
    assert answer.status_code == 200 and 'id="scripts"' in answer.get_data(as_text=True)


def test_marking_alerts_read_needs_the_token(csrf_client, make, now):
    """The alerts page only shows; marking read is a POST that a page elsewhere cannot
    forge."""
    from services import alerts
    agent = make.user()
    alerts.alert([agent.id], "vote", now=now)
    db.session.commit()
    sign_in(csrf_client, agent)
    page = csrf_client.get("/alerts")
    assert page.status_code == 200
    assert csrf_client.post("/alerts/read").status_code == 400
    db.session.rollback()
    assert alerts.unread_count(agent) == 1
    token = token_from(page.data)
    assert csrf_client.post("/alerts/read", data={"csrf_token": token}).status_code == 303
    db.session.rollback()
    assert alerts.unread_count(agent) == 0
