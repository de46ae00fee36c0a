"""The callback KPIs in SQL (回访指标: completion, satisfaction, resolution, record accuracy)
with the definitions of domain.survey, their breakdowns and trends, the QQ common causes, and
the survey and callback record for export."""
from dataclasses import dataclass

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import selectinload

from domain import survey as rules
from domain.periods import Span
from domain.survey import Task
from models import Team, User
from models.survey import CallbackRecord, SampleItem, SurveyCategory, SurveyContact, SurveyRecord

from ..db import db
from .config import bands

BREAKDOWNS = ("agent", "team", "caller")


def _key(by: str | None):
    return {None: None, "agent": SurveyContact.agent_no, "team": User.team_id,
            "caller": SurveyContact.caller_id}[by]


def kpi_counts(span: Span, by: str | None = None, *, actor: User) -> dict:
    """{key: KpiCounts} for the span (key None when by is None): one grouped query for the
    contact figures and one for the sample audit, with the definitions of domain.survey."""
    rules.require(actor.role, Task.READ_KPIS)
    return _counts(span, by)


def _counts(span: Span, by: str | None) -> dict:
    C = SurveyContact
    b = bands()
    due = and_(C.needs_callback.is_(True), C.callback_due_on >= span.start,
               C.callback_due_on < span.end)
    done = and_(due, C.callback_done_at.is_not(None))
    if by == "caller":
        # A caller's issues: the callbacks due to them whose problem the survey did not find
        # resolved; resolved, if their callbacks resolved it.
        issue = and_(due, or_(SurveyRecord.resolved.is_(False), SurveyRecord.id.is_(None)))
    else:
        issue = and_(C.surveyed_at.is_not(None), C.survey_due_on >= span.start,
                     C.survey_due_on < span.end)

    def total(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    key = _key(by)
    columns = [total(due), total(done),
               total(and_(done, C.callback_score >= b.satisfied_min)),
               total(and_(done, C.callback_score >= b.fairly_min,
                          C.callback_score < b.satisfied_min)),
               total(issue), total(and_(issue, C.resolved.is_(True)))]
    query = select(key if key is not None else func.count(), *columns).select_from(C) \
        .where(or_(due, issue))
    if by == "team":
        query = query.outerjoin(User, User.employee_no == C.agent_no)
    if by == "caller":
        query = query.outerjoin(SurveyRecord, SurveyRecord.contact_id == C.id)
    if key is not None:
        query = query.group_by(key)
    result: dict = {}
    for row in db.session.execute(query):
        k = row[0] if key is not None else None
        result[k] = rules.KpiCounts(callbacks_due=row[1], callbacks_done=row[2],
                                    satisfied=row[3], fairly=row[4], issues=row[5],
                                    resolved=row[6])
    marked = (select(key if key is not None else func.count(), func.count(SampleItem.id),
                     total(SampleItem.accurate.is_(True)))
              .select_from(SampleItem).join(CallbackRecord)
              .join(C, C.id == CallbackRecord.contact_id)
              .where(due, SampleItem.accurate.is_not(None)))
    if by == "team":
        marked = marked.outerjoin(User, User.employee_no == C.agent_no)
    if key is not None:
        marked = marked.group_by(key)
    for row in db.session.execute(marked):
        k = row[0] if key is not None else None
        if row[1]:
            counts = result.setdefault(k, rules.KpiCounts())
            counts.sampled, counts.accurate = row[1], row[2]
    if key is None:
        return {None: result.get(None, rules.KpiCounts())}
    return result


def kpis(span: Span, *, actor: User) -> rules.KpiCounts:
    rules.require(actor.role, Task.READ_KPIS)
    return _counts(span, None)[None]


@dataclass
class KpiRow:
    key: object
    label: str
    counts: rules.KpiCounts
    rank: int = 0


def breakdown(span: Span, by: str, *, actor: User) -> list[KpiRow]:
    """KPIs per agent (the contact's agent no.), per team (that agent's team) or per caller
    (the one the callback is given to: what they were given and due, what they did), ranked
    by the score (domain.survey.score), then completion, then volume."""
    rules.require(actor.role, Task.READ_KPIS)
    counts = _counts(span, by)
    labels: dict = {}
    keys = [k for k in counts if k is not None]
    if by == "agent" and keys:
        labels = {no: f"{name} {no}" for no, name in db.session.execute(
            select(User.employee_no, User.name).where(User.employee_no.in_(keys)))}
        labels.update({k: k for k in keys if k not in labels})
    elif by == "team" and keys:
        labels = dict(db.session.execute(
            select(Team.id, Team.name).where(Team.id.in_(keys))).all())
    elif by == "caller" and keys:
        labels = {i: f"{name} {no}" for i, name, no in db.session.execute(
            select(User.id, User.name, User.employee_no).where(User.id.in_(keys)))}
    rows = [KpiRow(key=k, label=labels.get(k, "") if k is not None else "", counts=c)
            for k, c in counts.items()]
    rows.sort(key=lambda r: (r.key is None, rules.ranking_key(r.counts), str(r.label)))
    rank = 0
    for row in rows:
        if row.key is not None:
            rank += 1
            row.rank = rank
    return rows


def trend(spans: list[Span], *, actor: User) -> list[dict]:
    """Per week: callbacks done, and the completion and satisfaction rates."""
    rules.require(actor.role, Task.READ_KPIS)
    points = []
    for span in spans:
        k = _counts(span, None)[None]
        points.append({"span": span, "done": k.callbacks_done, "due": k.callbacks_due,
                       "completion": k.completion_rate, "satisfaction": k.satisfaction_rate})
    return points


def qq_causes(span: Span, *, actor: User, limit: int = 8) -> list[tuple[str, int]]:
    """QQ common causes (共性问题): surveys of QQ contacts due in the span, by category."""
    rules.require(actor.role, Task.READ_KPIS)
    return [tuple(row) for row in db.session.execute(
        select(SurveyCategory.name, func.count(SurveyRecord.id))
        .select_from(SurveyRecord).join(SurveyContact).join(SurveyCategory)
        .where(SurveyContact.channel == rules.Channel.QQ,
               SurveyContact.survey_due_on >= span.start, SurveyContact.survey_due_on < span.end)
        .group_by(SurveyCategory.name)
        .order_by(func.count(SurveyRecord.id).desc(), SurveyCategory.name).limit(limit))]


def qq_cause_trend(spans: list[Span], names: list[str], *,
                   actor: User) -> dict[str, list[int]]:
    """Weekly counts of the given QQ causes, oldest week first."""
    rules.require(actor.role, Task.READ_KPIS)
    if not spans or not names:
        return {}
    start, end = spans[0].start, spans[-1].end
    counts: dict = {}
    for name, due, n in db.session.execute(
            select(SurveyCategory.name, SurveyContact.survey_due_on, func.count(SurveyRecord.id))
            .select_from(SurveyRecord).join(SurveyContact).join(SurveyCategory)
            .where(SurveyContact.channel == rules.Channel.QQ, SurveyCategory.name.in_(names),
                   SurveyContact.survey_due_on >= start, SurveyContact.survey_due_on < end)
            .group_by(SurveyCategory.name, SurveyContact.survey_due_on)):
        counts[(name, due)] = n
    return {name: [sum(n for (nm, due), n in counts.items()
                       if nm == name and s.start <= due < s.end) for s in spans]
            for name in names}


def records(span: Span, *, actor: User, batch: int = 1000):
    """Contacts whose survey or callback was due in the span, with their records (export),
    read in keyset batches as the caller iterates."""
    rules.require(actor.role, Task.EXPORT_RECORDS)  # now, not at the first row
    return _records(span, batch)


def _records(span: Span, batch: int):
    C = SurveyContact
    in_span = or_(and_(C.survey_due_on >= span.start, C.survey_due_on < span.end),
                  and_(C.callback_due_on >= span.start, C.callback_due_on < span.end))
    last = 0
    while True:
        rows = list(db.session.scalars(
            select(C).options(selectinload(C.survey).selectinload(SurveyRecord.category),
                              selectinload(C.survey).selectinload(SurveyRecord.surveyed_by),
                              selectinload(C.callbacks).selectinload(
                                  CallbackRecord.recorded_by), selectinload(C.caller))
            .where(in_span, C.id > last).order_by(C.id).limit(batch)))
        if not rows:
            return
        yield from rows
        last = rows[-1].id

