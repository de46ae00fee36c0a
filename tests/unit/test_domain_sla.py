"""Service clocks from recorded timestamps, with the clock moved freely."""
from datetime import datetime, timedelta

import pytest

from domain import sla

T0 = datetime(2026, 11, 23, 1, 0)
LIMITS = sla.Limits()


def test_review_is_two_hours_and_overdue_only_after_it():
    due = sla.review_due(T0, LIMITS)
    assert due == T0 + timedelta(hours=2)
    assert not sla.Clock(due, due).overdue
    assert sla.Clock(due, due + timedelta(seconds=1)).overdue
    assert sla.Clock(due, T0).minutes_left == 120


def test_reply_is_due_48_hours_after_handover():
    assert sla.reply_due(T0, LIMITS) == T0 + timedelta(hours=48)
    assert sla.reply_due(T0, sla.Limits(reply_hours=24)) == T0 + timedelta(hours=24)


def test_only_an_established_verdict_has_an_appeal_window():
    assert sla.appeal_window_ends(T0, True, LIMITS) == T0 + timedelta(hours=72)
    assert sla.appeal_window_ends(T0, False, LIMITS) == T0
    assert sla.appeal_window_ends(T0, True, sla.Limits(appeal_hours=24)) == T0 + timedelta(
        hours=24)


@pytest.mark.parametrize("judged, reply_done, hours_after, closes", [
    (True, True, 71, False), (True, True, 72, True), (True, False, 500, False),
    (False, True, 500, False)])
def test_closing_needs_judgement_reply_and_the_appeal_window_passed(
        judged, reply_done, hours_after, closes):
    appeal_until = sla.appeal_window_ends(T0, True, LIMITS) if judged else None
    now = T0 + timedelta(hours=hours_after)
    assert sla.may_close(appeal_until=appeal_until, reply_done=reply_done, now=now) is closes
