"""问题跟踪: the problems raised in the callback cycle, each with its grade and its diagnosis
and plan clocks; the diagnosis, the plan and the regrade are taken on the contact page."""
from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import on_page
from blueprints._htmx import hx_redirect, render
from domain.problems import STEPS_ORDER
from domain.survey import MAY, Task
from services.clock import utcnow
from services.survey import config, contacts
from services.survey import problems as service

from . import bp
from .contacts import contact_page
from .forms import RegradeForm, StepForm


@bp.route("/survey/problems")
@roles(*MAY[Task.PROBLEM])
def problems():
    """Open problems, the next clock first (the overdue on top); ?show=all for all."""
    g.nav_active = "problems" if current_user.role == "duty_manager" else "callback"
    show = "all" if request.args.get("show") == "all" else "open"
    return render("survey/problems.html", rows=service.open_problems(actor=current_user,
                                                                     show=show),
                  show=show, now=utcnow(), limits=config.problem_limits())


@bp.route("/survey/problems/<int:problem_id>")
@roles(*MAY[Task.READ_CONTACT])
def problem(problem_id: int):
    """A problem's place on its contact's page (the link of its alerts)."""
    contact_id = service.contact_of(problem_id, actor=current_user)
    return redirect(url_for("survey.contact", contact_id=contact_id) + f"#problem-{problem_id}",
                    code=303)


def _on_contact(problem_id: int, key: str, form, call, message: str):
    """Answer a problem's action on its contact's page."""
    contact_id = service.get_problem(problem_id, actor=current_user).contact_id

    def page(status):
        contact = contacts.get_contact(contact_id, actor=current_user)
        return contact_page(contact, status=status, problem_forms={(problem_id, key): form})

    if not form.validate():
        return page(422)

    def done(_result):
        flash(message, "success")
        return hx_redirect(url_for("survey.contact", contact_id=contact_id)
                           + f"#problem-{problem_id}")

    return on_page(call, done=done, page=page, form=form)


@bp.route("/survey/problems/<int:problem_id>/<any(diagnosis, plan):step>", methods=["POST"])
@roles(*MAY[Task.PROBLEM])
def problem_step(problem_id: int, step: str):
    """初步诊断, then 处理方案."""
    form = StepForm(prefix=f"p{problem_id}")
    return _on_contact(problem_id, "step", form, lambda: service.record_step(
        problem_id, step, note=form.note.data, actor=current_user, now=utcnow(),
        version=form.version.data),
        _("Diagnosis recorded.") if step == STEPS_ORDER[0] else _("Plan recorded."))


@bp.route("/survey/problems/<int:problem_id>/grade", methods=["POST"])
@roles(*MAY[Task.PROBLEM])
def regrade(problem_id: int):
    """Raise the grade, or lower it with the reason."""
    form = RegradeForm(prefix=f"g{problem_id}")
    return _on_contact(problem_id, "grade", form, lambda: service.regrade(
        problem_id, grade=form.grade.data, reason=form.reason.data or "", actor=current_user,
        now=utcnow(), version=form.version.data), _("Grade changed."))
