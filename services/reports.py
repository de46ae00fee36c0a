"""KPIs of SPEC §9, computed in the database: counts, on-time shares and medians for a period,
broken down by team, route group or checker. Every figure comes with the ticket-list filter
that shows the tickets behind it."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased

from domain.errors import NotFound
from domain.periods import Span, rate
from domain.roles import TEAM_ROLES, Role
from domain.reply import FALLBACK_METHODS, NO_REPLY_STATES
from models import Appeal, Criterion, Judgement, Team, Ticket, User
from models.quality import judgement_criteria

from . import settings
from .clock import zone
from .db import db

#: A breakdown by the filing team, the accused agent's team, the accused agent, the route
#: group or the checker.
BREAKDOWNS = ("team", "accused_team", "accused", "group", "checker")
#: The accused agent, when a report counts by who was complained about.
_ACCUSED = aliased(User, name="accused")


def utc_bounds(span: Span) -> tuple[datetime, datetime]:
    def edge(day):
        return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)
    return edge(span.start), edge(span.end)


def minutes(later, earlier):
    """SQL: minutes from `earlier` to `later`, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 1440.0
    return func.extract("epoch", later - earlier) / 60.0


@dataclass
class Scope:
    """Which tickets a report covers: a span, and optionally one team / group / checker, one
    accused agent or the agents of one team."""
    span: Span
    team_id: int | None = None
    group: str | None = None
    checker_id: int | None = None
    accused_no: str | None = None
    accused_team_id: int | None = None

    def conditions(self):
        conds = []
        if self.accused_no:
            conds.append(Ticket.accused_no == self.accused_no)
        if self.accused_team_id is not None:
            conds.append(Ticket.accused_no.in_(
                select(User.employee_no).where(User.team_id == self.accused_team_id)))
        if self.team_id is not None:
            conds.append(Ticket.team_id == self.team_id)
        if self.group:
            conds.append(Ticket.route_group == self.group)
        if self.checker_id is not None:
            conds.append(Ticket.checker_id == self.checker_id)
        return conds

    def within(self, column):
        start, end = utc_bounds(self.span)
        return and_(column >= start, column < end, *self.conditions())

    def within_spans(self, column, spans: list[Span]):
        """(bucket, condition): which of the `spans` (not overlapping) a row falls in (0, 1,
        …; NULL between them), and the rows from the first to the last — one grouped query
        instead of one per span."""
        edges = [utc_bounds(span) for span in spans]
        bucket = case(*[(and_(column >= start, column < end), i)
                        for i, (start, end) in enumerate(edges)])
        return bucket, and_(column >= min(e[0] for e in edges),
                            column < max(e[1] for e in edges), *self.conditions())

    def link(self, **extra) -> dict:
        """Query parameters of /tickets/ that list the tickets behind a figure."""
        params = {"from": self.span.start.isoformat(),
                  "to": (self.span.end.fromordinal(self.span.end.toordinal() - 1)).isoformat()}
        if self.team_id is not None:
            params["team"] = self.team_id
        if self.group:
            params["group"] = self.group
        if self.checker_id is not None:
            params["checker"] = self.checker_id
        if self.accused_no:
            params["accused"] = self.accused_no
        if self.accused_team_id is not None:
            params["accused_team"] = self.accused_team_id
        params.update({k: v for k, v in extra.items() if v is not None})
        return params


def _count(query) -> int:
    return db.session.scalar(query) or 0


def _flag(condition):
    """1 for the rows matching `condition`, else 0: several counts in one pass (SUM)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _median(duration, condition, n: int | None = None) -> float | None:
    """The median of a duration over the rows matching `condition` (`n` of them, when the
    caller has counted them), with ORDER BY/OFFSET so it runs the same on SQLite and
    PostgreSQL."""
    if n is None:
        n = _count(select(func.count()).select_from(Ticket).where(condition))
    if not n:
        return None
    ordered = select(duration).where(condition).order_by(duration)
    if n % 2:
        return db.session.scalar(ordered.offset(n // 2).limit(1))
    pair = list(db.session.scalars(ordered.offset(n // 2 - 1).limit(2)))
    return sum(pair) / 2


class Rates:
    """Shares derived from the counts (None when there is nothing to divide by)."""
    @property
    def established_rate(self):
        return rate(self.established, self.judged)

    @property
    def review_on_time_rate(self):
        return rate(self.reviewed_on_time, self.reviewed)

    @property
    def first_contact_rate(self):
        return rate(self.first_contact_on_time, self.first_contact_due)

    @property
    def compliance_rate(self):
        return rate(self.replies_compliant, self.replies)


def reply_conditions(scope: Scope, now: datetime, limits) -> dict:
    """The two reply figures (SPEC §6, §9; domain.reply states the same rules in Python):

    首次联系及时率 = first_contact_on_time / first_contact_due: of the tickets signed over in
    the period and not returned to the lead, those that had a contact attempt or whose reply
    limit (48 h) has passed by `now`; on time when the first attempt came within the limit.

    回复合规率 = replies_compliant / replies: of the same tickets, those whose reply is
    recorded; compliant when made by the method decided for an escalated customer, by SMS or
    direct explanation after failed calls that began within the limit (the days of calls were
    checked when the reply was made), or otherwise (phone, other) recorded within the limit.
    """
    signed = and_(scope.within(Ticket.handed_over_at), Ticket.state.not_in(NO_REPLY_STATES))
    first = case((Ticket.first_failed_call_at.is_(None), Ticket.reached_at),
                 (Ticket.reached_at.is_(None), Ticket.first_failed_call_at),
                 (Ticket.reached_at < Ticket.first_failed_call_at, Ticket.reached_at),
                 else_=Ticket.first_failed_call_at)
    limit = limits.reply_hours * 60
    return {
        "first_contact_due": and_(signed, or_(
            first.is_not(None),
            Ticket.handed_over_at < now - timedelta(hours=limits.reply_hours))),
        "first_contact_on_time": minutes(first, Ticket.handed_over_at) <= limit,
        "replies": and_(signed, Ticket.reply_done_at.is_not(None)),
        "replies_compliant": or_(
            and_(Ticket.reply_decision.is_not(None), Ticket.reply_method == Ticket.reply_decision),
            and_(Ticket.reply_method.in_(FALLBACK_METHODS),
                 minutes(Ticket.first_failed_call_at, Ticket.handed_over_at) <= limit),
            and_(Ticket.reply_method.not_in(FALLBACK_METHODS),
                 minutes(Ticket.reply_done_at, Ticket.handed_over_at) <= limit)),
    }


@dataclass
class Kpis(Rates):
    filed: int = 0
    judged: int = 0
    established: int = 0
    by_kind: dict = field(default_factory=dict)
    by_criterion: list = field(default_factory=list)   # (code, text, count)
    reviewed: int = 0
    reviewed_on_time: int = 0
    first_contact_due: int = 0
    first_contact_on_time: int = 0
    replies: int = 0
    replies_compliant: int = 0
    replied: int = 0
    reply_methods: dict = field(default_factory=dict)
    appeals: int = 0
    rejudged: int = 0
    overturned: int = 0
    votes_closed: int = 0
    votes_established: int = 0
    votes_not_established: int = 0
    votes_tied: int = 0
    escalated_customers: int = 0
    median_minutes: dict = field(default_factory=dict)


    @property
    def overturn_rate(self):
        return rate(self.overturned, self.rejudged)

    @property
    def sms_fallback(self):
        return self.reply_methods.get("sms", 0)

    @property
    def by_phone(self):
        return self.reply_methods.get("phone", 0)


def kpis(scope: Scope, now: datetime) -> Kpis:
    """The figures of the dashboard; `now` decides which reply limits have passed."""
    limits = settings.limits()
    k = Kpis()
    k.filed = _count(select(func.count(Ticket.id)).where(scope.within(Ticket.created_at)))
    judged = scope.within(Ticket.judged_at)
    k.judged, k.established = db.session.execute(select(
        func.count(Ticket.id), _flag(Ticket.verdict == "established")).where(judged)).one()
    k.by_kind = dict(db.session.execute(
        select(Judgement.kind, func.count(Judgement.id)).join(Ticket, Ticket.id ==
                                                               Judgement.ticket_id)
        .where(judged).group_by(Judgement.kind)).all())
    k.by_criterion = [tuple(row) for row in db.session.execute(
        select(Criterion.code, Criterion.text, func.count())
        .select_from(judgement_criteria)
        .join(Criterion, Criterion.id == judgement_criteria.c.criterion_id)
        .join(Judgement, Judgement.id == judgement_criteria.c.judgement_id)
        .join(Ticket, Ticket.id == Judgement.ticket_id)
        .where(judged).group_by(Criterion.code, Criterion.text, Criterion.position)
        .order_by(Criterion.position))]
    review = minutes(Ticket.handed_over_at, Ticket.submitted_at)
    handed = and_(scope.within(Ticket.handed_over_at), Ticket.source.is_(None))
    k.reviewed, k.reviewed_on_time = db.session.execute(select(
        func.count(Ticket.id), _flag(review <= limits.review_hours * 60)).where(handed)).one()
    rc = reply_conditions(scope, now, limits)
    k.first_contact_due, k.first_contact_on_time = db.session.execute(select(
        func.count(Ticket.id), _flag(rc["first_contact_on_time"]))
        .where(rc["first_contact_due"])).one()
    k.replies, k.replies_compliant = db.session.execute(select(
        func.count(Ticket.id), _flag(rc["replies_compliant"])).where(rc["replies"])).one()
    reply = minutes(Ticket.reply_done_at, Ticket.handed_over_at)
    replied = scope.within(Ticket.reply_done_at)
    methods = db.session.execute(
        select(Ticket.reply_method, func.count(Ticket.id)).where(replied)
        .group_by(Ticket.reply_method)).all()
    k.replied = sum(n for _method, n in methods)
    k.reply_methods = dict(methods)
    appeal_scope = [Appeal.ticket_id == Ticket.id]
    k.appeals = _count(select(func.count(Appeal.id)).join(Ticket, and_(*appeal_scope))
                       .where(scope.within(Appeal.filed_at)))
    rejudged = scope.within(Appeal.rejudged_at)
    k.rejudged, k.overturned = db.session.execute(
        select(func.count(Appeal.id), _flag(Appeal.decision == "overturn"))
        .join(Ticket, and_(*appeal_scope)).where(rejudged)).one()
    closed = scope.within(Appeal.vote_closed_at)
    k.votes_closed, k.votes_established, k.votes_not_established = db.session.execute(
        select(func.count(Appeal.id),
               _flag(Appeal.established_count > Appeal.not_established_count),
               _flag(Appeal.established_count < Appeal.not_established_count))
        .join(Ticket, and_(*appeal_scope)).where(closed)).one()
    k.votes_tied = k.votes_closed - k.votes_established - k.votes_not_established
    k.escalated_customers = _count(select(func.count(Ticket.id)).where(
        scope.within(Ticket.escalated_at)))
    k.median_minutes = {
        "review": _median(review, handed, k.reviewed),
        "claim": _median(minutes(Ticket.claimed_at, Ticket.handed_over_at),
                         scope.within(Ticket.claimed_at)),
        "judge": _median(minutes(Ticket.judged_at, Ticket.claimed_at), judged, k.judged),
        "reply": _median(reply, replied, k.replied),
    }
    return k


@dataclass
class Row(Rates):
    key: object
    label: str
    filed: int = 0
    judged: int = 0
    established: int = 0
    reviewed: int = 0
    reviewed_on_time: int = 0
    first_contact_due: int = 0
    first_contact_on_time: int = 0
    replies: int = 0
    replies_compliant: int = 0


def breakdown(scope: Scope, by: str, now: datetime) -> list[Row]:
    """The main KPIs per filing team, accused agent's team, accused agent, route group or
    checker: one grouped query per figure set (filed, judged, signed over, first contact,
    replies), each counting in one pass."""
    limits = settings.limits()
    column = {"team": Ticket.team_id, "accused_team": _ACCUSED.team_id,
              "accused": Ticket.accused_no, "group": Ticket.route_group,
              "checker": Ticket.checker_id}[by]
    rows: dict = {}

    def add(metrics, condition, *flags):
        query = select(column, func.count(Ticket.id), *map(_flag, flags))
        if by == "accused_team":
            query = query.select_from(Ticket).outerjoin(
                _ACCUSED, _ACCUSED.employee_no == Ticket.accused_no)
        for key, n, *counts in db.session.execute(query.where(condition).group_by(column)):
            rows.setdefault(key, Row(key=key, label=""))
            for metric, value in zip(metrics, (n, *counts), strict=True):
                setattr(rows[key], metric, value)

    add(["filed"], scope.within(Ticket.created_at))
    add(["judged", "established"], scope.within(Ticket.judged_at),
        Ticket.verdict == "established")
    handed = and_(scope.within(Ticket.handed_over_at), Ticket.source.is_(None))
    add(["reviewed", "reviewed_on_time"], handed,
        minutes(Ticket.handed_over_at, Ticket.submitted_at) <= limits.review_hours * 60)
    rc = reply_conditions(scope, now, limits)
    add(["first_contact_due", "first_contact_on_time"], rc["first_contact_due"],
        rc["first_contact_on_time"])
    add(["replies", "replies_compliant"], rc["replies"], rc["replies_compliant"])
    for key, row in rows.items():
        row.label = _labels(by, rows).get(key, key)
    return sorted(rows.values(), key=lambda r: (r.key is None, -r.filed, str(r.label)))


def _labels(by: str, rows: dict) -> dict:
    """What each key of a breakdown is called (teams and people by name)."""
    keys = [k for k in rows if k is not None]
    if by in ("team", "accused_team"):
        return dict(db.session.execute(select(Team.id, Team.name)).all())
    if by == "checker":
        return dict(db.session.execute(select(User.id, User.name).where(User.id.in_(keys))).all())
    if by == "accused":
        return {no: f"{name} {no}" for no, name in db.session.execute(
            select(User.employee_no, User.name).where(User.employee_no.in_(keys)))}
    return {}


def trend(spans: list[Span], base: Scope) -> list[dict]:
    """Filed tickets and the established rate per week (spans that do not overlap), oldest
    first: one grouped query for the filed counts and one for the judged ones, whatever the
    number of weeks."""
    if not spans:
        return []

    def per_span(column, *flags):
        bucket, condition = base.within_spans(column, spans)
        inner = select(bucket.label("bucket"), *[case((f, 1), else_=0).label(f"f{i}")
                                                 for i, f in enumerate(flags)]) \
            .where(condition).subquery()
        counts = select(inner.c.bucket, func.count(),
                        *[func.sum(inner.c[f"f{i}"]) for i in range(len(flags))]) \
            .group_by(inner.c.bucket)
        return {row[0]: row[1:] for row in db.session.execute(counts)}

    filed = per_span(Ticket.created_at)
    judged = per_span(Ticket.judged_at, Ticket.verdict == "established")
    points = []
    for i, span in enumerate(spans):
        n_judged, established = judged.get(i, (0, 0))
        points.append({"span": span, "filed": filed.get(i, (0,))[0], "judged": n_judged,
                       "established_rate": rate(established, n_judged)})
    return points


#: Who reads any agent's figures: management (SPEC §9 "all reports").
MANAGEMENT = frozenset({Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER})


def agent_for(employee_no: str, *, actor: User) -> User:
    """The agent (staff or lead) whose own report `actor` may read: themself, an agent of the
    lead's team, anyone for management. Anyone else gets NotFound, as for a ticket."""
    agent = db.session.scalar(select(User).where(User.employee_no == (employee_no or "")))
    if agent is None or agent.role_enum not in TEAM_ROLES:
        raise NotFound("No such agent.")
    role = actor.role_enum
    allowed = (actor.id == agent.id or role in MANAGEMENT
               or (role == Role.TEAM_LEAD and actor.team_id is not None
                   and actor.team_id == agent.team_id))
    if not allowed:
        raise NotFound("No such agent.")
    return agent


def team_agents(actor: User) -> list[User]:
    """The agents of a lead's team, for the links to their reports."""
    if actor.role_enum != Role.TEAM_LEAD or actor.team_id is None:
        return []
    return list(db.session.scalars(select(User).where(
        User.team_id == actor.team_id, User.active.is_(True),
        User.role.in_([r.value for r in TEAM_ROLES])).order_by(User.employee_no)))
