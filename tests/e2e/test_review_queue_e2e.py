"""The lead's review queue in a browser: the whole complaint opens in place, and several
checked tickets are signed over after one confirm step, with JavaScript off too."""
import pytest

from extensions import db
from models import User
from services import tickets as ticket_service
from services.clock import utcnow
from tests.factories import Factory

from .conftest import shot

pytestmark = pytest.mark.e2e

LONG = ("客户反映昨天来电咨询流量包，客服代表语气不耐烦，没听完就挂断电话，客户再次来电时又被"
        "要求重复说明情况，客户非常不满，认为客服代表推诿，要求给出书面说法并当面道歉。")


def file_tickets(live_server, n):
    with live_server.app.app_context():
        agent = db.session.query(User).filter_by(
            employee_no=live_server.people["agent"][0]).one()
        make = Factory(utcnow())
        numbers = [ticket_service.submit_ticket(make.ticket_input(complaint=LONG),
                                                actor=agent, now=utcnow()).number
                   for _ in range(n)]
        db.session.remove()
    return numbers


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_lead_reads_the_whole_complaint_and_signs_two_of_three(open_session, live_server,
                                                                   javascript):
    first, second, third = file_tickets(live_server, 3)
    lead = open_session("lead", javascript=javascript)
    lead.goto(live_server.url + "/review")
    row = lead.locator("#queue-rows tr", has_text=first)
    text = row.locator("details.full-text")
    assert text.locator(".clamp.complaint").bounding_box()["height"] < 50     # two lines
    text.locator("summary").click()
    assert text.get_attribute("open") is not None
    assert text.locator(".clamp.complaint").bounding_box()["height"] > 50     # all of it
    assert "当面道歉" in text.inner_text()

    for number in (first, third):
        lead.locator("#queue-rows tr", has_text=number).get_by_role("checkbox").check()
    shot(lead, f"review-queue-checked-{'js' if javascript else 'nojs'}")
    lead.get_by_role("button", name="签字确认所选…").click()
    lead.wait_for_url("**/review/sign?**")
    listed = lead.locator("#confirm-rows").inner_text()
    assert first in listed and third in listed and second not in listed
    shot(lead, f"review-confirm-{'js' if javascript else 'nojs'}")
    lead.get_by_role("button", name="签字确认这 2 张").click()
    lead.wait_for_url(live_server.url + "/review")
    flash = lead.locator("#flash").inner_text()
    assert first in flash and third in flash
    queue = lead.locator("#queue-rows").inner_text()
    assert second in queue and first not in queue and third not in queue
