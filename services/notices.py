"""Early warnings, announcements and reminders, and the bell's alerts (SPEC §8, Part C).

Alerts are written inside the transaction of the change that causes them, so a return, a
claim, an appeal, a vote to cast or a warning never exists without its alert (or vice versa).
"""
import json
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, select, update

from domain.errors import N_, Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.periods import Period, span_of
from domain.roles import Role
from domain.text import escape_like, mask_numbers
from models import (Announcement, AnnouncementRecipient, Criterion, EarlyWarning, Judgement,
                    Ticket, User)
from models.quality import judgement_criteria

from . import audit, settings
from .alerts import alert, users_with_role
from .clock import local_day, zone
from .db import db, write_transaction
from .feedback import keyword_counts, settle
from .survey.records import keyword_counts as callback_counts
from .tickets import load_visible

# --- warnings ------------------------------------------------------------------------------

def flag_recurring(ticket_id: int, *, note: str, actor: User, now: datetime) -> EarlyWarning:
    """易重复投诉点: the checker flags a ticket whose problem is likely to come back."""
    note = mask_numbers((note or "").strip())
    if not note or len(note) > 500:
        raise FormProblems({"note": N_("Say what is likely to recur (at most 500 characters).")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.checker_id != actor.id:
            raise NotAllowed(N_("Only the checker who claimed this ticket can do this."))
        if ticket.state not in ("verifying", "judged"):
            raise InvalidTransition(N_("Flag a ticket while it is being verified or judged."))
        warning = add_warning("recur", note=note, actor=actor, now=now, ticket=ticket)
        audit.record("flag_recurring", actor=actor, now=now, ticket=ticket, note=note)
    return warning


def add_warning(kind: str, *, note: str, actor: User, now: datetime,
                ticket: Ticket | None = None) -> EarlyWarning:
    """A warning raised by a person (a flagged ticket, a feedback note), in the duty
    managers' queue and bell; inside the caller's transaction."""
    warning = EarlyWarning(kind=kind, ticket_id=getattr(ticket, "id", None), note=note,
                           figures="", created_by_id=actor.id, created_at=now)
    db.session.add(warning)
    db.session.flush()
    alert(users_with_role(Role.DUTY_MANAGER), "warning", ticket=ticket, now=now)
    return warning


def _week_bounds(week_start: date) -> tuple[datetime, datetime]:
    start = datetime.combine(week_start, time.min, tzinfo=zone()).astimezone(UTC)
    start = start.replace(tzinfo=None)
    return start, start + timedelta(days=7)


def criterion_counts(week_start: date) -> dict[str, int]:
    """How often each criterion was ticked in judgements of that local week."""
    start, end = _week_bounds(week_start)
    rows = db.session.execute(
        select(Criterion.code, func.count()).select_from(judgement_criteria)
        .join(Criterion, Criterion.id == judgement_criteria.c.criterion_id)
        .join(Judgement, Judgement.id == judgement_criteria.c.judgement_id)
        .where(Judgement.judged_at >= start, Judgement.judged_at < end)
        .group_by(Criterion.code))
    return dict(rows.all())


def keyword_share(week_start: date, keyword: str) -> tuple[int, int]:
    """(texts that mention the keyword, all texts) of that local week: the complaints of the
    tickets filed, the floor's feedback notes posted and the callback records' reasons and
    notes (seed 002 and SPEC Part C: tickets and callbacks)."""
    start, end = _week_bounds(week_start)
    in_week = and_(Ticket.created_at >= start, Ticket.created_at < end)
    total = db.session.scalar(select(func.count(Ticket.id)).where(in_week)) or 0
    hits = db.session.scalar(select(func.count(Ticket.id)).where(
        in_week, Ticket.complaint.like(f"%{escape_like(keyword)}%", escape="\\"))) or 0
    note_hits, note_total = keyword_counts(week_start, week_start + timedelta(days=7), keyword)
    call_hits, call_total = callback_counts(start, end, keyword)
    return hits + note_hits + call_hits, total + note_total + call_total


def _raise(kind, key, week_start, figures, now) -> bool:
    exists = db.session.scalar(select(EarlyWarning.id).where(
        EarlyWarning.kind == kind, EarlyWarning.key == key,
        EarlyWarning.week_start == week_start))
    if exists:
        return False
    db.session.add(EarlyWarning(kind=kind, key=key, week_start=week_start, note="",
                                figures=json.dumps(figures, ensure_ascii=False),
                                created_at=now))
    alert(users_with_role(Role.DUTY_MANAGER), "warning", now=now)
    audit.record(f"warning_{kind}", actor=None, now=now, detail={"key": key, **figures})
    return True


def weekly_warnings(now: datetime) -> int:
    """The weekly rules, for the current local week (idempotent: one warning per rule, key and
    week). Criterion: count ≥ ratio × the 4-week average and ≥ the minimum. Keyword: its share
    of this week's tickets rose ≥ 40 % on last week (or appeared with ≥ the minimum)."""
    week = span_of(Period.WEEK, local_day(now)).start
    ratio = float(settings.get("warning_ratio"))
    minimum = int(settings.get("warning_min"))
    jump = float(settings.get("keyword_jump"))
    raised = 0
    with write_transaction():
        this = criterion_counts(week)
        history = [criterion_counts(week - timedelta(weeks=i)) for i in range(1, 5)]
        for code, count in sorted(this.items()):
            average = sum(h.get(code, 0) for h in history) / 4
            if count >= minimum and count >= ratio * average:
                raised += _raise("criterion", code, week, {
                    "count": count, "average": round(average, 2)}, now)
        for keyword in settings.get("monitor_keywords"):
            hits, total = keyword_share(week, keyword)
            last_hits, last_total = keyword_share(week - timedelta(weeks=1), keyword)
            share = hits / total if total else 0
            last_share = last_hits / last_total if last_total else 0
            rose = (share - last_share) / last_share >= jump if last_share else hits >= minimum
            if hits and rose:
                raised += _raise("keyword", keyword, week, {
                    "hits": hits, "total": total, "share": round(share, 4),
                    "last_share": round(last_share, 4)}, now)
    return raised


def open_warnings() -> list[EarlyWarning]:
    return list(db.session.scalars(
        select(EarlyWarning).where(EarlyWarning.handled_at.is_(None))
        .order_by(EarlyWarning.created_at.desc())))


def get_warning(warning_id: int) -> EarlyWarning:
    warning = db.session.get(EarlyWarning, warning_id)
    if warning is None:
        raise NotFound("No such warning.")
    return warning


# --- announcements -------------------------------------------------------------------------

def post(*, kind: str, title: str, body: str, recipients: list[str] | None, actor: User,
         now: datetime, warning_id: int | None = None,
         note_id: int | None = None) -> Announcement:
    """公告 to every active agent and lead, or a 提醒 to the named employee numbers; one
    that answers a warning handles it, one made from a feedback note settles the note."""
    problems = {}
    title, body = mask_numbers((title or "").strip()), mask_numbers((body or "").strip())
    if not title or len(title) > 120:
        problems["title"] = N_("Give a title of at most 120 characters.")
    if not body or len(body) > 2000:
        problems["body"] = N_("Write the message (at most 2000 characters).")
    if kind not in ("announcement", "reminder"):
        problems["kind"] = N_("Choose an announcement or a reminder.")
    with write_transaction():
        if kind == "reminder":
            nos = [n for n in (recipients or []) if n]
            users = list(db.session.scalars(select(User).where(
                User.employee_no.in_(nos), User.active.is_(True))))
            missing = sorted(set(nos) - {u.employee_no for u in users})
            if not nos:
                problems["recipients"] = N_("Name the agents to remind.")
            elif missing:
                problems["recipients"] = (N_("No such employee no.: %(nos)s"),
                                          {"nos": "、".join(missing)})
            user_ids = [u.id for u in users]
        else:
            user_ids = users_with_role(Role.STAFF, Role.TEAM_LEAD)
        if problems:
            raise FormProblems(problems)
        notice = add_announcement(kind, title, body, user_ids=user_ids, actor=actor, now=now,
                                  warning_id=warning_id)
        if warning_id is not None:
            warning = db.session.get(EarlyWarning, warning_id)
            if warning is None:
                raise NotFound("No such warning.")
            if warning.handled_at is not None:
                raise Conflict(N_("This warning was already handled."))
            warning.handled_at, warning.handled_by_id = now, actor.id
        if note_id is not None:
            settle(note_id, "announcement", actor=actor, now=now, announcement_id=notice.id)
        audit.record(f"post_{kind}", actor=actor, now=now, note=title,
                     detail={"recipients": len(user_ids)})
    return notice


def add_announcement(kind: str, title: str, body: str, *, user_ids: list[int], actor: User,
                     now: datetime, warning_id: int | None = None) -> Announcement:
    """An announcement (or reminder) to `user_ids` with their alerts, inside the caller's
    transaction (the caller checked the text)."""
    notice = Announcement(kind=kind, title=title, body=body, warning_id=warning_id,
                          created_by_id=actor.id, created_at=now)
    db.session.add(notice)
    db.session.flush()
    for user_id in user_ids:
        db.session.add(AnnouncementRecipient(announcement_id=notice.id, user_id=user_id))
    alert(user_ids, kind, now=now)
    return notice


def acknowledge(announcement_id: int, *, actor: User, now: datetime) -> None:
    with write_transaction():
        done = db.session.execute(
            update(AnnouncementRecipient)
            .where(AnnouncementRecipient.announcement_id == announcement_id,
                   AnnouncementRecipient.user_id == actor.id,
                   AnnouncementRecipient.acknowledged_at.is_(None))
            .values(acknowledged_at=now)).rowcount
        if not done:
            raise NotFound("No such announcement for you.")


def unread_announcements(user: User) -> list[Announcement]:
    return list(db.session.scalars(
        select(Announcement).join(AnnouncementRecipient)
        .where(AnnouncementRecipient.user_id == user.id,
               AnnouncementRecipient.acknowledged_at.is_(None))
        .order_by(Announcement.created_at.desc())))


def announcements_for(user: User, limit: int = 100) -> list[tuple[Announcement, datetime | None]]:
    """What this user received (with when they acknowledged), or everything for the senders."""
    if user.role_enum in (Role.DUTY_MANAGER, Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD):
        rows = db.session.scalars(select(Announcement).order_by(
            Announcement.created_at.desc()).limit(limit))
        return [(a, None) for a in rows]
    rows = db.session.execute(
        select(Announcement, AnnouncementRecipient.acknowledged_at).join(AnnouncementRecipient)
        .where(AnnouncementRecipient.user_id == user.id)
        .order_by(Announcement.created_at.desc()).limit(limit))
    return [(a, at) for a, at in rows]


def get_announcement(announcement_id: int, *, user: User) -> Announcement:
    notice = db.session.get(Announcement, announcement_id)
    senders = (Role.DUTY_MANAGER, Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD)
    if notice is None or (user.role_enum not in senders and user.id not in
                          {r.user_id for r in notice.recipients}):
        raise NotFound("No such announcement.")
    return notice


def not_acknowledged(notice: Announcement) -> list[User]:
    return sorted((r.user for r in notice.recipients if r.acknowledged_at is None),
                  key=lambda u: u.employee_no)
