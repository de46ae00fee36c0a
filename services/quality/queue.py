"""The quality queue (SPEC §3): signed-over tickets by reply deadline, filtered and searched,
a page at a time; and the other lists of the quality team's work."""
import collections
import functools
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, func, or_, select, tuple_
from sqlalchemy.orm import joinedload

from domain.phones import normalize_phone
from domain.roles import Role
from domain.routing import Group
from domain.text import escape_like
from domain.tickets import State
from models import Notification, Ticket, User

from ..db import db
from ..privacy import number_hash


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
#: end of a number let anyone rebuild a masked number (186****2222) in a few searches. An
#: anonymised ticket is found by the keyed hash of the number (services/privacy.py).
_SEARCH_PHONE = (_tickets.c.caller_number == bindparam("q_phone"),
                 _tickets.c.contact_number == bindparam("q_phone"),
                 _tickets.c.caller_hash == bindparam("q_hash"),
                 _tickets.c.contact_hash == bindparam("q_hash"))

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
            values["q_phone"], values["q_hash"] = phone, number_hash(phone)
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
    method with a recorded script: what any agent may say when the customer calls. Found
    by the keyed hash too once the tickets are anonymised."""
    digest = number_hash(phone)
    return list(db.session.scalars(
        select(Ticket).where(or_(Ticket.caller_number == phone, Ticket.contact_number == phone,
                                 Ticket.caller_hash == digest, Ticket.contact_hash == digest),
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
