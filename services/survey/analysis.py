"""The monthly analysis (月度分析, seed 004 六): the month's cause categories whose satisfaction is
below the floor and the steps whose average handling time is past their limit, flagged; the
duty manager's root cause and action for each; last month's findings against this month;
training given for a common cause (专项培训, seed 000)."""
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, case, func, select

from domain import analysis as rules_of
from domain import survey as rules
from domain.analysis import CategoryFigures, StepFigures, Timing
from domain.errors import N_, FormProblems, InvalidTransition, NotFound
from domain.people import is_employee_no
from domain.periods import Period, Span, span_of
from domain.survey import Task
from models import User
from models.callbacks import ContactProblem, MonthlyFinding, TrainingRecord
from models.survey import RemedyTask, SurveyCategory, SurveyContact, SurveyRecord

from .. import audit
from ..clock import zone
from ..db import db, write_transaction
from .config import bands, get_category, satisfaction_floor

TOPIC_MAX, ATTENDEES_MAX = 120, 200


@dataclass
class Row:
    """A category (key "channel:name") or a step of the month, flagged or not, with the
    finding recorded for it."""
    kind: str
    key: str
    figures: object
    flagged: bool
    finding: MonthlyFinding | None = None
    category: SurveyCategory | None = None
    trainings: list = field(default_factory=list)


@dataclass
class FollowUp:
    """Last month's finding and how its row did this month."""
    finding: MonthlyFinding
    before: dict
    after: object
    moved: str


@dataclass
class Analysis:
    month: Span
    floor: int
    categories: list
    steps: list
    follow_ups: list
    trainings: list


def _midnight(day: date) -> datetime:
    local = datetime.combine(day, time.min, tzinfo=zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def _category_figures(month: Span) -> dict:
    C = SurveyContact
    fairly = bands().fairly_min
    rows = db.session.execute(
        select(SurveyRecord.category_id, func.count(C.id),
               func.coalesce(func.sum(case((C.callback_score >= fairly, 1), else_=0)), 0))
        .select_from(C).join(SurveyRecord, SurveyRecord.contact_id == C.id)
        .where(C.needs_callback.is_(True), C.callback_done_at.is_not(None),
               C.callback_due_on >= month.start, C.callback_due_on < month.end)
        .group_by(SurveyRecord.category_id))
    return {cid: CategoryFigures(done=n, satisfied=s) for cid, n, s in rows}


def _timings(step: str, month: Span):
    start, end = _midnight(month.start), _midnight(month.end)
    C, R, P = SurveyContact, RemedyTask, ContactProblem
    if step in ("survey", "callback"):
        day, done, flag = ((C.survey_due_on, C.surveyed_at, C.needs_survey) if step == "survey"
                           else (C.callback_due_on, C.callback_done_at, C.needs_callback))
        opens = 2 if step == "survey" else 3  # Monday to Wednesday, Thursday to Sunday
        for due_day, done_at in db.session.execute(select(day, done).where(
                flag.is_(True), day >= month.start, day < month.end)):
            yield Timing(_midnight(due_day - timedelta(days=opens)),
                         _midnight(due_day + timedelta(days=1)), done_at)
        return
    start_col, due_col, done_col = {
        "remedy_contact": (R.opened_at, R.contact_due_at, R.contacted_at),
        "remedy": (R.opened_at, R.remedy_due_at, R.remedied_at),
        "diagnosis": (P.raised_at, P.diagnosis_due_at, P.diagnosed_at),
        "plan": (P.raised_at, P.plan_due_at, P.planned_at)}[step]
    for row in db.session.execute(select(start_col, due_col, done_col).where(
            and_(due_col >= start, due_col < end))):
        yield Timing(*row)


def _figures(month: Span, now: datetime):
    categories = _category_figures(month)
    steps = {step: rules_of.step_figures(_timings(step, month), now)
             for step in rules_of.STEPS}
    return categories, steps


def month_of(day: date) -> Span:
    return span_of(Period.MONTH, day)


def previous(month: Span) -> Span:
    last = month.start - timedelta(days=1)
    return Span(last.replace(day=1), month.start)


def _findings(month: Span) -> dict:
    return {(f.kind, f.key): f for f in db.session.scalars(
        select(MonthlyFinding).where(MonthlyFinding.month == month.start))}


def _category_key(category: SurveyCategory) -> str:
    return f"{category.channel}:{category.name}"


def analysis(month: Span, *, actor: User, now: datetime) -> Analysis:
    """The month's analysis page."""
    rules.require(actor.role, Task.READ_KPIS)
    floor = satisfaction_floor()
    figures, steps = _figures(month, now)
    findings = _findings(month)
    trainings = list(db.session.scalars(
        select(TrainingRecord).where(TrainingRecord.day >= month.start,
                                     TrainingRecord.day < month.end)
        .order_by(TrainingRecord.day, TrainingRecord.id)))
    known = {c.id: c for c in db.session.scalars(select(SurveyCategory).where(
        SurveyCategory.id.in_(list(figures))))} if figures else {}
    category_rows = []
    for cid, fig in figures.items():
        category = known[cid]
        key = _category_key(category)
        category_rows.append(Row("category", key, fig, fig.flagged(floor),
                                 findings.get(("category", key)), category,
                                 [t for t in trainings if t.category_id == cid]))
    category_rows.sort(key=lambda r: (not r.flagged, r.figures.rate, r.key))
    step_rows = [Row("step", step, fig, fig.flagged, findings.get(("step", step)))
                 for step, fig in steps.items()]
    follow_ups = []
    by_key = {r.key: r.figures for r in category_rows}
    for finding in sorted(_findings(previous(month)).values(), key=lambda f: (f.kind, f.key)):
        before = json.loads(finding.figures or "{}")
        if finding.kind == "category":
            after = by_key.get(finding.key)
            moved = rules_of.category_moved(before.get("rate"), after.rate if after else None,
                                            floor)
        else:
            after = steps.get(finding.key, StepFigures())
            moved = rules_of.step_moved(before, after)
        follow_ups.append(FollowUp(finding, before, after, moved))
    return Analysis(month=month, floor=floor, categories=category_rows, steps=step_rows,
                    follow_ups=follow_ups, trainings=trainings)


def _flagged_figures(month: Span, kind: str, key: str, now: datetime) -> dict | None:
    """The figures of a flagged row of the month, as the finding keeps them; None when the
    row is not flagged."""
    figures, steps = _figures(month, now)
    if kind == "step":
        fig = steps.get(key)
        return asdict(fig) if fig is not None and fig.flagged else None
    floor = satisfaction_floor()
    channel, _sep, name = key.partition(":")
    category = db.session.scalar(select(SurveyCategory).where(
        SurveyCategory.channel == channel, SurveyCategory.name == name))
    fig = figures.get(category.id) if category else None
    if fig is None or not fig.flagged(floor):
        return None
    return {**asdict(fig), "rate": fig.rate}


def record_finding(month: Span, kind: str, key: str, *, root_cause: str, action: str,
                   actor: User, now: datetime, version: int | None = None) -> MonthlyFinding:
    """The duty manager's root cause and action for a flagged row; recorded again, the later
    text replaces the earlier (the audit log keeps both)."""
    rules.require(actor.role, Task.ANALYSE)
    root_cause, action = rules.note_text(root_cause), rules.note_text(action)
    problems = {}
    for name, text in (("root_cause", root_cause), ("action", action)):
        if not text:
            problems[name] = N_("This field is required.")
        elif problem := rules.too_long(text):
            problems[name] = problem
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        figures = _flagged_figures(month, kind, key, now)
        if figures is None:
            raise NotFound("No such flagged row.")
        finding = db.session.scalar(select(MonthlyFinding).where(
            MonthlyFinding.month == month.start, MonthlyFinding.kind == kind,
            MonthlyFinding.key == key))
        values = {"figures": json.dumps(figures, ensure_ascii=False), "root_cause": root_cause,
                  "action": action, "recorded_by_id": actor.id, "recorded_at": now}
        if finding is None:
            finding = MonthlyFinding(month=month.start, kind=kind, key=key, **values)
            db.session.add(finding)
        elif version is not None and version != finding.version:
            raise InvalidTransition(N_("Someone recorded this finding in the meantime. The page "
                                       "now shows it."))
        else:
            for name, value in values.items():
                setattr(finding, name, value)
        db.session.flush()
        audit.record("analysis_finding", actor=actor, now=now, note=root_cause,
                     detail={"month": month.start.isoformat(), "kind": kind, "key": key})
    return finding


_SEPARATORS = re.compile(r"[\s,，、;；]+")


def record_training(category_id, *, topic: str, day: date | None, attendees: str, actor: User,
                    now: datetime) -> TrainingRecord:
    """专项培训 given for a cause category: topic, day, and the attendees by employee no."""
    rules.require(actor.role, Task.TRAIN)
    topic = rules.note_text(topic)
    nos = [n for n in _SEPARATORS.split(attendees or "") if n]
    problems = {}
    category = get_category(category_id)
    if category is None:
        problems["category"] = N_("Choose the cause the training was for.")
    if not topic:
        problems["topic"] = N_("This field is required.")
    elif problem := rules.too_long(topic, TOPIC_MAX):
        problems["topic"] = problem
    if day is None:
        problems["day"] = N_("This field is required.")
    if not nos:
        problems["attendees"] = N_("Name the attendees by employee no.")
    elif len(nos) > ATTENDEES_MAX:
        problems["attendees"] = (N_("At most %(max)d attendees."), {"max": ATTENDEES_MAX})
    with write_transaction():
        people = {}
        if nos and "attendees" not in problems:
            people = {u.employee_no: u for u in db.session.scalars(
                select(User).where(User.employee_no.in_(nos)))}
            missing = [n for n in dict.fromkeys(nos) if not is_employee_no(n) or n not in people]
            if missing:
                problems["attendees"] = (N_("No such employee no.: %(nos)s"),
                                         {"nos": "、".join(missing[:10])})
        if problems:
            raise FormProblems(problems)
        names = [f"{people[n].name} {n}" for n in dict.fromkeys(nos)]
        record = TrainingRecord(category_id=category.id, topic=topic, day=day,
                                attendees="、".join(names), attendee_count=len(names),
                                recorded_by_id=actor.id, recorded_at=now)
        db.session.add(record)
        db.session.flush()
        audit.record("analysis_training", actor=actor, now=now, note=topic,
                     detail={"training": record.id, "category": _category_key(category),
                             "attendees": len(names)})
    return record
