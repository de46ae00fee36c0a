"""The appeal list (issue 18): every appeal for the deciders, a lead's team only, by stage."""
import pytest

from domain.errors import NotAllowed
from domain.roles import Role
from services import appeal_list
from tests.services.test_appeals_services import World

from ._support import element, html, text_of


@pytest.fixture
def world(make, now):
    world = World(make, now)
    world.to_vote()
    return world


def _numbers(client, url):
    response = client.get(url)
    assert response.status_code == 200
    rows = text_of(html(response), "appeal-rows")
    return rows


def test_the_owner_finds_the_appeal_by_its_stage(client, auth, world):
    number = world.ticket().number
    auth.login(world.owner)
    assert number in _numbers(client, "/appeals")
    assert number in _numbers(client, "/appeals?stage=voting")
    assert number not in _numbers(client, "/appeals?stage=appealed")
    assert number not in _numbers(client, "/appeals?stage=decided")
    world.vote(["established"] * 4 + ["not_established"] * 2)
    assert number in _numbers(client, "/appeals?stage=decided")
    assert number not in _numbers(client, "/appeals?stage=voting")


def test_the_stage_chosen_stays_selected_and_the_filter_works_without_js(client, auth, world):
    auth.login(world.duty)
    page = html(client.get("/appeals?stage=voting"))
    form = element(page, "appeal-filter")
    assert form is not None and form[0]["method"] == "get"
    assert 'value="voting" selected' in page


def test_a_lead_sees_the_appeals_of_the_team_only(client, auth, world, make):
    number = world.ticket().number
    auth.login(world.accused_lead)
    assert number in _numbers(client, "/appeals")
    auth.logout()
    other = make.user(Role.TEAM_LEAD, team="三班")
    auth.login(other)
    assert number not in _numbers(client, "/appeals")


def test_the_menu_offers_the_appeal_list_to_its_readers_only(client, auth, world, make):
    auth.login(world.owner)
    assert 'href="/appeals"' in html(client.get("/"))
    auth.logout()
    auth.login(world.checker)
    assert 'href="/appeals"' not in html(client.get("/"))


def test_the_service_refuses_roles_that_do_not_list_appeals(world):
    with pytest.raises(NotAllowed):
        appeal_list.list_appeals(actor=world.checker)
    with pytest.raises(NotAllowed):
        appeal_list.list_appeals(actor=world.panel[0])
