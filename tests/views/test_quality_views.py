"""The quality team's pages: queue search (page and htmx fragment), panels on the ticket
page, errors beside the fields, the phone reveal, the whitelist table, admin configuration."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from domain.roles import Role
from extensions import db
from models import AuditEntry, Ticket
from services import quality, routing, settings

from ._support import element, html, text_of, version_of


@pytest.fixture
def checker(make):
    return make.user(Role.CHECKER, name="赵敏")


@pytest.fixture
def claimed(make, checker):
    return make.ticket("verifying", checker=checker, accused_no="110234",
                       caller_number="13812349876")


def test_queue_search_works_as_a_page_and_as_a_fragment(client, auth, make, checker, claimed):
    other = make.ticket("handed_over", accused_no="200333")
    auth.login(checker)
    page = client.get("/quality?q=138-1234-9876")
    assert page.status_code == 200 and "<html" in html(page)
    rows = text_of(html(page), "quality-rows")
    assert claimed.number in rows and other.number not in rows
    assert "138****9876" in rows and "13812349876" not in html(page)
    fragment = client.get("/quality?q=13812349876", headers={"HX-Request": "true"})
    assert "<html" not in html(fragment) and 'id="quality-rows"' in html(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    assert claimed.number in html(fragment) and other.number not in html(fragment)


def test_back_office_ticket_shows_whom_to_call(client, auth, checker, claimed):
    auth.login(checker)
    page = html(client.get(f"/tickets/{claimed.id}"))
    assert "89087814" in text_of(page, "whom-to-call")
    assert element(page, "notification-form") is not None


def test_judge_errors_come_back_beside_the_fields_with_choices_kept(client, auth, checker,
                                                                   claimed):
    auth.login(checker)
    response = client.post(f"/tickets/{claimed.id}/judge", data={
        "kind": "attitude", "verdict": "established", "basis": " ",
        "version": version_of(Ticket, claimed.id)})
    assert response.status_code == 422
    page = html(response)
    assert text_of(page, "criteria-error")
    assert text_of(page, "basis-error")
    assert re.search(r'<input[^>]*checked[^>]*value="attitude"|value="attitude"[^>]*checked', page)
    assert db.session.get(Ticket, claimed.id).state == "verifying"


def test_sms_with_a_verdict_word_is_refused_beside_the_text(client, auth, make, checker,
                                                           claimed, now):
    quality.log_attempt(claimed.id, at=now, reached=False, note="", actor=checker, now=now)
    auth.login(checker)
    response = client.post(f"/tickets/{claimed.id}/sms",
                           data={"kind": "notice", "text": "经核实您的投诉成立"})
    assert response.status_code == 422
    page = html(response)
    assert "成立" in text_of(page, "text-error")
    assert "经核实您的投诉成立" in text_of(page, "text")  # what was typed is kept


def test_reveal_shows_the_number_once_and_logs_it(client, auth, checker, claimed):
    auth.login(checker)
    before = html(client.get(f"/tickets/{claimed.id}"))
    assert "13812349876" not in before
    fragment = client.post(f"/tickets/{claimed.id}/reveal", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "13812349876" in html(fragment) and "<html" not in html(fragment)
    assert "13812349876" not in html(client.get(f"/tickets/{claimed.id}"))
    reveals = [e for e in db.session.query(AuditEntry).filter_by(action="reveal_phone")]
    assert len(reveals) == 1


def test_another_checker_sees_the_ticket_but_no_forms(client, auth, make, claimed):
    auth.login(make.user(Role.CHECKER))
    page = html(client.get(f"/tickets/{claimed.id}"))
    assert "赵敏" in page
    assert element(page, "judge-form") is None and element(page, "attempt-form") is None
    response = client.post(f"/tickets/{claimed.id}/attempts",
                           data={"at": "2026-11-23T08:00", "reached": "no"})
    assert response.status_code == 403


def test_second_claim_is_told_who_has_it(client, auth, make, checker):
    ticket = make.ticket("handed_over")
    quality.claim(ticket.id, actor=checker, now=make.now)
    auth.login(make.user(Role.CHECKER))
    response = client.post(f"/tickets/{ticket.id}/claim", data={"version": ticket.version})
    assert response.status_code == 409
    assert "赵敏" in html(response)


def test_lead_confirms_a_return_from_the_review_queue(client, auth, make):
    lead, agent = make.team_with_lead()
    ticket = make.ticket("returned_to_lead", submitter=agent)
    auth.login(lead)
    queue = html(client.get("/review"))
    assert ticket.number in text_of(queue, "returns-to-confirm")
    stale = client.post(f"/tickets/{ticket.id}/confirm-return",
                        data={"version": 999, "next": "/review"})
    assert stale.status_code == 303 and stale.headers["Location"] == "/review"
    assert "已有他人修改过" in text_of(html(client.get("/review")), "flash")
    version = db.session.get(Ticket, ticket.id).version
    assert version == ticket.version  # the stale one changed nothing
    response = client.post(f"/tickets/{ticket.id}/confirm-return",
                           data={"version": version, "next": "/review"})
    assert response.status_code == 303 and response.headers["Location"] == "/review"
    table = html(client.get("/handover?day=2026-11-23"))
    assert lead.name in text_of(table, "handover-rows")


def test_judgement_is_visible_to_the_agent(client, auth, make, checker, now):
    lead, agent = make.team_with_lead()
    ticket = make.ticket("verifying", submitter=agent, checker=checker, accused_no="200333")
    quality.judge(ticket.id, kind="business", verdict="not_established", criteria_ids=[],
                  basis="录音显示员工解释正确", actor=checker, now=now)
    auth.login(agent)
    page = html(client.get(f"/tickets/{ticket.id}"))
    assert "录音显示员工解释正确" in text_of(page, "judgement")
    assert element(page, "judge-form") is None


def test_whitelist_table_lists_the_days_calls(client, auth, checker, claimed, now):
    quality.log_notification(claimed.id, called_at=now, other_lead_name="钱七", actor=checker,
                             now=now)
    auth.login(checker)
    page = html(client.get("/whitelist-handover?day=2026-11-23"))
    assert "钱七" in text_of(page, "whitelist-rows")
    assert "89087814" in text_of(page, "whitelist-rows")
    assert "钱七" not in html(client.get("/whitelist-handover?day=2026-11-22"))


def test_admin_edits_routing_and_retires_a_criterion(client, auth, make, checker, claimed):
    auth.login(make.user(Role.ADMIN))
    assert client.post("/admin/routing", data={"prefix": "1102", "group": "front"}
                       ).status_code == 303
    assert client.post("/admin/routing", data={"prefix": "1x", "group": "front"}
                       ).status_code == 422
    assert client.post("/admin/criteria", data={"code": "A1", "kind": "attitude",
                                                "text": "与客户发生争执"}).status_code == 303
    codes = [c.code for c in quality.active_criteria()]
    assert "A1" not in codes and "A2" in codes
    assert routing.group_of("110234") == "front"   # longest prefix wins
    actions = {e.action for e in db.session.query(AuditEntry)}
    assert {"route_rule_save", "criterion_save"} <= actions


def test_admin_time_limits_are_validated(client, auth, make):
    auth.login(make.user(Role.ADMIN))
    response = client.post("/admin/configuration", data={
        "review_hours": "0", "reply_hours": "48", "follow_up_days": "3", "appeal_hours": "72",
        "sms_notice_template": "请来电", "sms_reply_template": "请来电", "sms_forbidden_words": ""})
    assert response.status_code == 422
    assert text_of(html(response), "review_hours-error")
    response = client.post("/admin/configuration", data={
        "review_hours": "3", "reply_hours": "48", "follow_up_days": "3", "appeal_hours": "24",
        "sms_notice_template": "请来电", "sms_reply_template": "请来电",
        "sms_forbidden_words": "成立，不成立 判责"})
    assert response.status_code == 303
    assert settings.limits().appeal_hours == 24
    assert settings.get("sms_forbidden_words") == ["成立", "不成立", "判责"]


def test_checker_enters_a_transferred_complaint_that_skips_lead_review(client, auth, checker):
    auth.login(checker)
    form = {"caller_number": "13812345678", "contact_number": "13812345678",
            "complaint": "后台转来：客户投诉前台员工解释错误", "demand": "", "source": "back",
            "accused_no": "110234", "idempotency_key": "t1"}
    refused = client.post("/tickets/transferred/new", data=form)
    assert refused.status_code == 422                      # 110234 is back office, not front
    assert text_of(html(refused), "accused_no-error")
    response = client.post("/tickets/transferred/new", data={**form, "accused_no": "200333"})
    assert response.status_code == 303
    ticket = db.session.scalar(select(Ticket))
    assert (ticket.state, ticket.source, ticket.route_group) == ("handed_over", "back", "front")
    assert ticket.reply_due_at is not None and ticket.handover is None
    quality.claim(ticket.id, actor=checker, now=ticket.created_at)  # entering is not filing
    page = html(client.get(f"/tickets/{ticket.id}"))
    assert "后台" in page


def test_agents_look_up_the_explanation_script_by_phone(client, auth, make, checker, now):
    ticket = make.ticket("verifying", checker=checker, accused_no="200333",
                         contact_number="13700001111")
    for day in range(3):  # unreached on three different days
        at = now + timedelta(days=day)
        quality.log_attempt(ticket.id, at=at, reached=False, note="", actor=checker, now=at)
    script = "用户长期欠费停机，来电时解释：已核实，请缴费后再联系。"
    quality.complete_reply(ticket.id, method="explain", note=script, actor=checker,
                           now=now + timedelta(days=2, hours=1))
    lead, agent = make.team_with_lead()
    auth.login(agent)
    page = html(client.post("/tickets/lookup", data={"phone": "137-0000-1111"}))
    assert "请缴费后再联系" in text_of(page, "scripts")
    assert "13700001111" not in page                         # shown masked
    bad = client.post("/tickets/lookup", data={"phone": "12345"})
    assert bad.status_code == 422
    assert text_of(html(bad), "phone-error")
    assert 'value="12345"' in html(bad)                      # what was typed stays
    other = html(client.post("/tickets/lookup", data={"phone": "13700002222"}))
    assert "请缴费后再联系" not in other


@pytest.mark.postgres
def test_the_looked_up_number_never_appears_in_a_url(db_backend, client, auth, make, checker,
                                                     now):
    """Access logs and browser history keep URLs: the number is posted, the answer is the
    result page itself (no redirect), and a number in the query string searches nothing."""
    ticket = make.ticket("verifying", checker=checker, accused_no="200333",
                         contact_number="13700001111")
    for day in range(3):   # failed calls on three days open the direct explanation
        at = now + timedelta(days=day)
        quality.log_attempt(ticket.id, at=at, reached=False, note="", actor=checker, now=at)
    quality.complete_reply(ticket.id, method="explain", note="请缴费后再联系。", actor=checker,
                           now=now + timedelta(days=2, hours=1))
    _lead, agent = make.team_with_lead()
    auth.login(agent)
    form_page = html(client.get("/tickets/lookup"))
    assert re.search(r'<form method="post" action="/tickets/lookup"', form_page)
    answer = client.post("/tickets/lookup", data={"phone": "13700001111"})
    assert answer.status_code == 200 and "Location" not in answer.headers
    assert "请缴费后再联系" in text_of(html(answer), "scripts")
    assert "13700001111" not in text_of(html(answer), "scripts")    # masked in the result
    assert "Cache-Control" in answer.headers and "no-store" in answer.headers["Cache-Control"]
    for query in ("phone=13700001111", "phone=137-0000-1111"):
        ignored = client.get(f"/tickets/lookup?{query}")
        assert ignored.status_code == 200
        assert "请缴费后再联系" not in html(ignored) and element(html(ignored), "scripts") is None


def test_the_ticket_page_has_no_duplicate_ids(client, auth, make, checker, claimed, now):
    """Labels point at ids: two forms with the same field id send a click to the wrong box."""
    quality.log_attempt(claimed.id, at=now, reached=False, note="", actor=checker, now=now)
    pages = []
    auth.login(checker)
    pages.append(html(client.get(f"/tickets/{claimed.id}")))
    auth.logout()
    lead, agent = make.team_with_lead()
    submitted = make.ticket(submitter=agent)
    auth.login(lead)
    pages.append(html(client.get(f"/tickets/{submitted.id}")))
    for page in pages:
        ids = re.findall(r'\sid="([^"]+)"', page)
        duplicates = {i for i in ids if ids.count(i) > 1}
        assert duplicates == set()


def test_the_ticket_page_reads_the_database_a_few_times(client, auth, checker, claimed, now):
    """The ticket and what its page shows come in one query; a list with no rows costs none
    (the page once ran ~25 queries, one per relation and form)."""
    quality.log_attempt(claimed.id, at=now, reached=False, note="无人接听", actor=checker,
                        now=now)
    auth.login(checker)
    client.get(f"/tickets/{claimed.id}")
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = html(client.get(f"/tickets/{claimed.id}"))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "无人接听" in text_of(page, "attempts")
    assert element(page, "judge-form") is not None and element(page, "attempt-form") is not None
    # The handler's page: sign-in and menu counts, the ticket, settings, timeline, evidence
    # (reference and excerpts, as the handler may record them), criteria, attempts.
    assert len(statements) <= 15, statements


# --- the queue's pages ------------------------------------------------------------------------

def queue_numbers(page: str) -> list[str]:
    """Ticket numbers of the queue rows, in the order shown."""
    return re.findall(r'<a class="mono" href="/tickets/\d+">([^<]+)</a>', page)


def more_href(page: str) -> str | None:
    found = element(page, "quality-more")
    if found is None:
        return None
    return re.search(r'<tr id="quality-more".*?href="([^"]+)"', page, re.S).group(1) \
        .replace("&amp;", "&")


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(quality, "QUEUE_PAGE", 2)


@pytest.fixture
def five_tickets(make, now):
    """Five open tickets: three signed over at the same moment (one reply deadline, ordered by
    id), two an hour later, in mixed groups."""
    early = [make.ticket("handed_over", at=now, accused_no=no)
             for no in ("110234", "200333", "110235")]
    late = [make.ticket("handed_over", at=now + timedelta(hours=1), accused_no=no)
            for no in ("200334", "110236")]
    return early + late


def test_queue_pages_continue_in_order_without_duplicates(client, auth, checker, small_pages,
                                                          five_tickets):
    auth.login(checker)
    page = html(client.get("/quality"))
    assert text_of(page, "quality-count") == "5"            # every match, not the page
    seen = queue_numbers(page)
    while (href := more_href(page)) is not None:
        page = html(client.get(href))                         # the plain link (no htmx)
        assert "<html" in page and text_of(page, "quality-count") == "5"
        assert element(page, "quality-rows") is not None and "回到第一页" in page
        seen += queue_numbers(page)
    assert seen == [t.number for t in five_tickets]


def test_queue_more_with_htmx_answers_the_next_rows_only(client, auth, checker, small_pages,
                                                         five_tickets):
    auth.login(checker)
    first = html(client.get("/quality", headers={"HX-Request": "true"}))
    assert 'id="quality-rows"' in first and queue_numbers(first) == [
        t.number for t in five_tickets[:2]]
    link = element(first, "quality-more")
    assert link is not None and "显示更多" in link[1]
    assert 'hx-target="#quality-more"' in first and 'hx-swap="outerHTML"' in first
    response = client.get(more_href(first), headers={"HX-Request": "true"})
    rows = html(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert "<html" not in rows and 'id="quality-rows"' not in rows and "<table" not in rows
    assert rows.lstrip().startswith("<tr")                    # appended in the table body
    assert queue_numbers(rows) == [t.number for t in five_tickets[2:4]]
    last = html(client.get(more_href(rows), headers={"HX-Request": "true"}))
    assert queue_numbers(last) == [five_tickets[4].number]
    assert element(last, "quality-more") is None              # nothing more to show


def test_queue_filter_applies_to_later_pages(client, auth, checker, small_pages, five_tickets):
    back = [t for t in five_tickets if t.accused_no.startswith("110")]  # routed to back office
    auth.login(checker)
    page = html(client.get("/quality?group=back"))
    assert text_of(page, "quality-count") == "3"
    href = more_href(page)
    assert "group=back" in href and "after=" in href
    page = html(client.get(href))
    assert queue_numbers(page) == [back[2].number]
    assert 'value="back" selected' in page                     # the form keeps the filter
    search = html(client.get(f"/quality?q={back[0].number}"))
    assert queue_numbers(search) == [back[0].number] and more_href(search) is None


def test_queue_badge_counts_beyond_the_page(client, auth, checker, small_pages, five_tickets,
                                            monkeypatch):
    monkeypatch.setattr(quality, "QUEUE_COUNT_CAP", 3)
    auth.login(checker)
    page = html(client.get("/quality"))
    assert text_of(page, "quality-count") == "3+"
    assert text_of(html(client.get("/quality?group=front")), "quality-count") == "2"


@pytest.mark.parametrize("after", ["abc", "-1", "0", "99999999999999999999999", "١٢"])
def test_queue_cursor_that_is_no_id_shows_the_first_page(client, auth, checker, claimed, after):
    auth.login(checker)
    response = client.get(f"/quality?after={after}&checker=99999999999999999999999")
    assert response.status_code == 200
    assert claimed.number in text_of(html(response), "quality-rows")


def test_a_bad_tracking_update_shows_every_notification_again(client, auth, make, checker, now):
    """The form posted comes back with its message; the other notifications keep theirs."""
    ticket = make.ticket("verifying", checker=checker, accused_no="110234")
    first = quality.log_notification(ticket.id, called_at=now, other_lead_name="钱七",
                                     actor=checker, now=now)
    second = quality.log_notification(ticket.id, called_at=now, other_lead_name="孙八",
                                      actor=checker, now=now)
    auth.login(checker)
    response = client.post(f"/notifications/{first.id}",
                           data={f"n{first.id}-tracking": "bogus", f"n{first.id}-result": "x"})
    assert response.status_code == 422
    page = html(response)
    assert text_of(page, f"n{first.id}-tracking-error") == "不是有效的选择。"
    assert f'id="n{second.id}-tracking"' in page
