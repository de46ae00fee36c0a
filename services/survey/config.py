"""Survey configuration (调研配置): cause categories with their handling scripts, the holidays
and make-up working days of the remedy and problem clocks, the dissatisfaction threshold (and
the KPI bands it gives), the problem grades' time limits, the closing lines and the monthly
analysis's satisfaction floor. The values are configuration, not personal data: reading them
needs no check; changing them does."""
from datetime import date, datetime

from sqlalchemy import func, select

from domain import problems
from domain import survey as rules
from domain.errors import N_, FormProblems
from models import User
from models.survey import SurveyCategory

from .. import audit, settings
from ..db import db, write_transaction

CALENDAR_KEY, THRESHOLD_KEY = "survey_calendar", "survey_threshold"
LIMITS_KEY, CLOSINGS_KEY, FLOOR_KEY = ("problem_limits", "survey_closings",
                                       "analysis_satisfaction_min")
CLOSING_MAX = 300


def calendar() -> rules.Calendar:
    stored = settings.get(CALENDAR_KEY)
    return rules.Calendar(
        holidays=frozenset(date.fromisoformat(d) for d in stored.get("holidays", [])),
        workdays=frozenset(date.fromisoformat(d) for d in stored.get("workdays", [])))


def threshold() -> int:
    """A callback score below this needs the reason and opens the remedy task."""
    return int(settings.get(THRESHOLD_KEY))


def bands() -> rules.Bands:
    """The KPI bands, derived from the threshold."""
    return rules.bands_for(threshold())


def problem_limits() -> dict:
    return problems.limits_from_setting(settings.get(LIMITS_KEY))


def closings() -> dict:
    """The closing lines of seed 000: "recorded" (the problem is recorded, a callback
    follows) and "goodbye" (every survey and callback ends with it)."""
    stored = settings.get(CLOSINGS_KEY)
    default = settings.DEFAULTS[CLOSINGS_KEY]
    return {key: stored.get(key, text) for key, text in default.items()}


def satisfaction_floor() -> int:
    """The monthly analysis flags a cause category below this satisfaction (percent)."""
    return int(settings.get(FLOOR_KEY))


def save_settings(*, holidays: list[date], workdays: list[date], threshold: int, actor: User,
                  now: datetime) -> None:
    """The working days and the dissatisfaction threshold."""
    rules.require(actor.role, rules.Task.CONFIGURE)
    if not rules.valid_threshold(threshold):
        raise FormProblems({"threshold": (N_("Between %(min)d and %(max)d."),
                                          {"min": rules.SCORE_MIN + 1, "max": rules.SCORE_MAX})})
    settings.update(
        {CALENDAR_KEY: {"holidays": sorted(d.isoformat() for d in set(holidays)),
                        "workdays": sorted(d.isoformat() for d in set(workdays))},
         THRESHOLD_KEY: threshold},
        actor=actor, now=now, action="survey_settings_update",
        detail={"holidays": len(set(holidays)), "workdays": len(set(workdays)),
                "threshold": threshold})


def save_callback_settings(*, limits: dict, recorded: str, goodbye: str, floor: int,
                           actor: User, now: datetime) -> None:
    """The problem grades' time limits, the closing lines and the analysis's floor."""
    rules.require(actor.role, rules.Task.CONFIGURE)
    recorded, goodbye = (recorded or "").strip(), (goodbye or "").strip()
    found = {}
    for grade, limit in limits.items():
        if not problems.valid_limit(limit):  # named as the settings form names the fields
            found[f"{grade}_diagnosis"] = N_("Give limits above zero and at most a week.")
    for name, text in (("recorded", recorded), ("goodbye", goodbye)):
        if not text:
            found[name] = N_("This field is required.")
        elif problem := rules.too_long(text, CLOSING_MAX):
            found[name] = problem
    if not isinstance(floor, int) or not 1 <= floor <= 100:
        found["floor"] = (N_("Between %(min)d and %(max)d."), {"min": 1, "max": 100})
    if found:
        raise FormProblems(found)
    settings.update(
        {LIMITS_KEY: problems.limits_as_setting(limits),
         CLOSINGS_KEY: {"recorded": recorded, "goodbye": goodbye}, FLOOR_KEY: floor},
        actor=actor, now=now, action="survey_settings_update", detail={"floor": floor})


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
