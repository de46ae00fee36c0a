"""月度分析: the month's cause categories below the satisfaction floor and the steps past their
time limit, the duty manager's root cause and action for each, last month's findings against
this month, and the training given for a cause."""
import re

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from blueprints.ui import label
from domain.survey import MAY, Task
from services.clock import local_today, utcnow
from services.survey import analysis as service
from services.survey import config

from . import bp
from .forms import FindingForm, TrainingForm
from .ranking import month_param

_ROW = re.compile(r"^(c\d{1,9}|s-[a-z_]{1,20})$")


def _month():
    return service.month_of(month_param(request.args.get("month")) or local_today())


def row_prefix(row) -> str:
    """A row's form prefix: its category's id or its step (keys hold Chinese and colons)."""
    return f"c{row.category.id}" if row.kind == "category" else f"s-{row.key}"


def _page(month, status: int = 200, forms: dict | None = None):
    g.nav_active = "survey_kpis"
    forms = forms or {}
    data = service.analysis(month, actor=current_user, now=utcnow())
    may_analyse = current_user.role in MAY[Task.ANALYSE]
    finding_forms = {}
    if may_analyse:
        for row in (*data.categories, *data.steps):
            if row.flagged:
                prefix = row_prefix(row)
                finding_forms[prefix] = forms.get(prefix) or FindingForm(
                    formdata=None, prefix=prefix, kind=row.kind, key=row.key,
                    root_cause=row.finding.root_cause if row.finding else "",
                    action=row.finding.action if row.finding else "",
                    version=row.finding.version if row.finding else 0)
    training_form = None
    if current_user.role in MAY[Task.TRAIN]:
        training_form = forms.get("training") or TrainingForm(formdata=None, day=local_today())
        training_form.category.choices = [("", _("Choose a cause"))] + [
            (str(c.id), f"{label('channel', c.channel)} · {c.name}")
            for c in config.categories()]
    return render("survey/analysis.html", status=status, data=data, month=month,
                  month_key=month.start.strftime("%Y-%m"), finding_forms=finding_forms,
                  training_form=training_form, row_prefix=row_prefix,
                  previous=service.previous(month).start.strftime("%Y-%m"),
                  following=month.end.strftime("%Y-%m"))


@bp.route("/survey/analysis")
@roles(*MAY[Task.READ_KPIS])
def analysis():
    """The month's analysis (?month=YYYY-MM, this month by default)."""
    return _page(_month())


def _back(month, anchor: str):
    return url_for("survey.analysis", month=month.start.strftime("%Y-%m"), _anchor=anchor)


@bp.route("/survey/analysis/findings", methods=["POST"])
@roles(*MAY[Task.ANALYSE])
def record_finding():
    """The root cause and action of a flagged row (?row= names its form)."""
    month = _month()
    prefix = request.args.get("row", "")
    if not _ROW.match(prefix):
        prefix = "x"
    form = FindingForm(prefix=prefix)
    return answer(lambda: service.record_finding(
        month, form.kind.data, form.key.data, root_cause=form.root_cause.data,
        action=form.action.data, actor=current_user, now=utcnow(), version=form.version.data),
        page=lambda status, bound=None: _page(
            month, status, {prefix: bound} if bound is not None else None), form=form,
        done=_("Finding recorded."), back=_back(month, f"row-{prefix}"))


@bp.route("/survey/analysis/training", methods=["POST"])
@roles(*MAY[Task.TRAIN])
def record_training():
    """专项培训 given for a cause."""
    month = _month()
    form = TrainingForm()
    form.category.choices = [("", "")] + [(str(c.id), c.name) for c in config.categories()]
    return answer(lambda: service.record_training(
        form.category.data, topic=form.topic.data, day=form.day.data,
        attendees=form.attendees.data, actor=current_user, now=utcnow()),
        page=lambda status, _bound=None: _page(month, status, {"training": form}), form=form,
        done=_("Training recorded."), back=_back(month, "training"))
