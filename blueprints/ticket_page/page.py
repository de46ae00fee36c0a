"""Loading a ticket for the signed-in user, and rendering its page with the panels this user
may use now (templates/tickets/show.html)."""
from flask import abort
from flask_login import current_user

from blueprints._htmx import render
from blueprints.forms import VersionForm
from blueprints.refusal import flash_form_problems
from blueprints.tickets.forms import ReturnForm
from blueprints.ui import ELEMENT_LABELS
from domain.errors import NotFound
from domain.reply import DECIDERS
from domain.roles import FILERS, QUALITY, SEES_ALL_HANDED_OVER
from domain.tickets import Action
from services import evidence as evidence_service
from services import tickets as service
from services.clock import utcnow

from .appeal import appeal_context, shows_appeal
from .quality import panel_context
from .supervision import ticket_section

#: Who may open a ticket page (the service narrows it to the tickets each may see).
VIEWERS = tuple(FILERS | SEES_ALL_HANDED_OVER)


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


def show_ticket(ticket, *, status=200, block=None, return_form=None, revealed=False,
                page=None, order_form=None, **panel_overrides):
    """The ticket page; `panel_overrides` carry a panel's form bound to what was posted, by
    its name in the panel (judge_form, appeal_form, ref_form …), shown with its messages.
    Forms are built only for the moves this user may make now (the page shows no other)."""
    if status == 422:
        flash_form_problems()  # the one line at the top; the form's summary says the rest
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
        panels = panel_context(ticket, current_user, now, **panel_overrides)
    appeal_panel = {}
    if shows_appeal(ticket, current_user, actions):  # else the page has no appeal panel
        appeal_panel = appeal_context(ticket, current_user, now, actions, **panel_overrides)
    evidence_shown = page.has_evidence or evidence_service.may_manage(ticket, current_user)
    supervision = ticket_section(ticket, page, order_form)
    return render("tickets/show.html", block, status=status, ticket=ticket, actions=actions,
                  supervision=supervision,
                  timeline=service.timeline(ticket), return_form=return_form,
                  sign_form=sign_form, now=now, page=page, evidence_shown=evidence_shown,
                  panels=panels, appeal_panel=appeal_panel, revealed=revealed,
                  posted_forms=panel_overrides)
