"""调研配置: cause categories and their handling scripts, holidays and make-up working days,
the dissatisfaction threshold, the problem grades' limits, the closing lines and the monthly
analysis's floor (admin and owner)."""
from datetime import date

from flask import flash, g, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import on_page
from blueprints._htmx import hx_redirect, render
from blueprints.ui import CHANNEL_LABELS
from domain.problems import Grade, Limit
from domain.survey import MAY, Task
from services.clock import utcnow
from services.survey import config as service

from . import bp
from .forms import CallbackSettingsForm, CategoryForm, SettingsForm


def _dates(text: str) -> tuple[list[date], list[str]]:
    good, bad = [], []
    for token in (text or "").replace(",", "\n").replace("，", "\n").split():
        try:
            good.append(date.fromisoformat(token.strip()))
        except ValueError:
            bad.append(token.strip())
    return good, bad


def _channels():
    return [(k.value, str(v)) for k, v in CHANNEL_LABELS.items()]


def _callback_form() -> CallbackSettingsForm:
    limits, closings = service.problem_limits(), service.closings()
    return CallbackSettingsForm(
        formdata=None, general_diagnosis=limits[Grade.GENERAL].diagnosis_minutes,
        general_plan=limits[Grade.GENERAL].plan_working_days,
        important_diagnosis=limits[Grade.IMPORTANT].diagnosis_minutes,
        important_plan=limits[Grade.IMPORTANT].plan_hours,
        urgent_diagnosis=limits[Grade.URGENT].diagnosis_minutes,
        urgent_plan=limits[Grade.URGENT].plan_hours, recorded=closings["recorded"],
        goodbye=closings["goodbye"], floor=service.satisfaction_floor())


def _page(status=200, category_form=None, settings_form=None, callback_form=None):
    g.nav_active = "survey_config"
    cal = service.calendar()
    if category_form is None:
        category_form = CategoryForm(formdata=None)
    category_form.channel.choices = _channels()
    settings_form = settings_form or SettingsForm(
        formdata=None, holidays="\n".join(d.isoformat() for d in sorted(cal.holidays)),
        workdays="\n".join(d.isoformat() for d in sorted(cal.workdays)),
        threshold=service.threshold())
    return render("survey/config.html", status=status,
                  categories=service.categories(active_only=False),
                  category_form=category_form, settings_form=settings_form,
                  callback_form=callback_form or _callback_form(), bands=service.bands())


def _saved(message: str, anchor: str):
    flash(message, "success")
    return hx_redirect(url_for("survey.config") + "#" + anchor)


@bp.route("/survey/config")
@roles(*MAY[Task.CONFIGURE])
def config():
    """Cause categories and their handling scripts, holidays, satisfaction bands."""
    return _page()


@bp.route("/survey/config/categories", methods=["POST"])
@roles(*MAY[Task.CONFIGURE])
def save_category():
    form = CategoryForm()
    form.channel.choices = _channels()
    if not form.validate():
        return _page(422, category_form=form)
    return on_page(lambda: service.save_category(
        channel=form.channel.data, name=form.name.data, script=form.script.data or "",
        active=form.active.data, actor=current_user, now=utcnow()),
        done=lambda _row: _saved(_("Category saved."), "categories"),
        page=lambda status: _page(status, category_form=form), form=form)


@bp.route("/survey/config/settings", methods=["POST"])
@roles(*MAY[Task.CONFIGURE])
def save_settings():
    form = SettingsForm()
    if not form.validate():
        return _page(422, settings_form=form)
    holidays, bad_h = _dates(form.holidays.data)
    workdays, bad_w = _dates(form.workdays.data)
    if bad_h or bad_w:
        if bad_h:
            form.holidays.errors = [_("Not a date: %(value)s", value="、".join(bad_h[:5]))]
        if bad_w:
            form.workdays.errors = [_("Not a date: %(value)s", value="、".join(bad_w[:5]))]
        return _page(422, settings_form=form)
    return on_page(lambda: service.save_settings(
        holidays=holidays, workdays=workdays, threshold=form.threshold.data,
        actor=current_user, now=utcnow()),
        done=lambda _none: _saved(_("Settings saved."), "settings"),
        page=lambda status: _page(status, settings_form=form), form=form)


@bp.route("/survey/config/callbacks", methods=["POST"])
@roles(*MAY[Task.CONFIGURE])
def save_callback_settings():
    """The problem grades' time limits, the closing lines and the analysis's floor."""
    form = CallbackSettingsForm()
    if not form.validate():
        return _page(422, callback_form=form)
    limits = {Grade.GENERAL: Limit(form.general_diagnosis.data,
                                   plan_working_days=form.general_plan.data),
              Grade.IMPORTANT: Limit(form.important_diagnosis.data,
                                     plan_hours=form.important_plan.data),
              Grade.URGENT: Limit(form.urgent_diagnosis.data, plan_hours=form.urgent_plan.data)}
    return on_page(lambda: service.save_callback_settings(
        limits=limits, recorded=form.recorded.data, goodbye=form.goodbye.data,
        floor=form.floor.data, actor=current_user, now=utcnow()),
        done=lambda _none: _saved(_("Settings saved."), "callback-settings"),
        page=lambda status: _page(status, callback_form=form), form=form)
