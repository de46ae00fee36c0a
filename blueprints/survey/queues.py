"""The weekly queues: 调研 (Monday–Wednesday, last week's contacts to survey) and 回访
(Thursday–Sunday, this week's surveyed contacts to call back), each with its tabs, a channel
filter and a search."""
from datetime import date, timedelta

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.ui import CHANNEL_LABELS
from domain import survey as rules
from domain.survey import MAY, Task
from services.clock import local_today
from services.survey import queues as service
from services.survey.records import is_held

from . import bp
from .forms import QueueFilterForm


def _filter_form(shows):
    form = QueueFilterForm(formdata=request.args)
    form.channel.choices = [("", _("All channels"))] + [(k.value, str(v)) for k, v in
                                                        CHANNEL_LABELS.items()]
    form.show.choices = shows
    if form.show.data not in {k for k, _v in shows}:
        form.show.data = shows[0][0]
    return form


def _filters(form) -> service.ContactFilter:
    return service.ContactFilter(show=form.show.data, channel=form.channel.data or None,
                                 q=form.q.data or None)


def _rhythm(today: date) -> dict:
    monday = rules.monday_of(today)
    return {"phase": rules.phase(today), "today": today, "monday": monday,
            "last_week": (monday - timedelta(days=7), monday - timedelta(days=1)),
            "survey_due": monday + timedelta(days=2), "callback_from": monday + timedelta(days=3),
            "callback_due": monday + timedelta(days=6)}


def _queue(kind: str, shows, rows_of):
    today = local_today()
    form = _filter_form(shows)
    rows = rows_of(today, _filters(form), actor=current_user)
    return render("survey/queue.html", "queue_rows", kind=kind, form=form, rows=rows,
                  today=today, counts=service.queue_counts(today, actor=current_user),
                  rhythm=_rhythm(today), is_held=is_held)


@bp.route("/survey")
@roles(*MAY[Task.WORK])
def survey_queue():
    """调研: Monday–Wednesday, last week's dissatisfied contacts that need a survey."""
    g.nav_active = "survey"
    return _queue("survey", [("todo", _("To survey")), ("upcoming", _("This week's contacts")),
                             ("done", _("Surveyed"))], service.survey_queue)


@bp.route("/survey/callbacks")
@roles(*MAY[Task.WORK])
def callback_queue():
    """回访: Thursday–Sunday, this week's surveyed contacts that need a callback."""
    g.nav_active = "callback"
    return _queue("callback", [("todo", _("To call back")), ("upcoming", _("From Thursday")),
                               ("tracked", _("Tracked events")), ("done", _("Called back"))],
                  service.callback_queue)
