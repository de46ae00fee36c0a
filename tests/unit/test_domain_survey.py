"""The survey and callback rules on fixed dates: the weekly rhythm, working days, remedy clocks,
satisfaction bands, and every KPI of a fixed dataset computed by hand."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.periods import Span
from domain.survey import (Bands, Calendar, Channel, ContactFacts, KpiCounts, Outcome,
                           add_working_days, band, bands_for, callback_due,
                           callback_window_opens, channel_of, cycle_of, is_dissatisfied,
                           mask_name, needs_reason, overdue, phase, ranking_key, remedy_clocks,
                           score, tally)

SH = ZoneInfo("Asia/Shanghai")
D = date


def test_channel_words():
    assert channel_of("热线") == Channel.HOTLINE
    assert channel_of(" QQ ") == Channel.QQ and channel_of("qq") == Channel.QQ
    assert channel_of("微信") is None and channel_of(None) is None


def test_a_week_crossing_a_month_end():
    # Wednesday 30 September: its week is 28 Sep – 4 Oct; surveyed 5–7 Oct, called back 8–11 Oct.
    cycle = cycle_of(D(2026, 9, 30))
    assert cycle.contact_week == D(2026, 9, 28)
    assert (cycle.survey_from, cycle.survey_due) == (D(2026, 10, 5), D(2026, 10, 7))
    assert (cycle.callback_from, cycle.callback_due) == (D(2026, 10, 8), D(2026, 10, 11))
    # A Sunday contact belongs to the week that ends that day.
    assert cycle_of(D(2026, 10, 4)) == cycle
    assert cycle_of(D(2026, 10, 5)).contact_week == D(2026, 10, 5)


def test_callback_week_follows_the_survey():
    # Contact Wed 18 Nov: the cycle's Sunday is 29 Nov.
    assert callback_due(D(2026, 11, 18), None) == D(2026, 11, 29)
    assert callback_due(D(2026, 11, 18), D(2026, 11, 24)) == D(2026, 11, 29)  # on time
    assert callback_due(D(2026, 11, 18), D(2026, 12, 1)) == D(2026, 12, 6)   # late survey
    assert callback_due(D(2026, 11, 18), D(2026, 11, 19)) == D(2026, 11, 29)  # never earlier
    assert callback_window_opens(D(2026, 11, 29)) == D(2026, 11, 26)  # Thursday


def test_phase_and_overdue():
    assert [phase(D(2026, 11, 23 + i)) for i in range(7)] == \
        ["survey"] * 3 + ["callback"] * 4
    assert not overdue(D(2026, 11, 25), D(2026, 11, 25), done=False)  # the last day itself
    assert overdue(D(2026, 11, 25), D(2026, 11, 26), done=False)
    assert not overdue(D(2026, 11, 25), D(2026, 11, 26), done=True)
    assert not overdue(None, D(2026, 11, 26), done=False)


NATIONAL_DAY = Calendar(holidays=frozenset(D(2026, 10, d) for d in range(1, 8)),
                        workdays=frozenset({D(2026, 10, 10)}))


def test_working_days_skip_weekends_and_holidays():
    plain = Calendar()
    assert add_working_days(D(2026, 11, 27), 1, plain) == D(2026, 11, 30)  # Fri → Mon
    assert add_working_days(D(2026, 11, 25), 3, plain) == D(2026, 11, 30)  # Wed → Mon
    # Holiday 1–7 October; Saturday 10 October is a make-up working day (调休).
    assert add_working_days(D(2026, 9, 30), 3, NATIONAL_DAY) == D(2026, 10, 10)
    assert not NATIONAL_DAY.is_working_day(D(2026, 10, 5))
    assert NATIONAL_DAY.is_working_day(D(2026, 10, 10))
    assert add_working_days(D(2026, 9, 30), 0, NATIONAL_DAY) == D(2026, 9, 30)


def test_sunday_night_callback_clocks():
    opened = datetime(2026, 11, 29, 22, 30, tzinfo=SH)  # Sunday night
    contact_due, remedy_due = remedy_clocks(opened, Calendar())
    assert contact_due == datetime(2026, 11, 29, 23, 30, tzinfo=SH)
    # Mon 30 Nov, Tue 1 Dec, Wed 2 Dec: due by the end of Wednesday (across the month end).
    assert remedy_due == datetime(2026, 12, 3, 0, 0, tzinfo=SH)


def test_remedy_clock_across_a_holiday():
    opened = datetime(2026, 9, 30, 15, 0, tzinfo=SH)
    contact_due, remedy_due = remedy_clocks(opened, NATIONAL_DAY)
    assert contact_due == datetime(2026, 9, 30, 16, 0, tzinfo=SH)
    assert remedy_due == datetime(2026, 10, 11, 0, 0, tzinfo=SH)


def test_one_threshold_asks_the_reason_opens_the_remedy_and_gives_the_bands():
    """Seed 004: below 8 the reason is asked and the follow-up opens — one threshold, so a 7
    does both (it used to need a reason and open nothing); the bands follow from it."""
    bands = Bands()
    assert bands == bands_for(8) == Bands(satisfied_min=9, fairly_min=8)
    assert [band(s, bands) for s in (10, 9, 8, 7, 6, 1)] == \
        ["satisfied", "satisfied", "fairly", "dissatisfied", "dissatisfied", "dissatisfied"]
    assert band(None, bands) is None
    assert needs_reason(7) and not needs_reason(8) and not needs_reason(None)
    assert is_dissatisfied(Outcome.ACCEPTED, 7) and not is_dissatisfied(Outcome.ACCEPTED, 8)
    assert is_dissatisfied(Outcome.NOT_ACCEPTED, 10)
    for threshold in range(2, 11):  # reason and remedy always agree, whatever the setting
        for s in range(1, 11):
            assert needs_reason(s, threshold) == is_dissatisfied(Outcome.ACCEPTED, s, threshold)
            assert (band(s, bands_for(threshold)) == "dissatisfied") == (s < threshold)
    assert bands_for(7) == Bands(9, 7) and bands_for(6) == Bands(8, 6)
    assert bands_for(10) == Bands(10, 10)


def test_a_customer_name_in_lists():
    assert [mask_name(n) for n in ("张伟", "欧阳娜娜", "王", "", None)] == \
        ["张*", "欧***", "王*", "", ""]


# A fixed dataset for November 2026, every figure counted by hand below.
DATASET = [
    # A: survey due 4 Nov, resolved; callback due 8 Nov, done, 10 (满意); audit: accurate
    ContactFacts(D(2026, 11, 4), True, True, True, D(2026, 11, 8), True, 10, (True,)),
    # B: unresolved; callback done, 7 (dissatisfied: below 8); audit: not accurate
    ContactFacts(D(2026, 11, 11), True, False, True, D(2026, 11, 15), True, 7, (False,)),
    # C: unresolved; callback due, not done
    ContactFacts(D(2026, 11, 11), True, False, True, D(2026, 11, 15), False),
    # D: resolved at the survey, no callback needed
    ContactFacts(D(2026, 11, 18), True, True, False),
    # E: callback done, 6 (dissatisfied); two records sampled, both accurate
    ContactFacts(D(2026, 11, 25), True, False, True, D(2026, 11, 29), True, 6, (True, True)),
    # F: not surveyed yet: no issue raised
    ContactFacts(D(2026, 11, 25), False, False, False),
    # G: surveyed in October, callback due Sunday 1 November, done, 9 (满意)
    ContactFacts(D(2026, 10, 28), True, True, True, D(2026, 11, 1), True, 9),
    # H: surveyed late: callback due in December
    ContactFacts(D(2026, 11, 25), True, False, True, D(2026, 12, 6), False),
    # I: callback done, 8 (较满意)
    ContactFacts(D(2026, 11, 25), True, False, True, D(2026, 11, 29), True, 8),
]
NOVEMBER = Span(D(2026, 11, 1), D(2026, 12, 1))


def test_kpis_of_the_fixed_dataset_by_hand():
    k = tally(DATASET, NOVEMBER, Bands())
    # callbacks due: A B C E G I = 6; done: A B E G I = 5
    assert (k.callbacks_due, k.callbacks_done) == (6, 5)
    # 满意 (9–10): A G; 较满意 (8): I; B (7) and E (6) are neither
    assert (k.satisfied, k.fairly) == (2, 1)
    # issues raised: surveyed with the survey due in November: A B C D E H I = 7; resolved A D
    assert (k.issues, k.resolved) == (7, 2)
    # records sampled: A 1 + B 1 + E 2 = 4; accurate: A, E, E = 3
    assert (k.sampled, k.accurate) == (4, 3)
    assert k.completion_rate == pytest.approx(5 / 6)
    assert k.satisfaction_rate == pytest.approx(3 / 5)
    assert k.resolution_rate == pytest.approx(2 / 7)
    assert k.accuracy_rate == pytest.approx(3 / 4)


def test_configured_bands_change_satisfaction():
    k = tally(DATASET, NOVEMBER, Bands(satisfied_min=8, fairly_min=6))
    assert (k.satisfied, k.fairly) == (3, 2)  # A G I; B E
    assert k.satisfaction_rate == 1.0


def test_empty_period_has_no_rates():
    k = tally(DATASET, Span(D(2027, 1, 1), D(2027, 2, 1)), Bands())
    assert k == KpiCounts()
    assert k.completion_rate is None and k.satisfaction_rate is None


def test_ranking_puts_missing_rates_last():
    good = KpiCounts(callbacks_due=2, callbacks_done=2, satisfied=2)
    fair = KpiCounts(callbacks_due=2, callbacks_done=2, satisfied=1)
    none = KpiCounts()
    assert sorted([none, fair, good], key=ranking_key) == [good, fair, none]


def test_the_score_weighs_the_rates_that_have_a_base():
    """考核得分 = (40 completion + 30 satisfaction + 20 resolution + 10 accuracy) ÷ the weights of
    the rates that can be computed."""
    k = KpiCounts(callbacks_due=4, callbacks_done=3, satisfied=2, fairly=1, issues=2,
                  resolved=1, sampled=2, accurate=1)
    assert score(k) == pytest.approx((40 * 0.75 + 30 * 1.0 + 20 * 0.5 + 10 * 0.5) / 100 * 100)
    unsampled = KpiCounts(callbacks_due=4, callbacks_done=3, satisfied=2, fairly=1, issues=2,
                          resolved=1)
    assert score(unsampled) == pytest.approx((40 * 0.75 + 30 * 1.0 + 20 * 0.5) / 90 * 100)
    assert score(KpiCounts()) is None
    idle = KpiCounts(callbacks_due=3)  # given three, called none: 0, not missing
    assert score(idle) == 0.0
