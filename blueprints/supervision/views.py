"""督办单 routes: issue from the ticket page (the quality team), the list with overdue orders
on top, an order's page where its answer (or 未答复) is recorded, the A4 print and the XLSX."""
from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import act, on_page
from blueprints._actions import invalid as _invalid
from blueprints._htmx import hx_redirect, render
from blueprints.forms import add_problems
from blueprints.tickets.views import load_ticket, translate
from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.roles import ALL_ROLES, QUALITY, Role
from domain.supervision import ISSUERS, READERS_OF_ALL, Action
from services import supervision as service
from services.survey import contacts as survey_contacts
from services.clock import utcnow

from . import bp
from .forms import AnswerForm, NoAnswerForm, OrderForm

#: Anyone but IT may be the recipient of an order.
READERS = tuple(ALL_ROLES - {Role.ADMIN})
MAX_PAGE = 10_000


@bp.route("/tickets/<int:ticket_id>/supervision", methods=["POST"])
@roles(*ISSUERS)
def issue(ticket_id: int):
    """下督办单 about this ticket."""
    load_ticket(ticket_id)
    form = OrderForm()
    if not form.validate():
        return _invalid(ticket_id, "order_form", form)
    return act(ticket_id, lambda: service.issue_order(
        ticket_id, form.to_input(), actor=current_user, now=utcnow()),
        _("Supervision order issued."), "order_form", form, anchor="supervision")


@bp.route("/survey/contacts/<int:contact_id>/supervision", methods=["GET", "POST"])
@roles(*ISSUERS)
def issue_for_contact(contact_id: int):
    """下督办单 about a dissatisfied contact whose issue involves another department: the form,
    filled in with the contact's issue."""
    g.nav_active = "callback"
    contact = survey_contacts.get_contact(contact_id, actor=current_user)
    if request.method == "POST":
        form = OrderForm()
    else:
        form = OrderForm(formdata=None, request=_(
            "A dissatisfied customer's issue involves your department: %(summary)s Please "
            "handle it and answer by the due time.", summary=contact.summary))

    def page(status=200):
        return render("supervision/new_for_contact.html", status=status, form=form,
                      contact=contact)

    if request.method != "POST":
        return page()
    if not form.validate():
        return page(422)

    def done(_order):
        flash(_("Supervision order issued."), "success")
        return hx_redirect(url_for("survey.contact", contact_id=contact_id) + "#supervision")

    return on_page(lambda: service.issue_for_contact(contact_id, form.to_input(),
                                                     actor=current_user, now=utcnow()),
                   done=done, page=page, form=form)


def _show(show: str) -> str:
    return show if show in service.SHOWS else "open"


@bp.route("/supervision")
@roles(*READERS)
def index():
    """督办: open orders first, earliest due first (the overdue on top); ?show=all for all."""
    g.nav_active = "whitelist" if current_user.role_enum in READERS_OF_ALL else "home"
    show = _show(request.args.get("show"))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows, has_more = service.list_orders(current_user, show=show, page=page)
    return render("supervision/index.html", rows=rows, has_more=has_more, page=page,
                  show=show, now=utcnow(), addressee=service.addressee,
                  sees_tickets=current_user.role_enum in READERS_OF_ALL)


def _load(order_id: int):
    try:
        return service.get_order(order_id, actor=current_user)
    except NotFound:
        abort(404)


def _page(order, *, status=200, answer_form=None, no_answer_form=None):
    may_answer = service.may(Action.ANSWER, order, current_user)
    may_close = service.may(Action.NO_ANSWER, order, current_user)
    if may_answer and answer_form is None:
        answer_form = AnswerForm(formdata=None, version=order.version)
    if may_close and no_answer_form is None:
        no_answer_form = NoAnswerForm(formdata=None, version=order.version)
    return render("supervision/show.html", status=status, order=order, now=utcnow(),
                  answer_form=answer_form if may_answer else None,
                  no_answer_form=no_answer_form if may_close else None,
                  addressee=service.addressee(order),
                  sees_tickets=current_user.role_enum in READERS_OF_ALL,
                  sees_contacts=current_user.role in (QUALITY | {Role.DUTY_MANAGER}))


@bp.route("/supervision/<int:order_id>")
@roles(*READERS)
def show(order_id: int):
    g.nav_active = "whitelist" if current_user.role_enum in READERS_OF_ALL else "home"
    return _page(_load(order_id))


def _record(order_id: int, form, form_name: str, call, success: str):
    order = _load(order_id)
    if not form.validate():
        return _page(order, status=422, **{form_name: form})
    try:
        call(order)
    except FormProblems as exc:
        add_problems(form, exc)
        return _page(_load(order_id), status=422, **{form_name: form})
    except (InvalidTransition, Conflict, NotAllowed) as exc:
        flash(translate(exc), "error")
        return _page(_load(order_id), status=403 if isinstance(exc, NotAllowed) else 409)
    flash(success, "success")
    return hx_redirect(url_for("supervision.show", order_id=order_id))


@bp.route("/supervision/<int:order_id>/answer", methods=["POST"])
@roles(*READERS)
def answer(order_id: int):
    """记录答复 (the recipient, or the quality team for them)."""
    form = AnswerForm()
    return _record(order_id, form, "answer_form", lambda order: service.answer_order(
        order.id, answer=form.answer.data, actor=current_user, now=utcnow(),
        version=form.version.data), _("Answer recorded."))


@bp.route("/supervision/<int:order_id>/no-answer", methods=["POST"])
@roles(*ISSUERS)
def no_answer(order_id: int):
    """记为未答复 (the quality team)."""
    form = NoAnswerForm()
    return _record(order_id, form, "no_answer_form", lambda order: service.record_no_answer(
        order.id, note=form.note.data, actor=current_user, now=utcnow(),
        version=form.version.data), _("Recorded as not answered."))


@bp.route("/supervision/<int:order_id>/print")
@roles(*READERS)
def sheet(order_id: int):
    """督办单, print view (A4, signature lines)."""
    order = _load(order_id)
    return render("supervision/sheet.html", order=order, addressee=service.addressee(order))


@bp.route("/supervision/export.xlsx")
@roles(*READERS)
def export():
    """The list as a spreadsheet (?show=open|all), earliest due first."""
    from blueprints.ui import localtime, supervision_state_text
    from domain.supervision import is_overdue
    from services.xlsx import xlsx_response
    show, now = _show(request.args.get("show")), utcnow()
    header = [_("Order no."), _("Ticket no."), _("What is asked"), _("Addressed to"),
              _("Issued by"), _("Issued at"), _("Answer due by"), _("State"), _("Overdue"),
              _("Answer"), _("Answered at")]

    def rows():
        yes = _("Yes")
        for o in service.iter_orders(current_user, show):
            yield [o.id, o.ticket.number if o.ticket else "", o.request, service.addressee(o),
                   o.issued_by.name, localtime(o.issued_at), localtime(o.due_at),
                   supervision_state_text(o.state),
                   yes if is_overdue(o.state, o.due_at, now) or (
                       o.answered_at and o.answered_at > o.due_at) else "",
                   o.answer, localtime(o.answered_at)]

    return xlsx_response(_("Supervision orders"), header, rows(),
                         filename="supervision-orders.xlsx")

