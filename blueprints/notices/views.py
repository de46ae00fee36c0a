"""Warnings queue (duty managers), announcements (everyone), the bell (everyone)."""
import json

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles, signed_in
from blueprints._actions import answer
from blueprints._htmx import render
from blueprints.forms import EmptyForm
from blueprints.quality.forms import FlagForm
from blueprints.ticket_page import load_ticket
from blueprints.ticket_page.actions import act
from blueprints.ui import bell as bell_fragment
from domain.errors import NotFound
from domain.roles import PANELLIST_ROLES, QUALITY, Role
from services import feedback as feedback_service
from services import notices as service
from services.alerts import mark_read, recent_alerts, unread_count
from services.clock import utcnow

from . import bp
from .forms import AnnouncementForm, MarkReadForm

SENDERS = (Role.DUTY_MANAGER,)
READERS = tuple(PANELLIST_ROLES)  # everyone but IT


@bp.route("/tickets/<int:ticket_id>/flag", methods=["POST"])
@roles(*QUALITY)
def flag(ticket_id: int):
    """易重复投诉点: to the duty managers' warnings queue."""
    load_ticket(ticket_id)
    form = FlagForm()
    return act(ticket_id, lambda: service.flag_recurring(
        ticket_id, note=form.note.data, actor=current_user, now=utcnow()),
        _("Flagged for the duty managers."), form=form, form_name="flag_form", anchor=None)


@bp.route("/warnings")
@roles(Role.DUTY_MANAGER, Role.OWNER)
def warnings():
    """The warnings queue, with the numbers that triggered each one."""
    g.nav_active = "warnings"
    rows = [(w, json.loads(w.figures) if w.figures else {}) for w in service.open_warnings()]
    return render("notices/warnings.html", rows=rows)


def _form_page(form, status=200, warning=None, note=None):
    return render("notices/new.html", status=status, form=form, warning=warning, note=note)


def _source_note(form):
    """The feedback note an announcement is made from (?note=ID), its text as the message."""
    note_id = request.args.get("note", type=int) or form.note_id.data
    if not note_id:
        return None
    try:
        note = feedback_service.get_for_review(note_id, actor=current_user)
    except NotFound:
        abort(404)
    if request.method == "GET":
        form.note_id.data, form.body.data = note.id, note.text
    return note


@bp.route("/announcements/new", methods=["GET", "POST"])
@roles(*SENDERS)
def new_announcement():
    g.nav_active = "announcements"
    form = AnnouncementForm()
    warning = None
    warning_id = request.args.get("warning", type=int) or form.warning_id.data
    if warning_id:
        try:
            warning = service.get_warning(warning_id)
        except NotFound:
            abort(404)
        if request.method == "GET":
            form.warning_id.data = warning.id
    note = _source_note(form)

    def page(status, _bound=None):
        return _form_page(form, status, warning, note)

    if request.method != "POST":
        return page(200)
    return answer(lambda: service.post(
        kind=form.kind.data, title=form.title.data, body=form.body.data,
        recipients=form.employee_nos(), actor=current_user, now=utcnow(),
        warning_id=warning_id, note_id=note.id if note else None),
        page=page, form=form,
        done=lambda notice: _("Sent to %(n)d people.", n=len(notice.recipients)),
        back=lambda notice: url_for("notices.announcement", announcement_id=notice.id))


@bp.route("/announcements")
@roles(*READERS)
def announcements():
    """公告: what you received (acknowledge it), or everything sent, for the duty managers."""
    g.nav_active = "announcements"
    return render("notices/list.html", rows=service.announcements_for(current_user))


@bp.route("/announcements/<int:announcement_id>")
@roles(*READERS)
def announcement(announcement_id: int):
    return _announcement_page(announcement_id)


def _announcement_page(announcement_id: int, status: int = 200):
    g.nav_active = "announcements"
    try:
        notice = service.get_announcement(announcement_id, user=current_user)
    except NotFound:
        abort(404)
    mine = next((r for r in notice.recipients if r.user_id == current_user.id), None)
    return render("notices/show.html", status=status, notice=notice, mine=mine,
                  missing=service.not_acknowledged(notice)
                  if current_user.role_enum in (Role.DUTY_MANAGER, Role.OWNER) else None)


@bp.route("/announcements/<int:announcement_id>/ack", methods=["POST"])
@roles(*READERS)
def acknowledge(announcement_id: int):
    """已阅: the agent confirms they read it (on its page, or on the home page, which names
    itself as the form's `next`)."""
    return answer(lambda: service.acknowledge(announcement_id, actor=current_user,
                                              now=utcnow()),
                  page=lambda status, _bound=None: _announcement_page(announcement_id, status),
                  form=EmptyForm(), done=_("Acknowledged."),
                  back=url_for("notices.announcement", announcement_id=announcement_id))


@bp.route("/alerts/bell")
@signed_in
def bell():
    """The bell's count: polled by every open page, so one indexed COUNT and a fragment
    rendered once per count (never flash messages: a poll must not swallow them)."""
    return bell_fragment(unread_count(current_user))


@bp.route("/alerts")
@signed_in
def alerts():
    """Only shows: marking read is a POST (mark_alerts_read), so that a link from elsewhere
    cannot clear someone's unread alerts."""
    return _alerts_page()


def _alerts_page(status: int = 200):
    g.nav_active = "alerts"
    return render("notices/alerts.html", status=status, rows=recent_alerts(current_user))


@bp.route("/alerts/read", methods=["POST"])
@signed_in
def mark_alerts_read():
    form = MarkReadForm()
    return answer(lambda: mark_read(current_user, utcnow(), alert_id=form.alert.data),
                  page=lambda status, _bound=None: _alerts_page(status), form=form,
                  back=url_for("notices.alerts"))
