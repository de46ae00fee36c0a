"""The quality team's use cases (SPEC §3–§6): claim, routing and notifications, return to
the lead, judgement, the customer reply record, escalation, revealing a phone number, and
closing tickets whose appeal window has passed."""
import collections
import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, tuple_
from sqlalchemy.orm import joinedload

from domain import reply as reply_rules
from domain import sla
from domain import tickets as rules
from domain.errors import N_, Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.judgement import Verdict, judgement_problems
from domain.people import is_employee_no
from domain.phones import normalize_phone
from domain.roles import QUALITY, Role
from domain.routing import NOTIFY_NUMBERS, Group, needs_notification
from domain.sms import forbidden_words_in
from domain.text import escape_like, mask_numbers
from domain.tickets import Action, ReturnReason, State
from models import ContactAttempt, Criterion, Judgement, Notification, SmsMessage, Ticket, User

from . import audit, replies, settings
from .alerts import alert, users_with_role
from . import routing as routing_service
from .db import db, write_transaction
from .sms_gateway import gateway
from .tickets import facts, flush_guarded, load_visible, move


def _require_handler(ticket: Ticket, actor: User) -> None:
    """Only the claimant keeps the notifications and escalates, while verifying/judged."""
    if not rules.is_handler(actor.actor(), facts(ticket)):
        raise NotAllowed(N_("Only the checker who claimed this ticket can do this."))
    _require_reply_state(ticket)


def _require_reply_state(ticket: Ticket) -> None:
    if ticket.state not in rules.REPLY_STATES:
        raise InvalidTransition("This ticket is now “%(state)s”; the action no longer applies.",
                                state=ticket.state)


def _require_reply_keeper(ticket: Ticket, actor: User) -> None:
    """The reply record is kept by the claimant, or by whom a decision on an escalated
    customer named."""
    if not rules.keeps_reply(actor.actor(), facts(ticket)):
        if ticket.replier_id is not None:
            raise NotAllowed(N_("The decision on this escalated customer names another "
                                "person to reply."))
        raise NotAllowed(N_("Only the checker who claimed this ticket can do this."))
    _require_reply_state(ticket)


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
        _require_handler(ticket, actor)
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
        _require_handler(ticket, actor)
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
        _require_handler(ticket, actor)
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


# --- judgement -------------------------------------------------------------------------------

def active_criteria() -> list[Criterion]:
    return list(db.session.scalars(
        select(Criterion).where(Criterion.active.is_(True)).order_by(Criterion.position)))


def judge(ticket_id: int, *, kind: str, verdict: str, criteria_ids: list[int], basis: str,
          actor: User, now: datetime, version: int | None = None) -> Ticket:
    """提交判责: type, criteria, verdict and the mandatory basis."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        criteria = list(db.session.scalars(
            select(Criterion).where(Criterion.id.in_(criteria_ids or []),
                                    Criterion.active.is_(True))))
        if len(criteria) != len(set(criteria_ids or [])):
            raise FormProblems({"criteria": N_("A ticked criterion is no longer in use. "
                                               "Reload the page.")})
        group = Group(ticket.route_group) if ticket.route_group else None
        problems = judgement_problems(
            kind=kind, verdict=verdict, criteria_kinds=[c.kind for c in criteria],
            basis=basis, accused_no=ticket.accused_no, group=group,
            notified=bool(ticket.notifications))
        before, after = move(ticket, Action.JUDGE, actor, version)
        if problems:
            raise FormProblems(problems)
        db.session.add(Judgement(ticket_id=ticket.id, kind=kind, verdict=verdict,
                                 basis=mask_numbers(basis.strip()), judged_by_id=actor.id,
                                 judged_at=now, criteria=criteria))
        ticket.judged_at = now
        ticket.verdict = verdict
        ticket.appeal_until = sla.appeal_window_ends(
            now, verdict == Verdict.ESTABLISHED, settings.limits())
        flush_guarded()
        audit.record(Action.JUDGE, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, detail={"kind": kind, "verdict": verdict,
                                             "criteria": sorted(c.code for c in criteria)})
    return ticket


# --- the customer reply record ---------------------------------------------------------------

def log_attempt(ticket_id: int, *, at: datetime, reached: bool, note: str, actor: User,
                now: datetime) -> ContactAttempt:
    """记录联系: one phone attempt to reach the customer."""
    if at > now:
        raise FormProblems({"at": N_("The call time cannot be in the future.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        _require_reply_keeper(ticket, actor)
        attempt = ContactAttempt(ticket_id=ticket.id, at=at, reached=reached,
                                 note=mask_numbers((note or "").strip()), checker_id=actor.id,
                                 created_at=now)
        db.session.add(attempt)
        if reached and (ticket.reached_at is None or at < ticket.reached_at):
            ticket.reached_at = at
        first_failure = ticket.first_failed_call_at
        if not reached and (first_failure is None or at < first_failure):
            ticket.first_failed_call_at = at
        flush_guarded()
        audit.record("contact_attempt", actor=actor, now=now, ticket=ticket,
                     note=attempt.note, detail={"reached": reached})
    return attempt


class SmsKind:
    NOTICE = "notice"  # after a failed call: please call us back
    REPLY = "reply"    # the reply itself, after failed calls on three different days


def send_sms(ticket_id: int, *, kind: str, text: str, actor: User, now: datetime) -> SmsMessage:
    """发送短信 to the contact number. The text never says whether the complaint stands."""
    text = (text or "").strip()
    problems = {}
    if not text:
        problems["text"] = N_("Write the message.")
    elif len(text) > 300:
        problems["text"] = N_("An SMS is at most 300 characters.")
    elif words := forbidden_words_in(text, settings.get("sms_forbidden_words")):
        problems["text"] = (N_("An SMS must not say whether the complaint was established. "
                               "Remove: %(words)s"), {"words": "、".join(words)})
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        _require_reply_keeper(ticket, actor)
        if kind == SmsKind.REPLY and ticket.reply_done_at is not None:
            raise InvalidTransition(N_("The reply is already recorded."))
        if kind == SmsKind.REPLY and (problem := reply_rules.method_problem(
                "sms", replies.follow_up_of(ticket), ticket.reply_decision)):
            message, params = (problem, {}) if isinstance(problem, str) else problem
            raise InvalidTransition(message, **params)
        if kind == SmsKind.NOTICE and ticket.first_failed_call_at is None:
            raise InvalidTransition(N_("An SMS notice follows a failed call; log the call first."))
        if kind not in (SmsKind.NOTICE, SmsKind.REPLY):
            raise FormProblems({"kind": N_("Choose the kind of message.")})
        message = SmsMessage(ticket_id=ticket.id, kind=kind, number=ticket.contact_number,
                             text=text, created_at=now, created_by_id=actor.id)
        message.status = gateway().send(message)
        db.session.add(message)
        if kind == SmsKind.REPLY:
            ticket.reply_method = "sms"
            ticket.reply_done_at = now
        flush_guarded()
        audit.record("sms", actor=actor, now=now, ticket=ticket, detail={"kind": kind})
    return message


REPLY_METHODS = ("phone", "sms", "explain", "other")


def complete_reply(ticket_id: int, *, method: str, note: str, actor: User,
                   now: datetime) -> Ticket:
    """Record how the customer was answered: 电话, 直接解释 (with the script), 其他. (The SMS
    reply is recorded by sending it.)"""
    note = mask_numbers((note or "").strip())
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        _require_reply_keeper(ticket, actor)
        if ticket.reply_done_at is not None:
            raise InvalidTransition(N_("The reply is already recorded."))
        problems = {}
        if method == "sms":
            problems["method"] = N_("Choose how the customer was answered.")
        elif problem := reply_rules.method_problem(method, replies.follow_up_of(ticket),
                                                   ticket.reply_decision):
            problems["method"] = problem
        if method == "explain" and not note:
            problems["note"] = N_("Write the explanation script agents should use.")
        elif method == "other" and not note:
            problems["note"] = N_("Say what was done (formal complaint, who was notified).")
        if problems:
            raise FormProblems(problems)
        ticket.reply_method = method
        ticket.reply_note = note
        ticket.reply_done_at = now
        flush_guarded()
        audit.record("reply", actor=actor, now=now, ticket=ticket, note=note,
                     detail={"method": method})
    return ticket


def escalate(ticket_id: int, *, note: str, actor: User, now: datetime) -> Ticket:
    """A long-term or unreasonable complainer: the owner and duty managers decide the reply."""
    note = mask_numbers((note or "").strip())
    if not note:
        raise FormProblems({"note": N_("Say why this customer needs a decision.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        _require_handler(ticket, actor)
        if ticket.escalated_at is not None:
            raise InvalidTransition(N_("Already escalated."))
        ticket.escalated_at = now
        ticket.escalation_note = note
        flush_guarded()
        alert(users_with_role(Role.OWNER, Role.DUTY_MANAGER), "escalated", ticket=ticket,
              now=now)
        audit.record("escalate", actor=actor, now=now, ticket=ticket, note=note)
    return ticket


def reveal_phone(ticket_id: int, *, actor: User, now: datetime) -> Ticket:
    """The full customer numbers, for the checker handling the reply or the owner; audited."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        who, known = actor.actor(), facts(ticket)
        may = rules.is_handler(who, known) or rules.keeps_reply(who, known) \
            or actor.role_enum == Role.OWNER
        if not may:
            raise NotAllowed(N_("Only the checker handling this ticket or the owner may see "
                                "the full number."))
        audit.record("reveal_phone", actor=actor, now=now, ticket=ticket)
    return ticket


# --- closing ---------------------------------------------------------------------------------

def close_due(now: datetime, *, limit: int = 500) -> int:
    """Close judged tickets whose reply is recorded and whose appeal window has passed.
    Safe to run at any time, from cron and from several processes at once."""
    ids = list(db.session.scalars(
        select(Ticket.id).where(Ticket.state == State.JUDGED, Ticket.appeal_until <= now,
                                Ticket.reply_done_at.is_not(None))
        .order_by(Ticket.appeal_until).limit(limit)))
    return sum(1 for ticket_id in ids if close_if_due(ticket_id, now))


def _due(ticket: Ticket | None, now: datetime) -> bool:
    return ticket is not None and ticket.state == State.JUDGED and sla.may_close(
        appeal_until=ticket.appeal_until, reply_done=ticket.reply_done_at is not None, now=now)


def close_if_due(ticket_id: int, now: datetime) -> bool:
    """Close one ticket if its time has come (also called when a ticket is read). Reading a
    ticket that is not due takes no write lock: the check runs on the row already loaded,
    and again inside the write transaction when it is due."""
    if not _due(db.session.get(Ticket, ticket_id), now):
        return False
    try:
        with write_transaction():
            ticket = db.session.get(Ticket, ticket_id)
            if not _due(ticket, now):
                return False
            ticket.state = State.CLOSED
            ticket.closed_at = now
            flush_guarded()
            audit.record(Action.CLOSE, actor=None, now=now, ticket=ticket,
                         from_state=State.JUDGED, to_state=State.CLOSED)
    except Conflict:
        return False  # closed by another process at the same moment
    return True


# --- the queue -------------------------------------------------------------------------------

OPEN_STATES = (State.HANDED_OVER, State.VERIFYING, State.JUDGED)

#: Rows on one page of the queue; "more" continues after the last one (keyset, not OFFSET).
QUEUE_PAGE = 25
#: The badge counts at most this many matches (then "1000+"): the open work is a few hundred
#: tickets, but the 已结案 filter reaches into years of history.
QUEUE_COUNT_CAP = 1000

_MAX_ID = 2 ** 63 - 1
_STATES = frozenset(s.value for s in State)
_GROUPS = frozenset(g.value for g in Group)


@dataclass
class QueueFilter:
    group: str | None = None
    state: str | None = None
    checker: str | None = None   # "me", "none", or a user id
    q: str | None = None


def queue_id(text: str | None) -> int | None:
    """A database id typed into a URL (a cursor, a checker), or None: SQLite refuses integers
    beyond 64 bits, which would otherwise answer 500."""
    if not text or not text.isascii() or not text.isdigit():
        return None
    value = int(text)
    return value if 0 < value <= _MAX_ID else None


# The queue's statements are built once per shape of filter (which conditions apply) and
# take the values as parameters: building and keying a statement for every request cost
# about as much as running it.
_tickets = Ticket.__table__
_checker = User.__table__.alias("checker")
_cursor = _tickets.alias("cursor")
_users = User.__table__

#: What the search box matches: the ticket no. (any part, % and _ as typed), the accused's
#: or the submitter's employee no. The submitter's employee no. is looked up once (unique
#: index), not per row.
_SEARCH = (_tickets.c.number.like(bindparam("q_like"), escape="\\"),
           _tickets.c.accused_no == bindparam("q"),
           _tickets.c.submitter_id.in_(
               select(_users.c.id).where(_users.c.employee_no == bindparam("q"))))
#: A customer number matches only when the whole number is typed: a fragment matching the
#: end of a number let anyone rebuild a masked number (186****2222) in a few searches.
_SEARCH_PHONE = (_tickets.c.caller_number == bindparam("q_phone"),
                 _tickets.c.contact_number == bindparam("q_phone"))

#: Each condition a filter may add (the values are bound at execution).
_CONDITIONS = {
    "state": _tickets.c.state == bindparam("state"),
    # The open work, read through ix_tickets_state_reply_due: its cost follows the open
    # tickets, not the history.
    "open": or_(_tickets.c.state.in_([State.HANDED_OVER.value, State.VERIFYING.value]),
                (_tickets.c.state == State.JUDGED.value) & _tickets.c.reply_done_at.is_(None)),
    "group": _tickets.c.route_group == bindparam("group"),
    "no_group": _tickets.c.route_group.is_(None),
    "checker": _tickets.c.checker_id == bindparam("checker_id"),
    "unclaimed": _tickets.c.checker_id.is_(None),
    "q": or_(*_SEARCH),
    "q_phone": or_(*_SEARCH, *_SEARCH_PHONE),
}

#: What a queue row shows, and no more: plain rows cost a fraction of Ticket objects.
_QUEUE_COLUMNS = (
    _tickets.c.id, _tickets.c.number, _tickets.c.state, _tickets.c.version,
    _tickets.c.route_group, _tickets.c.accused_no, _tickets.c.caller_number,
    _tickets.c.reply_due_at, _tickets.c.reply_done_at.is_not(None).label("replied"),
    _tickets.c.escalated_at.is_not(None).label("escalated"), _tickets.c.escalation_note,
    _checker.c.name.label("checker_name"))
#: A queue row. A plain named tuple: a template reads every field of every row, and reading
#: a field of SQLAlchemy's Row costs several times as much.
QueueRow = collections.namedtuple("QueueRow", [column.name for column in _QUEUE_COLUMNS])


def _queue_filter(filters: QueueFilter, actor: User) -> tuple[tuple[str, ...], dict]:
    """The conditions that apply (names in _CONDITIONS) and the values they take."""
    shape, values = [], {}
    if filters.state in _STATES:
        shape.append("state")
        values["state"] = filters.state
    else:
        shape.append("open")
    if filters.group == "none":
        shape.append("no_group")
    elif filters.group in _GROUPS:
        shape.append("group")
        values["group"] = filters.group
    if filters.checker == "me":
        shape.append("checker")
        values["checker_id"] = actor.id
    elif filters.checker == "none":
        shape.append("unclaimed")
    elif (checker_id := queue_id(filters.checker)) is not None:
        shape.append("checker")
        values["checker_id"] = checker_id
    q = (filters.q or "").strip()
    if q:
        values.update(q=q, q_like=f"%{escape_like(q)}%")
        if (phone := normalize_phone(q)) is not None:
            shape.append("q_phone")
            values["q_phone"] = phone
        else:
            shape.append("q")
    return tuple(shape), values


@functools.cache
def _queue_statement(shape: tuple[str, ...], kind: str):
    """kind: "page" (the first rows), "after" (the rows after the cursor) or "count"."""
    where = [_tickets.c.handed_over_at.is_not(None), *(_CONDITIONS[name] for name in shape)]
    if kind == "count":
        matches = select(_tickets.c.id).where(*where).limit(bindparam("cap"))
        return select(func.count()).select_from(matches.subquery())
    if kind == "after":
        due = select(_cursor.c.reply_due_at).where(_cursor.c.id == bindparam("after"))
        where.append(tuple_(_tickets.c.reply_due_at, _tickets.c.id)
                     > tuple_(due.scalar_subquery(), bindparam("after")))
    return (select(*_QUEUE_COLUMNS)
            .select_from(_tickets.outerjoin(_checker, _checker.c.id == _tickets.c.checker_id))
            .where(*where).order_by(_tickets.c.reply_due_at, _tickets.c.id)
            .limit(bindparam("limit")))


def queue(filters: QueueFilter, *, actor: User, limit: int = QUEUE_PAGE,
          after: int | None = None) -> list:
    """Signed-over tickets for the quality team, earliest reply deadline first (then id), as
    QueueRows. Judged tickets stay while their reply is outstanding. `after` is
    the id of the last row already shown: the rows that follow it in that order (a signed-over
    ticket always has its reply deadline)."""
    shape, values = _queue_filter(filters, actor)
    if after is not None:
        values["after"] = after
    statement = _queue_statement(shape, "page" if after is None else "after")
    return list(map(QueueRow._make, db.session.execute(statement, {**values, "limit": limit})))


def queue_count(filters: QueueFilter, *, actor: User, cap: int = QUEUE_COUNT_CAP) -> int:
    """How many tickets match, counting at most cap + 1 (more than `cap` reads as "cap+")."""
    shape, values = _queue_filter(filters, actor)
    return db.session.scalar(_queue_statement(shape, "count"), {**values, "cap": cap + 1})


_ANY_DUE = select(select(_tickets.c.id).where(
    _tickets.c.state == State.JUDGED.value, _tickets.c.appeal_until <= bindparam("now"),
    _tickets.c.reply_done_at.is_not(None)).exists())


def any_due(now: datetime) -> bool:
    """Whether close_due has anything to do: one look-up on ix_tickets_state_appeal_until, so
    that the queue, which runs close_due on every view, pays almost nothing when nothing is."""
    return bool(db.session.scalar(_ANY_DUE, {"now": now}))


_CHECKERS = (select(_users.c.id, _users.c.name, _users.c.employee_no)
             .where(_users.c.role.in_([Role.CHECKER.value, Role.OWNER.value]),
                    _users.c.active.is_(True))
             .order_by(_users.c.employee_no))


def checkers() -> list:
    """Active checkers and owners, for the queue's checker filter: rows of (id, name,
    employee_no)."""
    return list(db.session.execute(_CHECKERS))


def notifications_on(day_start: datetime, day_end: datetime) -> list[Notification]:
    """The whitelist handover table (白名单交接表) for one local day, given in UTC bounds."""
    return list(db.session.scalars(
        select(Notification).options(joinedload(Notification.ticket),
                                     joinedload(Notification.checker))
        .where(Notification.called_at >= day_start, Notification.called_at < day_end)
        .order_by(Notification.called_at)))


def explanations_for(phone: str) -> list[Ticket]:
    """Tickets about this customer number whose reply was a direct explanation or another
    method with a recorded script: what any agent may say when the customer calls."""
    return list(db.session.scalars(
        select(Ticket).where(or_(Ticket.caller_number == phone, Ticket.contact_number == phone),
                             Ticket.reply_method.in_(("explain", "other")))
        .order_by(Ticket.reply_done_at.desc()).limit(20)))


def escalated_open() -> list[Ticket]:
    """Escalated tickets whose reply is still outstanding, with the decision on each if one
    was made: for the owner and duty managers."""
    return list(db.session.scalars(
        select(Ticket).options(joinedload(Ticket.replier))
        .where(Ticket.escalated_at.is_not(None), Ticket.reply_done_at.is_(None))
        .order_by(Ticket.escalated_at)))


def returns_to_confirm(*, actor: User) -> list[Ticket]:
    """The lead's queue of tickets the quality team returned, waiting for 确认退回."""
    if actor.team_id is None:
        return []
    return list(db.session.scalars(
        select(Ticket).options(joinedload(Ticket.handover))
        .where(Ticket.team_id == actor.team_id, Ticket.state == State.RETURNED_TO_LEAD)
        .order_by(Ticket.id)))


def count_open(actor: User) -> int:
    return db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.checker_id == actor.id, Ticket.state == State.VERIFYING)) or 0

