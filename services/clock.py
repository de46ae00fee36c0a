"""Time: stored as naive UTC; shown and dated in the configured zone (Asia/Shanghai)."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores. Tests (TESTING only) can move the
    clock with CLOCK_OFFSET_SECONDS, e.g. to see a ticket close after its appeal window."""
    now = datetime.now(UTC).replace(tzinfo=None)
    if has_app_context() and current_app.config.get("TESTING"):
        now += timedelta(seconds=current_app.config.get("CLOCK_OFFSET_SECONDS", 0))
    return now


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone())


def local_day(moment: datetime) -> date:
    """The local calendar day of a stored UTC moment."""
    return to_local(moment).date()


def local_today(now: datetime | None = None) -> date:
    return local_day(now or utcnow())
