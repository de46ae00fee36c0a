"""Time: stored as naive UTC; shown and dated in the configured zone (Asia/Shanghai)."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now, as the naive UTC datetime the database stores."""
    return datetime.now(UTC).replace(tzinfo=None)


def zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def to_local(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC).astimezone(zone())


def local_day(moment: datetime) -> date:
    """The local calendar day of a stored UTC moment."""
    return to_local(moment).date()


def local_today(now: datetime | None = None) -> date:
    return local_day(now or utcnow())
