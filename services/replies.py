"""The customer reply record (白名单回复记录, SPEC §6): the phone follow-up of a ticket, the
decision on an escalated customer's reply, and the record as a list, a printout and a
spreadsheet for the quality team and management."""
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from domain import reply as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotAllowed
from domain.roles import SEES_ALL_HANDED_OVER
from domain.tickets import is_party
from models import Judgement, Team, Ticket, User

from . import audit, settings
from .alerts import alert
from .clock import zone
from .db import db, write_transaction
from .tickets import TicketFilter, facts, flush_guarded, load_visible


# --- the follow-up ---------------------------------------------------------------------------

def follow_up_of(ticket: Ticket) -> rules.FollowUp:
    """How the ticket's phone follow-up stands, from its contact attempts (local days in the
    configured zone, the number of days from the settings)."""
    return rules.follow_up(((a.at, a.reached) for a in ticket.attempts), zone(),
                           settings.limits().follow_up_days)


def method_open(ticket: Ticket, method: str) -> bool:
    """Whether the reply may be recorded with `method` now (the SMS reply: "sms")."""
    return ticket.reply_done_at is None and rules.method_problem(
        method, follow_up_of(ticket), ticket.reply_decision) is None


# --- the decision on an escalated customer ---------------------------------------------------

def decide_reply(ticket_id: int, *, method: str, replier_id: int | None, note: str,
                 actor: User, now: datetime) -> Ticket:
    """应立即上报，根据情况决定回复方式: the owner or a duty manager records how an escalated
    customer is answered and who answers; the replier (and the checker handling the ticket)
    are alerted. A later decision replaces it; the audit log keeps each one."""
    if actor.role_enum not in rules.DECIDERS:
        raise NotAllowed(N_("Only the owner or a duty manager decides this reply."))
    note = (note or "").strip()
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.escalated_at is None:
            raise InvalidTransition(N_("Only the reply to an escalated customer is decided "
                                       "this way."))
        if ticket.reply_done_at is not None:
            raise InvalidTransition(N_("The reply is already recorded."))
        problems = {}
        if method not in rules.METHODS:
            problems["method"] = N_("Choose how the customer will be answered.")
        replier = db.session.get(User, replier_id) if replier_id else None
        if replier is None or not replier.active or replier.role_enum not in rules.REPLIERS:
            problems["replier"] = N_("Choose an active checker or owner.")
        elif is_party(replier.actor(), facts(ticket)):
            problems["replier"] = N_("This person filed the ticket or is the accused agent.")
        if not note:
            problems["note"] = N_("Say why this method was chosen.")
        elif len(note) > 500:
            problems["note"] = (N_("At most %(max)d characters."), {"max": 500})
        if problems:
            raise FormProblems(problems)
        before = ticket.reply_decision
        ticket.reply_decision = method
        ticket.reply_decision_note = note
        ticket.replier_id = replier.id
        ticket.reply_decided_at = now
        ticket.reply_decided_by_id = actor.id
        flush_guarded()
        alert([replier.id, ticket.checker_id], "reply_decided", ticket=ticket, now=now)
        audit.record("reply_decision", actor=actor, now=now, ticket=ticket, note=note,
                     detail={"method": method, "replier": f"{replier.name} {replier.employee_no}",
                             "previous": before})
    return ticket


def repliers() -> list:
    """Active checkers and owners, who may be named to reply: rows of (id, name,
    employee_no)."""
    return list(db.session.execute(
        select(User.id, User.name, User.employee_no)
        .where(User.role.in_([r.value for r in rules.REPLIERS]), User.active.is_(True))
        .order_by(User.employee_no)))


# --- the record as a list ----------------------------------------------------------------------

def teams() -> list:
    """Teams for the record's filter: rows of (id, name)."""
    return list(db.session.execute(select(Team.id, Team.name).order_by(Team.name)))


#: Rows on a page of the list; a printout shows at most PRINT_CAP (then: narrow it, or XLSX).
PAGE_SIZE = 50
PRINT_CAP = 500


@dataclass(frozen=True)
class ReplyRecord:
    """A row of the reply record: the ticket with its attempts and judgement loaded, and how
    it stands against the two rules of the dashboard (None: not counted, or not yet)."""
    ticket: Ticket
    first_contact_on_time: bool | None
    complied: bool | None

    @property
    def sms_reply(self):
        """The text of the SMS reply, when the customer was answered by SMS."""
        return next((m for m in reversed(self.ticket.sms) if m.kind == "reply"), None)


def _require_reader(actor: User) -> None:
    if actor.role_enum not in SEES_ALL_HANDED_OVER:
        raise NotAllowed(N_("Your role may not do this."))


def _statement(filters: TicketFilter):
    """Tickets signed over, narrowed by `filters` (its dates apply to the sign-over), in the
    order of the paper form: by sign-over time."""
    query = select(Ticket).where(Ticket.handed_over_at.is_not(None))
    return replace(filters, moment="handed_over").apply(query) \
        .order_by(Ticket.handed_over_at, Ticket.id)


_LOADED = (joinedload(Ticket.checker), joinedload(Ticket.replier), joinedload(Ticket.team),
           joinedload(Ticket.judgement).selectinload(Judgement.criteria),
           selectinload(Ticket.attempts), selectinload(Ticket.sms))


def _rows(tickets, now: datetime) -> list[ReplyRecord]:
    limits = settings.limits()
    rows = []
    for t in tickets:
        if t.state in rules.NO_REPLY_STATES:
            rows.append(ReplyRecord(t, None, None))
            continue
        first = min((at for at in (t.first_failed_call_at, t.reached_at) if at), default=None)
        rows.append(ReplyRecord(
            t, rules.first_contact_on_time(handed_over_at=t.handed_over_at,
                                           first_attempt_at=first, now=now, limits=limits),
            rules.reply_complied(handed_over_at=t.handed_over_at, reply_method=t.reply_method,
                                 reply_done_at=t.reply_done_at,
                                 first_failed_call_at=t.first_failed_call_at,
                                 decided=t.reply_decision, limits=limits)))
    return rows


def reply_record_page(filters: TicketFilter, *, actor: User, now: datetime, page: int = 1,
                      size: int = PAGE_SIZE) -> tuple[list[ReplyRecord], bool]:
    """One page of the reply record; (rows, whether more follow)."""
    _require_reader(actor)
    tickets = list(db.session.scalars(
        _statement(filters).options(*_LOADED).offset((page - 1) * size).limit(size + 1)))
    return _rows(tickets[:size], now), len(tickets) > size


def iter_reply_records(filters: TicketFilter, *, actor: User, now: datetime,
                       batch: int = 500) -> Iterator[ReplyRecord]:
    """Every row of the reply record for the filter, in batches (exports of any size): each
    batch continues after the last (sign-over time, id) and is let go of afterwards."""
    _require_reader(actor)
    after = None
    while True:
        query = _statement(filters).options(*_LOADED).limit(batch)
        if after is not None:
            query = query.where(or_(Ticket.handed_over_at > after[0],
                                    (Ticket.handed_over_at == after[0]) & (Ticket.id > after[1])))
        tickets = list(db.session.scalars(query))
        yield from _rows(tickets, now)
        if len(tickets) < batch:
            return
        after = (tickets[-1].handed_over_at, tickets[-1].id)
        db.session.expunge_all()
