"""The notification outbox: rows written in the transaction of the event they report
(`enqueue`, called by alerts.alert, so whatever rings the bell can also notify), claimed by
`flask --app app notify` on any number of hosts, retried with backoff, dead-lettered."""
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from domain import notify as rules
from domain.errors import FormProblems, NotAllowed, NotFound
from domain.roles import Role
from models import OutboxMessage, Team, User

from . import audit, settings
from .db import db, write_transaction

SMS = "sms"


def channels() -> dict[str, dict]:
    """The configured channels by name (NOTIFY_CHANNELS), unknown types left out."""
    configured = current_app.config.get("NOTIFY_CHANNELS") or {}
    return {name: spec for name, spec in configured.items()
            if isinstance(spec, dict) and spec.get("type") in rules.CHANNEL_TYPES}


def routes() -> list[rules.Route]:
    return [rules.Route(**row) for row in settings.get("notify_routes")]


def enqueue(kind: str, user_ids, *, ticket=None, ref_id: int | None = None,
            now: datetime) -> int:
    """Queue one message per channel that a route sends `kind` to, inside the caller's
    transaction; how many. Costs nothing when no channel is configured, and one settings
    read (cached for the request) when none routes this event."""
    if kind not in rules.EVENTS or not current_app.config.get("NOTIFY_CHANNELS"):
        return 0
    wanted = [r for r in routes() if r.event == kind and r.channel in channels()]
    if not wanted:
        return 0
    recipients = []
    ids = {u for u in user_ids if u is not None}
    if any(r.role or r.team for r in wanted) and ids:
        recipients = list(db.session.execute(
            select(User.role, Team.name).outerjoin(Team, User.team_id == Team.id)
            .where(User.id.in_(ids))))
    targets = sorted({r.channel for r in wanted if r.matches(recipients)})
    for channel in targets:
        db.session.add(OutboxMessage(channel=channel, event=kind, ref_id=ref_id,
                                     ticket_id=getattr(ticket, "id", None), status="pending",
                                     attempts=0, next_attempt_at=now, last_error="",
                                     created_at=now))
    return len(targets)


def enqueue_sms(sms_id: int, *, now: datetime) -> None:
    """Queue an SMS for the HTTP gateway, in the transaction that records it."""
    db.session.add(OutboxMessage(channel=SMS, event="sms", sms_id=sms_id, status="pending",
                                 attempts=0, next_attempt_at=now, last_error="",
                                 created_at=now))


def limit_of(channel: str) -> int | None:
    if channel == SMS:
        return max(1, int(current_app.config.get("SMS_HTTP_PER_MINUTE") or 60))
    spec = channels().get(channel)
    return rules.per_minute(spec["type"], spec.get("per_minute")) if spec else None


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    event: str
    ticket_id: int | None
    ref_id: int | None
    sms_id: int | None
    attempts: int
    claimed_at: datetime


def _due(now: datetime):
    """Rows due for an attempt: pending and due, or left "sending" past the lease by a run
    that died."""
    return or_(and_(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now),
               and_(OutboxMessage.status == "sending",
                    OutboxMessage.claimed_at < now - rules.LEASE))


def claim(now: datetime, batch: int = 10) -> list[Claimed]:
    """Take due rows for delivery: per channel, at most what its rate limit leaves of the
    last minute (attempts by every host count), and at most `batch` in all. PostgreSQL:
    a per-channel advisory lock around the count, and rows locked FOR UPDATE SKIP LOCKED,
    so hosts claiming at once take different rows; SQLite: the whole claim under BEGIN
    IMMEDIATE. Delivery happens after the commit, with no transaction open. A channel at
    its limit does not hold up the others; a row for a channel no longer configured is
    dead at once."""
    postgres = db.engine.dialect.name == "postgresql"
    taken = []
    with write_transaction():
        waiting = sorted(db.session.scalars(
            select(OutboxMessage.channel).where(_due(now)).distinct()))
        for channel in waiting:
            if len(taken) >= batch:
                break
            limit = limit_of(channel)
            if limit is None:
                db.session.execute(update(OutboxMessage).where(
                    OutboxMessage.channel == channel, _due(now)).values(
                    status="dead", last_error="channel not configured"))
                continue
            if postgres:
                db.session.execute(select(func.pg_advisory_xact_lock(
                    zlib.crc32(f"zikong-notify:{channel}".encode()))))
            used = db.session.scalar(select(func.count(OutboxMessage.id)).where(
                OutboxMessage.channel == channel,
                OutboxMessage.claimed_at > now - timedelta(minutes=1)))
            room = min(limit - used, batch - len(taken))
            if room <= 0:
                continue
            rows = (select(OutboxMessage).where(OutboxMessage.channel == channel, _due(now))
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(room))
            if postgres:
                rows = rows.with_for_update(skip_locked=True)
            for row in db.session.scalars(rows):
                row.status, row.claimed_at, row.attempts = "sending", now, row.attempts + 1
                taken.append(Claimed(row.id, row.channel, row.event, row.ticket_id,
                                     row.ref_id, row.sms_id, row.attempts, now))
    return taken


def finish(item: Claimed, *, error: str | None, now: datetime, skipped: bool = False) -> str:
    """Record an attempt's outcome: sent (or skipped: no longer relevant), or failed — then
    pending again after the backoff, or dead after the last attempt. Guarded by the claim,
    so a row taken over by another run after its lease is not recorded twice."""
    if error is None:
        status, values = ("skipped" if skipped else "sent"), {"sent_at": now, "last_error": ""}
    else:
        retry_at = rules.next_attempt(item.attempts, now)
        status = "dead" if retry_at is None else "pending"
        values = {"last_error": error[:500], "next_attempt_at": retry_at or now}
    with write_transaction():
        done = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == item.id,
                                        OutboxMessage.status == "sending",
                                        OutboxMessage.claimed_at == item.claimed_at)
            .values(status=status, **values)).rowcount
        if done and item.sms_id is not None:
            from .sms_gateway import record_status
            record_status(item.sms_id, status, now)
    return status


# --- the administrator's view -------------------------------------------------------------

def _admin(actor) -> None:
    if actor.role != Role.ADMIN:
        raise NotAllowed()


def retry(message_id: int, *, actor, now: datetime) -> None:
    """Send a dead letter again (the attempts start over)."""
    _admin(actor)
    with write_transaction():
        done = db.session.execute(
            update(OutboxMessage).where(OutboxMessage.id == message_id,
                                        OutboxMessage.status == "dead")
            .values(status="pending", attempts=0, next_attempt_at=now, claimed_at=None)
        ).rowcount
        if not done:
            raise NotFound("No such message to send again.")
        audit.record("notify_retry", actor=actor, now=now, detail={"message": message_id})


def dead_letters(limit: int = 100) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "dead")
        .order_by(OutboxMessage.id.desc()).limit(limit)))


def counts() -> dict[str, int]:
    return dict(db.session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id))
        .group_by(OutboxMessage.status)).all())


def save_route(event: str, channel: str, role: str, team: str, *, actor,
               now: datetime) -> None:
    _admin(actor)
    team = (team or "").strip()
    problems = rules.route_problems(event, channel, role, team, channels())
    if problems:
        raise FormProblems(problems)
    row = {"event": event, "channel": channel, "role": role or "", "team": team}
    rows = [r for r in settings.get("notify_routes") if r != row] + [row]
    settings.update({"notify_routes": rows}, actor=actor, now=now, action="notify_routes",
                    detail={"added": row})


def remove_route(index: int, *, actor, now: datetime) -> bool:
    _admin(actor)
    rows = list(settings.get("notify_routes"))
    if not 0 <= index < len(rows):
        return False
    removed = rows.pop(index)
    settings.update({"notify_routes": rows}, actor=actor, now=now, action="notify_routes",
                    detail={"removed": removed})
    return True


# --- what 系统配置 shows ----------------------------------------------------------------------

@dataclass(frozen=True)
class ChannelStatus:
    """A channel as the admin page shows it: never its webhook, secret or password, only
    whether each is set."""
    name: str
    kind: str
    per_minute: int
    secrets: dict          # label -> set or not


def channel_status() -> list[ChannelStatus]:
    shown = []
    for name, spec in sorted(channels().items()):
        kind = spec["type"]
        if kind == "email":
            secrets = {"server": bool(spec.get("host")), "password": bool(spec.get("password")),
                       "recipients": bool(spec.get("to"))}
        else:
            secrets = {"webhook": bool(spec.get("webhook"))}
            if kind == "dingtalk":
                secrets["secret"] = bool(spec.get("secret"))
        shown.append(ChannelStatus(name, kind, limit_of(name), secrets))
    return shown


def sms_status() -> dict:
    config = current_app.config
    return {"gateway": config.get("SMS_GATEWAY", "outbox"), "url": bool(config["SMS_HTTP_URL"]),
            "auth": bool(config["SMS_HTTP_AUTH_HEADER"]), "per_minute": limit_of(SMS)}
