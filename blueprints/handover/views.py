"""Review queue (team lead) and the daily handover table (lead, quality team, management)."""
from datetime import timedelta

from flask import g, request
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.ui import parse_day
from domain.roles import SEES_ALL_HANDED_OVER, Role
from services import handover as handover_service
from services import quality as quality_service
from services import tickets as ticket_service
from services.clock import local_today, utcnow

from . import bp


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
    day = parse_day(request.args.get("day"), local_today())
    rows = handover_service.handover_rows(day, actor=current_user)
    return render("handover/table.html", "handover_rows", day=day, rows=rows,
                  prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
                  today=local_today(), print_view=request.args.get("print") == "1")
