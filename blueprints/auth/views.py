"""Sign-in (登录), sign-out (退出), language switch, own password."""
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from blueprints._access import public, signed_in
from blueprints._htmx import render
from blueprints.forms import EmptyForm
from domain.errors import Conflict
from services import users as user_service
from services.clock import utcnow

from . import bp
from .forms import LoginForm, PasswordForm


def _safe_next(target: str | None) -> str:
    """Only local paths: never redirect to another site after sign-in."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") \
                and not target.startswith("//") and "\\" not in target:
            return target
    return url_for("main.home")


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = user_service.authenticate(form.employee_no.data.strip(), form.password.data)
        if user is not None:
            lang = session.get("lang")
            session.clear()  # a fresh session on every sign-in
            if lang:
                session["lang"] = lang
            login_user(user)
            session.permanent = True
            current_app.logger.info("login ok user=%s", user.employee_no)
            return redirect(_safe_next(request.args.get("next")), code=303)
        current_app.logger.warning("login failed employee_no=%r",
                                   (form.employee_no.data or "")[:10])
        form.password.errors.append(_("Wrong employee no. or password."))
    status = 422 if form.errors else 200
    return render("auth/login.html", status=status, form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        current_app.logger.info("logout user=%s", current_user.employee_no)
        lang = session.get("lang")
        user_service.end_sessions(current_user)
        logout_user()
        session.clear()
        if lang:
            session["lang"] = lang
    return redirect(url_for("auth.login"), code=303)


@bp.route("/lang", methods=["POST"])
@public
def set_language():
    form = EmptyForm()
    lang = request.form.get("lang")
    if form.validate_on_submit() and lang in current_app.config["LANGUAGES"]:
        session["lang"] = lang
    return redirect(_safe_next(request.form.get("next")), code=303)


@bp.route("/account/password", methods=["GET", "POST"])
@signed_in
def change_password():
    form = PasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                user_service.change_password(current_user, new_password=form.new.data,
                                             now=utcnow())
            except Conflict as exc:
                form.new.errors.append(_(exc.message))
            else:
                flash(_("Password changed. Please sign in again."), "success")
                return redirect(url_for("auth.login"), code=303)
    return render("auth/password.html", status=422 if form.errors else 200, form=form)
