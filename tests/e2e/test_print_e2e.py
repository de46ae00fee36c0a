"""Prints that can be signed: each print view rendered to PDF by Chromium's print, on the demo
data (one page each, an empty day included), and nothing cut at the right edge."""
import re

import pytest

from extensions import db

from .conftest import demo_app, serving

pytestmark = pytest.mark.e2e

#: Printable width (mm) of each @page in static/css/app.css: A4 landscape with 12 mm margins
#: (the default), the sheets' A4 portrait with 15 mm, the reply record's landscape with 10 mm.
LANDSCAPE, SHEET, REPLY = 297 - 2 * 12, 210 - 2 * 15, 297 - 2 * 10
MM = 96 / 25.4   # CSS px per mm


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory, sqlite_template):
    app = demo_app(tmp_path_factory.mktemp("print"), sqlite_template)
    with app.app_context():
        from models import Appeal, HandoverEntry, Notification, Proposal, SupervisionOrder
        from services.clock import work_day
        ids = {"appeal": db.session.query(Appeal).first().ticket_id,
               "day": max(e.day for e in db.session.query(HandoverEntry)).isoformat(),
               "called": work_day(db.session.query(Notification).first().called_at).isoformat(),
               "order": db.session.query(SupervisionOrder).first().id,
               "proposal": db.session.query(Proposal).first().id}
        db.session.remove()
    with serving(app) as url:
        yield url, ids


@pytest.fixture(scope="module")
def owner_page(browser, demo_server):
    base, _ids = demo_server
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("#employee_no", "190000")            # 周强, the whitelist owner
    page.fill("#password", "zikong-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(base + "/")
    yield page
    context.close()


PRINTS = [
    ("handover", "/handover?day={day}", LANDSCAPE, "#handover-rows td.sign-cell"),
    ("handover-empty", "/handover?day=2026-01-05", LANDSCAPE, "#handover-rows"),
    ("appeal-sheet", "/tickets/{appeal}/appeal-sheet", SHEET, "#appeal-signatures"),
    ("whitelist", "/whitelist-handover?day={called}", LANDSCAPE, "#whitelist-rows table"),
    ("reply-record", "/reply-records/print", REPLY, "table"),
    ("supervision", "/supervision/{order}/print", SHEET, "table"),
    ("proposal", "/proposals/{proposal}/print", SHEET, "main"),
]


def pages_of(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.mark.parametrize(("name", "path", "width_mm", "content"), PRINTS,
                         ids=[p[0] for p in PRINTS])
def test_each_print_is_one_page_and_nothing_is_cut(owner_page, demo_server, name, path,
                                                   width_mm, content):
    base, ids = demo_server
    page = owner_page
    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.goto(base + path.format(**ids)).status == 200
    assert page.locator(content).count() >= 1
    page.emulate_media(media="print")
    if name == "handover":   # blank cells to sign by hand; the typed name is under 确认领班
        assert page.locator("thead th:visible").all_inner_texts()[-2:] == ["领班签字", "接收人签字"]
        assert set(page.locator("td.sign-cell").all_inner_texts()) == {""}
    if name == "appeal-sheet":
        assert page.locator("#appeal-signatures").inner_text().split() == [
            "异议提出人（签字）：", "日期：", "白名单负责人（签字）：", "日期：",
            "10010现场负责人（签字）：", "日期："]
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert pages_of(pdf) == 1, f"{name}: {pages_of(pdf)} pages"

    # The print layout at the printable width: every table's (and the page's) right edge
    # inside it, so no border is cut.
    page.set_viewport_size({"width": int(width_mm * MM), "height": 1000})
    overflow = page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const out = [];
        for (const el of document.querySelectorAll('table, .sheet, .signatures, main')) {
            const box = el.getBoundingClientRect();
            if (box.width === 0) continue;
            // a collapsed table border sticks out by half its width: count it in
            const border = parseFloat(getComputedStyle(el).borderRightWidth) || 0;
            const right = box.right + border / 2;
            if (right > width + 0.5) out.push(`${el.tagName}.${el.className} ${right} > ${width}`);
            if (el.tagName !== 'TABLE') continue;
            for (let up = el.parentElement; up; up = up.parentElement) {
                const style = getComputedStyle(up);
                const root = up === document.documentElement || up === document.body;
                if (style.overflowX !== 'visible' && !root)
                    out.push(`${up.tagName}.${up.className} clips a table (${style.overflowX})`);
            }
        }
        const scrolled = document.documentElement.scrollWidth;
        if (scrolled > width) out.push(`scrollWidth ${scrolled} > ${width}`);
        return out;
    }""")
    assert overflow == [], f"{name}: {overflow}"
