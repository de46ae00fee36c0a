"""CSRF on every state-changing route (SECURITY.md): the routes come from app.url_map, each
POST is refused without a token (plain form and htmx alike) before anything else runs."""
import re

import pytest
from sqlalchemy import func, select

from domain.roles import Role
from extensions import db
from models import AuditEntry, LoginFailure, Ticket, User
from tests.conftest import make_app
from tests.factories import Factory

from ._urls import example_path


@pytest.fixture
def protected(app):
    """The same database, served with CSRF protection on (as in production)."""
    protected = make_app(app.config["SQLALCHEMY_DATABASE_URI"], WTF_CSRF_ENABLED=True)
    with protected.app_context():
        yield protected


def post_routes(app):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule.endpoint, example_path(app, rule)


def totals():
    db.session.rollback()
    return tuple(db.session.scalar(select(func.count(model.id)))
                 for model in (AuditEntry, Ticket, User, LoginFailure))


def sign_in(client, user):
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"employee_no": user.employee_no,
                                           "password": Factory.PASSWORD, "csrf_token": token})
    assert response.status_code == 303


@pytest.mark.parametrize("role", [None, Role.CHECKER])
def test_every_post_route_refuses_a_request_without_token(protected, make, role):
    lead, agent = make.team_with_lead()
    make.ticket(submitter=agent, lead=lead)
    users = {Role.TEAM_LEAD: lead, Role.CHECKER: make.user(Role.CHECKER),
             Role.ADMIN: make.user(Role.ADMIN)}
    client = protected.test_client()
    if role is not None:
        sign_in(client, users[role])
    before = totals()
    routes = list(post_routes(protected))
    assert len(routes) >= 20
    variants = [({}, {}), ({}, {"csrf_token": "forged-token"}),
                ({"HX-Request": "true"}, {}),
                ({"HX-Request": "true", "X-CSRFToken": "forged-token"}, {})]
    for endpoint, path in routes:
        for headers, token in variants:
            response = client.post(path, data={"employee_no": "1", "password": "x", **token},
                                   headers=headers)
            assert response.status_code == 400, (endpoint, headers, response.status_code)
            assert "表单已失效" in response.get_data(as_text=True)
    assert totals() == before
