"""Routes of the quality team (checker, owner) and the lead's 确认退回. Each action is a POST
taken on the ticket page and answered as every action is (blueprints/_actions.answer): a
redirect on success, the page with the form's messages beside the fields (422) or the reason
it was refused (409/403) otherwise."""
from datetime import timedelta

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render, wants_fragment
from blueprints.forms import EmptyForm, VersionForm
from blueprints.ticket_page import load_ticket, show_ticket
from blueprints.ticket_page.actions import act
from blueprints.ticket_page.quality import (decision_form, judge_form, notification_update_form,
                                            reply_form, return_to_lead_form, sms_form)
from blueprints.ui import parse_day, per_language, state_label, texts
from domain.errors import NotAllowed
from domain.reply import DECIDERS
from domain.roles import QUALITY, SEES_ALL_HANDED_OVER, Role
from domain.tickets import State
from services import quality as service
from services import replies
from services.clock import utcnow, work_day_bounds, work_today

from . import bp
from .forms import AccusedForm, AttemptForm, EscalateForm, NotificationForm, QueueFilterForm

QUALITY_ROLES = tuple(QUALITY)


# --- the queue -------------------------------------------------------------------------------

@bp.route("/quality")
@roles(*QUALITY_ROLES)
def queue():
    """The quality team's queue: signed-over tickets by reply deadline, one page of
    QUEUE_PAGE rows at a time; search as you type. `after=<id>` is the next page: the whole
    page without htmx, only its rows (appended in place of the "more" row) with it."""
    g.nav_active = "quality"
    now = utcnow()
    if service.any_due(now):
        service.close_due(now, limit=50)
    form = QueueFilterForm(formdata=request.args)
    filters = service.QueueFilter(group=form.group.data or None, state=form.state.data or None,
                                  checker=form.checker.data or None, q=form.q.data or None)
    after = service.queue_id(request.args.get("after"))
    rows = service.queue(filters, actor=current_user, limit=service.QUEUE_PAGE + 1, after=after)
    more = len(rows) > service.QUEUE_PAGE
    del rows[service.QUEUE_PAGE:]
    kept = {name: value for name, value in form.data.items() if value}
    context = dict(rows=rows, now=now,
                   more_url=url_for("quality.queue", **kept, after=rows[-1].id) if more else None)
    if after is not None and wants_fragment():
        return render("quality/queue.html", "quality_more", **context)
    total = len(rows) if after is None and not more else service.queue_count(
        filters, actor=current_user)
    if not wants_fragment():
        _queue_choices(form)
    return render("quality/queue.html", "quality_rows", form=form, total=total,
                  total_cap=service.QUEUE_COUNT_CAP,
                  first_url=url_for("quality.queue", **kept) if after is not None else None,
                  **context)


@per_language()
def _fixed_choices() -> tuple[list, list, list]:
    """The filter's fixed choices: groups, states and checkers."""
    groups = [("", _("All groups")), *texts("group").items(), ("none", _("Not routed"))]
    states = [("", _("Open work"))] + [
        (s.value, state_label(s)) for s in service.OPEN_STATES + (
            State.RETURNED_TO_LEAD, State.CLOSED)]
    checkers = [("", _("Anyone")), ("me", _("Mine")), ("none", _("Unclaimed"))]
    return groups, states, checkers


def _queue_choices(form: QueueFilterForm) -> None:
    groups, states, checkers = _fixed_choices()
    form.group.choices, form.state.choices = groups, states
    form.checker.choices = checkers + [(str(u.id), f"{u.name} {u.employee_no}")
                                       for u in service.checkers()]


# --- actions on a ticket -----------------------------------------------------------------------

@bp.route("/tickets/<int:ticket_id>/claim", methods=["POST"])
@roles(*QUALITY_ROLES)
def claim(ticket_id: int):
    """认领."""
    load_ticket(ticket_id)
    form = VersionForm()
    return act(ticket_id, lambda: service.claim(
        ticket_id, actor=current_user, now=utcnow(), version=form.version.data),
        _("Claimed. The ticket is yours to verify."), form=form)


@bp.route("/tickets/<int:ticket_id>/accused", methods=["POST"])
@roles(*QUALITY_ROLES)
def set_accused(ticket_id: int):
    load_ticket(ticket_id)
    form = AccusedForm()
    return act(ticket_id, lambda: service.set_accused(
        ticket_id, form.accused_no.data, actor=current_user, now=utcnow()),
        _("Accused employee no. saved; the ticket is routed."), form=form,
        form_name="accused_form")


@bp.route("/tickets/<int:ticket_id>/notifications", methods=["POST"])
@roles(*QUALITY_ROLES)
def log_notification(ticket_id: int):
    load_ticket(ticket_id)
    form = NotificationForm()
    return act(ticket_id, lambda: service.log_notification(
        ticket_id, called_at=form.called_at.utc, other_lead_name=form.other_lead_name.data,
        actor=current_user, now=utcnow()),
        _("Notification logged on the whitelist handover table."), form=form,
        form_name="notification_form")


@bp.route("/notifications/<int:notification_id>", methods=["POST"])
@roles(*QUALITY_ROLES)
def update_notification(notification_id: int):
    row = service.get_notification(notification_id, actor=current_user)
    form = notification_update_form(row, formdata=request.form)

    def page(status, bound=None):
        ticket, forms = load_ticket(row.ticket_id), {}
        if bound is not None:  # this row's form as posted, the other rows' as they are
            forms["notification_forms"] = {n.id: bound if n.id == row.id
                                           else notification_update_form(n)
                                           for n in ticket.notifications}
        return show_ticket(ticket, status=status, **forms)

    return answer(lambda: service.update_notification(
        notification_id, tracking=form.tracking.data, result=form.result.data,
        actor=current_user, now=utcnow()), page=page, form=form,
        done=_("Tracking updated."),
        back=url_for("tickets.show", ticket_id=row.ticket_id, _anchor="quality"))


@bp.route("/tickets/<int:ticket_id>/return-to-lead", methods=["POST"])
@roles(*QUALITY_ROLES)
def return_to_lead(ticket_id: int):
    """退回领班 (R1 / R2)."""
    load_ticket(ticket_id)
    form = return_to_lead_form(formdata=request.form)
    return act(ticket_id, lambda: service.return_to_lead(
        ticket_id, reason=form.reason.data, remarks=form.remarks.data, actor=current_user,
        now=utcnow(), version=form.version.data),
        _("Returned to the team lead, who must sign to confirm."), form=form,
        form_name="return_to_lead_form")


@bp.route("/tickets/<int:ticket_id>/confirm-return", methods=["POST"])
@roles(Role.TEAM_LEAD)
def confirm_return(ticket_id: int):
    """确认退回: the lead signs for a ticket the quality team returned (from its page or from
    the review queue, which names itself as the form's `next`)."""
    load_ticket(ticket_id)
    form = VersionForm()
    return act(ticket_id, lambda: service.confirm_return(
        ticket_id, actor=current_user, now=utcnow(), version=form.version.data),
        _("Return confirmed."), form=form)


@bp.route("/tickets/<int:ticket_id>/judge", methods=["POST"])
@roles(*QUALITY_ROLES)
def judge(ticket_id: int):
    """提交判责."""
    load_ticket(ticket_id)
    form = judge_form(formdata=request.form)
    return act(ticket_id, lambda: service.judge(
        ticket_id, kind=form.kind.data, verdict=form.verdict.data,
        criteria_ids=form.criteria.data or [], basis=form.basis.data or "",
        actor=current_user, now=utcnow(), version=form.version.data),
        _("Judgement recorded."), form=form, form_name="judge_form")


@bp.route("/tickets/<int:ticket_id>/attempts", methods=["POST"])
@roles(*QUALITY_ROLES)
def log_attempt(ticket_id: int):
    """记录联系."""
    load_ticket(ticket_id)
    form = AttemptForm()
    return act(ticket_id, lambda: service.log_attempt(
        ticket_id, at=form.at.utc, reached=form.reached.data == "yes", note=form.note.data,
        actor=current_user, now=utcnow()),
        _("Contact attempt logged."), form=form, form_name="attempt_form", anchor="reply")


@bp.route("/tickets/<int:ticket_id>/sms", methods=["POST"])
@roles(*QUALITY_ROLES)
def send_sms(ticket_id: int):
    """发送短信."""
    load_ticket(ticket_id)
    form = sms_form(formdata=request.form)
    return act(ticket_id, lambda: service.send_sms(
        ticket_id, kind=form.kind.data, text=form.text.data, actor=current_user, now=utcnow()),
        _("SMS recorded in the outbox."), form=form, form_name="sms_form", anchor="reply")


@bp.route("/tickets/<int:ticket_id>/reply", methods=["POST"])
@roles(*QUALITY_ROLES)
def complete_reply(ticket_id: int):
    ticket = load_ticket(ticket_id)
    form = reply_form(formdata=request.form, decided=ticket.reply_decision)
    return act(ticket_id, lambda: service.complete_reply(
        ticket_id, method=form.method.data, note=form.note.data, actor=current_user,
        now=utcnow()), _("Reply recorded."), form=form, form_name="reply_form",
        anchor="reply")


@bp.route("/tickets/<int:ticket_id>/escalate", methods=["POST"])
@roles(*QUALITY_ROLES)
def escalate(ticket_id: int):
    load_ticket(ticket_id)
    form = EscalateForm()
    return act(ticket_id, lambda: service.escalate(
        ticket_id, note=form.note.data, actor=current_user, now=utcnow()),
        _("Escalated to the owner and the duty managers."), form=form,
        form_name="escalate_form", anchor="reply")


@bp.route("/tickets/<int:ticket_id>/reply-decision", methods=["POST"])
@roles(*DECIDERS)
def decide_reply(ticket_id: int):
    """The owner or a duty manager decides how an escalated customer is answered, and by
    whom."""
    load_ticket(ticket_id)
    form = decision_form(formdata=request.form)
    return act(ticket_id, lambda: replies.decide_reply(
        ticket_id, method=form.method.data, replier_id=form.replier_id, note=form.note.data,
        actor=current_user, now=utcnow()),
        _("Decision recorded; the one who replies is alerted."), form=form,
        form_name="decision_form", anchor="reply-decision")


@bp.route("/tickets/<int:ticket_id>/reveal", methods=["POST"])
@roles(*QUALITY_ROLES)
def reveal(ticket_id: int):
    """Show the full customer numbers once, with an audit entry."""
    load_ticket(ticket_id)
    if not EmptyForm().validate():
        abort(400)
    try:
        ticket = service.reveal_phone(ticket_id, actor=current_user, now=utcnow())
    except NotAllowed:
        abort(403)
    return show_ticket(ticket, block="phones", revealed=True)


# --- the whitelist handover table (白名单交接表) ------------------------------------------------

@bp.route("/whitelist-handover")
@roles(*SEES_ALL_HANDED_OVER)
def whitelist_table():
    """白名单交接表: the outbound notifications of one day."""
    g.nav_active = "whitelist"
    day = parse_day(request.args.get("day"), work_today())
    rows = service.notifications_on(*work_day_bounds(day))
    return render("quality/whitelist.html", day=day, rows=rows, today=work_today(),
                  prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1))
