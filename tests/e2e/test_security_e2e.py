"""Headers and htmx in a real browser (SECURITY.md, headers and htmx): the main flows clicked
through with JavaScript on, while listeners record every `securitypolicyviolation` and
`htmx:evalDisallowedError`; an XSS payload typed into a ticket stays text."""
import re

import pytest

from extensions import db
from services.clock import utcnow
from tests.factories import Factory

from .conftest import Watcher, menu

pytestmark = pytest.mark.e2e

PAYLOAD = '<script>alert(1)</script><div hx-get="/admin/users" hx-trigger="load">x</div>'

#: Runs in every document before the page's own scripts (Playwright injects it; the page's
#: CSP does not apply to it). Violations go to window.__violations and, through the exposed
#: binding, to the test, so none is lost when the page navigates.
LISTENERS = """
(() => {
  window.__violations = [];
  const report = (kind, detail) => {
    const text = kind + ": " + detail;
    window.__violations.push(text);
    if (window.__zikongViolation) { window.__zikongViolation(text); }
  };
  document.addEventListener("securitypolicyviolation", (e) =>
    report("csp", e.violatedDirective + " " + (e.blockedURI || "inline")), true);
  for (const name of ["htmx:evalDisallowedError", "htmx:eval-disallowed-error"]) {
    document.addEventListener(name, (e) => report("htmx-eval", name), true);
  }
})();
"""


@pytest.fixture
def guarded(browser, live_server):
    """guarded(who) -> a signed-in page whose context records violations from the start."""
    watcher, violations, contexts, requests = Watcher(), [], [], []

    def open_(who):
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
        watcher.attach(context, live_server.url)
        context.expose_binding("__zikongViolation", lambda source, text: violations.append(
            f"{who} {source['page'].url}: {text}"))
        context.add_init_script(LISTENERS)
        context.on("request", lambda request: requests.append((who, request.url)))
        context.on("page", lambda page: page.on("dialog", lambda dialog: (
            violations.append(f"{who}: a dialog opened: {dialog.message}"), dialog.dismiss())))
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.fill("#employee_no", live_server.people[who][0])
        page.fill("#password", Factory.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/")
        return page

    open_.violations, open_.requests, open_.watcher = violations, requests, watcher
    yield open_
    for context in contexts:
        context.close()
    assert watcher.problems == []


def test_the_listeners_catch_violations(guarded, live_server):
    """Proof that the listeners work: an inline script and an htmx `js:` value are caught."""
    page = guarded("agent")
    page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.__ran = true";
        document.body.appendChild(s);
        const b = document.createElement("button");
        b.id = "eval-probe";
        b.setAttribute("hx-get", "/healthz");
        b.setAttribute("hx-vals", "js:{a: 1}");
        b.setAttribute("hx-swap", "none");
        document.body.appendChild(b);
        htmx.process(b);
    }""")
    page.click("#eval-probe")
    page.wait_for_function("window.__violations.length >= 2")
    assert page.evaluate("window.__ran === undefined")  # CSP blocked the inline script
    kinds = {text.split(":")[0] for text in page.evaluate("window.__violations")}
    assert kinds == {"csp", "htmx-eval"}
    assert len(guarded.violations) >= 2
    # the console-based Watcher of the other browser tests sees them too
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in p for p in guarded.watcher.problems)
    assert any("evalDisallowed" in p or "eval" in p.lower() for p in guarded.watcher.problems)
    guarded.violations.clear()
    guarded.watcher.problems.clear()


def test_main_flows_cause_no_violation(guarded, live_server):
    base = live_server.url
    with live_server.app.app_context():
        from models import User
        agent_no = live_server.people["agent"][0]
        db.session.remove()
        assert db.session.query(User).filter_by(employee_no=agent_no).one()
        Factory(utcnow()).user("admin", employee_no="990099")
        db.session.remove()
    live_server.people["admin"] = ("990099", None)

    agent = guarded("agent")
    menu(agent, "新建工单")
    agent.get_by_label("受理号码").fill("13812345678")
    agent.get_by_label("联系电话").fill("13912345678")
    agent.get_by_label("投诉内容").fill(PAYLOAD)
    agent.get_by_label("被投诉工号").fill("180123")
    agent.locator("#ticket-form").get_by_role("button", name="提交").click()
    agent.wait_for_url(re.compile(r"/tickets/\d+$"))
    number = agent.locator("#ticket-number").inner_text()
    assert PAYLOAD in agent.locator("main").inner_text()  # shown as text
    menu(agent, "我的工单")
    menu(agent, "回复口径")

    lead = guarded("lead")
    menu(lead, "待审核")
    row = lead.locator("#queue-rows tr", has_text=number)
    row.get_by_role("button", name="签字确认").click()  # back to the queue
    lead.locator("#flash .flash.success").wait_for()
    menu(lead, "交接表")
    assert number in lead.locator("#handover-rows").inner_text()

    checker = guarded("checker")
    menu(checker, "自控队列")
    checker.get_by_label("搜索").fill(number[-4:])  # active search (htmx)
    row = checker.locator("#quality-rows tr", has_text=number)
    row.wait_for()
    row.get_by_role("button", name="认领").click()
    checker.wait_for_url(re.compile(r"/tickets/\d+"))
    judge = checker.locator("#judge-form")
    judge.get_by_label("态度类").check()
    judge.get_by_label("不成立", exact=True).check()
    judge.get_by_label("判定依据").fill("录音显示员工解释清楚，态度正常。")
    judge.get_by_role("button", name="提交判责").click()
    checker.locator("#judgement").wait_for()
    menu(checker, "白名单交接表")
    checker.goto(base + "/tickets/")

    admin = guarded("admin")
    for path in ("/admin/users", "/admin/teams", "/admin/configuration"):
        admin.goto(base + path)

    for page in (agent, lead, checker, admin):
        page.wait_for_timeout(200)  # let queued events arrive
        assert page.evaluate("window.__violations") == []
    assert guarded.violations == []
    # the payload's hx-get never fired: nobody but the admin asked for /admin/users
    assert [url for who, url in guarded.requests
            if "/admin/users" in url and who != "admin"] == []


def test_a_poll_is_recognised_as_the_page_not_the_person(guarded):
    """What blueprints._htmx.is_self_refresh relies on, in real htmx: an element reloading
    itself sends its own id as both HX-Trigger and HX-Target; a click that updates another
    element does not."""
    page = guarded("agent")
    page.evaluate("""() => {
        const poll = document.createElement("div");
        poll.id = "poll-probe";
        poll.setAttribute("hx-get", "/healthz?poll");
        poll.setAttribute("hx-trigger", "load");
        poll.setAttribute("hx-swap", "none");
        const button = document.createElement("button");
        button.id = "click-probe";
        button.setAttribute("hx-get", "/healthz?click");
        button.setAttribute("hx-target", "#main");
        button.setAttribute("hx-swap", "none");
        document.body.append(poll, button);
    }""")
    with page.expect_request(lambda r: "/healthz?poll" in r.url) as polled:
        page.evaluate("htmx.process(document.getElementById('poll-probe'))")
    headers = polled.value.headers
    assert headers["hx-trigger"] == headers["hx-target"] == "poll-probe"
    page.evaluate("htmx.process(document.getElementById('click-probe'))")
    with page.expect_request(lambda r: "/healthz?click" in r.url) as clicked:
        page.click("#click-probe")
    headers = clicked.value.headers
    assert headers["hx-trigger"] == "click-probe" and headers["hx-target"] == "main"
