"""Ticket pages through the test client: the paper form, what a rejected submit keeps, the
lead's return and sign, the agent's resubmit, the review queue, lists and escaping."""
import re
from datetime import timedelta

import pytest
from markupsafe import escape

from extensions import db
from models import AuditEntry, HandoverEntry, Ticket
from services.clock import local_today, utcnow

from ._support import count, element, html, new_client, text_of, version_of

NUMBER = re.compile(r"ZK-\d{8}-\d{4}")

VALID = {
    "caller_number": "138 1234 5678",
    "contact_number": "+86 139-1234-5678",
    "complaint": "客户投诉客服代表语气生硬，没有听完就挂断电话。",
    "demand": "要求道歉并回电说明",
    "accused_no": "180123",
}


def form(**overrides):
    data = dict(VALID)
    data.update(overrides)
    return data


def ticket_id_from(location: str) -> int:
    match = re.fullmatch(r"/tickets/(\d+)", location)
    assert match, location
    return int(match.group(1))


def fresh(ticket_id: int) -> Ticket:
    db.session.rollback()
    return db.session.get(Ticket, ticket_id)


def timeline_items(page: str) -> list[str]:
    """The timeline entries, each as its visible text."""
    start = page.index('id="timeline"')
    section = page[start:page.index("</ol>", start)]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split())
            for item in re.findall(r"<li>(.*?)</li>", section, re.DOTALL)]


# --- the form ------------------------------------------------------------------------------

def test_new_ticket_form_has_the_paper_form_labels(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    response = client.get("/tickets/new")
    assert response.status_code == 200
    page = html(response)
    labels = {"submitter_no": "交单工号", "caller_number": "受理号码",
              "contact_number": "联系电话", "complaint": "投诉内容", "demand": "用户要求",
              "accused_no": "被投诉工号"}
    for field_id, word in labels.items():
        assert re.search(rf'<label for="{field_id}"[^>]*>{word}(<|$)', page), word
    assert re.search(r'<button[^>]*type="submit"[^>]*>提交</button>', page)
    attrs, _ = element(page, "submitter_no")
    assert attrs["value"] == agent.employee_no
    assert "readonly" in attrs
    assert "name" not in attrs  # not even submitted, so it cannot be changed


INVALID = [
    pytest.param("caller_number", {"caller_number": "138-1234-567"}, "138-1234-567",
                 "请填写11位手机号", id="malformed-phone"),
    pytest.param("contact_number", {"contact_number": "12345"}, "12345",
                 "请填写11位手机号", id="short-contact-number"),
    pytest.param("complaint", {"complaint": ""}, "", "此项必填", id="empty-complaint"),
    pytest.param("complaint", {"complaint": "长" * 10000}, "长" * 10000,
                 "最多 2000 个字（当前 10000 个字）", id="10000-char-complaint"),
]


@pytest.mark.parametrize("field, overrides, typed, message", INVALID)
def test_rejected_submit_says_why_beside_the_field_and_keeps_everything(
        client, auth, make, field, overrides, typed, message):
    _, agent = make.team_with_lead()
    auth.login(agent)
    data = form(**overrides)
    response = client.post("/tickets/new", data=data)
    assert response.status_code == 422
    page = html(response)
    assert message in text_of(page, f"{field}-error")
    assert element(page, f"{field}")[0].get("aria-invalid") == "true"
    # everything typed is still there, exactly as typed
    for name in ("caller_number", "contact_number", "accused_no"):
        assert element(page, name)[0].get("value", "") == data[name], name
    for name in ("complaint", "demand"):
        assert text_of(page, name) == data[name], name
    if typed:
        assert typed in page
    # only the broken field complains
    others = {"caller_number", "contact_number", "complaint", "demand", "accused_no"} - {field}
    for name in others:
        assert element(page, f"{name}-error") is None, name
    assert count(Ticket) == 0


def test_valid_submit_files_one_ticket_and_shows_it(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    response = client.post("/tickets/new", data=form())
    assert response.status_code == 303
    ticket_id = ticket_id_from(response.headers["Location"])
    assert count(Ticket) == 1
    ticket = fresh(ticket_id)
    assert NUMBER.fullmatch(ticket.number)
    assert ticket.number.startswith(f"ZK-{local_today():%Y%m%d}-")  # the local day
    assert (ticket.caller_number, ticket.contact_number) == ("13812345678", "13912345678")

    page = html(client.get(f"/tickets/{ticket_id}"))
    assert text_of(page, "ticket-number") == ticket.number
    assert "待领班审核" in page
    assert f"工单 {ticket.number} 已提交" in page  # the flash after the redirect

    listing = html(client.get("/tickets/"))
    assert ticket.number in listing
    assert "138****5678" in listing
    assert "13812345678" not in listing and "13912345678" not in listing


def test_the_same_form_posted_twice_files_one_ticket(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    key = element(html(client.get("/tickets/new")), "idempotency_key")[0]["value"]
    assert len(key) >= 16
    first = client.post("/tickets/new", data=form(idempotency_key=key))
    second = client.post("/tickets/new", data=form(idempotency_key=key))
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Ticket) == 1


def test_each_new_form_gets_its_own_key(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    keys = {element(html(client.get("/tickets/new")), "idempotency_key")[0]["value"]
            for _ in range(2)}
    assert len(keys) == 2
    for key in keys:
        assert client.post("/tickets/new", data=form(idempotency_key=key)).status_code == 303
    assert count(Ticket) == 2


def test_extra_form_fields_are_ignored(client, auth, make):
    _, agent = make.team_with_lead()
    stranger = make.user("staff")
    auth.login(agent)
    response = client.post("/tickets/new", data=form(
        state="handed_over", submitter_id=str(stranger.id), team_id=str(stranger.team_id),
        number="ZK-19990101-9999", handed_over_at="2020-01-01 00:00:00", version="7"))
    assert response.status_code == 303
    ticket = fresh(ticket_id_from(response.headers["Location"]))
    assert ticket.state == "submitted"
    assert ticket.submitter_id == agent.id
    assert ticket.team_id == agent.team_id != stranger.team_id
    assert ticket.number != "ZK-19990101-9999" and NUMBER.fullmatch(ticket.number)
    assert ticket.handed_over_at is None
    assert count(HandoverEntry) == 0


# --- htmx ----------------------------------------------------------------------------------

HX = {"HX-Request": "true"}


def test_htmx_rejected_submit_answers_the_form_fragment(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    response = client.post("/tickets/new", data=form(caller_number="138-1234-567"),
                           headers=HX)
    assert response.status_code == 422
    page = html(response)
    assert 'id="ticket-form"' in page
    assert "<html" not in page
    assert "请填写11位手机号" in text_of(page, "caller_number-error")
    assert element(page, "caller_number")[0]["value"] == "138-1234-567"
    assert "HX-Request" in response.headers.get("Vary", "")
    assert count(Ticket) == 0


def test_full_page_and_fragment_both_vary_on_hx_request(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    response = client.get("/tickets/new")
    assert "<html" in html(response)
    assert "HX-Request" in response.headers.get("Vary", "")


def test_htmx_valid_submit_redirects_with_hx_redirect(client, auth, make):
    _, agent = make.team_with_lead()
    auth.login(agent)
    response = client.post("/tickets/new", data=form(), headers=HX)
    assert response.status_code == 204
    assert response.get_data() == b""
    ticket_id = ticket_id_from(response.headers["HX-Redirect"])
    assert fresh(ticket_id).submitter_id == agent.id
    assert count(Ticket) == 1


# --- return and resubmit ------------------------------------------------------------------

def test_return_then_fix_and_resubmit_through_the_pages(app, client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent, accused_no=None)  # the agent did not know it
    lead_browser = new_client(app)
    assert lead_browser.post("/login", data={"employee_no": lead.employee_no,
                                             "password": make.PASSWORD}).status_code == 303

    # a return that names nothing is refused beside the checkboxes
    response = lead_browser.post(f"/tickets/{ticket.id}/return",
                                 data={"note": "请补充", "version": ticket.version})
    assert response.status_code == 422
    assert "请至少勾选一项" in text_of(html(response), "elements-error")
    assert fresh(ticket.id).state == "submitted"

    response = lead_browser.post(f"/tickets/{ticket.id}/return", data={
        "elements": ["accused_no"], "note": "请补充被投诉工号", "version": ticket.version})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    assert fresh(ticket.id).state == "returned_to_staff"

    auth.login(agent)
    page = html(client.get(f"/tickets/{ticket.id}"))
    assert "已退回员工" in page
    notice = text_of(page, "return-notice")
    assert "被投诉工号" in notice and "请补充被投诉工号" in notice
    assert f'href="/tickets/{ticket.id}/edit"' in page

    response = client.get(f"/tickets/{ticket.id}/edit")
    assert response.status_code == 200
    page = html(response)
    assert re.search(r'<button[^>]*type="submit"[^>]*>重新提交</button>', page)
    assert element(page, "caller_number")[0]["value"] == "13812345678"
    assert element(page, "accused_no")[0].get("value", "") == ""
    assert text_of(page, "complaint") == "客户投诉客服代表态度生硬，没有解释清楚。"
    assert 'data-flag="待修改"' in text_of_label(page, "accused_no")
    version = element(page, "version")[0]["value"]

    response = client.post(f"/tickets/{ticket.id}/edit", data={
        "caller_number": "13812345678", "contact_number": "13912345678",
        "complaint": "客户投诉客服代表态度生硬，没有解释清楚。", "demand": "要求道歉",
        "accused_no": "180123", "version": version})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    fixed = fresh(ticket.id)
    assert (fixed.state, fixed.accused_no) == ("submitted", "180123")

    page = html(client.get(f"/tickets/{ticket.id}"))
    assert "待领班审核" in page
    items = timeline_items(page)
    assert len(items) == 3
    assert items[0].startswith("已提交") and agent.name in items[0]
    assert items[1].startswith("已退回员工") and lead.name in items[1]
    assert "被投诉工号" in items[1] and "请补充被投诉工号" in items[1]
    assert items[2].startswith("已重新提交") and agent.name in items[2]
    assert "被投诉工号" in items[2]  # what changed


def html_from(page: str, element_id: str) -> str:
    """Raw HTML from the element with this id up to the end of its first inner <div>."""
    start = page.index(f'id="{element_id}"')
    return page[start:page.index("</div>\n", start)]


def text_of_label(page: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}"[^>]*>', page)
    assert match, field_id
    return match.group(0)


def test_resubmit_with_a_bad_value_keeps_what_was_typed(client, auth, make):
    _, agent = make.team_with_lead()
    ticket = make.ticket("returned_to_staff", submitter=agent)
    auth.login(agent)
    version = element(html(client.get(f"/tickets/{ticket.id}/edit")), "version")[0]["value"]
    response = client.post(f"/tickets/{ticket.id}/edit", data={
        "caller_number": "13812345678", "contact_number": "139-12", "complaint": "改过的投诉内容",
        "demand": "", "accused_no": "1a", "version": version})
    assert response.status_code == 422
    page = html(response)
    assert element(page, "contact_number-error") is not None
    assert "工号为4至10位数字" in text_of(page, "accused_no-error")
    assert element(page, "contact_number")[0]["value"] == "139-12"
    assert text_of(page, "complaint") == "改过的投诉内容"
    assert fresh(ticket.id).state == "returned_to_staff"


def test_edit_of_a_ticket_not_returned_goes_back_to_the_ticket(client, auth, make):
    _, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(agent)
    response = client.get(f"/tickets/{ticket.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    assert "此工单当前无需您修改" in html(client.get(response.headers["Location"]))


def test_stale_resubmit_changes_nothing_and_says_so(client, auth, make):
    _, agent = make.team_with_lead()
    ticket = make.ticket("returned_to_staff", submitter=agent)
    auth.login(agent)
    version = element(html(client.get(f"/tickets/{ticket.id}/edit")), "version")[0]["value"]
    data = {"caller_number": "13812345678", "contact_number": "13912345678",
            "complaint": "客户投诉客服代表态度生硬。", "accused_no": "180123", "version": version}
    assert client.post(f"/tickets/{ticket.id}/edit", data=data).status_code == 303
    audits = count(AuditEntry)
    again = client.post(f"/tickets/{ticket.id}/edit", data=data)  # the double click
    assert again.status_code == 409
    assert "待领班审核" in html(again)
    assert count(AuditEntry) == audits


FIXED = {"caller_number": "13812345678", "contact_number": "13912345678",
         "complaint": "客户投诉客服代表态度生硬。", "demand": "", "accused_no": "180123"}


def test_htmx_resubmit_answers_fragment_then_hx_redirect(client, auth, make):
    _, agent = make.team_with_lead()
    ticket = make.ticket("returned_to_staff", submitter=agent)
    auth.login(agent)
    bad = client.post(f"/tickets/{ticket.id}/edit",
                      data={**FIXED, "caller_number": "123", "version": ticket.version},
                      headers=HX)
    assert bad.status_code == 422
    page = html(bad)
    assert "<html" not in page and 'id="ticket-form"' in page
    assert element(page, "ticket-form")[0]["hx-post"] == f"/tickets/{ticket.id}/edit"
    assert element(page, "caller_number-error") is not None
    assert "HX-Request" in bad.headers.get("Vary", "")

    good = client.post(f"/tickets/{ticket.id}/edit", data={**FIXED, "version": ticket.version},
                       headers=HX)
    assert good.status_code == 204
    assert good.headers["HX-Redirect"] == f"/tickets/{ticket.id}"
    assert fresh(ticket.id).state == "submitted"


def test_stale_htmx_resubmit_does_not_answer_a_whole_page_into_the_form(client, auth, make):
    _, agent = make.team_with_lead()
    ticket = make.ticket("returned_to_staff", submitter=agent)
    auth.login(agent)
    data = {**FIXED, "version": ticket.version}
    assert client.post(f"/tickets/{ticket.id}/edit", data=data, headers=HX).status_code == 204
    audits = count(AuditEntry)
    again = client.post(f"/tickets/{ticket.id}/edit", data=data, headers=HX)
    assert count(AuditEntry) == audits
    assert again.status_code in (200, 204, 409)
    # htmx swaps a 409 into #ticket-form: it must be a fragment, or tell htmx to go elsewhere
    assert "<html" not in html(again) or {"HX-Redirect", "HX-Retarget", "HX-Location"} \
        & set(again.headers.keys())


# --- sign ----------------------------------------------------------------------------------

def test_sign_puts_the_ticket_on_todays_handover_table_once(client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(lead)
    response = client.post(f"/tickets/{ticket.id}/sign", data={"version": ticket.version})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/tickets/{ticket.id}"
    assert fresh(ticket.id).state == "handed_over"

    table = html(client.get("/handover"))
    rows = text_of(table, "handover-rows")
    assert ticket.number in rows
    assert f"{lead.name} {lead.employee_no}" in rows
    assert agent.employee_no in rows

    audits, entries = count(AuditEntry), count(HandoverEntry)
    again = client.post(f"/tickets/{ticket.id}/sign", data={"version": ticket.version})
    assert again.status_code == 409
    page = html(again)
    flash = text_of(page, "flash")
    assert "已交接" in flash and "不适用" in flash
    assert (count(AuditEntry), count(HandoverEntry)) == (audits, entries)


def test_sign_from_the_queue_goes_back_to_the_queue(client, auth, make):
    lead, agent = make.team_with_lead()
    signed = make.ticket(submitter=agent)
    waiting = make.ticket(submitter=agent)
    auth.login(lead)
    queue = html(client.get("/review"))
    start = queue.index(f'id="queue-row-{signed.id}"')
    row = queue[start:queue.index("</tr>", start)]
    assert 'name="next" value="/review"' in row  # the queue names itself as the way back
    response = client.post(f"/tickets/{signed.id}/sign",
                           data={"version": signed.version, "next": "/review"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/review"
    page = html(client.get("/review"))
    assert f"工单 {signed.number} 已签字交接给自控组" in text_of(page, "flash")
    rows = text_of(page, "queue-rows")
    assert signed.number not in rows and waiting.number in rows
    assert text_of(page, "queue-count") == "1"
    assert fresh(signed.id).state == "handed_over"


def test_sign_with_htmx_is_sent_back_with_hx_redirect(client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(lead)
    response = client.post(f"/tickets/{ticket.id}/sign",
                           data={"version": ticket.version, "next": "/review"}, headers=HX)
    assert response.status_code == 204
    assert response.headers["HX-Redirect"] == "/review"
    assert fresh(ticket.id).state == "handed_over"


def test_stale_sign_from_the_queue_goes_back_to_the_queue_saying_why(client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(lead)
    data = {"version": ticket.version, "next": "/review"}
    client.post(f"/tickets/{ticket.id}/sign", data=data)
    audits = count(AuditEntry)
    again = client.post(f"/tickets/{ticket.id}/sign", data=data)
    assert again.status_code == 303 and again.headers["Location"] == "/review"
    assert "已交接" in text_of(html(client.get("/review")), "flash")
    assert count(AuditEntry) == audits


# --- review queue --------------------------------------------------------------------------

def test_review_queue_sorts_by_deadline_and_marks_overdue(client, auth, make):
    lead, agent = make.team_with_lead()
    now = utcnow()
    recent = make.ticket(submitter=agent, at=now - timedelta(minutes=30))
    overdue = make.ticket(submitter=agent, at=now - timedelta(hours=3))
    middle = make.ticket(submitter=agent, at=now - timedelta(hours=1))
    returned = make.ticket("returned_to_staff", submitter=agent, at=now - timedelta(hours=4))
    handed = make.ticket("handed_over", submitter=agent, at=now - timedelta(hours=4))
    other_team = make.ticket(at=now - timedelta(hours=5))
    auth.login(lead)
    response = client.get("/review")
    assert response.status_code == 200
    page = html(response)
    rows = text_of(page, "queue-rows")
    positions = [page.index(f'id="queue-row-{t.id}"') for t in (overdue, middle, recent)]
    assert positions == sorted(positions)
    for absent in (returned, handed, other_team):
        assert absent.number not in rows
    assert "overdue" in element(page, f"queue-row-{overdue.id}")[0]["class"].split()
    for on_time in (middle, recent):
        assert "overdue" not in element(page, f"queue-row-{on_time.id}")[0]["class"].split()
    assert "已超时" in text_of(page, f"queue-row-{overdue.id}")
    assert text_of(page, "queue-count") == "3"


def test_review_queue_fragment_for_htmx(client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(lead)
    response = client.get("/review", headers=HX)
    assert response.status_code == 200
    page = html(response)
    assert page.lstrip().startswith('<div id="queue-rows"')
    assert "<html" not in page
    assert ticket.number in page
    assert "HX-Request" in response.headers.get("Vary", "")


# --- lists ---------------------------------------------------------------------------------

def test_ticket_list_filters_by_state(client, auth, make):
    _, agent = make.team_with_lead()
    submitted = make.ticket(submitter=agent)
    returned = make.ticket("returned_to_staff", submitter=agent)
    handed = make.ticket("handed_over", submitter=agent)
    auth.login(agent)

    everything = text_of(html(client.get("/tickets/")), "ticket-rows")
    assert all(t.number in everything for t in (submitted, returned, handed))

    page = html(client.get("/tickets/?state=submitted"))
    rows = text_of(page, "ticket-rows")
    assert submitted.number in rows
    assert returned.number not in rows and handed.number not in rows
    assert '<option value="submitted" selected>' in page

    rows = text_of(html(client.get("/tickets/?state=returned_to_staff")), "ticket-rows")
    assert returned.number in rows and submitted.number not in rows

    fragment = html(client.get("/tickets/?state=handed_over", headers=HX))
    assert "<html" not in fragment and 'id="ticket-rows"' in fragment
    assert handed.number in fragment and submitted.number not in fragment


def test_ticket_list_ignores_an_unknown_state(client, auth, make):
    _, agent = make.team_with_lead()
    ticket = make.ticket(submitter=agent)
    auth.login(agent)
    response = client.get("/tickets/?state=nonsense&page=abc")
    assert response.status_code == 200
    assert ticket.number in text_of(html(response), "ticket-rows")


# --- escaping ------------------------------------------------------------------------------

PAYLOADS = ['<script>alert(1)</script>', '" onmouseover="x',
            '<div hx-get="/admin/users" hx-trigger="load">']
RAW_MARKERS = ["<script>alert(1)</script>", '" onmouseover="x', "<div hx-get"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_typed_markup_is_shown_as_text_everywhere(app, client, auth, make, payload):
    lead, agent = make.team_with_lead()
    auth.login(agent)
    complaint = payload + " 客户投诉"
    response = client.post("/tickets/new", data=form(complaint=complaint, demand=payload))
    assert response.status_code == 303
    ticket_id = ticket_id_from(response.headers["Location"])

    rejected = html(client.post("/tickets/new", data=form(
        complaint=complaint, demand=payload, caller_number="1")))
    lead_browser = new_client(app)
    lead_browser.post("/login", data={"employee_no": lead.employee_no,
                                      "password": make.PASSWORD})
    pages = {
        "ticket page": html(client.get(f"/tickets/{ticket_id}")),
        "list": html(client.get("/tickets/")),
        "home": html(client.get("/")),
        "rejected form": rejected,
        "review queue": html(lead_browser.get("/review")),
    }
    # the lead's note on a return is free text too
    returned = lead_browser.post(f"/tickets/{ticket_id}/return", data={
        "elements": ["demand"], "note": payload, "version": version_of(Ticket, ticket_id)})
    assert returned.status_code == 303
    pages["returned ticket page"] = html(client.get(f"/tickets/{ticket_id}"))
    pages["edit form"] = html(client.get(f"/tickets/{ticket_id}/edit"))
    assert str(escape(payload)) in html_from(pages["edit form"], "return-notice")
    for where, page in pages.items():
        for marker in RAW_MARKERS:
            assert marker not in page, where
    # and the words are still there, as text
    page = pages["ticket page"]
    assert str(escape(complaint)) in page
    assert str(escape(payload)) in page


# --- out-of-range input in the address --------------------------------------------------

HUGE = "99999999999999999999999"
OUT_OF_RANGE = [
    ("get", f"/tickets/?page={HUGE}"),
    ("get", f"/tickets/{HUGE}"),
    ("get", f"/tickets/{HUGE}/edit"),
    ("post", f"/tickets/{HUGE}/sign"),
    ("post", f"/tickets/{HUGE}/return"),
    ("get", "/handover?day=9999-12-31"),
    ("get", "/handover?day=0001-01-01"),
]


@pytest.mark.parametrize("method, url", OUT_OF_RANGE)
def test_out_of_range_addresses_answer_a_page_not_a_crash(app, client, auth, make,
                                                          method, url):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # what the browser sees, not the traceback
    lead, _ = make.team_with_lead()
    auth.login(lead)
    response = client.open(url, method=method.upper(),
                           data={"version": "1", "elements": ["demand"]})
    assert response.status_code in (200, 400, 404), response.status_code
    assert "系统出错" not in html(response)
