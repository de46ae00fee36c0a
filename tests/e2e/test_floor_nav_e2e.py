"""The floor's pages in a real browser on the demo data (issue 18): the grouped menu fits one
line at 1366 px for every role in Chinese and English, opens by keyboard and without
JavaScript; the appeal list filters; axe-core finds no WCAG 2.1 A/AA violation on any main
page of any role."""
import json
import re
from pathlib import Path

import pytest

from extensions import db

from .conftest import ARTIFACTS, demo_app, pytestmark_for_browser, serving, shot

pytestmark = pytest.mark.e2e

AXE = Path(__file__).resolve().parent / "vendor" / "axe" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
#: One demo account per role (demo.ACCOUNTS).
ROLES = {"staff": "200101", "team_lead": "200200", "checker": "190001", "owner": "190000",
         "duty_manager": "160001", "group_head": "160000", "site_head": "150000",
         "admin": "990001"}
WIDTH, HEIGHT = 1366, 768


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, sqlite_template):
    """A live server on a copy of the migrated database with the demo data loaded."""
    with serving(demo_app(tmp_path_factory.mktemp("demo"), sqlite_template)) as url:
        yield url


@pytest.fixture
def sign_in(browser, demo_server):
    contexts = []

    def sign_in_(role, *, english=False, javascript=True):
        context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                      java_script_enabled=javascript, locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.goto(demo_server + "/login")
        page.fill("#employee_no", ROLES[role])
        page.fill("#password", "zikong-demo")
        page.locator("button[type=submit]").click()
        page.wait_for_url(demo_server + "/")
        if english:
            page.get_by_role("button", name="English").click()
            page.wait_for_selector("html[lang=en]")
            page.wait_for_load_state("load")  # the stylesheet applied before anything is measured
        return page

    yield sign_in_
    for context in contexts:
        context.close()


# --- the menu -------------------------------------------------------------------------------

MENU_GEOMETRY = """() => {
  const nav = document.querySelector('nav.nav');
  const items = [...nav.children];
  const tops = items.map(e => Math.round(e.getBoundingClientRect().top));
  const wrapped = [...nav.querySelectorAll(':scope > a, :scope > details > summary')]
    .filter(e => e.getClientRects().length > 1 || e.getBoundingClientRect().height > 40)
    .map(e => e.textContent.trim());
  const bar = document.querySelector('.topbar-inner').getBoundingClientRect();
  const user = document.querySelector('.userbox').getBoundingClientRect();
  return {rows: new Set(tops).size, wrapped, barHeight: bar.height,
          userRight: user.right, navRight: nav.getBoundingClientRect().right,
          userLeft: user.left, items: items.length,
          scrollWidth: document.documentElement.scrollWidth,
          clientWidth: document.documentElement.clientWidth};
}"""


@pytest.mark.parametrize("english", [False, True], ids=["zh", "en"])
@pytest.mark.parametrize("role", list(ROLES))
def test_the_menu_fits_one_line_at_1366(sign_in, role, english):
    page = sign_in(role, english=english)
    geometry = page.evaluate(MENU_GEOMETRY)
    shot(page, f"nav-{role}-{'en' if english else 'zh'}")
    assert geometry["items"] >= 1
    assert geometry["rows"] == 1, geometry
    assert geometry["wrapped"] == [], geometry
    assert geometry["barHeight"] <= 64, geometry
    assert geometry["navRight"] <= geometry["userLeft"], geometry
    assert geometry["scrollWidth"] <= geometry["clientWidth"], geometry
    # every group's list drops down inside the window
    for summary in page.locator("nav.nav details > summary").all():
        summary.click()
        menu = summary.locator("xpath=../div").bounding_box()
        assert menu["x"] >= 0 and menu["x"] + menu["width"] <= WIDTH
        assert menu["y"] + menu["height"] <= HEIGHT
        summary.click()


def test_the_menu_and_the_skip_link_work_by_keyboard(sign_in):
    page = sign_in("owner")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.textContent") == "跳到正文"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.locator(".skip-link").focus()
    page.keyboard.press("Tab")   # the brand
    page.keyboard.press("Tab")   # the first group
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    group = page.locator("nav.nav details").first
    assert group.get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.navmenu') !== null")
    page.keyboard.press("Escape")
    assert group.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


# --- the appeal list ------------------------------------------------------------------------

def _stages(page):
    return page.locator("#appeal-rows tbody tr td:nth-child(2)").all_inner_texts()


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_appeal_list_is_in_the_menu_and_filters_by_stage(sign_in, demo_server,
                                                             javascript):
    page = sign_in("owner", javascript=javascript)
    page.locator("nav.nav summary", has_text="异议与合议").click()
    page.get_by_role("link", name="异议列表").click()
    page.wait_for_url(demo_server + "/appeals")
    everything = _stages(page)
    assert "合议投票中" in everything
    page.select_option("#stage", "voting")
    if not javascript:
        page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"/appeals\?stage=voting$"))
    page.wait_for_function("() => [...document.querySelectorAll('#appeal-rows tbody tr')]"
                           ".every(r => r.textContent.includes('合议投票中'))")
    voting = _stages(page)
    assert voting and set(voting) == {"合议投票中"}
    page.select_option("#stage", "decided")
    if not javascript:
        page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"stage=decided$"))
    page.wait_for_selector("#appeal-rows .empty, #appeal-rows tbody")
    assert "合议投票中" not in _stages(page)
    shot(page, f"appeal-list-{'js' if javascript else 'nojs'}")


# --- accessibility --------------------------------------------------------------------------

#: Pages no menu links to, per role: forms, ticket pages in several states, the vote, prints.
EXTRA = {
    "staff": ["/account/password", "/alerts", "/reports/agents/200101", "/survey/ranking"],
    "team_lead": ["/reports/agents/200201"],
    "owner": ["/risks/new", "/proposals/new", "/tickets/transferred/new", "/survey/problems",
              "/survey/audits", "/survey/import", "/survey/ranking", "/alerts"],
    "duty_manager": ["/announcements/new"],
    "admin": ["/admin/users/new", "/admin/directory", "/admin/notifications",
              "/wallboard/setup"],
}
#: Lists whose first row's page is checked too (a supervision order, a proposal …).
DETAILS = ["/supervision", "/proposals", "/cases", "/announcements", "/admin/users"]


def _axe(page) -> dict[str, int]:
    """{rule id: number of offending elements} for the WCAG 2.1 A/AA rules."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return {v["id"]: len(v["nodes"]) for v in result["violations"]}


def _hrefs(page, selector) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")


def _main_pages(page, base, role) -> list[str]:
    """Home, every menu link, the role's extra pages, one ticket page per state in the
    role's list, the ballot and the appeal sheet where the role has them."""
    paths = ["/", *_hrefs(page, "nav.nav a[href]"), *EXTRA.get(role, [])]
    if role != "admin":
        page.goto(base + "/tickets/")
        seen = set()
        for row in page.locator("#ticket-rows tbody tr").all():
            state = row.locator(".pill").first.get_attribute("class")
            if state not in seen:
                seen.add(state)
                paths.append(row.locator("a").first.get_attribute("href"))
        page.goto(base + "/votes")
        paths += ["/votes", *_hrefs(page, "main a[href$='/vote']")[:1]]
    for listing in DETAILS:
        if listing in paths:
            page.goto(base + listing)
            paths += [h for h in _hrefs(page, f"main table a[href^='{listing}/'], "
                                              f"main .card a[href^='{listing}/']")
                      if not h.endswith(("/new", ".xlsx"))][:1]
    if role == "owner":
        page.goto(base + "/appeals")
        ticket = _hrefs(page, "#appeal-rows a[href]")[0].split("#")[0]
        paths.append(ticket + "/appeal-sheet")
    return list(dict.fromkeys(p for p in paths if p and not p.endswith(".xlsx")))


def test_no_wcag_violation_on_any_main_page_of_any_role(sign_in, demo_server, browser):
    assert AXE.exists(), "axe-core is fetched by `make setup` (scripts/test_assets.lock)"
    report, failures = {}, []
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    login = context.new_page()
    login.goto(demo_server + "/login")
    report["anonymous /login"] = _axe(login)
    context.close()
    for role in ROLES:
        page = sign_in(role)
        for path in _main_pages(page, demo_server, role):
            page.goto(demo_server + path)
            found = _axe(page)
            report[f"{role} {path}"] = found
            if found:
                failures.append(f"{role} {path}: {found}")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    assert len(report) > 60
    assert failures == [], "\n".join(failures)


def test_axe_is_test_only(demo_server, sign_in):
    """axe-core is never served to the users' pages."""
    pytestmark_for_browser()
    page = sign_in("staff")
    response = page.goto(demo_server + "/static/vendor/axe/axe.min.js")
    assert response.status == 404


# --- the people picker ----------------------------------------------------------------------

def _panel_stage(live_server):
    """An appealed ticket the owner upheld: its sides now name their panellists."""
    from services import appeals, quality
    from tests.factories import Factory
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        accused_lead, accused = make.team_with_lead()
        checker = make.user("checker", name="赵敏")
        owner = make.user("owner", name="周强")
        panel = [make.user("staff", team="评审班", name=f"评委{i}") for i in range(1, 4)]
        ticket = make.ticket("verifying", checker=checker, accused_no=accused.employee_no)
        now = make.now
        criteria = [c.id for c in quality.active_criteria() if c.code == "A3"]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=criteria,
                      basis="录音02:10处员工语气傲慢", actor=checker, now=now)
        quality.log_attempt(ticket.id, at=now, reached=True, note="", actor=checker, now=now)
        quality.complete_reply(ticket.id, method="phone", note="", actor=checker, now=now)
        appeals.file_appeal(ticket.id, objection="录音02:10处客户先辱骂", actor=accused_lead,
                            now=now)
        appeals.rejudge(ticket.id, decision="uphold", reason="证据清楚", actor=owner, now=now)
        live_server.people["accused_lead"] = (accused_lead.employee_no, accused_lead.name)
        result = ticket.id, accused.name, [p.employee_no for p in panel]
        db.session.remove()
    return result


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_the_people_picker_names_a_panel(open_session, live_server, javascript):
    ticket_id, accused_name, panel = _panel_stage(live_server)
    page = open_session("accused_lead", javascript=javascript)
    page.goto(f"{live_server.url}/tickets/{ticket_id}")
    page.locator("#panel-picker-link").click()

    def search(text):
        page.fill("#q", text)
        if javascript:
            page.wait_for_function(
                "(t) => [...document.querySelectorAll('#people-results td')]"
                ".some(td => td.textContent.includes(t))", arg=text)
        else:
            page.get_by_role("button", name="搜索").click()

    search(accused_name)
    accused = page.locator("#people-results tr", has_text=accused_name)
    assert "被投诉员工不能参加合议" in accused.inner_text()
    assert accused.get_by_role("button").count() == 0
    search("评委")
    for name in ("评委1", "评委2", "评委3"):
        row = page.locator("#people-results tr", has_text=name)
        assert "客服代表" in row.inner_text() and "评审班" in row.inner_text()
        row.get_by_role("button", name=f"选择{name}").click()
        page.locator("#people-results tr", has_text=name).get_by_text("已选").wait_for()
    assert [page.input_value(f"#member{i}") for i in (1, 2, 3)] == panel
    if javascript:
        assert _axe(page) == {}
    shot(page, f"people-picker-{'js' if javascript else 'nojs'}")
    page.locator("#panel-form").get_by_role("button", name="确定评委").click()
    page.wait_for_url(re.compile(rf"/tickets/{ticket_id}"))
    assert "评委已确定" in page.locator("#flash").inner_text()
