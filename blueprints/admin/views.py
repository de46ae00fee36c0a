"""Users and teams in the browser. Admin only."""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.ui import ROLE_LABELS
from domain.errors import Conflict, NotFound
from domain.roles import Role
from services import users as service
from services.clock import utcnow

from . import bp
from .forms import TeamForm, UserForm


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
