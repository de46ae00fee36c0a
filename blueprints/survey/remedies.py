"""Remedy tasks (补救任务): the duty managers' list with its two clocks, and the two steps
(the customer contacted within an hour, the remedy in place within three working days)."""
from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from domain.survey import MAY, Task
from services.clock import utcnow
from services.survey import remedies as service

from . import bp
from .forms import RemedyForm


def _list(status: int = 200, forms=None):
    g.nav_active = "remedies"
    show_all = request.args.get("all") == "1"
    tasks = service.remedy_tasks(actor=current_user, open_only=not show_all)
    return render("survey/remedies.html", tasks=tasks, now=utcnow(), show_all=show_all,
                  forms=forms or {}, blank=RemedyForm(formdata=None), status=status,
                  may_act=current_user.role in MAY[Task.REMEDY])


@bp.route("/survey/remedies")
@roles(*MAY[Task.READ_REMEDIES])
def remedies():
    """补救任务: dissatisfied callbacks, with the 1-hour and 3-working-day clocks."""
    return _list()


@bp.route("/survey/remedies/<int:task_id>/contacted", methods=["POST"])
@roles(*MAY[Task.REMEDY])
def remedy_contacted(task_id: int):
    """The supervisor reached the customer (the 1-hour clock)."""
    return _remedy_step(task_id, "contacted", _("Customer contact recorded."))


@bp.route("/survey/remedies/<int:task_id>/remedied", methods=["POST"])
@roles(*MAY[Task.REMEDY])
def remedy_done(task_id: int):
    """The remedy is in place (the 3-working-day clock)."""
    return _remedy_step(task_id, "remedied", _("Remedy recorded."))


def _remedy_step(task_id: int, step: str, message: str):
    service.get_remedy(task_id, actor=current_user)
    form = RemedyForm(prefix=f"t{task_id}-{step}")

    def page(status, bound=None):
        return _list(status, {(task_id, step): bound} if bound is not None else None)

    return answer(lambda: service.remedy_step(task_id, step, note=form.note.data,
                                              actor=current_user, now=utcnow(),
                                              version=form.version.data),
                  page=page, form=form, done=message,
                  back=url_for("survey.remedies", _anchor=f"task-{task_id}"))
