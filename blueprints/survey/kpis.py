"""回访指标: the four callback KPIs with their formulas, per agent, team or caller, the callers'
monthly ranking (and its publication), the weekly trend and the QQ common causes; the KPI
and record exports."""
from flask import g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.charts import hbars, trend_chart
from blueprints.periods import period_of
from blueprints.ui import label, localtime
from domain.periods import Period, span_of, weeks_back
from domain.phones import mask_phone
from domain.survey import MAY, WEIGHTS, Task, mask_name, score
from services.clock import local_today
from services.survey import config
from services.survey import kpis as service
from services.survey import ranking as ranking_service
from services.xlsx import xlsx_response

from . import bp
from .forms import PublishForm

BY_LABELS = {"agent": _l("By agent"), "team": _l("By team"), "caller": _l("By caller")}


def _scope(args):
    period, anchor, span = period_of(args, local_today())
    by = args.get("by") if args.get("by") in service.BREAKDOWNS else "agent"
    return period, anchor, span, by


@bp.route("/survey/kpis")
@roles(*MAY[Task.READ_KPIS])
def kpis():
    """回访指标: the four KPIs with their formulas, per agent / team / callback agent, the
    monthly ranking, weekly trend and the QQ common causes."""
    g.nav_active = "survey_kpis"
    period, anchor, span, by = _scope(request.args)
    actor = current_user
    month = span_of(Period.MONTH, anchor)
    ranking = ranking_service.ranking(month, actor=actor)
    weeks = weeks_back(min(span.last_day, local_today()), 12)
    causes = service.qq_causes(span, actor=actor)
    cause_weeks = weeks[-8:]
    cause_trend = service.qq_cause_trend(cause_weeks, [name for name, _n in causes[:5]],
                                         actor=actor)
    return render("survey/kpis.html", "kpis", period=period, anchor=anchor, span=span, by=by,
                  last_day=span.last_day, k=service.kpis(span, actor=actor),
                  rows=service.breakdown(span, by, actor=actor), ranking=ranking, month=month,
                  chart=trend_chart(service.trend(weeks, actor=actor), count="done",
                                    rate="satisfaction"),
                  causes=hbars([(n, c, None) for n, c in causes]), cause_rows=causes,
                  cause_weeks=cause_weeks, cause_trend=cause_trend, bands=config.bands(),
                  by_labels=BY_LABELS, may_audit=current_user.role in MAY[Task.AUDIT],
                  score=score, weights=WEIGHTS,
                  publish_form=PublishForm(formdata=None, month=month.start.strftime("%Y-%m"))
                  if current_user.role in MAY[Task.PUBLISH_RANKING] else None)


def _pct(value) -> str:
    return "" if value is None else f"{value * 100:.1f}%"


@bp.route("/survey/kpis/export.xlsx")
@roles(*MAY[Task.READ_KPIS])
def export_kpis():
    _period, _anchor, span, by = _scope(request.args)
    header = [_("Rank"), str(BY_LABELS[by]), _("Points"), _("Callbacks due"), _("Callbacks done"),
              _("Callback completion rate"), _("Satisfied"), _("Fairly satisfied"),
              _("Customer satisfaction"),
              _("Issues raised"), _("Resolved"), _("Problem resolution rate"),
              _("Records sampled"), _("Records accurate"), _("Callback record accuracy")]
    breakdown = service.breakdown(span, by, actor=current_user)

    def rows():
        for r in breakdown:
            c = r.counts
            points = score(c)
            yield [r.rank or "", r.label or _("Unknown"), "" if points is None else
                   round(points, 1), c.callbacks_due, c.callbacks_done,
                   _pct(c.completion_rate), c.satisfied, c.fairly, _pct(c.satisfaction_rate),
                   c.issues, c.resolved, _pct(c.resolution_rate), c.sampled, c.accurate,
                   _pct(c.accuracy_rate)]

    return xlsx_response(_("Survey and callback KPIs"), header, rows(),
                         filename=f"callback-kpis-{span.start.isoformat()}.xlsx")


@bp.route("/survey/records/export.xlsx")
@roles(*MAY[Task.EXPORT_RECORDS])
def export_records():
    """调研回访记录: contacts whose survey or callback was due in the period (numbers masked)."""
    _period, _anchor, span, _by = _scope(request.args)
    contacts = service.records(span, actor=current_user)
    yes, no = _("Yes"), _("No")

    def flag(value):
        return "" if value is None else (yes if value else no)

    header = [_("Contact time"), _("Channel"), _("Customer phone"), _("Customer's name"),
              _("Agent no."), _("Area"),
              _("Issue summary"), _("Score"), _("Needs a survey"), _("Surveyed at"),
              _("Surveyor"), _("Cause category"), _("Resolved"), _("Unresolved problem"),
              _("Needs a callback"), _("Callback due"), _("Caller"), _("Called back at"),
              _("Callback method"), _("Outcome"), _("Satisfaction"), _("Reason for the score"),
              _("Follow-ups")]

    def rows():
        for c in contacts:
            s = c.survey
            first = c.callbacks[0] if c.callbacks else None
            yield [localtime(c.contact_at), label("channel", c.channel), mask_phone(c.phone),
                   mask_name(c.customer_name), c.agent_no, c.area, c.summary,
                   c.score if c.score is not None else "",
                   flag(c.needs_survey), localtime(c.surveyed_at),
                   s.surveyed_by.name if s else "", s.category.name if s else "",
                   flag(c.resolved), s.unresolved_issue if s else "", flag(c.needs_callback),
                   c.callback_due_on.isoformat() if c.callback_due_on else "",
                   c.caller.name if c.caller else "",
                   localtime(c.callback_done_at),
                   label("method", first.method) if first else "",
                   label("outcome", first.outcome) if first else "",
                   first.score if first else "", first.reason if first else "",
                   max(len(c.callbacks) - 1, 0)]

    return xlsx_response(_("Survey and callback record"), header, rows(),
                         filename=f"survey-records-{span.start.isoformat()}.xlsx")
