"""Panel and tally rules of the anonymous vote; who acts on an appeal at each step."""
from datetime import datetime, timedelta

import pytest

from domain.appeals import (Level, People, Tally, appellant_side_namers, judging_side_namers,
                            next_level, objection_deciders, panel_problems, rejudgers, rulers,
                            vote_deadline, vote_may_close)
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


# --- who acts, so that no appeal stalls ------------------------------------------------------

OWNER, OTHER_OWNER, GROUP_HEAD, SITE_HEAD, DUTY, LEAD = 1, 2, 3, 4, 5, 6
EVERYONE = People(owners=frozenset({OWNER, OTHER_OWNER}), duty_managers=frozenset({DUTY}),
                  group_heads=frozenset({GROUP_HEAD}), site_heads=frozenset({SITE_HEAD}))


@pytest.mark.parametrize("people, judge, deputy, expected", [
    (EVERYONE, 99, None, {OWNER, OTHER_OWNER}),          # a checker judged: every owner
    (EVERYONE, OWNER, None, {OTHER_OWNER}),              # never the one who judged
    (People(owners=frozenset({OWNER}), group_heads=frozenset({GROUP_HEAD})),
     OWNER, None, {GROUP_HEAD}),                         # the only owner judged: group head
    (People(owners=frozenset({OWNER}), group_heads=frozenset({GROUP_HEAD, 7})),
     OWNER, 7, {7}),                                     # the configured deputy
    (People(owners=frozenset({OWNER, 8}), group_heads=frozenset({GROUP_HEAD})),
     OWNER, GROUP_HEAD, {8}),                            # another owner comes first
    (People(owners=frozenset({OWNER}), group_heads=frozenset({GROUP_HEAD})),
     OWNER, 42, {GROUP_HEAD}),                           # deputy inactive: the group heads
    (People(owners=frozenset({OWNER}), site_heads=frozenset({SITE_HEAD})),
     OWNER, None, {SITE_HEAD}),                          # no group head either
])
def test_an_appeal_always_has_someone_to_rejudge_it(people, judge, deputy, expected):
    assert rejudgers(people, judge=judge, deputy=deputy) == expected


def test_who_names_the_panel_and_who_rules():
    assert appellant_side_namers(EVERYONE, appellant=LEAD, appellant_active=True) == {LEAD}
    assert appellant_side_namers(EVERYONE, appellant=LEAD, appellant_active=False) == {
        DUTY, GROUP_HEAD}
    assert judging_side_namers(People(), rejudged_by=GROUP_HEAD) == {GROUP_HEAD}
    assert rulers(EVERYONE) == {SITE_HEAD}
    assert rulers(People(group_heads=frozenset({GROUP_HEAD}))) == {GROUP_HEAD}


def test_the_objection_chain_goes_lead_duty_manager_group_head():
    assert next_level(Level.TEAM_LEAD) == Level.DUTY_MANAGER
    assert next_level(Level.DUTY_MANAGER) == Level.GROUP_HEAD
    assert next_level(Level.GROUP_HEAD) is None
    leads = frozenset({LEAD})
    assert objection_deciders(Level.TEAM_LEAD, EVERYONE, accused_leads=leads) == {LEAD}
    assert objection_deciders(Level.TEAM_LEAD, EVERYONE, accused_leads=frozenset()) == {DUTY}
    assert objection_deciders(Level.DUTY_MANAGER, EVERYONE, accused_leads=leads) == {DUTY}
    assert objection_deciders(Level.GROUP_HEAD, EVERYONE, accused_leads=leads) == {GROUP_HEAD}
    nobody_above = People(duty_managers=frozenset({DUTY}))
    assert objection_deciders(Level.GROUP_HEAD, nobody_above, accused_leads=leads) == {DUTY}


def test_the_picker_gives_each_person_the_reason_panel_problems_would():
    from domain.appeals import panellist_problem
    ok = {"may_sit": True, "accused": 2, "judge": 3, "other_side": {4}}
    assert panellist_problem(1, **ok) is None
    assert "accused" in panellist_problem(2, **ok)
    assert "checker who judged" in panellist_problem(3, **ok)
    assert "other side" in panellist_problem(4, **ok)
    assert "active" in panellist_problem(1, **{**ok, "may_sit": False})
