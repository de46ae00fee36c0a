"""Panel and tally rules of the anonymous vote."""
from datetime import datetime, timedelta

import pytest

from domain.appeals import Tally, panel_problems, vote_deadline, vote_may_close
from domain.judgement import Verdict

ELIGIBLE = set(range(1, 20))


@pytest.mark.parametrize("named, other, excluded, ok", [
    ([1, 2, 3], {4, 5, 6}, {10, 11}, True),
    ([1, 2], set(), set(), False),              # three, not two
    ([1, 1, 2], set(), set(), False),           # three different people
    ([1, 2, 10], set(), {10}, False),           # the accused or the judging checker
    ([1, 2, 4], {4, 5, 6}, set(), False),       # six distinct people
    ([1, 2, 99], set(), set(), False),          # not an active, eligible user
])
def test_six_person_rule(named, other, excluded, ok):
    problem = panel_problems(named, other_side=other, excluded=excluded, eligible=ELIGIBLE)
    assert (problem is None) is ok


@pytest.mark.parametrize("established, not_established, outcome", [
    (4, 2, Verdict.ESTABLISHED), (1, 5, Verdict.NOT_ESTABLISHED), (3, 3, None), (0, 0, None),
    (1, 0, Verdict.ESTABLISHED), (2, 2, None)])
def test_majority_of_cast_ballots(established, not_established, outcome):
    assert Tally(established, not_established).outcome() == outcome


def test_vote_closes_when_all_voted_or_at_the_deadline():
    opened = datetime(2026, 11, 23, 1, 0)
    deadline = vote_deadline(opened)
    assert deadline == opened + timedelta(hours=24)
    assert vote_may_close(voted=6, panel_size=6, deadline=deadline, now=opened)
    assert not vote_may_close(voted=5, panel_size=6, deadline=deadline, now=opened)
    assert vote_may_close(voted=0, panel_size=6, deadline=deadline, now=deadline)
