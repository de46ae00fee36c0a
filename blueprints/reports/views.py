"""报表: the KPIs of a period, a breakdown, weekly trends; every figure links to its tickets."""
from datetime import date

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.charts import hbars, trend_chart
from blueprints.periods import period_of
from blueprints.ui import GROUP_LABELS, KIND_LABELS, parse_day
from domain.periods import weeks_back
from domain.roles import Role
from services import reports as service
from services.clock import local_today

from . import bp

REPORT_ROLES = (Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER)


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
    figures = service.kpis(scope)
    rows = service.breakdown(scope, by)
    if by == "group":
        for row in rows:
            row.label = str(GROUP_LABELS.get(row.key, _("Not routed"))) if row.key else \
                _("Not routed")
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
                  breakdown_param={"team": "team", "group": "group", "checker": "checker"}[by],
                  user=current_user)


# --- exports of the paper forms ---------------------------------------------------------------

def _export_span():
    today = local_today()
    start = parse_day(request.args.get("from"), today)
    end = parse_day(request.args.get("to"), today) if request.args.get("to") else start
    return (start, end) if start <= end else (end, start)


@bp.route("/handover/export.xlsx")
@roles(Role.TEAM_LEAD, Role.CHECKER, *REPORT_ROLES)
def export_handover():
    """领班与内部服务质量自控交接表 for ?from=…&to=… (local dates, inclusive)."""
    from blueprints.ui import localtime, reason_label
    from services.handover import handover_rows
    from services.xlsx import xlsx_response
    start, end = _export_span()
    header = [_("Date"), _("Ticket no."), _("Submitter no."), _("Lead signature"),
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
    from domain.periods import Span
    start, end = _export_span()
    bounds = service.utc_bounds(Span(start, date.fromordinal(end.toordinal() + 1)))
    header = [_("Ticket no."), _("Route group"), _("Number called"), _("Call time"),
              _("Lead spoken to"), _("Tracking"), _("Their result"), _("Checker")]

    def rows():
        for n in notifications_on(*bounds):
            yield [n.ticket.number, group_label_text(n.group), n.number_called,
                   localtime(n.called_at), n.other_lead_name, tracking_label_text(n.tracking),
                   n.result, n.checker.name]

    return xlsx_response(_("Whitelist handover table"), header, rows(),
                         filename="whitelist-handover.xlsx")


@bp.route("/reply-records/export.xlsx")
@roles(Role.CHECKER, *REPORT_ROLES)
def export_replies():
    """白名单回复记录: tickets signed over in ?from=…&to=…, with their contact attempts and
    the reply; customer numbers masked."""
    from blueprints.ui import localtime, reply_method_text
    from domain.periods import Span
    from domain.phones import mask_phone
    from services.quality import reply_records
    from services.xlsx import xlsx_response
    start, end = _export_span()
    bounds = service.utc_bounds(Span(start, date.fromordinal(end.toordinal() + 1)))
    header = [_("Ticket no."), _("Caller number"), _("Contact number"), _("Checker"),
              _("Contact attempts"), _("Reply method"), _("Replied at"),
              _("Explanation script / what was done"), _("Reply on time")]

    def rows():
        limit_minutes = service.settings.limits().reply_hours * 60
        reached, missed = _("Reached"), _("Not reached")
        for t in reply_records(*bounds):
            attempts = "；".join(
                f"{localtime(a.at, 'MM-dd HH:mm')} {reached if a.reached else missed}"
                f"{' ' + a.note if a.note else ''}" for a in t.attempts)
            on_time = ""
            if t.reply_done_at:
                on_time = _("Yes") if (t.reply_done_at - t.handed_over_at).total_seconds() \
                    <= limit_minutes * 60 else _("No")
            yield [t.number, mask_phone(t.caller_number), mask_phone(t.contact_number),
                   t.checker.name if t.checker else "", attempts,
                   reply_method_text(t.reply_method) if t.reply_method else "",
                   localtime(t.reply_done_at), t.reply_note, on_time]

    return xlsx_response(_("Customer reply record"), header, rows(), filename="replies.xlsx")
