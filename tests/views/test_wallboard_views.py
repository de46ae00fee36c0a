"""The wallboard page: for anyone signed in and for a screen's link until it is revoked; its
fragment refreshes alone; the administrator's set-up keeps what was typed."""
import re

import pytest

from domain.roles import Role
from services import wallboard

from ._support import element, html, text_of

pytestmark = pytest.mark.postgres


def test_a_screen_link_opens_the_board_without_sign_in_until_revoked(db_backend, client, make,
                                                                      now):
    admin = make.user(Role.ADMIN)
    screen, token = wallboard.add_screen("一楼大屏", actor=admin, now=now)
    page = client.get(f"/wallboard/s/{token}")
    assert page.status_code == 200
    assert element(html(page), "tile-review-waiting") is not None
    assert page.headers["Cache-Control"] == "no-store"
    assert 'hx-trigger="every 60s"' in html(page)
    fragment = client.get(f"/wallboard/s/{token}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and html(fragment).lstrip().startswith("<main")
    assert "Vary" in fragment.headers
    assert client.get("/wallboard/s/" + "x" * 32).status_code == 404
    wallboard.revoke_screen(screen.id, actor=admin, now=now)
    assert client.get(f"/wallboard/s/{token}").status_code == 404


def test_a_tile_past_its_threshold_is_red_in_words_too(db_backend, client, auth, make, now):
    _lead, agent = make.team_with_lead()
    make.ticket(submitter=agent)
    auth.login(make.user(Role.DUTY_MANAGER))
    calm = html(client.get("/wallboard"))
    assert 'data-red="false"' in re.search(r'<section[^>]*id="tile-review-waiting"[^>]*>',
                                           calm).group(0)
    wallboard.set_thresholds({"review_waiting": 0}, actor=make.user(Role.ADMIN), now=now)
    red = html(client.get("/wallboard"))
    tile = re.search(r'<section class="tile red" id="tile-review-waiting" data-red="true">',
                     red)
    assert tile is not None
    assert "超出阈值" in text_of(red, "tile-review-waiting")


def test_the_setup_keeps_what_was_typed(db_backend, client, auth, make):
    auth.login(make.user(Role.ADMIN))
    refused = client.post("/wallboard/thresholds", data={"review_waiting": "-3"})
    assert refused.status_code == 422
    assert element(html(refused), "review_waiting-error") is not None
    assert 'value="-3"' in html(refused)
    made = client.post("/wallboard/screens", data={"name": "二楼大屏"})
    assert made.status_code == 200
    link = text_of(html(made), "new-screen-link")
    token = re.search(r"/wallboard/s/(\S+)", link).group(1)
    assert client.get(f"/wallboard/s/{token}").status_code == 200
    # shown once: the set-up page never shows it again
    assert token not in html(client.get("/wallboard/setup"))
