"""Routes of the survey and callback cycle. Actions are POSTs answered with a redirect on
success, the page with the form's messages beside the fields (422), or the reason the move
was refused (409)."""
from datetime import date, timedelta

from flask import abort, current_app, flash, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import hx_redirect, render
from blueprints.reports.charts import hbars
from blueprints.tickets.views import translate
from blueprints.ui import localtime, parse_day
from domain import survey as rules
from domain.errors import FormProblems, InvalidTransition, NotFound
from domain.periods import Period, Span, span_of, weeks_back
from domain.phones import mask_phone
from domain.roles import Role
from services.survey import audits as audits_service
from services.survey import config as config_service
from services.survey import contacts as contacts_service
from services.survey import imports as importer
from services.survey import kpis as kpis_service
from services.survey import queues as queues_service
from services.survey import records as records_service
from services.survey import remedies as remedies_service
from services.clock import local_day, local_today, utcnow

from . import bp
from .charts import week_chart
from .forms import (CallbackForm, CategoryForm, DrawForm, HoldForm, MarkForm, MarksForm,
                    QueueFilterForm, ReleaseForm, RemedyForm, ReviewForm, SettingsForm,
                    SurveyForm, UploadForm, yes_no)

QUALITY_ROLES = (Role.CHECKER, Role.OWNER)
READERS = (*QUALITY_ROLES, Role.DUTY_MANAGER)
REPORT_ROLES = (Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER)
REMEDY_READERS = (Role.DUTY_MANAGER, Role.OWNER)
CONFIG_ROLES = (Role.ADMIN, Role.OWNER)
IMPORT_MAX_BYTES = 5 * 1024 * 1024

CHANNEL_LABELS = {rules.Channel.HOTLINE: _l("Hotline"), rules.Channel.QQ: _l("QQ")}
OUTCOME_LABELS = {
    rules.Outcome.RESOLVED: _l("Problem resolved"),
    rules.Outcome.APPENDED: _l("Event appended"),
    rules.Outcome.SATISFIED: _l("Customer satisfied"),
    rules.Outcome.ACCEPTED: _l("Accepted"),
    rules.Outcome.NOT_ACCEPTED: _l("Not accepted"),
}
BY_LABELS = {"agent": _l("By agent"), "team": _l("By team"), "caller": _l("By callback agent")}


def channel_label(value) -> str:
    return str(CHANNEL_LABELS.get(value, value or ""))


def outcome_label(value) -> str:
    return str(OUTCOME_LABELS.get(value, value or ""))


def survey_contact_of(ticket):
    """Template global for the ticket page: the dissatisfied contact made from it, if any."""
    return contacts_service.contact_for_ticket(ticket.id, actor=current_user)


bp.add_app_template_global(channel_label, "channel_label")
bp.add_app_template_global(outcome_label, "outcome_label")
bp.add_app_template_global(survey_contact_of, "survey_contact_of")


def import_limit() -> int:
    return int(current_app.config.get("SURVEY_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES))


def allow_import_upload():
    """before_request (registered first): the import accepts one file up to its own limit,
    for the quality team; every other request keeps MAX_CONTENT_LENGTH."""
    if request.endpoint == "survey.upload" and request.method == "POST" \
            and current_user.is_authenticated and current_user.role in QUALITY_ROLES:
        request.max_content_length = import_limit()


def _put_problems(form, exc: FormProblems) -> None:
    for name, problem in exc.problems.items():
        message, params = (problem, {}) if isinstance(problem, str) else problem
        target = getattr(form, name, None)
        text = _(message, **params)
        if target is None:  # not a field of this form (the review confirmation): say it above
            flash(text, "error")
        else:
            target.errors = [*target.errors, text]


def _problem_text(item) -> str:
    message, params = item
    return _(message, **params)


# --- the queues -------------------------------------------------------------------------------

def _filter_form(shows):
    form = QueueFilterForm(formdata=request.args)
    form.channel.choices = [("", _("All channels"))] + [(k.value, str(v)) for k, v in
                                                        CHANNEL_LABELS.items()]
    form.show.choices = shows
    if form.show.data not in {k for k, _v in shows}:
        form.show.data = shows[0][0]
    return form


def _filters(form) -> queues_service.ContactFilter:
    return queues_service.ContactFilter(show=form.show.data, channel=form.channel.data or None,
                               q=form.q.data or None)


def _rhythm(today: date) -> dict:
    monday = rules.monday_of(today)
    return {"phase": rules.phase(today), "today": today, "monday": monday,
            "last_week": (monday - timedelta(days=7), monday - timedelta(days=1)),
            "survey_due": monday + timedelta(days=2), "callback_from": monday + timedelta(days=3),
            "callback_due": monday + timedelta(days=6)}


@bp.route("/survey")
@roles(*QUALITY_ROLES)
def survey_queue():
    """调研: Monday–Wednesday, last week's dissatisfied contacts that need a survey."""
    g.nav_active = "survey"
    today = local_today()
    form = _filter_form([("todo", _("To survey")), ("upcoming", _("This week's contacts")),
                         ("done", _("Surveyed"))])
    rows = queues_service.survey_queue(today, _filters(form), actor=current_user)
    counts = queues_service.queue_counts(today, actor=current_user)
    return render("survey/survey_queue.html", "queue_rows", form=form, rows=rows, today=today,
                  counts=counts, rhythm=_rhythm(today))


@bp.route("/survey/callbacks")
@roles(*QUALITY_ROLES)
def callback_queue():
    """回访: Thursday–Sunday, this week's surveyed contacts that need a callback."""
    g.nav_active = "callback"
    today = local_today()
    form = _filter_form([("todo", _("To call back")), ("upcoming", _("From Thursday")),
                         ("tracked", _("Tracked events")), ("done", _("Called back"))])
    rows = queues_service.callback_queue(today, _filters(form), actor=current_user)
    counts = queues_service.queue_counts(today, actor=current_user)
    return render("survey/callback_queue.html", "queue_rows", form=form, rows=rows,
                  today=today, counts=counts, rhythm=_rhythm(today),
                  is_held=records_service.is_held)


# --- the contact page -------------------------------------------------------------------------

def _contact(contact_id: int):
    try:
        return contacts_service.get_contact(contact_id, actor=current_user)
    except NotFound:
        abort(404)


def _contact_page(contact, *, status=200, block=None, **overrides):
    today = local_today()
    categories = config_service.categories(contact.channel)
    survey_form = overrides.get("survey_form") or SurveyForm(formdata=None)
    survey_form.category.choices = [("", _("Choose a category"))] + [
        (str(c.id), c.name) for c in categories]
    chosen = overrides.get("script_category")
    if chosen is None and survey_form.category.data:
        chosen = config_service.get_category(survey_form.category.data)
    if contact.survey is not None:
        chosen = contact.survey.category
    needs_callback = "" if contact.needs_callback is None else (
        "yes" if contact.needs_callback else "no")
    context = {
        "contact": contact, "today": today, "now": utcnow(), "categories": categories,
        "script_category": chosen, "may_act": current_user.role in QUALITY_ROLES,
        "revealed": overrides.get("revealed", False), "held": records_service.is_held(contact),
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
        "bands": config_service.bands(),
        "marks_form": overrides.get("marks_form") or MarksForm(
            formdata=None, prefix="marks", needs_survey="yes" if contact.needs_survey else "no",
            needs_callback=needs_callback, version=contact.version),
        "review_form": ReviewForm(formdata=None),
        "survey_form": survey_form,
        "hold_form": overrides.get("hold_form") or HoldForm(formdata=None, prefix="hold"),
        "release_form": overrides.get("release_form") or ReleaseForm(formdata=None),
        "callback_form": overrides.get("callback_form") or CallbackForm(
            formdata=None, outcomes=OUTCOME_LABELS),
        "remedy_form": RemedyForm(formdata=None),
        "reason_below": rules.REASON_BELOW,
    }
    return render("survey/contact.html", block, status=status, **context)


@bp.route("/survey/contacts/<int:contact_id>")
@roles(*READERS)
def contact(contact_id: int):
    g.nav_active = "survey"
    return _contact_page(_contact(contact_id))


@bp.route("/survey/contacts/<int:contact_id>/script")
@roles(*QUALITY_ROLES)
def script(contact_id: int):
    """The handling script of the chosen category, beside the survey form (htmx), or the page
    with it shown (without JavaScript)."""
    contact = _contact(contact_id)
    category = config_service.get_category(request.args.get("category"))
    if category is not None and category.channel != contact.channel:
        category = None
    form = SurveyForm(formdata=None, category=str(category.id) if category else "")
    return _contact_page(contact, block="category_script", script_category=category,
                         survey_form=form)


def _go(contact_id: int, message: str, anchor: str):
    flash(message, "success")
    return hx_redirect(url_for("survey.contact", contact_id=contact_id) + "#" + anchor)


def _refused(contact_id: int, exc, status: int = 409):
    flash(translate(exc), "error")
    return _contact_page(_contact(contact_id), status=status)


def _invalid(contact_id: int, name: str, form, exc: FormProblems | None = None):
    if exc is not None:
        _put_problems(form, exc)
    return _contact_page(_contact(contact_id), status=422, **{name: form})


def _act(contact_id, call, message, anchor, name=None, form=None):
    try:
        call()
    except FormProblems as exc:
        if name is None:
            return _refused(contact_id, exc)
        return _invalid(contact_id, name, form, exc)
    except InvalidTransition as exc:
        return _refused(contact_id, exc)
    except NotFound:
        abort(404)
    return _go(contact_id, message, anchor)


@bp.route("/survey/contacts/<int:contact_id>/marks", methods=["POST"])
@roles(*QUALITY_ROLES)
def marks(contact_id: int):
    """需调研/无需调研, 需回访/无需回访."""
    _contact(contact_id)
    form = MarksForm(prefix="marks")
    if not form.validate():
        return _invalid(contact_id, "marks_form", form)
    return _act(contact_id, lambda: contacts_service.set_marks(
        contact_id, needs_survey=yes_no(form.needs_survey.data) is True,
        needs_callback=yes_no(form.needs_callback.data), actor=current_user, now=utcnow(),
        version=form.version.data), _("Marks saved."), "marks", "marks_form", form)


@bp.route("/survey/contacts/<int:contact_id>/review", methods=["POST"])
@roles(*QUALITY_ROLES)
def review(contact_id: int):
    """The recording / contact record / chat log was reviewed (before the survey or callback)."""
    _contact(contact_id)
    form = ReviewForm()
    form.validate()
    part = "callback" if form.part.data == "callback" else "survey"
    return _act(contact_id, lambda: records_service.confirm_review(
        contact_id, part, actor=current_user, now=utcnow()),
        _("Review confirmed. The record can be filled in now."), part)


@bp.route("/survey/contacts/<int:contact_id>/survey", methods=["POST"])
@roles(*QUALITY_ROLES)
def record_survey(contact_id: int):
    contact = _contact(contact_id)
    form = SurveyForm()
    form.category.choices = [("", "")] + [(str(c.id), c.name)
                                          for c in config_service.categories(contact.channel)]
    form.validate()
    # Every rule is the service's: the fields' messages come back from it in one go.
    return _act(contact_id, lambda: records_service.record_survey(
        contact_id, resolved=yes_no(form.resolved.data), category_id=form.category.data,
        unresolved_issue=form.unresolved_issue.data or "",
        needs_callback=yes_no(form.needs_callback.data), actor=current_user, now=utcnow()),
        _("Survey recorded."), "survey", "survey_form", form)


@bp.route("/survey/contacts/<int:contact_id>/hold", methods=["POST"])
@roles(*QUALITY_ROLES)
def hold(contact_id: int):
    _contact(contact_id)
    form = HoldForm(prefix="hold")
    if not form.validate():
        return _invalid(contact_id, "hold_form", form)
    return _act(contact_id, lambda: records_service.hold_callback(
        contact_id, note=form.note.data, actor=current_user, now=utcnow()),
        _("The callback waits for the business side's result."), "callback", "hold_form", form)


@bp.route("/survey/contacts/<int:contact_id>/chase", methods=["POST"])
@roles(*QUALITY_ROLES)
def chase(contact_id: int):
    _contact(contact_id)
    ReviewForm().validate()
    return _act(contact_id, lambda: records_service.chase(
        contact_id, actor=current_user, now=utcnow()), _("Chase recorded."), "callback")


@bp.route("/survey/contacts/<int:contact_id>/release", methods=["POST"])
@roles(*QUALITY_ROLES)
def release(contact_id: int):
    _contact(contact_id)
    form = ReleaseForm()
    if not form.validate():
        return _invalid(contact_id, "release_form", form)
    return _act(contact_id, lambda: records_service.release_hold(
        contact_id, result=form.result.data, actor=current_user, now=utcnow()),
        _("Result recorded: the callback can go ahead."), "callback", "release_form", form)


@bp.route("/survey/contacts/<int:contact_id>/callback", methods=["POST"])
@roles(*QUALITY_ROLES)
def record_callback(contact_id: int):
    _contact(contact_id)
    form = CallbackForm(outcomes=OUTCOME_LABELS)
    form.validate()
    return _act(contact_id, lambda: records_service.record_callback(
        contact_id, outcome=form.outcome.data, score=form.score.data,
        reason=form.reason.data or "", note=form.note.data or "", actor=current_user,
        now=utcnow()), _("Callback recorded."), "callback", "callback_form", form)


@bp.route("/survey/contacts/<int:contact_id>/reveal", methods=["POST"])
@roles(*QUALITY_ROLES)
def reveal(contact_id: int):
    """The full customer number, once, with an audit entry."""
    _contact(contact_id)
    ReviewForm().validate()
    contact = contacts_service.reveal_phone(contact_id, actor=current_user, now=utcnow())
    return _contact_page(contact, block="contact_phone", revealed=True)


@bp.route("/tickets/<int:ticket_id>/dissatisfied", methods=["POST"])
@roles(*QUALITY_ROLES)
def from_ticket(ticket_id: int):
    """Turn a whitelist ticket into a dissatisfied contact."""
    ReviewForm().validate()
    try:
        contact, created = contacts_service.create_from_ticket(ticket_id, actor=current_user,
                                                               now=utcnow())
    except InvalidTransition as exc:
        flash(translate(exc), "error")
        return hx_redirect(url_for("tickets.show", ticket_id=ticket_id))
    flash(_("Dissatisfied contact created.") if created else
          _("This ticket is a dissatisfied contact already."), "success")
    return hx_redirect(url_for("survey.contact", contact_id=contact.id))


# --- import -----------------------------------------------------------------------------------

def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


@bp.route("/survey/import", methods=["GET", "POST"])
@roles(*QUALITY_ROLES)
def upload():
    """Upload a CSV/XLSX of last week's dissatisfied contacts; the preview follows."""
    g.nav_active = "survey"
    form = UploadForm()
    status = 200
    if request.method == "POST":
        form.validate()
        upload_file = request.files.get("file")
        if upload_file is None or not upload_file.filename:
            form.file.errors = [_("Choose a file.")]
            status = 422
        else:
            try:
                batch = importer.stage(upload_file.stream, upload_file.filename,
                                       actor=current_user, now=utcnow())
            except FormProblems as exc:
                _put_problems(form, exc)
                status = 422
            else:
                return hx_redirect(url_for("survey.preview", batch_id=batch.id))
    return render("survey/import.html", "import_form", status=status, form=form,
                  header=importer.TEMPLATE_HEADER, max_size=_size_text(import_limit()),
                  max_rows=importer.MAX_ROWS)


@bp.route("/survey/imports/<int:batch_id>")
@roles(*QUALITY_ROLES)
def preview(batch_id: int):
    g.nav_active = "survey"
    try:
        batch = importer.get_batch(batch_id, actor=current_user)
    except NotFound:
        abort(404)
    good = importer.good_count(batch)
    return render("survey/preview.html", batch=batch, problems=importer.problems_of(batch),
                  good=good, new=max(good - batch.known_rows, 0), problem_text=_problem_text,
                  form=ReviewForm(formdata=None))


@bp.route("/survey/imports/<int:batch_id>/confirm", methods=["POST"])
@roles(*QUALITY_ROLES)
def confirm_import(batch_id: int):
    ReviewForm().validate()
    try:
        added = importer.confirm(batch_id, actor=current_user, now=utcnow())
    except NotFound:
        abort(404)
    except InvalidTransition as exc:
        flash(translate(exc), "error")
        return hx_redirect(url_for("survey.preview", batch_id=batch_id))
    flash(_("Imported %(n)d dissatisfied contacts.", n=added), "success")
    return hx_redirect(url_for("survey.preview", batch_id=batch_id))


# --- remedy tasks -----------------------------------------------------------------------------

@bp.route("/survey/remedies")
@roles(*REMEDY_READERS)
def remedies():
    """补救任务: dissatisfied callbacks, with the 1-hour and 3-working-day clocks."""
    g.nav_active = "remedies"
    show_all = request.args.get("all") == "1"
    tasks = remedies_service.remedy_tasks(actor=current_user, open_only=not show_all)
    forms = g.pop("remedy_forms", {})
    return render("survey/remedies.html", tasks=tasks, now=utcnow(), show_all=show_all,
                  forms=forms, blank=RemedyForm(formdata=None),
                  may_act=current_user.role == Role.DUTY_MANAGER)


@bp.route("/survey/remedies/<int:task_id>/contacted", methods=["POST"])
@roles(Role.DUTY_MANAGER)
def remedy_contacted(task_id: int):
    """The supervisor reached the customer (the 1-hour clock)."""
    return _remedy_step(task_id, "contacted")


@bp.route("/survey/remedies/<int:task_id>/remedied", methods=["POST"])
@roles(Role.DUTY_MANAGER)
def remedy_done(task_id: int):
    """The remedy is in place (the 3-working-day clock)."""
    return _remedy_step(task_id, "remedied")


def _remedy_step(task_id: int, step: str):
    form = RemedyForm(prefix=f"t{task_id}-{step}")
    try:
        remedies_service.get_remedy(task_id, actor=current_user)
    except NotFound:
        abort(404)
    def again():
        g.remedy_forms = {(task_id, step): form}
        response = remedies()
        response.status_code = 422
        return response

    if not form.validate():
        return again()
    try:
        remedies_service.remedy_step(task_id, step, note=form.note.data, actor=current_user,
                            now=utcnow(), version=form.version.data)
    except FormProblems as exc:
        _put_problems(form, exc)
        return again()
    except InvalidTransition as exc:
        flash(translate(exc), "error")
        return hx_redirect(url_for("survey.remedies"))
    flash(_("Customer contact recorded.") if step == "contacted" else
          _("Remedy recorded."), "success")
    return hx_redirect(url_for("survey.remedies") + f"#task-{task_id}")


# --- KPIs and exports -------------------------------------------------------------------------

def _scope(args):
    today = local_today()
    period = args.get("period") if args.get("period") in set(Period) else Period.MONTH
    anchor = parse_day(args.get("date"), today)
    start = parse_day(args.get("from"), today) if args.get("from") else None
    end = parse_day(args.get("to"), today) if args.get("to") else None
    span = span_of(Period(period), anchor, start, end)
    by = args.get("by") if args.get("by") in kpis_service.BREAKDOWNS else "agent"
    return Period(period), anchor, span, by


def _last_day(span: Span) -> date:
    return span.end - timedelta(days=1)


@bp.route("/survey/kpis")
@roles(*REPORT_ROLES)
def kpis():
    """回访指标: the four KPIs with their formulas, per agent / team / callback agent, the
    monthly ranking, weekly trend and the QQ common causes."""
    g.nav_active = "survey_kpis"
    period, anchor, span, by = _scope(request.args)
    k = kpis_service.kpis(span, actor=current_user)
    rows = kpis_service.breakdown(span, by, actor=current_user)
    month = span_of(Period.MONTH, anchor)
    ranking = [r for r in kpis_service.breakdown(month, "agent", actor=current_user)
               if r.key is not None][:10]
    weeks = weeks_back(min(_last_day(span), local_today()), 12)
    points = kpis_service.trend(weeks, actor=current_user)
    causes = kpis_service.qq_causes(span, actor=current_user)
    cause_weeks = weeks[-8:]
    cause_trend = kpis_service.qq_cause_trend(cause_weeks, [name for name, _n in causes[:5]],
                                                actor=current_user)
    return render("survey/kpis.html", "kpis", period=period, anchor=anchor, span=span, by=by,
                  last_day=_last_day(span), k=k, rows=rows, ranking=ranking, month=month,
                  chart=week_chart(points), causes=hbars([(n, c, None) for n, c in causes]),
                  cause_rows=causes, cause_weeks=cause_weeks, cause_trend=cause_trend,
                  bands=config_service.bands(), by_labels=BY_LABELS,
                  may_audit=current_user.role == Role.OWNER)


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


@bp.route("/survey/kpis/export.xlsx")
@roles(*REPORT_ROLES)
def export_kpis():
    from services.xlsx import xlsx_response
    _period, _anchor, span, by = _scope(request.args)
    header = [_("Rank"), str(BY_LABELS[by]), _("Callbacks due"), _("Callbacks done"),
              _("Callback completion rate"), _("满意"), _("较满意"), _("Customer satisfaction"),
              _("Issues raised"), _("Resolved"), _("Problem resolution rate"),
              _("Records sampled"), _("Records accurate"), _("Callback record accuracy")]

    def rows():
        for r in kpis_service.breakdown(span, by, actor=current_user):
            c = r.counts
            yield [r.rank or "", r.label or _("Unknown"), c.callbacks_due, c.callbacks_done,
                   _pct(c.completion_rate), c.satisfied, c.fairly, _pct(c.satisfaction_rate),
                   c.issues, c.resolved, _pct(c.resolution_rate), c.sampled, c.accurate,
                   _pct(c.accuracy_rate)]

    return xlsx_response(_("Survey and callback KPIs"), header, rows(),
                         filename=f"callback-kpis-{span.start.isoformat()}.xlsx")


@bp.route("/survey/records/export.xlsx")
@roles(*QUALITY_ROLES, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER)
def export_records():
    """调研回访记录: contacts whose survey or callback was due in the period (numbers masked)."""
    from services.xlsx import xlsx_response
    _period, _anchor, span, _by = _scope(request.args)
    yes, no = _("Yes"), _("No")

    def flag(value):
        return "" if value is None else (yes if value else no)

    header = [_("Contact time"), _("Channel"), _("Customer phone"), _("Agent no."),
              _("Issue summary"), _("Score"), _("Needs a survey"), _("Surveyed at"),
              _("Surveyor"), _("Cause category"), _("Resolved"), _("Unresolved problem"),
              _("Needs a callback"), _("Callback due"), _("Called back at"), _("Callback agent"),
              _("Outcome"), _("Satisfaction"), _("Reason for the score"), _("Follow-ups")]

    def rows():
        for c in kpis_service.records(span, actor=current_user):
            s = c.survey
            first = c.callbacks[0] if c.callbacks else None
            yield [localtime(c.contact_at), channel_label(c.channel), mask_phone(c.phone),
                   c.agent_no, c.summary, c.score if c.score is not None else "",
                   flag(c.needs_survey), localtime(c.surveyed_at),
                   s.surveyed_by.name if s else "", s.category.name if s else "",
                   flag(c.resolved), s.unresolved_issue if s else "", flag(c.needs_callback),
                   c.callback_due_on.isoformat() if c.callback_due_on else "",
                   localtime(c.callback_done_at), first.recorded_by.name if first else "",
                   outcome_label(first.outcome) if first else "",
                   first.score if first else "", first.reason if first else "",
                   max(len(c.callbacks) - 1, 0)]

    return xlsx_response(_("Survey and callback record"), header, rows(),
                         filename=f"survey-records-{span.start.isoformat()}.xlsx")


# --- the owner's sample audit -----------------------------------------------------------------

@bp.route("/survey/audits", methods=["GET", "POST"])
@roles(Role.OWNER)
def audits():
    """回访记录抽检: draw N callback records at random and mark each accurate or not."""
    g.nav_active = "survey_kpis"
    today = local_today()
    month = span_of(Period.MONTH, today)
    form = DrawForm(start=month.start, end=_last_day(month), size=10)
    status = 200
    if request.method == "POST":
        if form.validate():
            start, end = sorted((form.start.data, form.end.data))
            try:
                sample = audits_service.draw_sample(Span(start, end + timedelta(days=1)),
                                             form.size.data, actor=current_user, now=utcnow())
            except FormProblems as exc:
                _put_problems(form, exc)
                status = 422
            else:
                flash(_("%(n)d records drawn.", n=sample.size), "success")
                return hx_redirect(url_for("survey.audit_sample", audit_id=sample.id))
        else:
            status = 422
    return render("survey/audits.html", form=form,
                  samples=audits_service.sample_audits(actor=current_user),
                  status=status,
                  last_day=lambda s: (s.period_end - timedelta(days=1)).isoformat())


@bp.route("/survey/audits/<int:audit_id>")
@roles(Role.OWNER)
def audit_sample(audit_id: int, status: int = 200, forms=None):
    g.nav_active = "survey_kpis"
    try:
        sample = audits_service.get_sample(audit_id, actor=current_user)
    except NotFound:
        abort(404)
    forms = forms or {}
    for item in sample.items:
        forms.setdefault(item.id, MarkForm(
            formdata=None, prefix=f"i{item.id}",
            accurate=None if item.accurate is None else ("yes" if item.accurate else "no"),
            note=item.note))
    return render("survey/audit.html", sample=sample, forms=forms, status=status,
                  last_day=_last_day(Span(sample.period_start, sample.period_end)))


@bp.route("/survey/audit-items/<int:item_id>", methods=["POST"])
@roles(Role.OWNER)
def mark_item(item_id: int):
    form = MarkForm(prefix=f"i{item_id}")
    audit_id = audits_service.get_item(item_id, actor=current_user).audit_id
    if not form.validate():
        return audit_sample(audit_id, status=422, forms={item_id: form})
    try:
        audits_service.mark_item(item_id, accurate=yes_no(form.accurate.data), note=form.note.data,
                          actor=current_user, now=utcnow())
    except FormProblems as exc:
        _put_problems(form, exc)
        return audit_sample(audit_id, status=422, forms={item_id: form})
    return hx_redirect(url_for("survey.audit_sample", audit_id=audit_id) + f"#item-{item_id}")


# --- configuration ----------------------------------------------------------------------------

def _dates(text: str) -> tuple[list[date], list[str]]:
    good, bad = [], []
    for token in (text or "").replace(",", "\n").replace("，", "\n").split():
        try:
            good.append(date.fromisoformat(token.strip()))
        except ValueError:
            bad.append(token.strip())
    return good, bad


def _config_page(status=200, category_form=None, settings_form=None):
    g.nav_active = "survey_config"
    cal, b = config_service.calendar(), config_service.bands()
    if category_form is None:
        category_form = CategoryForm(formdata=None)
    category_form.channel.choices = [(k.value, str(v)) for k, v in CHANNEL_LABELS.items()]
    settings_form = settings_form or SettingsForm(
        formdata=None, holidays="\n".join(d.isoformat() for d in sorted(cal.holidays)),
        workdays="\n".join(d.isoformat() for d in sorted(cal.workdays)),
        satisfied_min=b.satisfied_min, fairly_min=b.fairly_min)
    return render("survey/config.html", status=status,
                  categories=config_service.categories(active_only=False),
                  category_form=category_form, settings_form=settings_form)


@bp.route("/survey/config")
@roles(*CONFIG_ROLES)
def config():
    """Cause categories and their handling scripts, holidays, satisfaction bands."""
    return _config_page()


@bp.route("/survey/config/categories", methods=["POST"])
@roles(*CONFIG_ROLES)
def save_category():
    form = CategoryForm()
    form.channel.choices = [(k.value, str(v)) for k, v in CHANNEL_LABELS.items()]
    if not form.validate():
        return _config_page(422, category_form=form)
    try:
        config_service.save_category(channel=form.channel.data, name=form.name.data,
                              script=form.script.data or "", active=form.active.data,
                              actor=current_user, now=utcnow())
    except FormProblems as exc:
        _put_problems(form, exc)
        return _config_page(422, category_form=form)
    flash(_("Category saved."), "success")
    return hx_redirect(url_for("survey.config") + "#categories")


@bp.route("/survey/config/settings", methods=["POST"])
@roles(*CONFIG_ROLES)
def save_settings():
    form = SettingsForm()
    if not form.validate():
        return _config_page(422, settings_form=form)
    holidays, bad_h = _dates(form.holidays.data)
    workdays, bad_w = _dates(form.workdays.data)
    if bad_h or bad_w:
        if bad_h:
            form.holidays.errors = [_("Not a date: %(value)s", value="、".join(bad_h[:5]))]
        if bad_w:
            form.workdays.errors = [_("Not a date: %(value)s", value="、".join(bad_w[:5]))]
        return _config_page(422, settings_form=form)
    try:
        config_service.save_settings(holidays=holidays, workdays=workdays,
                              satisfied_min=form.satisfied_min.data,
                              fairly_min=form.fairly_min.data, actor=current_user, now=utcnow())
    except FormProblems as exc:
        _put_problems(form, exc)
        return _config_page(422, settings_form=form)
    flash(_("Settings saved."), "success")
    return hx_redirect(url_for("survey.config") + "#settings")


def contact_day(contact) -> date:
    return local_day(contact.contact_at)


bp.add_app_template_global(contact_day, "contact_day")
