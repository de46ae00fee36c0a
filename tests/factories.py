"""Data builders that go through the services, so every record has its real audit trail."""
import itertools
from datetime import timedelta

from domain.roles import TEAM_ROLES, Role
from services import quality
from services import tickets as ticket_service
from services import users as user_service
from services.tickets import TicketInput

_numbers = itertools.count(1)


class Factory:
    PASSWORD = "password-123"

    def __init__(self, now):
        self.now = now

    def team_name(self) -> str:
        return f"测试{next(_numbers)}班"

    def user(self, role=Role.STAFF, *, team=None, employee_no=None, name=None, active=True):
        role = Role(role)
        if team is None and role in TEAM_ROLES:
            team = self.team_name()
        team_name = team if isinstance(team, str) or team is None else team.name
        no = employee_no or f"{200000 + next(_numbers)}"
        user, _ = user_service.create_user(user_service.UserInput(
            employee_no=no, name=name or f"用户{no}", role=role, team=team_name,
            password=self.PASSWORD, active=active), now=self.now)
        return user

    def team_with_lead(self):
        """(lead, agent) of one new team."""
        team = self.team_name()
        return self.user(Role.TEAM_LEAD, team=team), self.user(Role.STAFF, team=team)

    def ticket_input(self, **overrides) -> TicketInput:
        values = dict(caller_number="13812345678", contact_number="13912345678",
                      complaint="客户投诉客服代表态度生硬，没有解释清楚。", demand="要求道歉",
                      accused_no="180123")
        values.update(overrides)
        return TicketInput(**values)

    def ticket(self, state="submitted", *, submitter=None, lead=None, at=None, checker=None,
               **fields):
        """A ticket that went through the real steps to reach `state`."""
        if submitter is None:
            lead, submitter = self.team_with_lead()
        elif lead is None and state != "submitted":
            lead = submitter.team.lead
        at = at or self.now
        ticket = ticket_service.submit_ticket(self.ticket_input(**fields), actor=submitter,
                                              now=at)
        if state == "returned_to_staff":
            ticket = ticket_service.return_to_staff(
                ticket.id, actor=lead, now=at + timedelta(minutes=10),
                elements=["accused_no"], note="请补充被投诉工号")
        elif state != "submitted":
            ticket = ticket_service.sign_handover(ticket.id, actor=lead,
                                                  now=at + timedelta(minutes=10))
        if state in ("verifying", "returned_to_lead"):
            checker = checker or self.user(Role.CHECKER)
            ticket = quality.claim(ticket.id, actor=checker, now=at + timedelta(minutes=20))
        if state == "returned_to_lead":
            ticket = quality.return_to_lead(ticket.id, reason="R1", remarks="员工未致歉",
                                            actor=checker, now=at + timedelta(minutes=30))
        if state not in ("submitted", "returned_to_staff", "handed_over", "verifying",
                         "returned_to_lead"):
            raise ValueError(state)
        return ticket
