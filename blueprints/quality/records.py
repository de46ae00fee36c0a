"""白名单回复记录 (the customer reply record) as a page, a printout (A4 landscape) and a
spreadsheet, for the quality team and management, with the narrowing of the other forms:
the period of sign-over, team, route group, checker, verdict in force and reply method."""
from datetime import date, timedelta

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import render
from blueprints.ui import (GROUP_LABELS, REPLY_METHOD_LABELS, VERDICT_LABELS,
                           label, localtime, parse_day)
from domain.periods import Span
from domain.phones import mask_phone
from domain.roles import SEES_ALL_HANDED_OVER
from services import quality, replies
from services.clock import local_today, utcnow
from services.reports import utc_bounds
from services.tickets import TicketFilter

from . import bp

READERS = tuple(SEES_ALL_HANDED_OVER)
ARGS = ("from", "to", "team", "group", "checker", "verdict", "method")
MAX_PAGE = 10_000


def _number(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() and len(raw) < 12 else None


def record_filter(args) -> tuple[TicketFilter, dict, Span]:
    """The filter from the query string (this month so far when no dates are given), the
    arguments as understood (for the links to the other views) and the local-date span."""
    today = local_today()
    start = parse_day(args.get("from"), today) if args.get("from") else None
    end = parse_day(args.get("to"), today) if args.get("to") else None
    if start is None and end is None:
        start, end = today.replace(day=1), today
    start, end = start or end, end or start
    if end < start:
        start, end = end, start
    span = Span(start, end + timedelta(days=1))
    bounds = utc_bounds(span)
    known = {k: args.get(k) for k in ARGS[2:] if args.get(k)}
    known.update({"from": start.isoformat(), "to": end.isoformat()})
    filters = TicketFilter(
        start=bounds[0], end=bounds[1], moment="handed_over",
        team_id=_number(args.get("team")),
        group=args.get("group") if args.get("group") in GROUP_LABELS else None,
        checker_id=_number(args.get("checker")),
        verdict=args.get("verdict") if args.get("verdict") in VERDICT_LABELS else None,
        reply_method=args.get("method") if args.get("method") in REPLY_METHOD_LABELS else None)
    return filters, known, span


def _choices() -> dict:
    return {
        "teams": [(str(t.id), t.name) for t in replies.teams()],
        "groups": [(k.value, label("group", k)) for k in GROUP_LABELS],
        "checkers": [(str(u.id), f"{u.name} {u.employee_no}") for u in quality.checkers()],
        "verdicts": [(k.value, label("verdict", k)) for k in VERDICT_LABELS],
        "methods": [(k, label("reply_method", k)) for k in REPLY_METHOD_LABELS],
    }


@bp.route("/reply-records")
@roles(*READERS)
def reply_records():
    """The record, 50 tickets a page; a filter change re-renders #reply-rows (htmx)."""
    g.nav_active = "replies"
    filters, known, span = record_filter(request.args)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows, more = replies.reply_record_page(filters, actor=current_user, now=utcnow(), page=page)
    return render("quality/replies.html", "reply_rows", rows=rows, more=more, page=page,
                  args=known, span=span, last_day=date.fromordinal(span.end.toordinal() - 1),
                  choices=_choices(), links=record_links(known))


@bp.route("/reply-records/print")
@roles(*READERS)
def reply_records_print():
    """The same rows on A4 landscape (at most replies.PRINT_CAP; then narrow, or XLSX)."""
    g.nav_active = "replies"
    filters, known, span = record_filter(request.args)
    rows, more = replies.reply_record_page(filters, actor=current_user, now=utcnow(),
                                           size=replies.PRINT_CAP)
    return render("quality/replies_print.html", rows=rows, more=more, args=known, span=span,
                  last_day=date.fromordinal(span.end.toordinal() - 1),
                  narrowed=_narrowing(known), cap=replies.PRINT_CAP, links=record_links(known))


def _narrowing(known: dict) -> list[str]:
    """The filters in words, for the printout's heading."""
    choices, words = _choices(), []
    for arg, key in (("team", "teams"), ("group", "groups"), ("checker", "checkers"),
                     ("verdict", "verdicts"), ("method", "methods")):
        if arg in known:
            words.append(dict(choices[key]).get(known[arg], known[arg]))
    return words


def _yes_no(value) -> str:
    return "" if value is None else (_("Yes") if value else _("No"))


@bp.route("/reply-records/export.xlsx")
@roles(*READERS)
def export_reply_records():
    """The same rows as the page, every one of them; customer numbers masked."""
    from services.xlsx import xlsx_response
    filters, _known, _span = record_filter(request.args)
    header = [_("Ticket no."), _("Signed over at"), _("Accused employee no."), _("Route group"),
              _("Caller number"), _("Contact number"), _("Verdict"), _("Type"), _("Criteria"),
              _("Basis for the verdict"), _("Contact attempts"), _("Reply method"),
              _("Escalation decision"), _("Who replies"), _("Replied at"),
              _("Explanation script / what was done"), _("Contacted in time"),
              _("Reply compliant"), _("Checker")]
    reached, missed = _("Reached"), _("Not reached")

    def rows():
        for r in replies.iter_reply_records(filters, actor=current_user, now=utcnow()):
            t, j = r.ticket, r.ticket.judgement
            attempts = "；".join(
                f"{localtime(a.at, 'MM-dd HH:mm')} {reached if a.reached else missed}"
                f"{' ' + a.note if a.note else ''}" for a in t.attempts)
            decision = ""
            if t.reply_decision:
                decision = f"{label('reply_method', t.reply_decision)}：" \
                           f"{t.reply_decision_note}"
            who = t.replier or t.checker
            script = r.sms_reply.text if r.sms_reply else t.reply_note
            yield [t.number, localtime(t.handed_over_at), t.accused_no or "",
                   label("group", t.route_group) if t.route_group else "",
                   mask_phone(t.caller_number), mask_phone(t.contact_number),
                   label("verdict", t.verdict) if t.verdict else "",
                   label("kind", j.kind) if j else "",
                   " ".join(c.code for c in j.criteria) if j else "",
                   j.basis if j else "", attempts,
                   label("reply_method", t.reply_method) if t.reply_method else "",
                   decision, f"{who.name} {who.employee_no}" if who else "",
                   localtime(t.reply_done_at), script, _yes_no(r.first_contact_on_time),
                   _yes_no(r.complied), t.checker.name if t.checker else ""]

    return xlsx_response(_("Customer reply record"), header, rows(), filename="replies.xlsx")


def record_links(known: dict) -> dict:
    """The page, the printout and the spreadsheet of the same filter."""
    return {"page": url_for("quality.reply_records", **known),
            "print": url_for("quality.reply_records_print", **known),
            "xlsx": url_for("quality.export_reply_records", **known)}
