"""The people picker for naming a panel (issue 18): matches with role and team, the ones who
may not sit shown with the reason and no way to choose them, picks carried without JS."""
import pytest

from domain.errors import NotAllowed
from services import appeals, panel_people
from tests.services.test_appeals_services import World

from ._support import element, html


@pytest.fixture
def world(make, now):
    world = World(make, now)
    world.appeal()
    appeals.rejudge(world.ticket_id, decision="uphold", reason="录音证据充分",
                    actor=world.owner, now=now)
    return world


def _row(page, no):
    """The text of the result row of this employee no. and whether it has a Choose button."""
    start = page.index(f'<td class="mono">{no}</td>')
    row = page[start:page.index("</tr>", start)]
    return row, f'name="pick" value="{no}"' in row


def test_the_picker_lists_people_with_role_team_and_reason(client, auth, world, now):
    nos = [p.employee_no for p in world.panel]
    appeals.name_panel(world.ticket_id, employee_nos=nos[3:], actor=world.owner, now=now)
    auth.login(world.accused_lead)
    url = f"/tickets/{world.ticket_id}/panel/people"
    page = html(client.get(url, query_string={"q": "2103"}))
    row, choosable = _row(page, nos[0])
    assert "客服代表" in row and "三班" in row and choosable
    row, choosable = _row(page, nos[3])
    assert "已在对方" in row and not choosable
    row, choosable = _row(html(client.get(url, query_string={"q": "王芳"})), "200333")
    assert "被投诉员工不能参加合议" in row and not choosable
    row, choosable = _row(html(client.get(url, query_string={"q": "赵敏"})), "190001")
    assert "判责的自控组人员不能参加合议" in row and not choosable
    row, choosable = _row(html(client.get(url, query_string={"q": "管理员"})), "990001")
    assert "系统管理员" in row and not choosable


def test_picks_ride_in_the_query_and_fill_the_panel_form(client, auth, world):
    nos = [p.employee_no for p in world.panel]
    auth.login(world.accused_lead)
    page = html(client.get(f"/tickets/{world.ticket_id}/panel/people",
                           query_string=[("q", "2103"), ("pick", nos[0]), ("pick", nos[1])]))
    assert element(page, "member1")[0]["value"] == nos[0]
    assert element(page, "member2")[0]["value"] == nos[1]
    assert "已选" in _row(page, nos[0])[0]
    response = client.post(f"/tickets/{world.ticket_id}/panel",
                           data={"member1": nos[0], "member2": nos[1], "member3": nos[2]})
    assert response.status_code == 303
    assert {m.user_id for m in world.ticket().appeal.members} == {p.id for p in world.panel[:3]}


def test_the_ticket_page_links_to_the_picker(client, auth, world):
    auth.login(world.accused_lead)
    page = html(client.get(f"/tickets/{world.ticket_id}"))
    assert element(page, "panel-picker-link")[0]["href"] == \
        f"/tickets/{world.ticket_id}/panel/people"


def test_only_someone_naming_a_side_may_search(client, auth, world):
    auth.login(world.duty)
    assert client.get(f"/tickets/{world.ticket_id}/panel/people?q=2103").status_code == 403
    with pytest.raises(NotAllowed):
        panel_people.panel_candidates(world.ticket_id, query="2103", actor=world.lead)
