"""KPIs of SPEC §9, computed in the database: counts, on-time shares and medians for a period,
broken down by team, route group or checker. Every figure comes with the ticket-list filter
that shows the tickets behind it."""
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from sqlalchemy import and_, func, select

from domain.periods import Span, rate
from models import Appeal, Criterion, Judgement, Team, Ticket, User
from models.quality import judgement_criteria

from . import settings
from .clock import zone
from .db import db

BREAKDOWNS = ("team", "group", "checker")


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
    """Which tickets a report covers: a span, and optionally one team / group / checker."""
    span: Span
    team_id: int | None = None
    group: str | None = None
    checker_id: int | None = None

    def conditions(self):
        conds = []
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
        params.update({k: v for k, v in extra.items() if v is not None})
        return params


def _count(query) -> int:
    return db.session.scalar(query) or 0


def _median(duration, condition) -> float | None:
    """The median of a duration over the rows matching `condition`, with ORDER BY/OFFSET so it
    runs the same on SQLite and PostgreSQL."""
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
    def reply_on_time_rate(self):
        return rate(self.replied_on_time, self.replied)


@dataclass
class Kpis(Rates):
    filed: int = 0
    judged: int = 0
    established: int = 0
    by_kind: dict = field(default_factory=dict)
    by_criterion: list = field(default_factory=list)   # (code, text, count)
    reviewed: int = 0
    reviewed_on_time: int = 0
    replied: int = 0
    replied_on_time: int = 0
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


def kpis(scope: Scope) -> Kpis:
    limits = settings.limits()
    k = Kpis()
    k.filed = _count(select(func.count(Ticket.id)).where(scope.within(Ticket.created_at)))
    judged = scope.within(Ticket.judged_at)
    k.judged = _count(select(func.count(Ticket.id)).where(judged))
    k.established = _count(select(func.count(Ticket.id)).where(
        judged, Ticket.verdict == "established"))
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
    k.reviewed = _count(select(func.count(Ticket.id)).where(handed))
    k.reviewed_on_time = _count(select(func.count(Ticket.id)).where(
        handed, review <= limits.review_hours * 60))
    reply = minutes(Ticket.reply_done_at, Ticket.handed_over_at)
    replied = scope.within(Ticket.reply_done_at)
    k.replied = _count(select(func.count(Ticket.id)).where(replied))
    k.replied_on_time = _count(select(func.count(Ticket.id)).where(
        replied, reply <= limits.reply_hours * 60))
    k.reply_methods = dict(db.session.execute(
        select(Ticket.reply_method, func.count(Ticket.id)).where(replied)
        .group_by(Ticket.reply_method)).all())
    appeal_scope = [Appeal.ticket_id == Ticket.id]
    k.appeals = _count(select(func.count(Appeal.id)).join(Ticket, and_(*appeal_scope))
                       .where(scope.within(Appeal.filed_at)))
    rejudged = scope.within(Appeal.rejudged_at)
    k.rejudged = _count(select(func.count(Appeal.id)).join(Ticket, and_(*appeal_scope))
                        .where(rejudged))
    k.overturned = _count(select(func.count(Appeal.id)).join(Ticket, and_(*appeal_scope))
                          .where(rejudged, Appeal.decision == "overturn"))
    closed = scope.within(Appeal.vote_closed_at)
    base = select(func.count(Appeal.id)).join(Ticket, and_(*appeal_scope)).where(closed)
    k.votes_closed = _count(base)
    k.votes_established = _count(base.where(
        Appeal.established_count > Appeal.not_established_count))
    k.votes_not_established = _count(base.where(
        Appeal.established_count < Appeal.not_established_count))
    k.votes_tied = k.votes_closed - k.votes_established - k.votes_not_established
    k.escalated_customers = _count(select(func.count(Ticket.id)).where(
        scope.within(Ticket.escalated_at)))
    k.median_minutes = {
        "review": _median(review, handed),
        "claim": _median(minutes(Ticket.claimed_at, Ticket.handed_over_at),
                         scope.within(Ticket.claimed_at)),
        "judge": _median(minutes(Ticket.judged_at, Ticket.claimed_at), judged),
        "reply": _median(reply, replied),
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
    replied: int = 0
    replied_on_time: int = 0



def breakdown(scope: Scope, by: str) -> list[Row]:
    """The main KPIs per team, route group or checker: one grouped query per figure."""
    limits = settings.limits()
    column = {"team": Ticket.team_id, "group": Ticket.route_group,
              "checker": Ticket.checker_id}[by]
    rows: dict = {}

    def add(metric, condition):
        for key, n in db.session.execute(
                select(column, func.count(Ticket.id)).where(condition).group_by(column)):
            rows.setdefault(key, Row(key=key, label=""))
            setattr(rows[key], metric, n)

    add("filed", scope.within(Ticket.created_at))
    add("judged", scope.within(Ticket.judged_at))
    add("established", and_(scope.within(Ticket.judged_at), Ticket.verdict == "established"))
    handed = and_(scope.within(Ticket.handed_over_at), Ticket.source.is_(None))
    add("reviewed", handed)
    add("reviewed_on_time", and_(handed, minutes(Ticket.handed_over_at, Ticket.submitted_at)
                                 <= limits.review_hours * 60))
    add("replied", scope.within(Ticket.reply_done_at))
    add("replied_on_time", and_(scope.within(Ticket.reply_done_at),
                                minutes(Ticket.reply_done_at, Ticket.handed_over_at)
                                <= limits.reply_hours * 60))
    names = {}
    if by == "team":
        names = dict(db.session.execute(select(Team.id, Team.name)).all())
    elif by == "checker":
        ids = [k for k in rows if k is not None]
        names = dict(db.session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    for key, row in rows.items():
        row.label = names.get(key, key) if by != "group" else key
    return sorted(rows.values(), key=lambda r: (r.key is None, -r.filed, str(r.label)))


def trend(spans: list[Span], base: Scope) -> list[dict]:
    """Filed tickets and the established rate per week, oldest first."""
    points = []
    for span in spans:
        scope = Scope(span=span, team_id=base.team_id, group=base.group,
                      checker_id=base.checker_id)
        judged = scope.within(Ticket.judged_at)
        filed = _count(select(func.count(Ticket.id)).where(scope.within(Ticket.created_at)))
        n_judged = _count(select(func.count(Ticket.id)).where(judged))
        established = _count(select(func.count(Ticket.id)).where(
            judged, Ticket.verdict == "established"))
        points.append({"span": span, "filed": filed, "judged": n_judged,
                       "established_rate": rate(established, n_judged)})
    return points
