"""Report periods in local calendar terms."""
from datetime import date

from domain.periods import Period, Span, previous, rate, span_of, weeks_back


def test_spans():
    assert span_of(Period.DAY, date(2026, 11, 25)) == Span(date(2026, 11, 25), date(2026, 11, 26))
    assert span_of(Period.WEEK, date(2026, 11, 25)) == Span(date(2026, 11, 23), date(2026, 11, 30))
    assert span_of(Period.MONTH, date(2026, 12, 31)) == Span(date(2026, 12, 1), date(2027, 1, 1))
    assert span_of(Period.MONTH, date(2026, 2, 10)) == Span(date(2026, 2, 1), date(2026, 3, 1))
    assert span_of(Period.CUSTOM, date(2026, 1, 1), date(2026, 11, 30), date(2026, 11, 1)) == \
        Span(date(2026, 11, 1), date(2026, 12, 1))


def test_previous_and_weeks_back():
    month = span_of(Period.MONTH, date(2026, 3, 15))
    assert previous(month, Period.MONTH) == Span(date(2026, 2, 1), date(2026, 3, 1))
    weeks = weeks_back(date(2026, 11, 25), 3)
    assert [w.start for w in weeks] == [date(2026, 11, 9), date(2026, 11, 16), date(2026, 11, 23)]


def test_rate():
    assert rate(1, 4) == 0.25
    assert rate(0, 0) is None
