"""Home: what the signed-in person should do next, by role."""
from datetime import timedelta

from flask import g
from flask_login import current_user

from blueprints._access import public, signed_in
from blueprints._htmx import render
from blueprints.notes.forms import NoteForm
from domain.roles import APPEAL_CHAIN, QUALITY, SEES_ALL_HANDED_OVER, Role
from services import appeals as appeals_service
from services import feedback as feedback_service
from services import handover as handover_service
from services import notices as notices_service
from services import objections as objections_service
from services import proposals as proposals_service
from services import quality as quality_service
from services import reports as reports_service
from services import supervision as supervision_service
from services import tickets as ticket_service
from services.clock import local_today, utcnow

from . import bp


@bp.route("/healthz")
@public
def healthz():
    return {"status": "ok"}


@bp.route("/")
@signed_in
def home():
    g.nav_active = "home"
    role = current_user.role_enum
    context = {"now": utcnow(), "returned": [], "queue": [], "recent": [], "handover": [],
               "escalated": [], "mine_open": 0, "returns": [], "votes": [], "appeal_work": [],
               "announcements": [], "objection_work": [], "my_orders": [], "my_notes": [],
               "note_form": None, "order_counts": None, "notes_pending": None,
               "proposals_waiting": [], "team_agents": []}
    if role != Role.ADMIN:
        context["announcements"] = notices_service.unread_announcements(current_user)
        context["my_orders"] = supervision_service.open_for(current_user)
        context["votes"] = appeals_service.my_open_votes(current_user)
        context["appeal_work"] = appeals_service.waiting_for(current_user)
    if role in APPEAL_CHAIN:
        context["objection_work"] = objections_service.waiting_for(current_user,
                                                                   context["now"])
    if role in (Role.STAFF, Role.TEAM_LEAD):
        context["returned"] = ticket_service.returned_to_me(actor=current_user)
        context["recent"], _ = ticket_service.list_tickets(actor=current_user)
        context["recent"] = context["recent"][:8]
        context["my_notes"] = feedback_service.my_notes(current_user, limit=5)
        context["note_form"] = NoteForm(formdata=None)
    if role == Role.TEAM_LEAD:
        context["team_agents"] = reports_service.team_agents(current_user)
        context["queue"] = ticket_service.review_queue(actor=current_user)
        context["returns"] = quality_service.returns_to_confirm(actor=current_user)
    if role in QUALITY:
        context["mine_open"] = quality_service.count_open(current_user)
        context["order_counts"] = supervision_service.open_counts(context["now"])
    if role == Role.DUTY_MANAGER:
        context["notes_pending"] = feedback_service.pending_count(
            local_today() - timedelta(days=1))
    if role in (Role.GROUP_HEAD, Role.SITE_HEAD):
        context["proposals_waiting"] = proposals_service.waiting_for(current_user)
    if role in (Role.OWNER, Role.DUTY_MANAGER):
        context["escalated"] = quality_service.escalated_open()
    if role in SEES_ALL_HANDED_OVER:
        context["handover"] = handover_service.handover_rows(local_today(), actor=current_user)
    return render("main/home.html", **context)
