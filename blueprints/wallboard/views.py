"""大屏: the board for a signed-in user or a screen's revocable link, refreshing itself; the
administrator's set-up (screens, thresholds)."""
from flask import abort, flash, g, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints._access import public, roles, signed_in
from blueprints._htmx import render
from blueprints.forms import EmptyForm
from domain import wallboard as rules
from domain.errors import FormProblems, InvalidTransition, NotFound
from domain.roles import Role
from services import settings
from services import wallboard as service
from services.clock import utcnow

from . import bp
from .forms import ScreenForm, ThresholdsForm

LABELS = {
    "review_waiting": _l("Waiting for lead review"),
    "review_late": _l("Lead review past 2 hours"),
    "unclaimed": _l("Waiting to be claimed"),
    "replies_due": _l("Replies due within 4 hours"),
    "unreached": _l("Customers not yet reached"),
    "votes_open": _l("Panel votes open"),
    "established_today": _l("Established rate today"),
    "top_criterion": _l("Top criteria this week"),
    "keyword": _l("Negative keywords this week"),
}


def _board(status=200):
    response = render("wallboard/board.html", "board", status=status, with_flash=False,
                      figures=service.figures(utcnow()), labels=LABELS, now=utcnow(),
                      refresh=rules.REFRESH_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/wallboard")
@signed_in
def board():
    """The board for whoever is signed in (no customer data on it)."""
    return _board()


@bp.route("/wallboard/s/<token>")
@public
def screen(token: str):
    """The board for a screen's link: no sign-in, until the administrator revokes it."""
    try:
        service.screen_for(token)
    except NotFound:
        abort(404)
    return _board()


# --- set-up ------------------------------------------------------------------------------------

def _setup_page(status=200, screen_form=None, thresholds_form=None, new_link=None):
    g.nav_active = "config"
    if thresholds_form is None:
        thresholds_form = ThresholdsForm(
            formdata=None, data=rules.thresholds(settings.get("wallboard_thresholds")))
    return render("wallboard/setup.html", status=status,
                  screen_form=screen_form or ScreenForm(formdata=None),
                  thresholds_form=thresholds_form, screens=service.screens(),
                  labels=LABELS, indicators=rules.INDICATORS, new_link=new_link,
                  revoke_form=EmptyForm())


@bp.route("/wallboard/setup")
@roles(Role.ADMIN)
def setup():
    return _setup_page()


@bp.route("/wallboard/screens", methods=["POST"])
@roles(Role.ADMIN)
def add_screen():
    """A new screen link, shown on this answer once (only its hash is kept)."""
    form = ScreenForm()
    if not form.validate():
        return _setup_page(422, screen_form=form)
    try:
        screen, token = service.add_screen(form.name.data, actor=current_user, now=utcnow())
    except FormProblems as exc:
        form.name.errors.append(_(exc.message))
        return _setup_page(422, screen_form=form)
    link = url_for("wallboard.screen", token=token, _external=True)
    return _setup_page(new_link=(screen.name, link))


@bp.route("/wallboard/screens/<int:screen_id>/revoke", methods=["POST"])
@roles(Role.ADMIN)
def revoke_screen(screen_id: int):
    if not EmptyForm().validate():
        abort(400)
    try:
        service.revoke_screen(screen_id, actor=current_user, now=utcnow())
    except NotFound:
        abort(404)
    except InvalidTransition as exc:
        flash(_(exc.message), "error")
    else:
        flash(_("The screen's link no longer opens the board."), "success")
    return redirect(url_for("wallboard.setup"), code=303)


@bp.route("/wallboard/thresholds", methods=["POST"])
@roles(Role.ADMIN)
def save_thresholds():
    form = ThresholdsForm()
    if not form.validate():
        return _setup_page(422, thresholds_form=form)
    service.set_thresholds({i.key: form[i.key].data for i in rules.INDICATORS},
                           actor=current_user, now=utcnow())
    flash(_("Settings saved."), "success")
    return redirect(url_for("wallboard.setup"), code=303)
