"""No IDOR (SECURITY.md, access control): every route that takes a ticket id, page or
fragment, GET or POST, answers 404 — exactly as for a ticket that does not exist — to a
user admitted to the route whose scope does not include the ticket, and changes nothing.
The routes come from app.url_map, so a new route is covered without editing this file."""
import pytest
from sqlalchemy import func, select

from blueprints._access import PUBLIC, access_rule
from domain.roles import Role
from extensions import db
from models import AuditEntry, Ticket

from ._urls import example_path

UNKNOWN_ID = 2**63 - 1


def ticket_routes(app):
    """(method, rule, endpoint) for every route with a <ticket_id>."""
    routes = []
    for rule in app.url_map.iter_rules():
        if "ticket_id" in rule.arguments:
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                routes.append((method, rule, rule.endpoint))
    return routes


@pytest.fixture
def scene(make):
    """A submitted ticket of one team, and for every role someone who may not see it."""
    lead, agent = make.team_with_lead()
    teammate = make.user(Role.STAFF, team=agent.team)
    ticket = make.ticket(submitter=agent)
    other_lead, other_agent = make.team_with_lead()
    outsiders = {Role.STAFF: [teammate, other_agent], Role.TEAM_LEAD: [other_lead]}
    for role in set(Role) - {Role.STAFF, Role.TEAM_LEAD}:
        # not signed over yet: invisible to quality and management; admin sees no ticket
        outsiders[role] = [make.user(role)]
    return ticket, outsiders


def state_of(ticket_id):
    db.session.rollback()
    ticket = db.session.get(Ticket, ticket_id)
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    return ticket.state, ticket.version, audits


def test_ticket_routes_answer_404_out_of_scope(app, client, auth, scene):
    ticket, outsiders = scene
    routes = ticket_routes(app)
    assert len(routes) >= 15
    before = state_of(ticket.id)
    checked = 0
    for role, people in outsiders.items():
        for person in people:
            auth.login(person)
            for method, rule, endpoint in routes:
                allowed = access_rule(endpoint)
                if allowed != PUBLIC and role not in allowed:
                    continue  # refused by role (403), covered by the access matrix
                for headers in ({}, {"HX-Request": "true"}):
                    answers = [client.open(example_path(app, rule, ticket_id=ticket_id),
                                           method=method, headers=headers).status_code
                               for ticket_id in (ticket.id, UNKNOWN_ID)]
                    assert answers == [404, 404], (role.value, method, rule.rule, headers,
                                                   answers)
                    checked += 1
            auth.logout()
    assert checked > 40
    assert state_of(ticket.id) == before


def test_ticket_pages_show_nothing_of_an_unseen_ticket(client, auth, scene):
    ticket, outsiders = scene
    auth.login(outsiders[Role.STAFF][1])
    for path in ("/", "/tickets/", f"/tickets/?state={ticket.state}", "/tickets/?page=1"):
        page = client.get(path).get_data(as_text=True)
        assert ticket.number not in page and ticket.complaint not in page
