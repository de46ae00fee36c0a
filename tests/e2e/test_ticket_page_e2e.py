"""The ticket page at 1366×768 (issue 18): a refused action's message is where the user is
looking, whichever form refused it, with and without JavaScript; a claimed ticket's page is
ordered by the step at hand and fits about one and a half screens."""
from datetime import timedelta

import pytest

from domain.roles import Role
from extensions import db
from services import quality
from services.clock import utcnow
from tests.factories import Factory

from .conftest import shot

pytestmark = pytest.mark.e2e

SCREEN = {"width": 1366, "height": 768}
BACK_OFFICE_AGENT = "110234"   # routed to a back-office line: the notification form shows


def _tickets(app, people):
    """The tickets each form is tried on, made through the services."""
    with app.app_context():
        make = Factory(utcnow() - timedelta(hours=3))
        lead, agent = make.team_with_lead()
        checker = make.user(Role.CHECKER)
        claimed = make.ticket("verifying", submitter=agent, lead=lead, checker=checker,
                              accused_no=BACK_OFFICE_AGENT)
        quality.log_notification(claimed.id, called_at=make.now, other_lead_name="周芳",
                                 actor=checker, now=make.now + timedelta(minutes=25))
        quality.log_attempt(claimed.id, at=make.now, reached=False, note="无人接听",
                            actor=checker, now=make.now + timedelta(minutes=30))
        judged = make.ticket("verifying", submitter=agent, lead=lead, checker=checker,
                             accused_no=agent.employee_no)
        a1 = [c.id for c in quality.active_criteria() if c.code == "A1"]
        quality.judge(judged.id, kind="attitude", verdict="established", criteria_ids=a1,
                      basis="录音00:30处员工语气生硬。", actor=checker,
                      now=make.now + timedelta(minutes=40))
        ids = {"claimed": claimed.id, "judged": judged.id,
               "unclaimed": make.ticket("handed_over", submitter=agent, lead=lead).id,
               "submitted": make.ticket("submitted", submitter=agent, lead=lead).id,
               "returned": make.ticket("returned_to_lead", submitter=agent, lead=lead,
                                       checker=checker).id}
        people.update({"t-checker": (checker.employee_no, None), "t-lead": (lead.employee_no, None),
                       "t-agent": (agent.employee_no, None)})
        db.session.remove()
    return ids


def _clear(form):
    """Submit with the required text left empty (422)."""
    form.locator("textarea, input[type=text], input:not([type])").evaluate_all(
        "els => els.forEach(e => { e.value = '' })")


def _stale(form):
    """Submit a version someone else has moved past (409)."""
    form.locator("input[name=version]").evaluate("e => { e.value = '999999' }")


# (who, ticket, the form on its page, how to make its submit refused)
FORMS = [
    ("t-checker", "claimed", "#routing form", _clear),
    ("t-checker", "claimed", "#notification-form", _clear),
    ("t-checker", "claimed", "#judge-form", _clear),
    ("t-checker", "claimed", "#flag form", _clear),
    ("t-checker", "claimed", "#return-to-lead form", _clear),
    ("t-checker", "claimed", "#attempt-form", _clear),
    ("t-checker", "claimed", "#sms-form", _clear),
    ("t-checker", "claimed", "#reply-form", _clear),
    ("t-checker", "claimed", "#escalate form", _clear),
    ("t-checker", "claimed", "#order-form", _clear),
    ("t-checker", "claimed", "#recording-form", _clear),
    ("t-checker", "claimed", "#excerpt-form", _clear),
    ("checker", "unclaimed", "#quality form", _stale),
    ("t-lead", "submitted", "#lead-actions form.btn-row", _stale),
    ("t-lead", "submitted", "#return-form", _clear),
    ("t-lead", "returned", "#lead-return-notice form", _stale),
    ("t-lead", "judged", "#appeal-form", _clear),
    ("t-agent", "judged", "#objection-form", _clear),
]


def _in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= SCREEN["height"]


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_every_refused_action_shows_its_message_in_view(browser, live_server, javascript):
    ids = _tickets(live_server.app, live_server.people)
    sessions, missed = {}, []
    for who, ticket, selector, refuse in FORMS:
        if who not in sessions:
            context = browser.new_context(viewport=SCREEN, java_script_enabled=javascript,
                                          locale="zh-CN")
            page = context.new_page()
            page.goto(live_server.url + "/login")
            page.fill("#employee_no", live_server.people[who][0])
            page.fill("#password", Factory.PASSWORD)
            page.locator("button[type=submit]").click()
            page.wait_for_url(live_server.url + "/")
            sessions[who] = page
        page = sessions[who]
        page.goto(f"{live_server.url}/tickets/{ids[ticket]}")
        form = page.locator(selector)
        assert form.count() == 1, f"{selector} on the {ticket} ticket for {who}"
        # The user opens the folded section and scrolls to its button, as they would.
        form.evaluate("f => { for (let e = f; e; e = e.parentElement) "
                      "{ if (e.tagName === 'DETAILS') e.open = true; } }")
        refuse(form)
        button = form.locator("button[type=submit]").last
        button.scroll_into_view_if_needed()
        button.click()
        page.wait_for_load_state()
        assert page.locator("#flash .flash.error").count() >= 1, selector
        summary = page.locator("#refusal")
        message = summary if summary.count() else page.locator("#flash .flash.error").first
        if not _in_view(page, message):
            missed.append(selector)
        elif javascript and summary.count():
            assert page.evaluate("document.activeElement.id") == "refusal", selector
    for page in sessions.values():
        page.context.close()
    assert missed == []


def test_a_claimed_ticket_page_fits_one_and_a_half_screens(browser, live_server):
    ids = _tickets(live_server.app, live_server.people)
    context = browser.new_context(viewport=SCREEN, locale="zh-CN")
    page = context.new_page()
    page.goto(live_server.url + "/login")
    page.fill("#employee_no", live_server.people["t-checker"][0])
    page.fill("#password", Factory.PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(live_server.url + "/")
    page.goto(f"{live_server.url}/tickets/{ids['claimed']}")
    height = page.evaluate("document.documentElement.scrollHeight")
    shot(page, "70-claimed-ticket-1366")
    assert height <= 1.6 * SCREEN["height"], height
    # The step at hand first; the upload one line until opened.
    assert page.locator(".steps > :first-child").get_attribute("id") == "quality"
    assert page.locator("#judge-form").is_visible()
    assert page.locator("#add-excerpt summary").text_content().strip() == "添加录音片段"
    assert not page.locator("#excerpt-form").is_visible()
    context.close()
