"""Verifying a signed-over ticket (SPEC §3–§4): the claim, the accused employee no. and the
routing it decides, the outbound notifications of the whitelist handover table, and the
return to the lead with the lead's confirmation."""
from datetime import datetime

from domain import tickets as rules
from domain.errors import N_, Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.people import is_employee_no
from domain.roles import QUALITY
from domain.routing import NOTIFY_NUMBERS, Group, needs_notification
from domain.text import mask_numbers
from domain.tickets import Action, ReturnReason, State
from models import Notification, Ticket, User

from .. import audit
from .. import routing as routing_service
from ..alerts import alert
from ..db import db, write_transaction
from ..tickets import facts, flush_guarded, load_visible, move
from .guards import require_handler


# --- claim -----------------------------------------------------------------------------------

def claim(ticket_id: int, *, actor: User, now: datetime, version: int | None = None) -> Ticket:
    """认领: one checker owns the ticket; a second claimant is told who has it."""
    try:
        with write_transaction():
            ticket = load_visible(ticket_id, actor)
            if ticket.checker_id is not None and ticket.checker_id != actor.id:
                raise Conflict(N_("%(name)s has already claimed this ticket."),
                               name=ticket.checker.name)
            if ticket.state == State.HANDED_OVER and actor.role_enum in QUALITY \
                    and not rules.may(Action.CLAIM, actor.actor(), facts(ticket)):
                raise NotAllowed(N_("You filed this ticket or it is about you: another "
                                    "checker must handle it."))
            before, after = move(ticket, Action.CLAIM, actor, version)
            ticket.checker_id = actor.id
            ticket.claimed_at = now
            if ticket.handover is not None:
                ticket.handover.received_by_id = actor.id
            flush_guarded()
            alert([ticket.submitter_id], "claimed", ticket=ticket, now=now)
            audit.record(Action.CLAIM, actor=actor, now=now, ticket=ticket, from_state=before,
                         to_state=after)
    except Conflict:
        db.session.rollback()
        holder = db.session.get(Ticket, ticket_id)
        if holder is not None and holder.checker is not None and holder.checker_id != actor.id:
            raise Conflict(N_("%(name)s has already claimed this ticket."),
                           name=holder.checker.name) from None
        raise
    return ticket


# --- accused no., routing and outbound notifications ---------------------------------------

def set_accused(ticket_id: int, accused_no: str, *, actor: User, now: datetime) -> Ticket:
    """The checker sets or corrects 被投诉工号; the ticket is routed again."""
    accused_no = (accused_no or "").strip()
    if not is_employee_no(accused_no):
        raise FormProblems({"accused_no": N_("An employee no. is 4 to 10 digits.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        require_handler(ticket, actor)
        if ticket.state != State.VERIFYING:
            raise InvalidTransition(N_("The accused employee no. can only change while the "
                                       "ticket is being verified."))
        before = {"accused_no": ticket.accused_no, "group": ticket.route_group}
        ticket.accused_no = accused_no
        ticket.route_group = routing_service.group_of(accused_no)
        flush_guarded()
        audit.record("set_accused", actor=actor, now=now, ticket=ticket, detail={
            "from": before, "to": {"accused_no": accused_no, "group": ticket.route_group}})
    return ticket


def log_notification(ticket_id: int, *, called_at: datetime, other_lead_name: str,
                     actor: User, now: datetime) -> Notification:
    """A row of the whitelist handover table: whom the checker called, when, and who answered."""
    name = (other_lead_name or "").strip()
    problems = {}
    if not name or len(name) > 64:
        problems["other_lead_name"] = N_("Enter the name of the lead you spoke to.")
    if called_at > now:
        problems["called_at"] = N_("The call time cannot be in the future.")
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        require_handler(ticket, actor)
        group = Group(ticket.route_group) if ticket.route_group else None
        if not needs_notification(group):
            raise InvalidTransition(N_("Tickets about this group need no outbound notification."))
        row = Notification(ticket_id=ticket.id, group=group, number_called=NOTIFY_NUMBERS[group],
                           called_at=called_at, other_lead_name=name, tracking="notified",
                           checker_id=actor.id, created_at=now, updated_at=now)
        db.session.add(row)
        db.session.flush()
        audit.record("notify", actor=actor, now=now, ticket=ticket,
                     detail={"group": group, "number": row.number_called})
    return row


TRACKING = ("notified", "handling", "answered")


def get_notification(notification_id: int, *, actor: User) -> Notification:
    row = db.session.get(Notification, notification_id)
    if row is None:
        raise NotFound("No such notification.")
    load_visible(row.ticket_id, actor)
    return row


def update_notification(notification_id: int, *, tracking: str, result: str, actor: User,
                        now: datetime) -> Notification:
    """Track the other party's handling and record their result."""
    if tracking not in TRACKING:
        raise FormProblems({"tracking": N_("Choose a tracking status.")})
    with write_transaction():
        row = db.session.get(Notification, notification_id)
        if row is None:
            raise NotFound("No such notification.")
        ticket = load_visible(row.ticket_id, actor)
        require_handler(ticket, actor)
        before = row.tracking
        row.tracking = tracking
        row.result = mask_numbers((result or "").strip())
        row.updated_at = now
        audit.record("notify_update", actor=actor, now=now, ticket=ticket,
                     note=row.result, detail={"from": before, "to": tracking})
    return row


# --- return to the lead, and the lead's confirmation ---------------------------------------

def return_to_lead(ticket_id: int, *, reason: str, remarks: str, actor: User, now: datetime,
                   version: int | None = None) -> Ticket:
    """退回领班 with R1 or R2; the reason goes into the handover table's remarks column."""
    if reason not in set(ReturnReason):
        raise FormProblems({"reason": N_("Choose R1 or R2.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.accused_no and ticket.route_group is None and reason != ReturnReason.R2:
            raise FormProblems({"reason": N_("This employee no. is in no accepted group: "
                                             "the ticket can only be returned as R2.")})
        before, after = move(ticket, Action.RETURN_TO_LEAD, actor, version)
        remarks = mask_numbers((remarks or "").strip())
        if ticket.handover is not None:
            ticket.handover.return_reason = reason
            ticket.handover.remarks = remarks
        flush_guarded()
        alert([ticket.team.lead_id if ticket.team else None], "returned_to_lead", ticket=ticket,
              now=now)
        audit.record(Action.RETURN_TO_LEAD, actor=actor, now=now, ticket=ticket,
                     from_state=before, to_state=after, note=remarks,
                     detail={"reason": reason})
    return ticket


def confirm_return(ticket_id: int, *, actor: User, now: datetime,
                   version: int | None = None) -> Ticket:
    """确认退回: the lead signs for the returned ticket; it ends there."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.CONFIRM_RETURN, actor, version)
        if ticket.handover is not None:
            ticket.handover.return_confirmed_by_id = actor.id
            ticket.handover.return_confirmed_at = now
        flush_guarded()
        audit.record(Action.CONFIRM_RETURN, actor=actor, now=now, ticket=ticket,
                     from_state=before, to_state=after)
    return ticket
