"""The reply rules: failed calls on three different local days open the SMS reply and the
direct explanation (the days counted in the centre's zone, not in UTC); a decision on an
escalated customer names the method; and whether a reply kept to the rules."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import reply
from domain.sla import Limits

SHANGHAI = ZoneInfo("Asia/Shanghai")
UTC = ZoneInfo("UTC")


def utc(local: str) -> datetime:
    """A Shanghai wall-clock time "2026-11-23 23:30" as the naive UTC the database stores."""
    moment = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)
    return moment.astimezone(UTC).replace(tzinfo=None)


def failed(*local_times):
    return [(utc(t), False) for t in local_times]


def test_three_calls_on_one_day_are_one_day():
    follow = reply.follow_up(failed("2026-11-23 09:00", "2026-11-23 14:00", "2026-11-23 20:00"),
                             SHANGHAI, 3)
    assert (follow.days_tried, follow.days_left, follow.complete) == (1, 2, False)


def test_three_different_days_open_the_fallback_even_within_72_hours():
    # 23:50, then 00:10 and 00:05 on the next two days: 24 hours 15 minutes, three days
    follow = reply.follow_up(failed("2026-11-23 23:50", "2026-11-24 00:10", "2026-11-25 00:05"),
                             SHANGHAI, 3)
    assert follow.failed_days == (date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25))
    assert follow.complete


def test_days_are_local_days_not_utc_days():
    # 07:30 and 09:30 in Shanghai are 23:30 and 01:30 UTC: two UTC days, one local day
    times = failed("2026-11-24 07:30", "2026-11-24 09:30")
    assert [at.date() for at, _ in times] == [date(2026, 11, 23), date(2026, 11, 24)]
    assert reply.follow_up(times, SHANGHAI, 2).days_tried == 1
    assert reply.follow_up(times, UTC, 2).days_tried == 2
    # and 23:30 and 00:30 in Shanghai are one UTC day (15:30, 16:30) but two local days
    across = failed("2026-11-24 23:30", "2026-11-25 00:30")
    assert reply.follow_up(across, SHANGHAI, 2).complete
    assert not reply.follow_up(across, UTC, 2).complete


def test_a_call_that_reached_the_customer_means_a_phone_reply():
    attempts = failed("2026-11-23 09:00", "2026-11-24 09:00", "2026-11-25 09:00")
    attempts.append((utc("2026-11-25 15:00"), True))
    follow = reply.follow_up(attempts, SHANGHAI, 3)
    assert follow.reached and not follow.complete
    assert reply.method_problem("sms", follow, None) == "The customer was reached: answer by phone."
    assert reply.method_problem("phone", follow, None) is None


def test_the_count_is_a_setting():
    attempts = failed("2026-11-23 09:00", "2026-11-24 09:00")
    assert reply.follow_up(attempts, SHANGHAI, 2).complete
    assert not reply.follow_up(attempts, SHANGHAI, 3).complete
    assert reply.follow_up(attempts, SHANGHAI, 1).days_tried == 1


@pytest.mark.parametrize("days, today, expected", [
    ((), date(2026, 11, 23), None),                                       # no failed call yet
    ((date(2026, 11, 23),), date(2026, 11, 23), date(2026, 11, 24)),       # tomorrow
    ((date(2026, 11, 23), date(2026, 11, 24)), date(2026, 11, 26), date(2026, 11, 26)),  # today
    ((date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)), date(2026, 11, 25), None),
])
def test_which_day_still_needs_an_attempt(days, today, expected):
    assert reply.FollowUp(days, False, 3).next_day(today) == expected


def test_fallback_methods_wait_for_the_days_unless_a_decision_names_them():
    two = reply.follow_up(failed("2026-11-23 09:00", "2026-11-24 09:00"), SHANGHAI, 3)
    waiting = ("Possible only after failed calls on %(n)d different days.", {"n": 3})
    assert reply.method_problem("sms", two, None) == waiting
    assert reply.method_problem("explain", two, None) == waiting
    assert reply.method_problem("sms", two, "sms") is None
    assert reply.method_problem("explain", two, "sms") == (
        "The decision on this escalated customer names another reply method.")
    assert reply.method_problem("other", two, None) is None
    assert reply.method_problem("fax", two, None) == "Choose how the customer was answered."
    three = reply.follow_up(failed("2026-11-23 09:00", "2026-11-24 09:00", "2026-11-25 09:00"),
                            SHANGHAI, 3)
    assert reply.method_problem("explain", three, None) is None


T0 = datetime(2026, 11, 23, 2, 0)
H = timedelta(hours=1)
LIMITS = Limits()


@pytest.mark.parametrize("first_attempt, now, expected", [
    (T0 + 47 * H, T0 + 100 * H, True),
    (T0 + 49 * H, T0 + 100 * H, False),
    (None, T0 + 47 * H, None),    # still within the 48 h: not counted yet
    (None, T0 + 49 * H, False),
])
def test_first_contact_within_48_hours(first_attempt, now, expected):
    assert reply.first_contact_on_time(handed_over_at=T0, first_attempt_at=first_attempt,
                                       now=now, limits=LIMITS) is expected


@pytest.mark.parametrize("method, done, first_failed, decided, expected", [
    ("phone", 47, None, None, True),
    ("phone", 49, None, None, False),
    ("other", 49, None, None, False),
    ("sms", 76, 4, None, True),          # after the three days: as 001 prescribes
    ("explain", 120, 47, None, True),
    ("sms", 120, 50, None, False),       # the calls began after the 48 h
    ("sms", 130, 60, "sms", True),       # by the decided method
    ("phone", 130, None, "phone", True),
    (None, None, 4, None, None),         # no reply yet
])
def test_reply_compliance(method, done, first_failed, decided, expected):
    assert reply.reply_complied(
        handed_over_at=T0, reply_method=method,
        reply_done_at=T0 + done * H if done is not None else None,
        first_failed_call_at=T0 + first_failed * H if first_failed is not None else None,
        decided=decided, limits=LIMITS) is expected
