"""The wallboard's figures against a real database: each indicator counts what it says, turns
red past its threshold, and the screen links open the board until they are revoked."""
from datetime import timedelta

import pytest

from domain.errors import FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from services import quality, settings, wallboard
from tests.services.test_appeals_services import World

pytestmark = pytest.mark.postgres

H = timedelta(hours=1)


def by_key(now):
    return {f.key: f for f in wallboard.figures(now)}


def test_each_indicator_counts_the_floor(db_backend, make, now):
    """Two tickets wait for review (one past 2 h), one waits to be claimed, one is being
    verified with a failed call and a reply due within 4 h, one is judged 成立 today, and a
    vote is open."""
    lead, agent = make.team_with_lead()
    make.ticket(submitter=agent, at=now - 3 * H, complaint="客户说员工态度差还挂断电话")
    make.ticket(submitter=agent, at=now - H)
    make.ticket("handed_over", submitter=agent, at=now - 2 * H)
    checker = make.user(Role.CHECKER)
    due_soon = make.ticket("verifying", submitter=agent, checker=checker, at=now - 46 * H)
    quality.log_attempt(due_soon.id, at=now - H, reached=False, note="", actor=checker,
                        now=now - H)
    world = World(make, now)            # judged 成立 today, replied
    world.to_vote()
    figures = by_key(now)
    assert (figures["review_waiting"].value, figures["review_late"].value) == (2, 1)
    assert figures["unclaimed"].value == 1
    assert figures["replies_due"].value == 1
    assert figures["unreached"].value == 1
    assert figures["votes_open"].value == 1
    assert figures["established_today"].value == 100
    label, count, _red = figures["top_criterion"].detail[0]
    assert label.startswith("A2 ") and count == 1
    keywords = dict((k, n) for k, n, _red in figures["keyword"].detail)
    assert keywords["挂断"] == 1 and keywords["态度"] >= 1
    # defaults: 0 late reviews allowed, 60 % established
    assert figures["review_late"].red and figures["established_today"].red
    assert not figures["review_waiting"].red and not figures["unclaimed"].red


def test_a_threshold_decides_red(db_backend, make, now):
    lead, agent = make.team_with_lead()
    for hours in (1, 2, 3):
        make.ticket(submitter=agent, at=now - hours * H)
    assert not by_key(now)["review_waiting"].red
    settings.update({"wallboard_thresholds": {"review_waiting": 2}},
                    actor=make.user(Role.ADMIN), now=now)
    figure = by_key(now)["review_waiting"]
    assert (figure.value, figure.threshold, figure.red) == (3, 2, True)


def test_nothing_judged_today_is_not_red(db_backend, make, now):
    figure = by_key(now)["established_today"]
    assert figure.value is None and not figure.red


def test_feedback_notes_count_in_the_keywords(db_backend, make, now):
    from services import feedback
    _lead, agent = make.team_with_lead()
    feedback.post_note("客户投诉被推诿两次", actor=agent, now=now)
    detail = {k: n for k, n, _r in by_key(now)["keyword"].detail}
    assert detail == {"推诿": 1}


def test_screen_links_open_until_revoked(db_backend, make, now):
    admin = make.user(Role.ADMIN)
    screen, token = wallboard.add_screen("一楼大屏", actor=admin, now=now)
    assert wallboard.screen_for(token).id == screen.id
    assert screen.token_hash != token and token not in screen.token_hash
    with pytest.raises(NotFound):
        wallboard.screen_for(token + "x")
    with pytest.raises(NotAllowed):
        wallboard.revoke_screen(screen.id, actor=make.user(Role.OWNER), now=now)
    wallboard.revoke_screen(screen.id, actor=admin, now=now)
    with pytest.raises(NotFound):
        wallboard.screen_for(token)
    with pytest.raises(InvalidTransition):
        wallboard.revoke_screen(screen.id, actor=admin, now=now)
    with pytest.raises(FormProblems):
        wallboard.add_screen(" ", actor=admin, now=now)


def test_the_board_reads_no_customer_data(db_backend, make, now):
    """Nothing on the board carries a number or a name: counts, criteria and keywords only."""
    lead, agent = make.team_with_lead()
    make.ticket(submitter=agent, at=now - H, complaint="客户13812345678说员工挂断")
    text = repr(wallboard.figures(now))
    assert "138" not in text and agent.name not in text
