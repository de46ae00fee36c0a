"""Filing a ticket and the lead's review (SPEC §2): submit, enter a transferred complaint,
return to the agent, resubmit, sign over."""
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from domain import sla
from domain import tickets as rules
from domain.errors import N_, Conflict
from domain.text import mask_numbers
from domain.tickets import Action
from models import HandoverEntry, Ticket, User

from .. import audit, settings
from .. import routing as routing_service
from ..alerts import alert
from ..clock import local_day, work_day
from ..db import db, write_transaction
from .access import flush_guarded, load_visible, move


@dataclass(frozen=True)
class TicketInput:
    """The elements an agent fills in (already validated and normalised by the form)."""
    caller_number: str
    contact_number: str
    complaint: str
    demand: str = ""
    accused_no: str | None = None


def _masked(data: TicketInput) -> TicketInput:
    """The input as saved: a number typed into the complaint or the demand is masked, since
    both are shown in lists, exports, the appeal sheet and to panellists; the customer's own
    numbers have their fields (docs/decisions.md)."""
    return replace(data, complaint=mask_numbers(data.complaint),
                   demand=mask_numbers(data.demand or ""))


def _limits() -> sla.Limits:
    return settings.limits()


def _next_number(now: datetime) -> str:
    """Hand out the next ticket number of the local day with one atomic upsert: concurrent
    submissions (even from several hosts on PostgreSQL) never share a number."""
    day = local_day(now)
    seq = db.session.execute(
        text("INSERT INTO ticket_sequences (day, last_value) VALUES (:day, 1) "
             "ON CONFLICT (day) DO UPDATE SET last_value = ticket_sequences.last_value + 1 "
             "RETURNING last_value"),
        {"day": f"{day:%Y%m%d}"}).scalar_one()
    return rules.ticket_number(day, seq)


def _by_key(key: str) -> Ticket | None:
    return db.session.scalar(select(Ticket).where(Ticket.idempotency_key == key))


def submit_ticket(data: TicketInput, *, actor: User, now: datetime,
                  idempotency_key: str | None = None) -> Ticket:
    """File a new ticket (提交). The same form posted twice returns the first ticket."""
    data = _masked(data)
    try:
        with write_transaction():
            if idempotency_key and (existing := _by_key(idempotency_key)):
                if existing.submitter_id != actor.id:
                    raise Conflict("This form was already used. Please open a new form.")
                return existing
            state = rules.next_state(None, Action.SUBMIT, actor.role_enum)
            ticket = Ticket(
                number=_next_number(now), state=state, submitter_id=actor.id,
                team_id=actor.team_id, caller_number=data.caller_number,
                contact_number=data.contact_number, complaint=data.complaint,
                demand=data.demand or "", accused_no=data.accused_no or None,
                created_at=now, submitted_at=now,
                review_due_at=sla.review_due(now, _limits()),
                idempotency_key=idempotency_key)
            db.session.add(ticket)
            db.session.flush()
            audit.record(Action.SUBMIT, actor=actor, now=now, ticket=ticket, to_state=state)
    except IntegrityError:
        # Two posts of one form raced on PostgreSQL: the other one created the ticket.
        if idempotency_key and (existing := _by_key(idempotency_key)):
            return existing
        raise
    return ticket


TRANSFER_SOURCES = ("back", "line_8200", "line_9696")


def enter_transferred(data: TicketInput, *, source: str, actor: User, now: datetime,
                      idempotency_key: str | None = None) -> Ticket:
    """A complaint about a front-desk agent transferred to the whitelist from back office,
    89082000 or 10109696: a checker enters it with the same elements; it skips lead review."""
    if source not in TRANSFER_SOURCES:
        raise Conflict(N_("Choose where the complaint was transferred from."))
    if routing_service.group_of(data.accused_no) != "front":
        raise Conflict(N_("Transferred complaints are about front-desk agents: enter a "
                          "front-desk employee no."))
    data = _masked(data)
    try:
        with write_transaction():
            if idempotency_key and (existing := _by_key(idempotency_key)):
                return existing
            state = rules.next_state(None, Action.ENTER, actor.role_enum)
            ticket = Ticket(
                number=_next_number(now), state=state, submitter_id=actor.id, team_id=None,
                caller_number=data.caller_number, contact_number=data.contact_number,
                complaint=data.complaint, demand=data.demand or "", accused_no=data.accused_no,
                created_at=now, submitted_at=now, handed_over_at=now, source=source,
                reply_due_at=sla.reply_due(now, _limits()), route_group="front",
                idempotency_key=idempotency_key)
            db.session.add(ticket)
            db.session.flush()
            audit.record(Action.ENTER, actor=actor, now=now, ticket=ticket, to_state=state,
                         detail={"source": source})
    except IntegrityError:
        if idempotency_key and (existing := _by_key(idempotency_key)):
            return existing
        raise
    return ticket


def return_to_staff(ticket_id: int, *, actor: User, now: datetime, elements: list[str],
                    note: str = "", version: int | None = None) -> Ticket:
    """The lead returns a ticket to its agent (退回), naming the incomplete elements."""
    unknown = set(elements) - set(rules.ELEMENTS)
    if not elements or unknown:
        raise Conflict("Name at least one element that is incomplete or wrong.")
    note = mask_numbers(note or "")
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.RETURN_TO_STAFF, actor, version)
        ticket.returned_elements = ",".join(e for e in rules.ELEMENTS if e in elements)
        ticket.return_note = note
        ticket.review_due_at = None
        flush_guarded()
        alert([ticket.submitter_id], "returned", ticket=ticket, now=now)
        audit.record(Action.RETURN_TO_STAFF, actor=actor, now=now, ticket=ticket,
                     from_state=before, to_state=after, note=note,
                     detail={"elements": ticket.returned_list})
    return ticket


def resubmit_ticket(ticket_id: int, data: TicketInput, *, actor: User, now: datetime,
                    version: int | None = None) -> Ticket:
    """The agent fixes a returned ticket and submits it again (重新提交); the clock restarts."""
    data = _masked(data)
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.RESUBMIT, actor, version)
        changed = [name for name in rules.ELEMENTS
                   if (getattr(ticket, name) or "") != (getattr(data, name) or "")]
        for name in rules.ELEMENTS:
            setattr(ticket, name, getattr(data, name) or ("" if name == "demand" else None))
        ticket.returned_elements = ""
        ticket.submitted_at = now
        ticket.review_due_at = sla.review_due(now, _limits())
        flush_guarded()
        audit.record(Action.RESUBMIT, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, detail={"changed": changed})
    return ticket


def sign_handover(ticket_id: int, *, actor: User, now: datetime,
                  version: int | None = None) -> Ticket:
    """The lead signs the ticket over (签字确认): it joins the floor day's handover table."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.SIGN, actor, version)
        ticket.handed_over_at = now
        ticket.review_due_at = None
        ticket.reply_due_at = sla.reply_due(now, _limits())
        ticket.route_group = routing_service.group_of(ticket.accused_no)
        db.session.add(HandoverEntry(
            ticket=ticket, day=work_day(now), lead_id=actor.id, lead_name=actor.name,
            lead_employee_no=actor.employee_no, signed_at=now))
        flush_guarded()
        audit.record(Action.SIGN, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after)
    return ticket
