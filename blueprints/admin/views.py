"""Users and teams in the browser. Admin only."""
from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.ui import ROLE_LABELS
from domain.errors import Conflict, FormProblems, NotFound
from domain.roles import Role
from blueprints.forms import EmptyForm
from services import chain as chain_service
from services import criteria as criteria_service
from services import routing as routing_service
from services import settings as settings_service
from services import users as service
from services.clock import utcnow

from . import bp
from .forms import (CriterionForm, DeputyForm, LimitsForm, RecordingLinkForm, RouteRuleForm,
                    TeamForm, UserForm)


@bp.route("/users")
@roles(Role.ADMIN)
def users():
    g.nav_active = "admin"
    return render("admin/users.html", users=service.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@roles(Role.ADMIN)
def new_user():
    g.nav_active = "admin"
    form = UserForm(role_labels=ROLE_LABELS)
    if form.validate_on_submit():
        if not form.password.data:
            form.password.errors.append(_("Set a first password (at least 8 characters)."))
        else:
            try:
                user, _generated = service.create_user(
                    form.to_input(form.employee_no.data), actor=current_user, now=utcnow())
            except Conflict as exc:
                form.employee_no.errors.append(_(exc.message, **exc.params))
            else:
                flash(_("User %(no)s created.", no=user.employee_no), "success")
                return redirect(url_for("admin.users"), code=303)
    return render("admin/user_form.html", status=422 if form.errors else 200, form=form,
                  user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles(Role.ADMIN)
def edit_user(user_id: int):
    g.nav_active = "admin"
    user = service.get_user(user_id) or abort(404)
    form = UserForm(obj=user, role_labels=ROLE_LABELS)
    if not form.is_submitted():
        form.team.data = user.team.name if user.team else ""
    form.employee_no.data = user.employee_no  # not editable
    if form.validate_on_submit():
        try:
            service.update_user(user.id, form.to_input(user.employee_no), actor=current_user,
                                now=utcnow())
        except (Conflict, NotFound) as exc:
            form.name.errors.append(_(exc.message, **exc.params))
        else:
            flash(_("User %(no)s saved.", no=user.employee_no), "success")
            return redirect(url_for("admin.users"), code=303)
    return render("admin/user_form.html", status=422 if form.errors else 200, form=form,
                  user=user)


@bp.route("/teams", methods=["GET", "POST"])
@roles(Role.ADMIN)
def teams():
    g.nav_active = "admin"
    form = TeamForm()
    if form.validate_on_submit():
        try:
            team = service.create_team(form.name.data, actor=current_user, now=utcnow())
        except Conflict as exc:
            form.name.errors.append(_(exc.message, **exc.params))
        else:
            flash(_("Team %(name)s created.", name=team.name), "success")
            return redirect(url_for("admin.teams"), code=303)
    return render("admin/teams.html", status=422 if form.errors else 200, form=form,
                  teams=service.list_teams())


# --- configuration: time limits, SMS wording, routing table, criteria ------------------------

def _deputy_form(formdata=None) -> DeputyForm:
    form = DeputyForm(formdata=formdata, deputy=settings_service.get("rejudge_deputy"))
    form.deputy.choices = [("", _("The group heads (default)"))] + [
        (u.employee_no, f"{u.name} {u.employee_no} · {ROLE_LABELS[u.role]}")
        for u in chain_service.deputy_candidates()]
    return form


def _config_page(status=200, limits_form=None, route_form=None, criterion_form=None,
                 recording_form=None, deputy_form=None):
    from blueprints.ui import GROUP_LABELS, KIND_LABELS
    limits = settings_service.limits()
    if limits_form is None:
        limits_form = LimitsForm(
            formdata=None, review_hours=limits.review_hours, reply_hours=limits.reply_hours,
            follow_up_days=limits.follow_up_days, appeal_hours=limits.appeal_hours,
            day_start=settings_service.get("day_start"),
            sms_notice_template=settings_service.get("sms_notice_template"),
            sms_reply_template=settings_service.get("sms_reply_template"),
            sms_forbidden_words=" ".join(settings_service.get("sms_forbidden_words")))
    route_form = route_form or RouteRuleForm(formdata=None)
    route_form.group.choices = [(k.value, str(v)) for k, v in GROUP_LABELS.items()]
    criterion_form = criterion_form or CriterionForm(formdata=None)
    criterion_form.kind.choices = [(k.value, str(v)) for k, v in KIND_LABELS.items()]
    recording_form = recording_form or RecordingLinkForm(
        formdata=None, recording_url_template=settings_service.get("recording_url_template"))
    return render("admin/configuration.html", status=status, limits_form=limits_form,
                  recording_form=recording_form, deputy_form=deputy_form or _deputy_form(),
                  route_form=route_form, criterion_form=criterion_form,
                  rules=routing_service.list_rules(), criteria=criteria_service.list_all())


@bp.route("/configuration", methods=["GET", "POST"])
@roles(Role.ADMIN)
def configuration():
    g.nav_active = "config"
    if request.method == "GET":
        return _config_page()
    form = LimitsForm()
    if not form.validate():
        return _config_page(422, limits_form=form)
    settings_service.update({
        "limits": {"review_hours": form.review_hours.data, "reply_hours": form.reply_hours.data,
                   "follow_up_days": form.follow_up_days.data,
                   "appeal_hours": form.appeal_hours.data},
        "sms_notice_template": form.sms_notice_template.data.strip(),
        "sms_reply_template": form.sms_reply_template.data.strip(),
        "sms_forbidden_words": form.words(),
        "day_start": form.day_start.data,
    }, actor=current_user, now=utcnow())
    flash(_("Settings saved."), "success")
    return redirect(url_for("admin.configuration"), code=303)


@bp.route("/deputy", methods=["POST"])
@roles(Role.ADMIN)
def save_deputy():
    """复审代理人."""
    form = _deputy_form(formdata=request.form)
    if form.validate():
        try:
            chain_service.set_deputy(form.deputy.data, actor=current_user, now=utcnow())
        except FormProblems as exc:
            form.deputy.errors.append(_(exc.message))
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("admin.configuration") + "#deputy", code=303)
    return _config_page(422, deputy_form=form)


@bp.route("/recording-link", methods=["POST"])
@roles(Role.ADMIN)
def save_recording_link():
    """The "open in recording system" address on the evidence panel."""
    form = RecordingLinkForm()
    if not form.validate():
        return _config_page(422, recording_form=form)
    settings_service.update({"recording_url_template": form.recording_url_template.data},
                            actor=current_user, now=utcnow())
    flash(_("Settings saved."), "success")
    return redirect(url_for("admin.configuration") + "#recording", code=303)


@bp.route("/routing", methods=["POST"])
@roles(Role.ADMIN)
def save_route():
    form = RouteRuleForm()
    from blueprints.ui import GROUP_LABELS
    form.group.choices = [(k.value, str(v)) for k, v in GROUP_LABELS.items()]
    if form.validate():
        try:
            routing_service.save_rule(form.prefix.data, form.group.data, actor=current_user,
                                      now=utcnow())
        except Conflict as exc:
            form.prefix.errors.append(_(exc.message, **exc.params))
        else:
            flash(_("Routing rule saved."), "success")
            return redirect(url_for("admin.configuration") + "#routing", code=303)
    return _config_page(422, route_form=form)


@bp.route("/routing/<int:rule_id>/delete", methods=["POST"])
@roles(Role.ADMIN)
def delete_route(rule_id: int):
    if not EmptyForm().validate():
        abort(400)
    try:
        routing_service.delete_rule(rule_id, actor=current_user, now=utcnow())
    except NotFound:
        abort(404)
    flash(_("Routing rule removed."), "success")
    return redirect(url_for("admin.configuration") + "#routing", code=303)


@bp.route("/criteria", methods=["POST"])
@roles(Role.ADMIN)
def save_criterion():
    form = CriterionForm()
    from blueprints.ui import KIND_LABELS
    form.kind.choices = [(k.value, str(v)) for k, v in KIND_LABELS.items()]
    if form.validate():
        try:
            criteria_service.save(form.code.data, kind=form.kind.data, text=form.text.data,
                                  active=form.active.data, actor=current_user, now=utcnow())
        except Conflict as exc:
            form.code.errors.append(_(exc.message, **exc.params))
        else:
            flash(_("Criterion saved."), "success")
            return redirect(url_for("admin.configuration") + "#criteria", code=303)
    return _config_page(422, criterion_form=form)
