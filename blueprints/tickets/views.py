"""Ticket pages. Who may use each route is declared on it; scope (own / team / signed over)
is enforced by the service, which answers NotFound for tickets outside it."""
import uuid
from datetime import timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import hx_redirect, is_htmx, render
from blueprints.forms import VersionForm
from blueprints.ui import (ELEMENT_LABELS, GROUP_LABELS, VERDICT_LABELS, localtime, parse_day,
                          state_label)
from domain.errors import Conflict, InvalidTransition, NotFound
from domain.roles import FILERS, QUALITY, SEES_ALL_HANDED_OVER, Role
from domain.periods import Span
from domain.reply import DECIDERS
from domain.phones import mask_phone
from domain.tickets import Action, State
from services import appeals as appeals_service
from services import evidence as evidence_service
from services import quality as quality_service
from services import tickets as service
from services.clock import local_today, utcnow
from services.reports import utc_bounds

from . import bp
from .forms import LookupForm, ReturnForm, TicketForm, TransferredTicketForm

VIEWERS = tuple(FILERS | SEES_ALL_HANDED_OVER)
MAX_PAGE = 10_000


def element_label_text(name: str) -> str:
    return str(ELEMENT_LABELS[name])


def translate(exc) -> str:
    """A domain error's message in the user's language."""
    params = dict(exc.params)
    if "state" in params:
        params["state"] = state_label(params["state"])
    return _(exc.message, **params)


def load_ticket(ticket_id: int):
    """The ticket, or 404 when it does not exist or the user may not see it."""
    try:
        return service.get_ticket(ticket_id, actor=current_user)
    except NotFound:
        abort(404)


def load_page(ticket_id: int):
    """The ticket with what its page shows (service.load_page), or 404 like load_ticket."""
    try:
        return service.load_page(ticket_id, actor=current_user)
    except NotFound:
        abort(404)


@bp.route("/new", methods=["GET", "POST"])
@roles(Role.STAFF, Role.TEAM_LEAD)
def new():
    g.nav_active = "new"
    form = TicketForm()
    if request.method == "GET" or len(form.idempotency_key.data or "") > 64:
        form.idempotency_key.data = uuid.uuid4().hex
    if form.validate_on_submit():
        try:
            ticket = service.submit_ticket(
                form.to_input(), actor=current_user, now=utcnow(),
                idempotency_key=(form.idempotency_key.data or None))
        except Conflict as exc:
            flash(translate(exc), "error")
            form.idempotency_key.data = uuid.uuid4().hex
        else:
            flash(_("Ticket %(number)s submitted. Your team lead reviews it within 2 hours.",
                    number=ticket.number), "success")
            return hx_redirect(url_for("tickets.show", ticket_id=ticket.id))
    elif not form.idempotency_key.data:
        form.idempotency_key.data = uuid.uuid4().hex
    return render("tickets/form.html", "ticket_form", status=422 if form.errors else 200,
                  form=form, ticket=None)


@bp.route("/transferred/new", methods=["GET", "POST"])
@roles(Role.CHECKER, Role.OWNER)
def new_transferred():
    """录入转来工单: a complaint about a front-desk agent transferred from another line."""
    g.nav_active = "quality"
    sources = {k: v for k, v in GROUP_LABELS.items() if k != "front"}
    form = TransferredTicketForm(sources=sources)
    if request.method == "GET" or len(form.idempotency_key.data or "") > 64:
        form.idempotency_key.data = uuid.uuid4().hex
    if form.validate_on_submit():
        try:
            ticket = service.enter_transferred(
                form.to_input(), source=form.source.data, actor=current_user, now=utcnow(),
                idempotency_key=form.idempotency_key.data or None)
        except Conflict as exc:
            target = form.source if "transferred from" in exc.message else form.accused_no
            target.errors = [*target.errors, translate(exc)]
        else:
            flash(_("Ticket %(number)s entered and waiting in the quality queue.",
                    number=ticket.number), "success")
            return hx_redirect(url_for("tickets.show", ticket_id=ticket.id))
    return render("tickets/form.html", "ticket_form", status=422 if form.errors else 200,
                  form=form, ticket=None, transferred=True)


@bp.route("/lookup", methods=["GET", "POST"])
@roles(*VIEWERS)
def lookup():
    """A customer calls back: the explanation scripts recorded for their number (no verdict,
    no other ticket data — any agent may use them). The number is posted and the result
    rendered in the answer: it never appears in a URL."""
    g.nav_active = "lookup"
    form = LookupForm()
    phone = form.phone.phone if form.validate_on_submit() else None
    rows = quality_service.explanations_for(phone) if phone else []
    return render("tickets/lookup.html", status=422 if form.errors else 200, form=form,
                  phone=phone, rows=rows)


LIST_ARGS = ("state", "from", "to", "on", "team", "group", "checker", "verdict", "method",
             "accused", "accused_team")


def filters_from(args) -> tuple[service.TicketFilter, dict]:
    """The list filter from the query string, and the arguments that were understood (to
    carry into pagination and export links)."""
    today = local_today()
    start = parse_day(args.get("from"), today) if args.get("from") else None
    end = parse_day(args.get("to"), today) if args.get("to") else None
    bounds = (None, None)
    if start or end:
        bounds = utc_bounds(Span(start or end, (end or start) + timedelta(days=1)))
    known = {k: args.get(k) for k in LIST_ARGS if args.get(k)}
    filters = service.TicketFilter(
        state=args.get("state") or None, start=bounds[0], end=bounds[1],
        moment=args.get("on") if args.get("on") in service.MOMENTS else "created",
        team_id=args.get("team", type=int), group=args.get("group") or None,
        checker_id=args.get("checker", type=int), verdict=args.get("verdict") or None,
        reply_method=args.get("method") or None, accused_no=args.get("accused") or None,
        accused_team_id=args.get("accused_team", type=int))
    return filters, known


@bp.route("/")
@roles(*VIEWERS)
def index():
    g.nav_active = "mine"
    filters, known = filters_from(request.args)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows, has_more = service.list_tickets(actor=current_user, page=page, filters=filters)
    narrowed = {k: v for k, v in known.items() if k != "state"}
    return render("tickets/index.html", "ticket_rows", rows=rows, has_more=has_more,
                  page=page, state=filters.state, args=known, narrowed=narrowed, now=utcnow())


@bp.route("/export.xlsx")
@roles(*VIEWERS)
def export():
    """内部服务质量自控提交表: the rows of the list as filtered, phones masked."""
    from services.xlsx import xlsx_response
    filters, _known = filters_from(request.args)
    header = [_("Ticket no."), element_label_text("submitter_no"),
              element_label_text("caller_number"), element_label_text("contact_number"),
              element_label_text("complaint"), element_label_text("demand"),
              element_label_text("accused_no"), _("State"), _("Submitted at"),
              _("Verdict in force (final after an appeal)")]

    def rows():
        states = {}  # a dozen states, translated once each rather than once per row
        verdicts = {v: str(k) for v, k in VERDICT_LABELS.items()}
        for t in service.iter_tickets(current_user, filters):
            if t.state not in states:
                states[t.state] = state_label(t.state)
            yield [t.number, t.submitter.employee_no, mask_phone(t.caller_number),
                   mask_phone(t.contact_number), t.complaint, t.demand, t.accused_no or "",
                   states[t.state], localtime(t.submitted_at), verdicts.get(t.verdict, "")]

    return xlsx_response(_("Self-control tickets"), header, rows(), filename="tickets.xlsx")


def show_ticket(ticket, *, status=200, block=None, return_form=None, revealed=False,
                page=None, order_form=None, **panel_overrides):
    """The ticket page; `panel_overrides` carry a quality form bound to its errors. Forms are
    built only for the moves this user may make now (the page shows no other)."""
    if page is None:
        ticket, page = load_page(ticket.id)
    now = utcnow()
    actions = service.permitted_actions(ticket, current_user)
    if return_form is None and Action.RETURN_TO_STAFF in actions:
        return_form = ReturnForm(element_labels=ELEMENT_LABELS, formdata=None,
                                 version=ticket.version)
    sign_form = VersionForm(formdata=None, version=ticket.version) \
        if Action.SIGN in actions else None
    panels = {}
    if current_user.role_enum in QUALITY or Action.CONFIRM_RETURN in actions \
            or (ticket.escalated_at is not None and current_user.role_enum in DECIDERS):
        from blueprints.quality.panels import panel_context
        panels = panel_context(ticket, current_user, now, **panel_overrides)
    appeal_panel = {}
    from blueprints.appeals.panel import appeal_context, shows_appeal
    if shows_appeal(ticket, current_user, actions):  # else the page has no appeal panel
        appeal_panel = appeal_context(ticket, current_user, now, actions, **panel_overrides)
    evidence_shown = page.has_evidence or evidence_service.may_manage(ticket, current_user)
    from blueprints.supervision.panel import ticket_section
    supervision = ticket_section(ticket, page, order_form)
    return render("tickets/show.html", block, status=status, ticket=ticket, actions=actions,
                  supervision=supervision,
                  timeline=service.timeline(ticket), return_form=return_form,
                  sign_form=sign_form, now=now, page=page, evidence_shown=evidence_shown,
                  panels=panels, appeal_panel=appeal_panel, revealed=revealed)


@bp.route("/<int:ticket_id>")
@roles(*VIEWERS)
def show(ticket_id: int):
    g.nav_active = "mine"
    ticket, page = load_page(ticket_id)
    now = utcnow()
    # Reading a ticket closes its vote or the ticket itself when their time has come (the
    # sweep closes the others).
    vote_due = ticket.state == State.VOTING and ticket.appeal.vote_deadline is not None \
        and ticket.appeal.vote_deadline <= now
    if (vote_due and appeals_service.close_due_votes(now)) \
            + quality_service.close_if_due(ticket.id, now):
        page = None  # something closed: show_ticket loads the ticket as it is now
    return show_ticket(ticket, page=page)


@bp.route("/<int:ticket_id>/edit", methods=["GET", "POST"])
@roles(Role.STAFF, Role.TEAM_LEAD)
def edit(ticket_id: int):
    """Fix a returned ticket and resubmit it (重新提交)."""
    g.nav_active = "mine"
    ticket = load_ticket(ticket_id)
    if Action.RESUBMIT not in service.permitted_actions(ticket, current_user) \
            and request.method == "GET":
        flash(_("This ticket is not waiting for your changes."), "error")
        return redirect(url_for("tickets.show", ticket_id=ticket.id))
    form = TicketForm(obj=None if request.method == "POST" else ticket)
    if request.method == "GET":
        form.version.data = ticket.version
    if form.validate_on_submit():
        try:
            service.resubmit_ticket(ticket.id, form.to_input(), actor=current_user,
                                    now=utcnow(), version=form.version.data)
        except (InvalidTransition, Conflict) as exc:
            return _back(ticket.id, translate(exc), error=True, status=409)
        flash(_("Ticket %(number)s resubmitted.", number=ticket.number), "success")
        return hx_redirect(url_for("tickets.show", ticket_id=ticket.id))
    return render("tickets/form.html", "ticket_form", status=422 if form.errors else 200,
                  form=form, ticket=ticket)


def _back(ticket_id: int, message: str, *, error: bool, status: int = 200):
    """Answer a lead's action where it was taken: the review queue (a fragment for htmx,
    a redirect otherwise) or the ticket page."""
    flash(message, "error" if error else "success")
    if request.form.get("from") == "queue":
        from blueprints.handover.views import queue_response
        return queue_response(status=status)
    if error and not is_htmx():
        return show_ticket(load_ticket(ticket_id), status=status)
    return hx_redirect(url_for("tickets.show", ticket_id=ticket_id))


@bp.route("/<int:ticket_id>/return", methods=["POST"])
@roles(Role.TEAM_LEAD)
def return_to_staff(ticket_id: int):
    """The lead returns the ticket to the agent (退回)."""
    ticket = load_ticket(ticket_id)
    form = ReturnForm(element_labels=ELEMENT_LABELS)
    if not form.validate():
        return show_ticket(ticket, return_form=form, status=422)
    try:
        service.return_to_staff(ticket.id, actor=current_user, now=utcnow(),
                                elements=form.elements.data, note=(form.note.data or "").strip(),
                                version=form.version.data)
    except (InvalidTransition, Conflict) as exc:
        return _back(ticket.id, translate(exc), error=True, status=409)
    return _back(ticket.id, _("Ticket %(number)s returned to %(name)s.",
                              number=ticket.number, name=ticket.submitter.name), error=False)


@bp.route("/<int:ticket_id>/sign", methods=["POST"])
@roles(Role.TEAM_LEAD)
def sign(ticket_id: int):
    """The lead signs the ticket over to the quality team (签字确认)."""
    ticket = load_ticket(ticket_id)
    form = VersionForm()
    if not form.validate():
        abort(400)
    try:
        service.sign_handover(ticket.id, actor=current_user, now=utcnow(),
                              version=form.version.data)
    except (InvalidTransition, Conflict) as exc:
        return _back(ticket.id, translate(exc), error=True, status=409)
    return _back(ticket.id, _("Ticket %(number)s signed over to the quality team.",
                              number=ticket.number), error=False)
