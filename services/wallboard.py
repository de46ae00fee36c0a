"""The wallboard (大屏): the floor's live figures, one indexed query each, and the revocable
links of the screens that show them. Nothing here names a customer or shows a number."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import case, func, literal, select, union_all, update

from domain import wallboard as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from domain.text import escape_like
from domain.tickets import State
from models import Criterion, Judgement, Ticket, User, WallboardScreen
from models.notes import FeedbackNote
from models.quality import judgement_criteria

from . import audit, settings
from .clock import local_today, zone
from .db import db, write_transaction

#: The states in which a customer still waits for the reply.
_REPLY_OPEN = (State.HANDED_OVER.value, State.VERIFYING.value, State.JUDGED.value)
TOP = 3


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | None
    threshold: int
    detail: tuple = ()      # (label, count, red) for the criteria and keywords

    @property
    def red(self) -> bool:
        return rules.is_red(self.value, self.threshold)


def _utc(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def _flag(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def figures(now: datetime) -> list[Figure]:
    """Every indicator of the board, as of `now`."""
    limits = rules.thresholds(settings.get("wallboard_thresholds"))
    today = local_today(now)
    week = today - timedelta(days=today.weekday())
    values: dict[str, tuple[float | None, tuple]] = {}

    # ix_tickets_state_due (state, review_due_at)
    waiting, late = db.session.execute(select(
        func.count(Ticket.id), _flag(Ticket.review_due_at < now))
        .where(Ticket.state == State.SUBMITTED.value)).one()
    values["review_waiting"], values["review_late"] = (waiting, ()), (late, ())
    values["unclaimed"] = (db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.state == State.HANDED_OVER.value)), ())
    # ix_tickets_state_reply_due (state, reply_due_at)
    soon = now + timedelta(hours=rules.REPLY_WINDOW_HOURS)
    values["replies_due"] = (db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.state.in_(_REPLY_OPEN), Ticket.reply_due_at >= now, Ticket.reply_due_at < soon,
        Ticket.reply_done_at.is_(None))), ())
    values["unreached"] = (db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.state.in_(_REPLY_OPEN[1:]), Ticket.reply_done_at.is_(None),
        Ticket.first_failed_call_at.is_not(None), Ticket.reached_at.is_(None))), ())
    values["votes_open"] = (db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.state == State.VOTING.value)), ())
    # ix_tickets_judged_at (judged_at, verdict …)
    judged, established = db.session.execute(select(
        func.count(Ticket.id), _flag(Ticket.verdict == "established"))
        .where(Ticket.judged_at >= _utc(today))).one()
    values["established_today"] = (round(100 * established / judged) if judged else None, ())
    values["top_criterion"] = _top_criteria(_utc(week), limits["top_criterion"])
    values["keyword"] = _keywords(week, limits["keyword"])
    return [Figure(key, values[key][0], limits[key], values[key][1]) for key in rules.KEYS]


def _top_criteria(since: datetime, threshold: int):
    rows = db.session.execute(
        select(Criterion.code, Criterion.text, func.count().label("n"))
        .select_from(judgement_criteria)
        .join(Criterion, Criterion.id == judgement_criteria.c.criterion_id)
        .join(Judgement, Judgement.id == judgement_criteria.c.judgement_id)
        .join(Ticket, Ticket.id == Judgement.ticket_id)
        .where(Ticket.judged_at >= since)
        .group_by(Criterion.code, Criterion.text).order_by(func.count().desc(), Criterion.code)
        .limit(TOP)).all()
    detail = tuple((f"{code} {text}", n, rules.is_red(n, threshold)) for code, text, n in rows)
    return (rows[0].n if rows else 0), detail


def _keywords(week: date, threshold: int):
    """This week's mentions of each monitored keyword in the complaints filed and the notes
    posted: one statement over both."""
    keywords = list(settings.get("monitor_keywords"))[:12]
    if not keywords:
        return 0, ()
    texts = union_all(
        select(Ticket.complaint.label("text")).where(Ticket.created_at >= _utc(week)),
        select(FeedbackNote.text.label("text")).where(FeedbackNote.day >= week)).subquery()
    counts = db.session.execute(select(*[
        _flag(texts.c.text.like(f"%{escape_like(k)}%", escape="\\")) for k in keywords]
        or [literal(0)])).one()
    detail = tuple(sorted(((k, n, rules.is_red(n, threshold)) for k, n in
                           zip(keywords, counts, strict=True) if n),
                          key=lambda item: -item[1]))[:TOP]
    return (max((n for _k, n, _r in detail), default=0)), detail


# --- screens -------------------------------------------------------------------------------

def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def screen_for(token: str) -> WallboardScreen:
    """The screen a link opens; NotFound when the token is unknown or revoked."""
    if not token or len(token) > 100:
        raise NotFound("No such screen.")
    screen = db.session.scalar(select(WallboardScreen).where(
        WallboardScreen.token_hash == _digest(token), WallboardScreen.revoked_at.is_(None)))
    if screen is None:
        raise NotFound("No such screen.")
    return screen


def screens() -> list[WallboardScreen]:
    return list(db.session.scalars(select(WallboardScreen).order_by(
        WallboardScreen.revoked_at.is_not(None), WallboardScreen.created_at.desc())))


def _admin(actor: User) -> None:
    if actor.role_enum != Role.ADMIN:
        raise NotAllowed(N_("Only the administrator manages the wallboard screens."))


def add_screen(name: str, *, actor: User, now: datetime) -> tuple[WallboardScreen, str]:
    """A new screen link: (the screen, its token). The token is shown once and kept only as
    a hash."""
    _admin(actor)
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise FormProblems({"name": N_("Name the screen (at most 64 characters).")})
    token = secrets.token_urlsafe(24)
    with write_transaction():
        screen = WallboardScreen(name=name, token_hash=_digest(token), created_at=now,
                                 created_by_id=actor.id)
        db.session.add(screen)
        db.session.flush()
        audit.record("wallboard_screen_add", actor=actor, now=now, detail={"name": name})
    return screen, token


def revoke_screen(screen_id: int, *, actor: User, now: datetime) -> None:
    _admin(actor)
    with write_transaction():
        done = db.session.execute(
            update(WallboardScreen).where(WallboardScreen.id == screen_id,
                                          WallboardScreen.revoked_at.is_(None))
            .values(revoked_at=now, revoked_by_id=actor.id)
            .execution_options(synchronize_session=False)).rowcount
        if not done:
            if db.session.get(WallboardScreen, screen_id) is None:
                raise NotFound("No such screen.")
            raise InvalidTransition(N_("This screen's link was already revoked."))
        audit.record("wallboard_screen_revoke", actor=actor, now=now,
                     detail={"screen": screen_id})


def set_thresholds(values: dict, *, actor: User, now: datetime) -> None:
    _admin(actor)
    settings.update({"wallboard_thresholds": rules.thresholds(values)}, actor=actor, now=now)
