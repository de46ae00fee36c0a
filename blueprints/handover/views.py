"""Review queue (team lead) and the daily handover table (lead, quality team, management)."""
from datetime import timedelta

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import translate
from blueprints._htmx import render
from blueprints.ui import parse_day
from domain.roles import SEES_ALL_HANDED_OVER, Role
from services import handover as handover_service
from services import quality as quality_service
from services import tickets as ticket_service
from services.clock import utcnow, work_today

from . import bp
from .forms import SignSeveralForm, ticket_ids


@bp.route("/review")
@roles(Role.TEAM_LEAD)
def queue():
    """待审核: the team's submitted tickets, earliest 2-hour deadline first. Its sign and
    confirm-return buttons name this page as their `next` (blueprints/_actions)."""
    g.nav_active = "review"
    rows = ticket_service.review_queue(actor=current_user)
    # with_flash=False: the 30-second refresh of the rows must not eat messages
    return render("handover/queue.html", "queue_rows", with_flash=False, rows=rows,
                  now=utcnow(), returns=quality_service.returns_to_confirm(actor=current_user))


@bp.route("/handover")
@roles(Role.TEAM_LEAD, *SEES_ALL_HANDED_OVER)
def table():
    """领班与内部服务质量自控交接表 for one day (?day=YYYY-MM-DD, default today)."""
    g.nav_active = "handover"
    day = parse_day(request.args.get("day"), work_today())
    rows = handover_service.handover_rows(day, actor=current_user)
    return render("handover/table.html", "handover_rows", day=day, rows=rows,
                  prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
                  today=work_today(), print_view=request.args.get("print") == "1")


@bp.route("/review/sign", methods=["GET", "POST"])
@roles(Role.TEAM_LEAD)
def sign_several():
    """签字确认 for the checked tickets: GET lists them to confirm, POST signs them over."""
    g.nav_active = "review"
    form = SignSeveralForm()
    if request.method == "GET":
        tickets = handover_service.to_sign(ticket_ids(request.args.getlist("ticket")),
                                           actor=current_user)
        if not tickets:
            flash(_("Check the tickets to sign over first."), "error")
            return redirect(url_for("handover.queue"), code=303)
        return render("handover/confirm_sign.html", tickets=tickets, form=form)
    if not form.validate():
        abort(400)
    outcome = handover_service.sign_several(form.versions(request.form), actor=current_user,
                                            now=utcnow())
    if outcome.signed:
        flash(_("Signed over to the quality team: %(numbers)s.",
                numbers="、".join(t.number for t in outcome.signed)), "success")
    for number, exc in outcome.refused:
        flash(_("%(number)s was not signed over: %(reason)s", number=number,
                reason=translate(exc)), "error")
    return redirect(url_for("handover.queue"), code=303)
