"""Sign-in (登录), sign-out (退出), language switch, own password."""
from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import public, signed_in
from blueprints._htmx import render
from blueprints.forms import EmptyForm
from blueprints.ui import localtime
from domain.errors import N_, Conflict
from services import directory, security
from services import users as user_service
from services.clock import utcnow

from . import bp, sessions
from .forms import LoginForm, PasswordForm


#: Sign-in problems that are not a wrong password: (status, message beside the password).
REFUSALS = {
    "unavailable": (503, N_("The directory cannot be reached just now. Try again in a few "
                            "minutes; if it persists, tell IT (the administrator can still "
                            "sign in).")),
    "unmapped": (403, N_("Your directory account is in no group that Zikong knows, so it "
                         "cannot sign you in. Ask the administrator to add your group.")),
    "inactive": (403, N_("This account is deactivated in Zikong. Ask the administrator.")),
}


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
    status = 200
    if form.validate_on_submit():
        employee_no, address, now = form.employee_no.data.strip(), security.client_address(), \
            utcnow()
        wait = security.login_wait(employee_no, address, now)
        outcome = None if wait else directory.authenticate(employee_no, form.password.data,
                                                           now=now)
        user = outcome.user if outcome else None
        if user is not None:
            security.forget_failures(user.employee_no)
            sessions.start(user)
            security.auth_event("login", user=user.employee_no, source=outcome.source)
            return redirect(_safe_next(request.args.get("next")), code=303)
        if outcome is not None and outcome.problem in REFUSALS:
            # The password was not what failed (or could not be checked): nothing to throttle.
            status, message = REFUSALS[outcome.problem]
            security.auth_event(f"login_{outcome.problem}", level="warning",
                                employee_no=employee_no)
            form.password.errors.append(_(message))
            return render("auth/login.html", status=status, form=form)
        if wait:
            security.auth_event("login_throttled", level="warning", employee_no=employee_no,
                                wait_seconds=wait)
            until = localtime(now + timedelta(seconds=wait), "HH:mm")
            form.password.errors.append(
                _("Too many failed sign-ins. Try again after %(time)s.", time=until))
            response = render("auth/login.html", status=429, form=form)
            response.headers["Retry-After"] = str(wait)
            return response
        security.record_failure(employee_no, address, now)
        security.auth_event("login_failed", level="warning", employee_no=employee_no)
        form.password.errors.append(_("Wrong employee no. or password."))
    if form.errors:
        status = 422
    return render("auth/login.html", status=status, form=form)


@bp.route("/logout", methods=["POST"])
@signed_in
def logout():
    form = EmptyForm()
    if form.validate_on_submit():
        security.auth_event("logout", user=current_user.employee_no)
        user_service.end_sessions(current_user)
        sessions.end()
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
        if directory.keeps_password(current_user):
            form.current.errors.append(_("Your password is kept by the directory: change it "
                                         "there."))
        elif not current_user.check_password(form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                user_service.change_password(current_user, new_password=form.new.data,
                                             now=utcnow())
            except Conflict as exc:
                form.new.errors.append(_(exc.message))
            else:
                security.auth_event("password_changed", user=current_user.employee_no)
                sessions.end()
                flash(_("Password changed. Please sign in again."), "success")
                return redirect(url_for("auth.login"), code=303)
    return render("auth/password.html", status=422 if form.errors else 200, form=form)
