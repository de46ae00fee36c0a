"""系统配置 for the world outside: directory sign-in (目录登录: the settings, read-only, and the
group mapping) and notifications (通知: channels, routes, dead letters). Admin only. Secrets
are never shown: only whether each is set."""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.forms import EmptyForm, Form, NameField
from blueprints.ui import ROLE_LABELS
from domain.errors import FormProblems, NotFound
from domain.notify import EVENTS
from domain.roles import Role
from services import directory
from services import outbox
from services.clock import utcnow

from . import bp

EVENT_LABELS = {
    "review_due": _l("Lead review due in 30 minutes"),
    "returned": _l("Ticket returned to the agent"),
    "reply_due": _l("Customer reply due within 4 hours"),
    "vote": _l("A vote to cast"),
    "appeal": _l("An appeal filed"),
    "warning": _l("A warning raised"),
    "supervision_overdue": _l("A supervision order overdue"),
}
CHANNEL_TYPE_LABELS = {"wecom": _l("WeCom group robot"), "dingtalk": _l("DingTalk robot"),
                       "email": _l("E-mail (SMTP)")}
OUTBOX_STATUS_LABELS = {"pending": _l("Waiting"), "sending": _l("Sending"), "sent": _l("Sent"),
                        "skipped": _l("Skipped (deadline already met)"),
                        "dead": _l("Failed for good")}


class GroupMappingForm(Form):
    """One row of the directory mapping: a group's members get a role (and a team)."""
    group = StringField(_l("Directory group (DN)"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=300, message=_l("At most %(max)d characters."))])
    role = SelectField(_l("Role in Zikong"), choices=[])
    team = NameField(_l("Team"), validators=[
        Length(max=64, message=_l("At most %(max)d characters."))],
        description=_l("For agents and team leads; a new team name creates the team."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, str(ROLE_LABELS[r])) for r in Role]


class RouteForm(Form):
    """Send an event to a channel, for some role or team (or everyone it alerts)."""
    event = SelectField(_l("Event"), choices=[])
    channel = SelectField(_l("Channel"), choices=[])
    role = SelectField(_l("Only for the role"), choices=[])
    team = NameField(_l("Only for the team"), validators=[
        Length(max=64, message=_l("At most %(max)d characters."))],
        description=_l("Empty: whoever the event alerts (a group chat hears it anyway)."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.event.choices = [(k, str(EVENT_LABELS[k])) for k in EVENTS]
        self.channel.choices = [(c.name, c.name) for c in outbox.channel_status()]
        self.role.choices = [("", _("Any role"))] + [(r.value, str(ROLE_LABELS[r]))
                                                     for r in Role if r != Role.ADMIN]


def _problems(form: Form, exc: FormProblems) -> None:
    """A service's field problems beside the fields (the first field for the others)."""
    for name, problem in exc.problems.items():
        message, params = (problem, {}) if isinstance(problem, str) else problem
        getattr(form, name, form[next(iter(form.data))]).errors.append(_(message, **params))


# --- directory ----------------------------------------------------------------------------

def _directory_page(status=200, form=None):
    g.nav_active = "config"
    return render("admin/directory.html", status=status, info=directory.status(),
                  form=form or GroupMappingForm(formdata=None), role_labels=ROLE_LABELS)


@bp.route("/directory")
@roles(Role.ADMIN)
def directory_settings():
    return _directory_page()


@bp.route("/directory/groups", methods=["POST"])
@roles(Role.ADMIN)
def save_group_mapping():
    form = GroupMappingForm()
    if form.validate():
        try:
            directory.save_group(form.group.data, form.role.data, form.team.data or "",
                                 actor=current_user, now=utcnow())
        except FormProblems as exc:
            _problems(form, exc)
        else:
            flash(_("Group mapping saved."), "success")
            return redirect(url_for("admin.directory_settings") + "#mapping", code=303)
    return _directory_page(422, form)


@bp.route("/directory/groups/<int:index>/delete", methods=["POST"])
@roles(Role.ADMIN)
def delete_group_mapping(index: int):
    if EmptyForm().validate():
        if not directory.remove_group(index, actor=current_user, now=utcnow()):
            abort(404)
        flash(_("Group mapping removed."), "success")
    return redirect(url_for("admin.directory_settings") + "#mapping", code=303)


# --- notifications ------------------------------------------------------------------------

def _notify_page(status=200, form=None):
    g.nav_active = "config"
    return render("admin/notifications.html", status=status, form=form or RouteForm(
        formdata=None), channels=outbox.channel_status(), sms=outbox.sms_status(),
        routes=outbox.routes(), counts=outbox.counts(), dead=outbox.dead_letters(),
        event_labels=EVENT_LABELS, type_labels=CHANNEL_TYPE_LABELS,
        status_labels=OUTBOX_STATUS_LABELS, role_labels=ROLE_LABELS)


@bp.route("/notifications")
@roles(Role.ADMIN)
def notifications():
    return _notify_page()


@bp.route("/notifications/routes", methods=["POST"])
@roles(Role.ADMIN)
def save_notify_route():
    form = RouteForm()
    if form.validate():
        try:
            outbox.save_route(form.event.data, form.channel.data, form.role.data,
                              form.team.data or "", actor=current_user, now=utcnow())
        except FormProblems as exc:
            _problems(form, exc)
        else:
            flash(_("Route saved."), "success")
            return redirect(url_for("admin.notifications") + "#routes", code=303)
    return _notify_page(422, form)


@bp.route("/notifications/routes/<int:index>/delete", methods=["POST"])
@roles(Role.ADMIN)
def delete_notify_route(index: int):
    if EmptyForm().validate():
        if not outbox.remove_route(index, actor=current_user, now=utcnow()):
            abort(404)
        flash(_("Route removed."), "success")
    return redirect(url_for("admin.notifications") + "#routes", code=303)


@bp.route("/notifications/<int:message_id>/retry", methods=["POST"])
@roles(Role.ADMIN)
def retry_notification(message_id: int):
    if EmptyForm().validate():
        try:
            outbox.retry(message_id, actor=current_user, now=utcnow())
        except NotFound:
            abort(404)
        flash(_("The message will be sent again with the next run."), "success")
    return redirect(url_for("admin.notifications") + "#dead", code=303)
