"""Ticket pages. Who may use each route is declared on it; scope (own / team / signed over)
is enforced by the service, which answers NotFound for tickets outside it."""
import uuid
from datetime import timedelta

from flask import flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer, translate
from blueprints._htmx import hx_redirect, render, wants_fragment
from blueprints.forms import VersionForm
from blueprints.ticket_page import VIEWERS, load_page, load_ticket, show_ticket
from blueprints.ticket_page.actions import act
from blueprints.ui import (ELEMENT_LABELS, GROUP_LABELS, VERDICT_LABELS, localtime, parse_day,
                          state_label)
from domain.errors import Conflict
from domain.roles import Role
from domain.periods import Span
from domain.phones import mask_phone
from domain.tickets import Action, State
from services import appeals as appeals_service
from services import quality as quality_service
from services import tickets as service
from services.clock import local_today, utcnow
from services.reports import utc_bounds

from . import bp
from .forms import LookupForm, ResubmitForm, ReturnForm, TicketForm, TransferredTicketForm

MAX_PAGE = 10_000


def element_label_text(name: str) -> str:
    return str(ELEMENT_LABELS[name])


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
    form = ResubmitForm(obj=None if request.method == "POST" else ticket)

    def page(status, bound=None):
        if bound is not None:
            return render("tickets/form.html", "ticket_form", status=status, form=bound,
                          ticket=ticket)
        # Refused: the ticket page, as it is now, says why. htmx would swap it into the
        # form, so it is sent there instead.
        if wants_fragment():
            return hx_redirect(url_for("tickets.show", ticket_id=ticket.id))
        return show_ticket(load_ticket(ticket.id), status=status)

    if request.method == "GET":
        form.version.data = ticket.version
        return page(200, form)
    return answer(lambda: service.resubmit_ticket(
        ticket.id, form.to_input(), actor=current_user, now=utcnow(),
        version=form.version.data), page=page, form=form,
        done=_("Ticket %(number)s resubmitted.", number=ticket.number),
        back=url_for("tickets.show", ticket_id=ticket.id))


@bp.route("/<int:ticket_id>/return", methods=["POST"])
@roles(Role.TEAM_LEAD)
def return_to_staff(ticket_id: int):
    """The lead returns the ticket to the agent (退回)."""
    ticket = load_ticket(ticket_id)
    form = ReturnForm(element_labels=ELEMENT_LABELS)
    return act(ticket.id, lambda: service.return_to_staff(
        ticket.id, actor=current_user, now=utcnow(), elements=form.elements.data,
        note=(form.note.data or "").strip(), version=form.version.data),
        _("Ticket %(number)s returned to %(name)s.", number=ticket.number,
          name=ticket.submitter.name), form=form, form_name="return_form", anchor=None)


@bp.route("/<int:ticket_id>/sign", methods=["POST"])
@roles(Role.TEAM_LEAD)
def sign(ticket_id: int):
    """The lead signs the ticket over to the quality team (签字确认), from its page or from
    the review queue (which names itself as the form's `next`)."""
    ticket = load_ticket(ticket_id)
    form = VersionForm()
    return act(ticket.id, lambda: service.sign_handover(
        ticket.id, actor=current_user, now=utcnow(), version=form.version.data),
        _("Ticket %(number)s signed over to the quality team.", number=ticket.number),
        form=form, anchor=None)
