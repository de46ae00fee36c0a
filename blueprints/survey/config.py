"""调研配置: cause categories and their handling scripts, holidays and make-up working days,
satisfaction bands (admin and owner)."""
from datetime import date

from flask import g, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer, checked
from blueprints._htmx import render
from blueprints.ui import CHANNEL_LABELS
from domain.survey import MAY, Task
from services.clock import utcnow
from services.survey import config as service

from . import bp
from .forms import CategoryForm, SettingsForm


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


def _page(status=200, category_form=None, settings_form=None):
    g.nav_active = "survey_config"
    cal, b = service.calendar(), service.bands()
    if category_form is None:
        category_form = CategoryForm(formdata=None)
    category_form.channel.choices = _channels()
    settings_form = settings_form or SettingsForm(
        formdata=None, holidays="\n".join(d.isoformat() for d in sorted(cal.holidays)),
        workdays="\n".join(d.isoformat() for d in sorted(cal.workdays)),
        satisfied_min=b.satisfied_min, fairly_min=b.fairly_min)
    return render("survey/config.html", status=status,
                  categories=service.categories(active_only=False),
                  category_form=category_form, settings_form=settings_form)


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
    return answer(lambda: service.save_category(
        channel=form.channel.data, name=form.name.data, script=form.script.data or "",
        active=form.active.data, actor=current_user, now=utcnow()),
        page=lambda status, _bound=None: _page(status, category_form=form), form=form,
        done=_("Category saved."), back=url_for("survey.config", _anchor="categories"))


@bp.route("/survey/config/settings", methods=["POST"])
@roles(*MAY[Task.CONFIGURE])
def save_settings():
    form = SettingsForm()

    def page(status, _bound=None):
        return _page(status, settings_form=form)

    invalid = checked(form, page)
    if invalid is not None:
        return invalid
    holidays, bad_h = _dates(form.holidays.data)
    workdays, bad_w = _dates(form.workdays.data)
    if bad_h or bad_w:
        if bad_h:
            form.holidays.errors = [_("Not a date: %(value)s", value="、".join(bad_h[:5]))]
        if bad_w:
            form.workdays.errors = [_("Not a date: %(value)s", value="、".join(bad_w[:5]))]
        return page(422)
    return answer(lambda: service.save_settings(
        holidays=holidays, workdays=workdays, satisfied_min=form.satisfied_min.data,
        fairly_min=form.fairly_min.data, actor=current_user, now=utcnow()),
        page=page, form=form, done=_("Settings saved."),
        back=url_for("survey.config", _anchor="settings"))
