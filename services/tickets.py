"""Ticket use cases: file, return to the agent, resubmit, sign over; and the queries behind
the agent's list, the lead's review queue and the ticket page."""
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import bindparam, exists, false, inspect, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from domain import appeals as appeal_rules
from domain import sla
from domain import tickets as rules
from domain.errors import N_, Conflict, NotFound
from domain.roles import FILERS, SEES_ALL_HANDED_OVER, Role
from domain.text import mask_numbers
from domain.tickets import Action, State
from models import (Appeal, AudioExcerpt, AuditEntry, Case, ContactAttempt, HandoverEntry,
                    Judgement, Notification, RecordingRef, SmsMessage, SupervisionOrder, Ticket,
                    User)
from models.survey import SurveyContact

from . import audit, chain, settings
from .alerts import alert
from . import routing as routing_service
from .clock import local_day
from .db import LOST_RACE, db, write_transaction


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


def facts(ticket: Ticket) -> rules.TicketFacts:
    return rules.TicketFacts(
        state=State(ticket.state), submitter_id=ticket.submitter_id, team_id=ticket.team_id,
        accused_no=ticket.accused_no,
        accused_team_id=ticket.accused.team_id if ticket.accused else None,
        handed_over=ticket.handed_over_at is not None, checker_id=ticket.checker_id,
        transferred=ticket.source is not None,
        judged_by_id=ticket.judgement.judged_by_id if ticket.judgement else None,
        panel_ids=frozenset(m.user_id for m in ticket.appeal.members) if ticket.appeal
        else frozenset(),
        appeal_actor_ids=_appeal_actors(ticket), replier_id=ticket.replier_id)


def _appeal_actors(ticket: Ticket) -> frozenset[int]:
    """Who may re-judge an appealed ticket, or rule on an escalated one (domain.appeals)."""
    if ticket.state == State.APPEALED:
        return appeal_rules.rejudgers(
            chain.people(), deputy=chain.deputy_id(),
            judge=ticket.judgement.judged_by_id if ticket.judgement else None)
    if ticket.state == State.ESCALATED:
        return appeal_rules.rulers(chain.people())
    return frozenset()


def _visible(ticket: Ticket | None, actor: User) -> Ticket:
    if ticket is None or not rules.can_view(actor.actor(), facts(ticket)):
        raise NotFound("No such ticket.")
    return ticket


def load_visible(ticket_id: int, actor: User) -> Ticket:
    return _visible(db.session.get(Ticket, ticket_id), actor)


def move(ticket: Ticket, action: Action, actor: User, version: int | None) -> tuple[str, State]:
    """Check the move against the current state and the form's version; return (from, to)."""
    before = ticket.state
    after = rules.check(action, actor.actor(), facts(ticket))
    if version is not None and version != ticket.version:
        raise Conflict("Someone changed this ticket after you opened it. "
                       "The page now shows its latest state.")
    ticket.state = after
    return before, after


def flush_guarded():
    """Flush the UPDATE … WHERE version = ?; a lost race becomes a Conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(LOST_RACE) from None


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
    """The lead signs the ticket over (签字确认): it joins today's handover table."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.SIGN, actor, version)
        ticket.handed_over_at = now
        ticket.review_due_at = None
        ticket.reply_due_at = sla.reply_due(now, _limits())
        ticket.route_group = routing_service.group_of(ticket.accused_no)
        db.session.add(HandoverEntry(
            ticket=ticket, day=local_day(now), lead_id=actor.id, lead_name=actor.name,
            lead_employee_no=actor.employee_no, signed_at=now))
        flush_guarded()
        audit.record(Action.SIGN, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after)
    return ticket


# --- reading -------------------------------------------------------------------------------

def get_ticket(ticket_id: int, *, actor: User) -> Ticket:
    """The ticket if the actor may see it; NotFound otherwise (never a hint that it exists)."""
    return load_visible(ticket_id, actor)


def permitted_actions(ticket: Ticket, actor: User) -> set[Action]:
    """The moves the server would accept now: the buttons the page shows."""
    known, who = facts(ticket), actor.actor()
    return {action for action in Action if rules.may(action, who, known)}


def visible_condition(actor: User):
    """SQL condition matching rules.can_view, for lists."""
    role = actor.role_enum
    conditions = []
    if role in FILERS:
        conditions += [Ticket.submitter_id == actor.id, Ticket.accused_no == actor.employee_no]
        if role == Role.TEAM_LEAD and actor.team_id is not None:
            team_nos = select(User.employee_no).where(User.team_id == actor.team_id)
            conditions += [Ticket.team_id == actor.team_id, Ticket.accused_no.in_(team_nos)]
    if role in SEES_ALL_HANDED_OVER:
        conditions.append(Ticket.handed_over_at.is_not(None))
    return or_(*conditions) if conditions else false()


PAGE_SIZE = 50

#: Which moment a date range applies to (the report figures link to these lists).
MOMENTS = {"created": Ticket.created_at, "handed_over": Ticket.handed_over_at,
           "judged": Ticket.judged_at, "replied": Ticket.reply_done_at,
           "escalated": Ticket.escalated_at}


@dataclass(frozen=True)
class TicketFilter:
    """Narrowing of a ticket list: state, a local-date range on one moment, team, route
    group, checker, verdict in force, reply method."""
    state: str | None = None
    start: datetime | None = None   # UTC bounds, half-open
    end: datetime | None = None
    moment: str = "created"
    team_id: int | None = None
    group: str | None = None
    checker_id: int | None = None
    verdict: str | None = None
    reply_method: str | None = None

    def apply(self, query):
        if self.state in set(State):
            query = query.where(Ticket.state == self.state)
        column = MOMENTS.get(self.moment, Ticket.created_at)
        if self.start is not None:
            query = query.where(column >= self.start)
        if self.end is not None:
            query = query.where(column < self.end)
        if self.team_id is not None:
            query = query.where(Ticket.team_id == self.team_id)
        if self.group:
            query = query.where(Ticket.route_group == self.group)
        if self.checker_id is not None:
            query = query.where(Ticket.checker_id == self.checker_id)
        if self.verdict:
            query = query.where(Ticket.verdict == self.verdict)
        if self.reply_method:
            query = query.where(Ticket.reply_method == self.reply_method)
        return query


def visible_tickets(actor: User, filters: TicketFilter | None = None):
    """SELECT of the tickets the actor may see, narrowed by `filters`, newest first."""
    query = (select(Ticket).where(visible_condition(actor))
             .order_by(Ticket.submitted_at.desc(), Ticket.id.desc()))
    return (filters or TicketFilter()).apply(query)


def list_tickets(*, actor: User, state: str | None = None, page: int = 1,
                 filters: TicketFilter | None = None) -> tuple[list[Ticket], bool]:
    """The actor's tickets, newest first, one page at a time. Returns (rows, has_more)."""
    filters = filters or TicketFilter(state=state)
    query = visible_tickets(actor, filters).options(joinedload(Ticket.submitter))
    rows = list(db.session.scalars(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def iter_tickets(actor: User, filters: TicketFilter, batch: int = 1000):
    """Every ticket of a filtered list, in the list's order, fetched in batches (exports of
    any size). The ids come first, in one query that the filter's index serves and one sort;
    then the tickets, a batch at a time by primary key. (Batches of the list query itself,
    keyset or OFFSET, would sort the whole filtered range again for every batch.)"""
    ids = list(db.session.scalars(visible_tickets(actor, filters).with_only_columns(Ticket.id)))
    for start in range(0, len(ids), batch):
        chunk = ids[start:start + batch]
        found = {t.id: t for t in db.session.scalars(
            select(Ticket).options(joinedload(Ticket.submitter)).where(Ticket.id.in_(chunk)))}
        yield from (found[i] for i in chunk if i in found)
        db.session.expunge_all()  # keep memory flat however many rows there are


def review_queue(*, actor: User) -> list[Ticket]:
    """The lead's queue: the team's submitted tickets, earliest review deadline first."""
    if actor.team_id is None:
        return []
    return list(db.session.scalars(
        select(Ticket).options(joinedload(Ticket.submitter))
        .where(Ticket.team_id == actor.team_id, Ticket.state == State.SUBMITTED)
        .order_by(Ticket.review_due_at, Ticket.id)))


def returned_to_me(*, actor: User) -> list[Ticket]:
    """Tickets the actor filed that a lead returned and that wait for a fix."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.submitter_id == actor.id,
                             Ticket.state == State.RETURNED_TO_STAFF)
        .order_by(Ticket.id)))


@dataclass(frozen=True)
class PageExtras:
    """What else the ticket page shows, known from the ticket's own query: whether there is
    recording evidence, a library case, a dissatisfied contact made from the ticket,
    supervision orders."""
    has_evidence: bool
    has_case: bool
    has_survey_contact: bool
    has_orders: bool = False


def _page_statement():
    """The ticket with everything its page reads, in one statement (built once): the people
    and records it links to, the accused agent, and whether each list on the page has rows,
    so that an empty list costs no query."""
    def has(model):
        return exists().where(model.ticket_id == Ticket.id)

    appeal = joinedload(Ticket.appeal)
    return (select(Ticket, has(Notification), has(ContactAttempt),
                   has(SmsMessage), has(AudioExcerpt) | has(RecordingRef), has(Case),
                   has(SurveyContact), has(SupervisionOrder))
            .where(Ticket.id == bindparam("ticket_id"))
            .options(joinedload(Ticket.submitter), joinedload(Ticket.team),
                     joinedload(Ticket.checker), joinedload(Ticket.accused),
                     joinedload(Ticket.handover).joinedload(HandoverEntry.return_confirmed_by),
                     joinedload(Ticket.judgement).joinedload(Judgement.judged_by),
                     appeal.joinedload(Appeal.appellant), appeal.joinedload(Appeal.rejudged_by),
                     appeal.joinedload(Appeal.ruled_by)))


_PAGE = _page_statement()


def load_page(ticket_id: int, *, actor: User) -> tuple[Ticket, PageExtras]:
    """The ticket and what its page shows; NotFound when the actor may not see it. Its lists
    load when the page first reads them, but for those the statement found empty."""
    row = db.session.execute(_PAGE, {"ticket_id": ticket_id}).first()
    if row is None:
        raise NotFound("No such ticket.")
    ticket, notified, attempted, texted, evidence, case, contact, orders = row
    # Set empty rather than queried when read: docs/decisions.md (issue 20).
    unloaded = inspect(ticket).unloaded
    for name, present in (("notifications", notified), ("attempts", attempted),
                          ("sms", texted)):
        if not present and name in unloaded:
            set_committed_value(ticket, name, [])
    return _visible(ticket, actor), PageExtras(has_evidence=bool(evidence),
                                               has_case=bool(case),
                                               has_survey_contact=bool(contact),
                                               has_orders=bool(orders))


_TIMELINE = (select(AuditEntry).options(joinedload(AuditEntry.actor))
             .where(AuditEntry.ticket_id == bindparam("ticket_id"))
             .order_by(AuditEntry.at, AuditEntry.id))  # built once, like _PAGE


def timeline(ticket: Ticket) -> list[AuditEntry]:
    return list(db.session.scalars(_TIMELINE, {"ticket_id": ticket.id}))
