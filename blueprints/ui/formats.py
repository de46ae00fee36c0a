"""Dates and times as the pages show them: local times, calendar days, a ?day= parameter, and
the live countdown to a deadline."""
import functools
import re
from datetime import date, datetime

from babel.dates import format_skeleton
from flask_babel import format_datetime
from markupsafe import Markup, escape

from domain.errors import N_
from services.clock import to_local

from .language import per_language, request_language, request_translations

#: CLDR date fields that read the same in every language, and their strftime codes.
_NUMERIC_FIELDS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
_NUMERIC_PATTERN = re.compile(r"(yyyy|MM|dd|HH|mm|ss)|([^A-Za-z'%]+)")


@functools.cache
def _strftime_pattern(fmt: str) -> str | None:
    """The strftime equivalent of an all-numeric CLDR pattern ("MM-dd HH:mm"), else None."""
    parts, end = [], 0
    for match in _NUMERIC_PATTERN.finditer(fmt):
        if match.start() != end:
            return None
        parts.append(_NUMERIC_FIELDS[match[1]] if match[1] else match[2])
        end = match.end()
    return "".join(parts) if end == len(fmt) else None


def localtime(moment: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC moment in local time, in a CLDR pattern. The numeric patterns the pages
    use, several times a row, are formatted with strftime (tested to equal Babel's output);
    anything with names in it (months, weekdays) goes through Babel for the language."""
    if moment is None:
        return ""
    local = to_local(moment)
    pattern = _strftime_pattern(fmt)
    if pattern is not None:
        return local.strftime(pattern)
    return format_datetime(local, fmt, rebase=False)


def day_label(day: date | None, weekday: bool = False) -> str:
    """A calendar day as people write it: 11月25日 (周三) / Nov 25 (Wed, Nov 25)."""
    if day is None:
        return ""
    return format_skeleton("MMMEd" if weekday else "MMMd", day, locale=request_language())


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def parse_day(raw: str | None, today: date) -> date:
    """A ?day=YYYY-MM-DD parameter; anything unreadable or far outside use means today."""
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        return today
    return day if FIRST_DAY <= day <= LAST_DAY else today


def isoutc(moment: datetime | None) -> str:
    """For data-deadline attributes read by the countdown script."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


_IN_TIME, _OVERDUE = N_("%(h)dh %(m)dm left"), N_("Overdue by %(h)dh %(m)dm")


@per_language()
def _countdown_words() -> dict:
    """The countdown's words: the formats of the text shown until the script runs, and the
    same texts with {h} and {m} where the numbers go, for the script (data-left, data-over)."""
    t = request_translations()
    in_time, overdue = t.ugettext(_IN_TIME), t.ugettext(_OVERDUE)

    def script(text: str) -> Markup:
        return escape(text.replace("%(h)d", "{h}").replace("%(m)d", "{m}"))
    return {"left": script(in_time), "over": script(overdue),
            "left_format": in_time, "over_format": overdue}


def countdown(due_at: datetime | None, now: datetime, soon: int = 30) -> Markup:
    """A live countdown to `due_at` (static/js/app.js keeps it current from data-deadline):
    "late" once past, "soon" within `soon` minutes. In Python rather than a macro: queues
    show one on every row."""
    if not due_at:
        return Markup("")
    left = minutes_between(now, due_at)
    words = _countdown_words()
    if left < 0:
        css, text = " late", words["over_format"] % {"h": (-left) // 60, "m": (-left) % 60}
    else:
        css = " soon" if left < soon else ""
        text = words["left_format"] % {"h": left // 60, "m": left % 60}
    # Every piece is escaped already or cannot hold markup (the class, an ISO time, a number).
    return Markup(  # noqa: S704  # nosec B704
        f'<span class="due{css}" data-deadline="{isoutc(due_at)}" data-soon="{int(soon)}" '
        f'data-left="{words["left"]}" data-over="{words["over"]}">{escape(text)}</span>')
