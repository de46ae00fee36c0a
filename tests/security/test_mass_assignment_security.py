"""No mass assignment (SECURITY.md, access control): fields a form does not declare —
state, checker_id, submitter_id, role, session_version … — are ignored by every action."""
import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import AuditEntry, Judgement, Ticket, User
from tests.factories import Factory


def extras(stranger) -> dict:
    """What an attacker would add to a form."""
    return {"state": "closed", "checker_id": str(stranger.id), "submitter_id": str(stranger.id),
            "team_id": str(stranger.team_id or 1), "judged_by_id": str(stranger.id),
            "number": "ZK-19990101-9999", "id": "1", "version_id": "99",
            "session_version": "99", "password_hash": "pbkdf2:sha256:1$x$y",
            "appeal_until": "2000-01-01 00:00:00", "reply_done_at": "2000-01-01 00:00:00",
            "actor_id": str(stranger.id), "handed_over_at": "2000-01-01 00:00:00"}


def fresh(model, ident):
    db.session.rollback()
    return db.session.get(model, ident)


@pytest.fixture
def stranger(make):
    return make.user(Role.STAFF)


def test_resubmit_ignores_extra_fields(client, auth, make, stranger):
    lead, agent = make.team_with_lead()
    ticket = make.ticket("returned_to_staff", submitter=agent, lead=lead)
    auth.login(agent)
    data = {"caller_number": "13812345678", "contact_number": "13912345678",
            "complaint": "补充后的投诉内容，完整说明。", "demand": "道歉", "accused_no": "180123",
            "version": ticket.version, **extras(stranger)}
    assert client.post(f"/tickets/{ticket.id}/edit", data=data).status_code == 303
    after = fresh(Ticket, ticket.id)
    assert (after.state, after.submitter_id, after.team_id, after.number, after.checker_id) == \
        ("submitted", agent.id, agent.team_id, ticket.number, None)
    assert after.handed_over_at is None


def test_sign_claim_and_judge_ignore_extra_fields(client, auth, make, stranger):
    lead, agent = make.team_with_lead()
    checker, other_checker = make.user(Role.CHECKER), make.user(Role.CHECKER)
    ticket = make.ticket(submitter=agent, lead=lead, accused_no="180123")
    auth.login(lead)
    assert client.post(f"/tickets/{ticket.id}/sign",
                       data={"version": ticket.version, **extras(other_checker)}
                       ).status_code == 303
    after = fresh(Ticket, ticket.id)
    assert (after.state, after.checker_id) == ("handed_over", None)
    auth.logout()

    auth.login(checker)
    assert client.post(f"/tickets/{ticket.id}/claim",
                       data={"version": after.version, **extras(other_checker)}
                       ).status_code == 303
    after = fresh(Ticket, ticket.id)
    assert (after.state, after.checker_id) == ("verifying", checker.id)
    response = client.post(f"/tickets/{ticket.id}/judge", data={
        "kind": "attitude", "verdict": "not_established", "basis": "录音显示态度正常",
        "version": after.version, **extras(other_checker)})
    assert response.status_code == 303
    after = fresh(Ticket, ticket.id)
    assert after.state == "judged" and after.checker_id == checker.id
    judgement = db.session.scalar(select(Judgement).where(Judgement.ticket_id == ticket.id))
    assert judgement.judged_by_id == checker.id
    assert after.appeal_until is None or after.appeal_until.year > 2000
    actors = set(db.session.scalars(select(AuditEntry.actor_id)
                                    .where(AuditEntry.ticket_id == ticket.id)))
    assert actors == {agent.id, lead.id, checker.id}


def test_password_change_ignores_role_and_account_fields(client, auth, make, stranger):
    agent = make.user(Role.STAFF)
    auth.login(agent)
    response = client.post("/account/password", data={
        "current": Factory.PASSWORD, "new": "another-pass-9", "confirm": "another-pass-9",
        "role": "admin", "active": "", "employee_no": "999999", **extras(stranger)})
    assert response.status_code == 303
    after = fresh(User, agent.id)
    assert (after.role, after.active, after.employee_no) == ("staff", True, agent.employee_no)
    assert after.session_version != 99 and not after.password_hash.startswith("pbkdf2:sha256:1$x")


def test_admin_user_edit_ignores_undeclared_fields(client, auth, make, stranger):
    admin = make.user(Role.ADMIN)
    agent = make.user(Role.STAFF)
    version = agent.session_version
    auth.login(admin)
    response = client.post(f"/admin/users/{agent.id}", data={
        "employee_no": agent.employee_no, "name": "新名字", "role": "staff",
        "team": agent.team.name, "password": "", "active": "y", **extras(stranger)})
    assert response.status_code == 303
    after = fresh(User, agent.id)
    assert after.name == "新名字" and after.session_version == version
    assert after.id == agent.id and not after.password_hash.startswith("pbkdf2:sha256:1$x")


def test_sign_in_ignores_extra_fields(client, make):
    agent = make.user(Role.STAFF)
    response = client.post("/login", data={"employee_no": agent.employee_no,
                                           "password": Factory.PASSWORD, "role": "admin",
                                           "_user_id": "1:1"})
    assert response.status_code == 303
    assert client.get("/admin/users").status_code == 403
