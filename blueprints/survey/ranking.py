"""回访考核排名: the callers' monthly ranking as published to the floor (every role but IT),
and its publication from the KPI page (a duty manager or the owner), with an announcement
when asked."""
from datetime import date

from flask import flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer, translate
from blueprints._htmx import hx_redirect, render
from domain.survey import MAY, WEIGHTS, Task
from services.clock import utcnow
from services.survey import ranking as service
from services.survey.analysis import month_of

from . import bp
from .forms import PublishForm

#: How many callers an announcement names; the page shows them all.
ANNOUNCED = 10


def month_param(raw: str | None) -> date | None:
    """A ?month=YYYY-MM (its first day), None when unreadable."""
    try:
        return date.fromisoformat(f"{raw}-01") if raw else None
    except ValueError:
        return None


def _points(value) -> str:
    return "—" if value is None else f"{value:.1f}"


@bp.route("/survey/ranking")
@roles(*MAY[Task.READ_RANKING])
def ranking():
    """The published ranking of a month (the newest by default), with its formulas."""
    g.nav_active = "my_callbacks" if current_user.role in MAY[Task.CALL] else "survey_kpis"
    published = service.publication(month_param(request.args.get("month")),
                                    actor=current_user)
    return render("survey/ranking.html", published=published,
                  rows=service.rows_of(published) if published else [],
                  months=service.published_months(actor=current_user), weights=WEIGHTS,
                  points=_points)


def _compose(month: str):
    def compose(rows):
        title = _("Callback ranking of %(month)s", month=month)
        lines = [_("The callers' ranking of %(month)s is published: the score weighs "
                   "completion, satisfaction, resolution and record accuracy.", month=month)]
        lines += [_("%(rank)d. %(name)s %(no)s: %(score)s points", rank=r["rank"],
                    name=r["name"], no=r["employee_no"], score=_points(r["score"]))
                  for r in rows[:ANNOUNCED]]
        lines.append(_("The whole ranking and its formulas: the callback ranking page."))
        return title, "\n".join(lines)
    return compose


@bp.route("/survey/ranking/publish", methods=["POST"])
@roles(*MAY[Task.PUBLISH_RANKING])
def publish_ranking():
    """Publish the month's ranking as it stands (from the KPI page)."""
    form = PublishForm()
    month = month_param(form.month.data) if form.validate() else None
    if month is None:
        flash(_("Choose the month to publish."), "error")
        return hx_redirect(url_for("survey.kpis") + "#ranking")
    back = url_for("survey.kpis", period="month", date=month.isoformat()) + "#ranking"

    def done(_published):
        flash(_("Ranking published."), "success")
        return hx_redirect(url_for("survey.ranking", month=month.strftime("%Y-%m")))

    def refused(exc, _status=409):
        flash(translate(exc), "error")
        return hx_redirect(back)

    return answer(lambda: service.publish(
        month_of(month), announce=form.announce.data, actor=current_user, now=utcnow(),
        compose=_compose(month.strftime("%Y-%m"))),
        done=done, refused=refused, invalid=refused)
