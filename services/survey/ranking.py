"""The callers' monthly ranking (回访考核排名, seed 003: 每月对客服代表的回访工作进行考核，根据各项
考核指标计算得分，排名公布): computed from the work given to each caller, published to the
floor as it stands that day, with an announcement when asked."""
import json
from datetime import date, datetime

from sqlalchemy import select

from domain import survey as rules
from domain.errors import N_, FormProblems
from domain.periods import Span
from domain.roles import Role
from domain.survey import Task
from models import User
from models.callbacks import RankingPublication

from .. import audit
from ..alerts import users_with_role
from ..db import db, write_transaction
from ..notices import add_announcement
from .kpis import KpiRow, breakdown


def ranking(month: Span, *, actor: User) -> list[KpiRow]:
    """The callers ranked by their score over the month (the callbacks given to them and due
    in it); callbacks nobody held are left out."""
    rules.require(actor.role, Task.READ_KPIS)
    return [row for row in breakdown(month, "caller", actor=actor) if row.key is not None]


def _snapshot(rows: list[KpiRow]) -> list[dict]:
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_([r.key for r in rows])))}
    snapshot = []
    for row in rows:
        c, who = row.counts, people[row.key]
        snapshot.append({
            "rank": row.rank, "name": who.name, "employee_no": who.employee_no,
            "due": c.callbacks_due, "done": c.callbacks_done, "satisfied": c.satisfied,
            "fairly": c.fairly, "issues": c.issues, "resolved": c.resolved,
            "sampled": c.sampled, "accurate": c.accurate, "completion": c.completion_rate,
            "satisfaction": c.satisfaction_rate, "resolution": c.resolution_rate,
            "accuracy": c.accuracy_rate, "score": rules.score(c)})
    return snapshot


def publish(month: Span, *, announce: bool, actor: User, now: datetime,
            compose=None) -> RankingPublication:
    """Publish the month's ranking as it stands: the floor's ranking page shows it. With
    `announce`, an announcement to every agent and lead goes out in the same transaction,
    its title and body from compose(rows) (the view words it in the reader's language)."""
    rules.require(actor.role, Task.PUBLISH_RANKING)
    with write_transaction():
        rows = _snapshot(ranking(month, actor=actor))
        if not rows:
            raise FormProblems({"month": N_("No caller had callbacks due in this month.")})
        notice = None
        if announce:
            title, body = compose(rows)
            notice = add_announcement("announcement", title, body, actor=actor, now=now,
                                      user_ids=users_with_role(Role.STAFF, Role.TEAM_LEAD))
        publication = RankingPublication(
            month=month.start, rows=json.dumps(rows, ensure_ascii=False),
            published_by_id=actor.id, published_at=now,
            announcement_id=notice.id if notice else None)
        db.session.add(publication)
        db.session.flush()
        audit.record("ranking_publish", actor=actor, now=now,
                     detail={"month": month.start.isoformat(), "callers": len(rows),
                             "announcement": notice.id if notice else None})
    return publication


def published_months(*, actor: User) -> list[date]:
    """The months with a published ranking, newest first."""
    rules.require(actor.role, Task.READ_RANKING)
    return list(db.session.scalars(select(RankingPublication.month).distinct()
                                   .order_by(RankingPublication.month.desc())))


def publication(month: date | None, *, actor: User) -> RankingPublication | None:
    """The latest publication of the month (of the newest month when None)."""
    rules.require(actor.role, Task.READ_RANKING)
    query = select(RankingPublication).order_by(RankingPublication.published_at.desc(),
                                                RankingPublication.id.desc()).limit(1)
    if month is not None:
        query = query.where(RankingPublication.month == month)
    return db.session.scalar(query)


def rows_of(published: RankingPublication) -> list[dict]:
    return json.loads(published.rows or "[]")
