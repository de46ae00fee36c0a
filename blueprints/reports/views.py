"""报表: the KPIs of a period, a breakdown, weekly trends; every figure links to its tickets."""
from datetime import date

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.charts import hbars, trend_chart
from blueprints.periods import period_of
from blueprints.ui import GROUP_LABELS, KIND_LABELS, parse_day
from domain.periods import weeks_back
from domain.errors import NotFound
from domain.roles import Role
from services import reports as service
from services import settings
from services import tickets as ticket_service
from services.clock import local_today, utcnow, work_day_bounds, work_today
from services.tickets import TicketFilter

from . import bp

REPORT_ROLES = (Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER)

#: The two reply figures and their formulas (services.reports.reply_conditions), shown beside
#: the figures and in the export.
FIRST_CONTACT = _l("First contact on time")
FIRST_CONTACT_FORMULA = _l(
    "Tickets whose first contact attempt came within %(hours)d h of sign-over ÷ tickets "
    "signed over in the period (not returned to the lead) with an attempt made or the "
    "%(hours)d h passed")
COMPLIANCE = _l("Reply compliance")
COMPLIANCE_FORMULA = _l(
    "Replies by phone (or other) within %(hours)d h of sign-over, by SMS or direct "
    "explanation after failed calls on %(days)d different days that began within %(hours)d h, "
    "or by the method decided for an escalated customer ÷ replies recorded for tickets signed "
    "over in the period")


def formulas() -> dict:
    limits = settings.limits()
    values = {"hours": limits.reply_hours, "days": limits.follow_up_days}
    return {"first_contact": str(FIRST_CONTACT_FORMULA) % values,
            "compliance": str(COMPLIANCE_FORMULA) % values}


DASHBOARD_ARGS = ("period", "date", "from", "to", "by")
#: What a breakdown's first column is (and the filter of the ticket list behind its rows).
BREAKDOWN_LABELS = {"team": _l("Filing team"), "accused_team": _l("Accused agent's team"),
                    "accused": _l("Accused agent"), "group": _l("Route group"),
                    "checker": _l("Checker")}


#: Each dashboard figure's formula (the two reply figures' are formulas() above), on the
#: page beside the figure and in the export's header note.
FORMULAS = {
    "filed": _l("Tickets created in the period"),
    "established": _l("Final verdicts established ÷ tickets judged in the period (by the "
                      "judging time); after an appeal the final verdict counts"),
    "review": _l("Tickets a lead signed over within 2 h of submission ÷ tickets signed over in "
                 "the period (complaints transferred from other lines have no lead review)"),
    "by_phone": _l("Replies recorded by phone in the period ÷ replies recorded"),
    "by_sms": _l("Replies recorded by SMS in the period ÷ replies recorded"),
    "appeals": _l("Appeal sheets filed in the period"),
    "overturn": _l("Appeals overturned ÷ appeals re-judged in the period"),
    "escalations": _l("Customers escalated in the period + panel votes that ended in a tie"),
}


def _scope_from(args):
    period, anchor, span = period_of(args, local_today())
    by = args.get("by") if args.get("by") in service.BREAKDOWNS else "team"
    return period, anchor, span, by


@bp.route("/reports")
@roles(*REPORT_ROLES)
def dashboard():
    """The dashboard; a filter change re-renders the #dashboard block (htmx) and the URL."""
    g.nav_active = "reports"
    period, anchor, span, by = _scope_from(request.args)
    scope = service.Scope(span=span)
    now = utcnow()
    figures = service.kpis(scope, now)
    rows = _breakdown(scope, by, now)
    weeks = service.trend(weeks_back(min(span.end, local_today()), 12), scope)
    criteria = hbars([(f"{code} {text[:10]}", n,
                       url_for("tickets.index", **scope.link(on="judged")))
                      for code, text, n in figures.by_criterion])

    def link(**extra):
        return url_for("tickets.index", **scope.link(**extra))

    return render("reports/dashboard.html", "dashboard", period=period, anchor=anchor,
                  span=span, by=by, k=figures, rows=rows,
                  trend=trend_chart(weeks, count="filed", rate="established_rate"),
                  weeks=weeks, criteria=criteria, link=link, scope=scope,
                  kind_labels=KIND_LABELS, last_day=date.fromordinal(span.end.toordinal() - 1),
                  breakdown_param=by, breakdown_labels=BREAKDOWN_LABELS, formula=FORMULAS,
                  by_labels={key: _("By %(what)s", what=text)
                             for key, text in BREAKDOWN_LABELS.items()},
                  user=current_user, formulas=formulas(),
                  export_args={name: request.args[name] for name in DASHBOARD_ARGS
                               if request.args.get(name)})


def _breakdown(scope, by: str, now):
    rows = service.breakdown(scope, by, now)
    if by == "group":
        for row in rows:
            row.label = str(GROUP_LABELS.get(row.key, _("Not routed"))) if row.key else \
                _("Not routed")
    return rows


def _share(part: int, whole: int):
    return round(part / whole, 4) if whole else None


@bp.route("/reports/export.xlsx")
@roles(*REPORT_ROLES)
def export_dashboard():
    """The dashboard's figures for the same filter: each with its count, its base and its
    formula, then the breakdown."""
    from services.xlsx import xlsx_response
    _period, _anchor, span, by = _scope_from(request.args)
    scope = service.Scope(span=span)
    now = utcnow()
    k = service.kpis(scope, now)
    notes = formulas()
    last = date.fromordinal(span.end.toordinal() - 1)
    header = [_("Figure"), _("Value"), _("Count"), _("Base"), _("Formula")]
    rows = [
        [_("Period"), f"{span.start.isoformat()} — {last.isoformat()}", None, None, ""],
        [_("Tickets filed"), k.filed, k.filed, None, str(FORMULAS["filed"])],
        [_("Established rate"), _share(k.established, k.judged), k.established, k.judged,
         str(FORMULAS["established"])],
        [_("Lead review on time (≤ 2 h)"), _share(k.reviewed_on_time, k.reviewed),
         k.reviewed_on_time, k.reviewed, str(FORMULAS["review"])],
        [str(FIRST_CONTACT), _share(k.first_contact_on_time, k.first_contact_due),
         k.first_contact_on_time, k.first_contact_due, notes["first_contact"]],
        [str(COMPLIANCE), _share(k.replies_compliant, k.replies), k.replies_compliant,
         k.replies, notes["compliance"]],
        [_("Replies by phone"), k.by_phone, k.by_phone, k.replied, str(FORMULAS["by_phone"])],
        [_("Replies by SMS"), k.sms_fallback, k.sms_fallback, k.replied,
         str(FORMULAS["by_sms"])],
        [_("Appeals filed"), k.appeals, k.appeals, None, str(FORMULAS["appeals"])],
        [_("Overturn rate"), _share(k.overturned, k.rejudged), k.overturned, k.rejudged,
         str(FORMULAS["overturn"])],
        [_("Escalations"), k.escalated_customers + k.votes_tied, None, None,
         str(FORMULAS["escalations"])],
        [],
        [str(BREAKDOWN_LABELS[by]), _("Filed"), _("Judged"), _("Established rate"),
         _("Review on time"), str(FIRST_CONTACT), str(COMPLIANCE)],
        # the header's note: how each column is counted
        [_("Formula"), str(FORMULAS["filed"]), "", str(FORMULAS["established"]),
         str(FORMULAS["review"]), notes["first_contact"], notes["compliance"]],
    ]
    for r in _breakdown(scope, by, now):
        rows.append([r.label if r.key is not None else "—", r.filed, r.judged,
                     _share(r.established, r.judged),
                     _share(r.reviewed_on_time, r.reviewed),
                     _share(r.first_contact_on_time, r.first_contact_due),
                     _share(r.replies_compliant, r.replies)])
    return xlsx_response(_("Reports"), header, rows, filename="reports.xlsx")


# --- exports of the paper forms ---------------------------------------------------------------

def _export_span():
    today = work_today()
    start = parse_day(request.args.get("from"), today)
    end = parse_day(request.args.get("to"), today) if request.args.get("to") else start
    return (start, end) if start <= end else (end, start)


@bp.route("/handover/export.xlsx")
@roles(Role.TEAM_LEAD, Role.CHECKER, *REPORT_ROLES)
def export_handover():
    """领班与内部服务质量自控交接表 for ?from=…&to=… (floor days, inclusive): the handover page
    links here for its day; a lead gets the own team's rows (services.handover)."""
    from blueprints.ui import localtime, reason_label
    from services.handover import handover_rows
    from services.xlsx import xlsx_response
    start, end = _export_span()
    header = [_("Date"), _("Ticket no."), _("Submitter no."), _("Signed over by"),
              _("Signed at"), _("Received by"), _("Remarks / return reason"),
              _("Lead confirms return")]

    def rows():
        for r in handover_rows(start, actor=current_user, until=end):
            reason = reason_label(r.return_reason) if r.return_reason else ""
            yield [r.day.isoformat(), r.ticket.number, r.ticket.submitter.employee_no,
                   f"{r.lead_name} {r.lead_employee_no}", localtime(r.signed_at, "HH:mm"),
                   r.received_by.name if r.received_by else "",
                   f"{reason} {r.remarks}".strip(),
                   f"{r.return_confirmed_by.name} {localtime(r.return_confirmed_at)}"
                   if r.return_confirmed_at else ""]

    return xlsx_response(_("Lead / quality handover table"), header, rows(),
                         filename="handover.xlsx")


@bp.route("/whitelist-handover/export.xlsx")
@roles(Role.CHECKER, *REPORT_ROLES)
def export_notifications():
    """白名单交接表: the outbound notifications of ?from=…&to=…."""
    from blueprints.ui import group_label_text, localtime, tracking_label_text
    from services.quality import notifications_on
    from services.xlsx import xlsx_response
    start, end = _export_span()
    bounds = work_day_bounds(start)[0], work_day_bounds(end)[1]   # as the page's floor days
    header = [_("Ticket no."), _("Route group"), _("Number called"), _("Call time"),
              _("Lead spoken to"), _("Tracking"), _("Their result"), _("Checker")]

    def rows():
        for n in notifications_on(*bounds):
            yield [n.ticket.number, group_label_text(n.group), n.number_called,
                   localtime(n.called_at), n.other_lead_name, tracking_label_text(n.tracking),
                   n.result, n.checker.name]

    return xlsx_response(_("Whitelist handover table"), header, rows(),
                         filename="whitelist-handover.xlsx")


# --- one agent's figures (by the accused) ------------------------------------------------------

def _agent_scope(employee_no: str):
    try:
        agent = service.agent_for(employee_no, actor=current_user)
    except NotFound:
        abort(404)
    period, anchor, span = period_of(request.args, local_today())
    return agent, period, anchor, span, service.Scope(span=span, accused_no=agent.employee_no)


@bp.route("/reports/agents/<employee_no>")
@roles(Role.STAFF, Role.TEAM_LEAD, *REPORT_ROLES)
def agent(employee_no: str):
    """One agent's tickets as the accused: count, established count and rate, the criteria,
    the trend. For the agent, their lead and management (404 for anyone else)."""
    g.nav_active = "reports" if current_user.role_enum in REPORT_ROLES else "home"
    agent, period, anchor, span, scope = _agent_scope(employee_no)
    now = utcnow()
    k = service.kpis(scope, now)
    weeks = service.trend(weeks_back(min(span.end, local_today()), 12), scope)
    tickets, more = ticket_service.list_tickets(actor=current_user, filters=TicketFilter(
        accused_no=agent.employee_no, start=service.utc_bounds(span)[0],
        end=service.utc_bounds(span)[1]))
    criteria = hbars([(f"{code} {text[:10]}", n, None) for code, text, n in k.by_criterion])
    return render("reports/agent.html", agent=agent, period=period, anchor=anchor, span=span,
                  k=k, trend=trend_chart(weeks, count="filed", rate="established_rate"),
                  criteria=criteria, tickets=tickets, more=more, formula=FORMULAS,
                  last_day=date.fromordinal(span.end.toordinal() - 1), now=now,
                  list_args=scope.link(on="created"),
                  period_args={name: request.args[name] for name in DASHBOARD_ARGS
                               if request.args.get(name) and name != "by"})


@bp.route("/reports/agents/<employee_no>/export.xlsx")
@roles(Role.STAFF, Role.TEAM_LEAD, *REPORT_ROLES)
def export_agent(employee_no: str):
    """The agent's figures with their formulas, then the criteria ticked."""
    from services.xlsx import xlsx_response
    agent, _period, _anchor, span, scope = _agent_scope(employee_no)
    k = service.kpis(scope, utcnow())
    last = date.fromordinal(span.end.toordinal() - 1)
    rows = [[_("Agent"), f"{agent.name} {agent.employee_no}", None, None, ""],
            [_("Period"), f"{span.start.isoformat()} — {last.isoformat()}", None, None, ""],
            [_("Tickets about the agent"), k.filed, k.filed, None, str(FORMULAS["filed"])],
            [_("Established rate"), _share(k.established, k.judged), k.established, k.judged,
             str(FORMULAS["established"])],
            [], [_("Criterion"), _("Count")]]
    rows += [[f"{code} {text}", n] for code, text, n in k.by_criterion]
    return xlsx_response(_("Agent report"), [_("Figure"), _("Value"), _("Count"), _("Base"),
                                             _("Formula")], rows,
                         filename=f"agent-{agent.employee_no}.xlsx")
