"""The contact page (不满意用户) and what is done there: the quality team's marks and survey;
the caller's review, holds and chases, the callback and the full number; the problems raised
(their forms post to blueprints/survey/problems.py); and a whitelist ticket turned into a
contact. Each action answers as blueprints/_actions.answer does: back to the page on success,
the form's messages beside the fields (422), or the reason the move was refused (409/403)."""
from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer, put_problems, translate
from blueprints._htmx import hx_redirect, render
from blueprints.forms import EmptyForm
from blueprints.ui import METHOD_LABELS, OUTCOME_LABELS
from domain import survey as rules
from domain.roles import SEES_ALL_HANDED_OVER
from domain.supervision import ISSUERS
from domain.survey import MAY, Task
from services import supervision
from services.clock import local_today, utcnow
from services.survey import config
from services.survey import contacts as service
from services.survey import records

from . import bp
from .forms import (CallbackForm, HoldForm, MarksForm, RegradeForm, ReleaseForm, RemedyForm,
                    ReviewForm, StepForm, SurveyForm, yes_no)


def callback_form(formdata=None):
    """The callback form, with the outcomes, the methods and the threshold of the reason."""
    kwargs = {} if formdata is None else {"formdata": formdata}
    return CallbackForm(outcomes=OUTCOME_LABELS, methods=METHOD_LABELS,
                        threshold=config.threshold(), **kwargs)


def _contact(contact_id: int):
    return service.get_contact(contact_id, actor=current_user)


def contact_page(contact, *, status=200, block=None, **overrides):
    today = local_today()
    categories = config.categories(contact.channel)
    survey_form = overrides.get("survey_form") or SurveyForm(formdata=None)
    survey_form.category.choices = [("", _("Choose a category"))] + [
        (str(c.id), c.name) for c in categories]
    chosen = overrides.get("script_category")
    if chosen is None and survey_form.category.data:
        chosen = config.get_category(survey_form.category.data)
    if contact.survey is not None:
        chosen = contact.survey.category
    needs_callback = "" if contact.needs_callback is None else (
        "yes" if contact.needs_callback else "no")
    role = current_user.role
    context = {
        "contact": contact, "today": today, "now": utcnow(), "categories": categories,
        "script_category": chosen, "may_act": role in MAY[Task.WORK],
        "may_call": service.can_call(contact, current_user),
        "may_problem": role in MAY[Task.PROBLEM], "sees_tickets": role in SEES_ALL_HANDED_OVER,
        "may_issue_order": role in ISSUERS,
        "orders": supervision.orders_of_contact(contact.id) if role in MAY[Task.PROBLEM] else [],
        "addressee": supervision.addressee, "closings": config.closings(),
        "problem_forms": _problem_forms(contact, overrides.get("problem_forms") or {}),
        "revealed": overrides.get("revealed", False), "held": records.is_held(contact),
        "survey_reviewed": contact.survey_reviewed_by_id == current_user.id
        and contact.survey_reviewed_at is not None,
        "callback_reviewed": contact.callback_reviewed_by_id == current_user.id
        and contact.callback_reviewed_at is not None,
        "callback_open": contact.needs_callback and (
            contact.callback_done_at is None or contact.tracking),
        "callback_opens_on": rules.callback_window_opens(contact.callback_due_on)
        if contact.callback_due_on else None,
        "survey_overdue": rules.overdue(contact.survey_due_on, today,
                                        contact.surveyed_at is not None),
        "callback_overdue": contact.needs_callback and rules.overdue(
            contact.callback_due_on, today, contact.callback_done_at is not None),
        "bands": config.bands(),
        "marks_form": overrides.get("marks_form") or MarksForm(
            formdata=None, prefix="marks", needs_survey="yes" if contact.needs_survey else "no",
            needs_callback=needs_callback, version=contact.version),
        "review_form": ReviewForm(formdata=None),
        "survey_form": survey_form,
        "hold_form": overrides.get("hold_form") or HoldForm(formdata=None, prefix="hold"),
        "release_form": overrides.get("release_form") or ReleaseForm(formdata=None),
        "callback_form": overrides.get("callback_form") or callback_form(),
        "remedy_form": RemedyForm(formdata=None),
        "threshold": config.threshold(),
    }
    return render("survey/contact.html", block, status=status, **context)


def _problem_forms(contact, given: dict) -> dict:
    """The forms of each open problem: its next step and its regrade, keyed (id, "step") and
    (id, "grade"); a form that came back invalid is kept as it was typed."""
    forms = dict(given)
    for problem in contact.problems:
        if problem.planned_at is not None:
            continue
        forms.setdefault((problem.id, "step"), StepForm(
            formdata=None, prefix=f"p{problem.id}", version=problem.version))
        forms.setdefault((problem.id, "grade"), RegradeForm(
            formdata=None, prefix=f"g{problem.id}", version=problem.version))
    return forms


def _act(contact_id: int, call, message: str, anchor: str, form_name=None, form=None):
    """Answer an action taken on the contact page. Its form first: one that does not validate
    comes back beside its fields (422, under `form_name`); a button's form (no `form_name`;
    a bare button when None) that does not validate is a bad request."""
    contact = _contact(contact_id)
    if form_name is None and not (form or EmptyForm()).validate():
        abort(400)
    if form_name is not None and not form.validate():
        return contact_page(contact, status=422, **{form_name: form})

    def done(_result):
        flash(message, "success")
        return hx_redirect(url_for("survey.contact", contact_id=contact_id) + "#" + anchor)

    def refused(exc, status):
        flash(translate(exc), "error")
        return contact_page(_contact(contact_id), status=status)

    def invalid(exc):
        if form_name is None:  # a button: no field to put a message beside
            return refused(exc, 409)
        # "reviewed" names no field: said above the page, where it shows whatever the form
        put_problems(form, exc, elsewhere=lambda text: flash(text, "error"))
        return contact_page(_contact(contact_id), status=422, **{form_name: form})

    return answer(call, done=done, refused=refused, invalid=invalid)


@bp.route("/survey/contacts/<int:contact_id>")
@roles(*MAY[Task.READ_CONTACT])
def contact(contact_id: int):
    g.nav_active = "survey"
    return contact_page(_contact(contact_id))


@bp.route("/survey/contacts/<int:contact_id>/script")
@roles(*MAY[Task.WORK])
def script(contact_id: int):
    """The handling script of the chosen category, beside the survey form (htmx), or the page
    with it shown (without JavaScript)."""
    contact = _contact(contact_id)
    category = config.get_category(request.args.get("category"))
    if category is not None and category.channel != contact.channel:
        category = None
    form = SurveyForm(formdata=None, category=str(category.id) if category else "")
    return contact_page(contact, block="category_script", script_category=category,
                        survey_form=form)


@bp.route("/survey/contacts/<int:contact_id>/marks", methods=["POST"])
@roles(*MAY[Task.WORK])
def marks(contact_id: int):
    """需调研/无需调研, 需回访/无需回访."""
    form = MarksForm(prefix="marks")
    return _act(contact_id, lambda: service.set_marks(
        contact_id, needs_survey=yes_no(form.needs_survey.data) is True,
        needs_callback=yes_no(form.needs_callback.data), actor=current_user, now=utcnow(),
        version=form.version.data), _("Marks saved."), "marks", "marks_form", form)


@bp.route("/survey/contacts/<int:contact_id>/review", methods=["POST"])
@roles(*MAY[Task.CALL])
def review(contact_id: int):
    """The recording / contact record / chat log was reviewed (before the survey or callback)."""
    form = ReviewForm()
    part = form.part.data
    return _act(contact_id, lambda: records.confirm_review(
        contact_id, part, actor=current_user, now=utcnow()),
        _("Review confirmed. The record can be filled in now."), part, form=form)


@bp.route("/survey/contacts/<int:contact_id>/survey", methods=["POST"])
@roles(*MAY[Task.WORK])
def record_survey(contact_id: int):
    contact = _contact(contact_id)
    form = SurveyForm()
    form.category.choices = [("", "")] + [(str(c.id), c.name)
                                          for c in config.categories(contact.channel)]
    return _act(contact_id, lambda: records.record_survey(
        contact_id, resolved=yes_no(form.resolved.data), category_id=form.category.data,
        unresolved_issue=form.unresolved_issue.data or "",
        needs_callback=yes_no(form.needs_callback.data), actor=current_user, now=utcnow(),
        alternative=form.alternative.data or "",
        alternative_accepted=yes_no(form.alternative_accepted.data),
        append_event=form.append_event.data, event=form.event.data or "",
        grade=form.grade.data or None),
        _("Survey recorded."), "survey", "survey_form", form)


@bp.route("/survey/contacts/<int:contact_id>/hold", methods=["POST"])
@roles(*MAY[Task.CALL])
def hold(contact_id: int):
    form = HoldForm(prefix="hold")
    return _act(contact_id, lambda: records.hold_callback(
        contact_id, note=form.note.data, actor=current_user, now=utcnow()),
        _("The callback waits for the business side's result."), "callback", "hold_form", form)


@bp.route("/survey/contacts/<int:contact_id>/chase", methods=["POST"])
@roles(*MAY[Task.CALL])
def chase(contact_id: int):
    return _act(contact_id, lambda: records.chase(contact_id, actor=current_user, now=utcnow()),
                _("Chase recorded."), "callback")


@bp.route("/survey/contacts/<int:contact_id>/release", methods=["POST"])
@roles(*MAY[Task.CALL])
def release(contact_id: int):
    form = ReleaseForm()
    return _act(contact_id, lambda: records.release_hold(
        contact_id, result=form.result.data, actor=current_user, now=utcnow()),
        _("Result recorded: the callback can go ahead."), "callback", "release_form", form)


@bp.route("/survey/contacts/<int:contact_id>/callback", methods=["POST"])
@roles(*MAY[Task.CALL])
def record_callback(contact_id: int):
    form = callback_form(request.form)
    return _act(contact_id, lambda: records.record_callback(
        contact_id, outcome=form.outcome.data, score=form.score.data,
        reason=form.reason.data or "", note=form.note.data or "", actor=current_user,
        now=utcnow(), method=form.method.data, customer_name=form.customer_name.data or "",
        grade=form.grade.data or None),
        _("Callback recorded."), "callback", "callback_form", form)


@bp.route("/survey/contacts/<int:contact_id>/reveal", methods=["POST"])
@roles(*MAY[Task.CALL])
def reveal(contact_id: int):
    """The full customer number, once, with an audit entry."""
    _contact(contact_id)
    if not EmptyForm().validate():
        abort(400)
    contact = service.reveal_phone(contact_id, actor=current_user, now=utcnow())
    return contact_page(contact, block="contact_phone", revealed=True)


@bp.route("/tickets/<int:ticket_id>/dissatisfied", methods=["POST"])
@roles(*MAY[Task.WORK])
def from_ticket(ticket_id: int):
    """Turn a whitelist ticket into a dissatisfied contact (404 for a ticket the user may not
    see)."""
    if not EmptyForm().validate():
        abort(400)

    def done(result):
        contact, created = result
        flash(_("Dissatisfied contact created.") if created else
              _("This ticket is a dissatisfied contact already."), "success")
        return hx_redirect(url_for("survey.contact", contact_id=contact.id))

    def refused(exc, _status):
        flash(translate(exc), "error")
        return hx_redirect(url_for("tickets.show", ticket_id=ticket_id))

    return answer(lambda: service.create_from_ticket(ticket_id, actor=current_user,
                                                     now=utcnow()),
                  done=done, refused=refused, invalid=lambda exc: refused(exc, 409))


def survey_contact_of(ticket):
    """Template global for the ticket page: the dissatisfied contact made from it, if any."""
    return service.contact_for_ticket(ticket.id, actor=current_user)


bp.add_app_template_global(survey_contact_of, "survey_contact_of")
