"""Survey configuration (调研配置): cause categories with their handling scripts, the holidays
and make-up working days of the remedy clock, and the satisfaction bands. The values are
configuration, not personal data: reading them needs no check; changing them does."""
from datetime import date, datetime

from sqlalchemy import func, select

from domain import survey as rules
from domain.errors import N_, FormProblems
from models import User
from models.survey import SurveyCategory

from .. import audit, settings
from ..db import db, write_transaction

CALENDAR_KEY, BANDS_KEY = "survey_calendar", "survey_bands"


def calendar() -> rules.Calendar:
    stored = settings.get(CALENDAR_KEY)
    return rules.Calendar(
        holidays=frozenset(date.fromisoformat(d) for d in stored.get("holidays", [])),
        workdays=frozenset(date.fromisoformat(d) for d in stored.get("workdays", [])))


def bands() -> rules.Bands:
    stored = settings.get(BANDS_KEY)
    default = rules.Bands()
    return rules.Bands(satisfied_min=int(stored.get("satisfied_min", default.satisfied_min)),
                       fairly_min=int(stored.get("fairly_min", default.fairly_min)))


def save_settings(*, holidays: list[date], workdays: list[date], satisfied_min: int,
                  fairly_min: int, actor: User, now: datetime) -> None:
    rules.require(actor.role, rules.Task.CONFIGURE)
    new_bands = rules.Bands(satisfied_min=satisfied_min, fairly_min=fairly_min)
    if not new_bands.valid():
        raise FormProblems({"fairly_min": N_("Fairly satisfied must start at or below "
                                             "satisfied, both within 1 to 10.")})
    settings.update(
        {CALENDAR_KEY: {"holidays": sorted(d.isoformat() for d in set(holidays)),
                        "workdays": sorted(d.isoformat() for d in set(workdays))},
         BANDS_KEY: {"satisfied_min": satisfied_min, "fairly_min": fairly_min}},
        actor=actor, now=now, action="survey_settings_update",
        detail={"holidays": len(set(holidays)), "workdays": len(set(workdays)),
                "satisfied_min": satisfied_min, "fairly_min": fairly_min})


def categories(channel: str | None = None, *, active_only: bool = True) -> list[SurveyCategory]:
    query = select(SurveyCategory).order_by(SurveyCategory.channel, SurveyCategory.position,
                                            SurveyCategory.id)
    if channel:
        query = query.where(SurveyCategory.channel == channel)
    if active_only:
        query = query.where(SurveyCategory.active.is_(True))
    return list(db.session.scalars(query))


def get_category(category_id) -> SurveyCategory | None:
    try:
        return db.session.get(SurveyCategory, int(category_id))
    except (TypeError, ValueError, OverflowError):
        return None


def save_category(*, channel: str, name: str, script: str, active: bool, actor: User,
                  now: datetime) -> SurveyCategory:
    """Add a category to a channel, or reword / retire one (matched by channel and name).
    Retired categories stay on the surveys that used them."""
    rules.require(actor.role, rules.Task.CONFIGURE)
    name, script = (name or "").strip(), (script or "").strip()
    problems = {}
    if channel not in set(rules.Channel):
        problems["channel"] = N_("Choose the hotline or QQ.")
    if not name or len(name) > 32:
        problems["name"] = N_("Enter a category name of at most 32 characters.")
    if problem := rules.too_long(script, 2000):
        problems["script"] = problem
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        row = db.session.scalar(select(SurveyCategory).where(
            SurveyCategory.channel == channel, SurveyCategory.name == name))
        if row is None:
            last = db.session.scalar(select(func.max(SurveyCategory.position)).where(
                SurveyCategory.channel == channel))
            row = SurveyCategory(channel=channel, name=name, position=(last or 0) + 1)
            db.session.add(row)
        row.script, row.active = script, active
        db.session.flush()
        audit.record("survey_category_save", actor=actor, now=now, note=f"{channel} {name}",
                     detail={"active": active})
    return row
