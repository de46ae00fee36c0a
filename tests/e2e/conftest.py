"""A live server on 127.0.0.1 and Debian's chromium driven by Playwright."""
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from extensions import db
from tests.conftest import CI, make_app
from tests.factories import Factory

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytestmark_for_browser():
    missing = None
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "the playwright package is not installed"
    if not os.path.exists(CHROMIUM):
        missing = f"{CHROMIUM} is missing (apt-get install chromium)"
    if missing and CI:
        pytest.fail(f"CI=true but browser tests cannot run: {missing}")
    if missing:
        pytest.skip(f"browser tests skipped: {missing}")


@pytest.fixture(scope="session")
def browser():
    pytestmark_for_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def serving(app):
    """`app` served on a free 127.0.0.1 port in a thread: yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        with app.app_context():
            db.engine.dispose()


def demo_app(directory: Path, sqlite_template):
    """An app on a copy of the migrated database with the demo data loaded (its real clock)."""
    path = directory / "demo.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}", CLOCK_OFFSET_SECONDS=0)
    with app.app_context():
        import demo
        demo._load()
        db.session.remove()
    return app


class LiveServer:
    def __init__(self, app, url, people):
        self.app, self.url, self.people = app, url, people


@pytest.fixture
def live_server(tmp_path, sqlite_template):
    path = tmp_path / "live.sqlite3"
    shutil.copy(sqlite_template, path)
    # The real time: the browser runs the countdowns on its own clock.
    app = make_app(f"sqlite:///{path}", CLOCK_OFFSET_SECONDS=0)
    with app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        lead, agent = make.team_with_lead()
        people = {"lead": (lead.employee_no, lead.name), "agent": (agent.employee_no, agent.name),
                  "checker": (make.user("checker").employee_no, None)}
        db.session.remove()
    with serving(app) as url:
        yield LiveServer(app, url, people)


class Watcher:
    """Collects what must never happen in a page: CSP violations, htmx eval errors, JS
    errors, requests leaving 127.0.0.1."""

    def __init__(self):
        self.problems = []

    def attach(self, context, base_url):
        def on_console(message):
            text = message.text
            if message.type == "error" and "status of 4" not in text:
                self.problems.append(f"console error: {text}")
            if "Content Security Policy" in text or "evalDisallowed" in text:
                self.problems.append(f"CSP/htmx: {text}")

        def guard(route):
            if route.request.url.startswith(base_url):
                route.continue_()
            else:
                self.problems.append(f"external request: {route.request.url}")
                route.abort()

        context.route("**/*", guard)
        context.on("page", lambda page: page.on("console", on_console))
        context.on("page", lambda page: page.on(
            "pageerror", lambda exc: self.problems.append(f"page error: {exc}")))


@pytest.fixture
def open_session(browser, live_server):
    """open_session('agent') -> a signed-in page in its own browser context."""
    watcher = Watcher()
    contexts = []

    def open_(who, javascript=True):
        context = browser.new_context(viewport={"width": 1366, "height": 900},
                                      java_script_enabled=javascript, locale="zh-CN")
        watcher.attach(context, live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.fill("#employee_no", live_server.people[who][0])
        page.fill("#password", Factory.PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(live_server.url + "/")
        return page

    yield open_
    for context in contexts:
        context.close()
    assert watcher.problems == []


def shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def menu(page, name):
    """Follow the link `name` as a person would: from the menu, opening its group first when
    the link sits in a closed one; a link the menu does not hold is the page's first."""
    link = page.locator("nav.nav").get_by_role("link", name=name, exact=True,
                                               include_hidden=True)  # a closed group hides it
    if link.count() == 0:
        page.get_by_role("link", name=name, exact=True).first.click()
        return
    if not link.is_visible():
        link.locator("xpath=ancestor::details[1]/summary").click()
    link.click()
