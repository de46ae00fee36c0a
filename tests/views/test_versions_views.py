"""Each form that changes a ticket carries the version its page showed. A post without it, or
with one that is not a number, is refused (400) and changes nothing: before, it skipped the
"changed since you opened it" check. Likewise a button that ignored an unreadable version
(claim, confirm return) now refuses it."""
import pytest

from domain.roles import Role
from models import AuditEntry, Ticket
from tests.services.test_appeals_services import World

from ._support import count, version_of

TICKET = {"caller_number": "13812345678", "contact_number": "13912345678",
          "complaint": "客户投诉客服代表态度生硬，没有解释清楚。", "demand": "要求道歉",
          "accused_no": "180123"}


def _submitted(make):
    lead, agent = make.team_with_lead()
    return make.ticket(submitter=agent), lead


def _returned(make):
    lead, agent = make.team_with_lead()
    return make.ticket("returned_to_staff", submitter=agent, lead=lead), agent


def _handed_over(make):
    return make.ticket("handed_over"), make.user(Role.CHECKER)


def _verifying(make):
    checker = make.user(Role.CHECKER)
    return make.ticket("verifying", checker=checker, accused_no="200333"), checker


def _returned_to_lead(make):
    lead, agent = make.team_with_lead()
    return make.ticket("returned_to_lead", submitter=agent, lead=lead), lead


def _judged(make):
    world = World(make, make.now)
    return world.ticket(), world.accused_lead


def _appealed(make):
    world = World(make, make.now)
    world.appeal()
    return world.ticket(), world.owner


def _deciding(make):
    """A tie of the panel: the site head rules."""
    world = World(make, make.now)
    world.to_vote()
    world.vote(["established", "not_established"] * 3)
    return world.ticket(), world.site_head


#: (action, the ticket and who acts on it, path, the form without its version)
ACTIONS = [
    ("sign", _submitted, "sign", {}),
    ("return to the agent", _submitted, "return", {"elements": ["demand"], "note": "补充"}),
    ("resubmit", _returned, "edit", TICKET),
    ("claim", _handed_over, "claim", {}),
    ("return to the lead", _verifying, "return-to-lead", {"reason": "R1", "remarks": "未致歉"}),
    ("judge", _verifying, "judge",
     {"kind": "attitude", "verdict": "not_established", "basis": "录音无问题"}),
    ("confirm the return", _returned_to_lead, "confirm-return", {}),
    ("appeal", _judged, "appeal", {"objection": "录音01:20处客户先辱骂员工"}),
    ("re-judge", _appealed, "rejudge", {"decision": "uphold", "reason": "维持", "confirm": "1"}),
    ("rule", _deciding, "rule", {"verdict": "established", "reason": "裁定", "confirm": "1"}),
]


@pytest.mark.parametrize("version", [None, "", "abc"], ids=["missing", "empty", "not a number"])
@pytest.mark.parametrize("action, setup, path, data", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_a_change_without_the_version_is_refused(client, auth, make, action, setup, path, data,
                                                 version):
    ticket, who = setup(make)
    auth.login(who)
    before = (version_of(Ticket, ticket.id), count(AuditEntry))
    posted = dict(data) if version is None else {**data, "version": version}
    response = client.post(f"/tickets/{ticket.id}/{path}", data=posted)
    assert response.status_code == 400, action
    assert (version_of(Ticket, ticket.id), count(AuditEntry)) == before


@pytest.mark.parametrize("action, setup, path, data", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_with_the_version_the_same_change_is_made(client, auth, make, action, setup, path,
                                                  data):
    """The forms above are otherwise complete: the version alone made the difference."""
    ticket, who = setup(make)
    auth.login(who)
    audits = count(AuditEntry)
    response = client.post(f"/tickets/{ticket.id}/{path}",
                           data={**data, "version": version_of(Ticket, ticket.id)})
    assert response.status_code == 303, action
    assert count(AuditEntry) > audits
