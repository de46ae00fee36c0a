"""Time: stored as naive UTC; shown and dated in the configured zone (Asia/Shanghai); the
floor's day (班次日) starts at the configured time (services.settings.day_start)."""
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

from domain.floor_day import day_span, floor_day


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


def work_day(moment: datetime) -> date:
    """The floor's day (班次日) of a stored UTC moment: before the day's start it is still the
    previous day, so the night shift's work stays on the day its shift began."""
    from . import settings
    return floor_day(to_local(moment).replace(tzinfo=None), settings.day_start())


def work_today(now: datetime | None = None) -> date:
    """"Today" on the floor: the handover table's and the homes' day."""
    return work_day(now or utcnow())


def work_day_bounds(day: date) -> tuple[datetime, datetime]:
    """The stored UTC moments [from, to) of the floor's day `day`."""
    from . import settings
    begin, end = day_span(day, settings.day_start())
    return _utc(begin), _utc(end)


def _utc(local: datetime) -> datetime:
    return local.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)
