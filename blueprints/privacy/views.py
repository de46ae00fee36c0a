"""个人信息 (PIPL): the retention settings (administrator) and a customer's request to
anonymise every record of their number (administrator or whitelist owner). The number is only
ever posted, never in an address."""
from flask import flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from domain.errors import FormProblems
from domain.roles import Role
from services import privacy as service
from services import settings
from services.clock import utcnow

from . import bp
from .forms import AnonymiseForm, LookupForm, RetentionForm


def _page(status=200, retention_form=None, lookup_form=None, anonymise_form=None,
          found=None, done=None):
    g.nav_active = "config" if current_user.role_enum == Role.ADMIN else "home"
    keep = service.retention()
    if retention_form is None:
        retention_form = RetentionForm(formdata=None, contact_days=keep.contact_days,
                                       audio_days=keep.audio_days)
    return render("privacy/index.html", status=status, keep=keep,
                  retention_form=retention_form,
                  lookup_form=lookup_form or LookupForm(formdata=None),
                  anonymise_form=anonymise_form, found=found, done=done)


@bp.route("/privacy")
@roles(Role.ADMIN, Role.OWNER)
def index():
    return _page()


@bp.route("/privacy/retention", methods=["POST"])
@roles(Role.ADMIN)
def save_retention():
    form = RetentionForm()
    if not form.validate():
        return _page(422, retention_form=form)
    settings.update({"retention": {"contact_days": form.contact_days.data,
                                   "audio_days": form.audio_days.data}},
                    actor=current_user, now=utcnow())
    flash(_("Settings saved."), "success")
    return redirect(url_for("privacy.index"), code=303)


def _problems_into(form, exc: FormProblems):
    for field, message in exc.problems.items():
        getattr(form, field).errors.append(_(message))


@bp.route("/privacy/lookup", methods=["POST"])
@roles(Role.ADMIN, Role.OWNER)
def lookup():
    """Every record Zikong holds of a number (full or already anonymised)."""
    form = LookupForm()
    if not form.validate():
        return _page(422, lookup_form=form)
    try:
        found = service.find_customer(form.phone.data, actor=current_user)
    except FormProblems as exc:
        _problems_into(form, exc)
        return _page(422, lookup_form=form)
    anonymise = AnonymiseForm(formdata=None, phone=form.phone.data)
    return _page(lookup_form=form, anonymise_form=anonymise, found=found)


@bp.route("/privacy/anonymise", methods=["POST"])
@roles(Role.ADMIN, Role.OWNER)
def anonymise():
    """A customer's request: anonymise every record of the number now, with the reason."""
    form = AnonymiseForm()
    lookup_form = LookupForm(formdata=None, phone=form.phone.data)
    if not form.validate():
        found = None
        try:
            found = service.find_customer(form.phone.data or "", actor=current_user)
        except FormProblems:
            pass
        return _page(422, lookup_form=lookup_form, anonymise_form=form, found=found)
    try:
        counts = service.anonymise_customer(form.phone.data, reason=form.reason.data,
                                            actor=current_user, now=utcnow())
    except FormProblems as exc:
        _problems_into(form, exc)
        return _page(422, lookup_form=lookup_form, anonymise_form=form)
    return _page(done=counts)
