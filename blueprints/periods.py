"""The report period a page's query string asks for (?period=day|week|month|custom, ?date=,
?from=, ?to=), shared by the reports dashboard and the callback KPIs."""
from datetime import date

from blueprints.ui import parse_day
from domain.periods import Period, Span, span_of


def period_of(args, today: date) -> tuple[Period, date, Span]:
    """(period, the day it is anchored on, its span); a month when the period is unknown,
    today for a day that is missing or unreadable."""
    period = Period(args["period"]) if args.get("period") in set(Period) else Period.MONTH
    anchor = parse_day(args.get("date"), today)
    start = parse_day(args.get("from"), today) if args.get("from") else None
    end = parse_day(args.get("to"), today) if args.get("to") else None
    return period, anchor, span_of(period, anchor, start, end)
