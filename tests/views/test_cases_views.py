"""Case library pages: the owner's case from the ticket page, errors beside the fields with the
text kept, search as a page and as an htmx fragment, who may read and who may write."""
import re

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import AuditEntry, Case
from services import cases, quality

from ._support import count, element, html, text_of


@pytest.fixture
def owner(make):
    return make.user(Role.OWNER, name="周强")


@pytest.fixture
def ticket(make):
    """A judged ticket (A1) whose complaint holds the customer's number."""
    checker = make.user(Role.CHECKER)
    ticket = make.ticket("verifying", checker=checker,
                         complaint="客户称员工与其发生争执，要求回电13812345678")
    a1 = [c.id for c in quality.active_criteria() if c.code == "A1"]
    quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=a1,
                  basis="录音中员工与客户争执", actor=checker, now=make.now)
    return ticket


def case_form(**overrides):
    data = {"title": "与客户争执的教训", "summary": "客户来电查询话费，员工与客户发生争执",
            "analysis": "员工情绪失控", "lesson": "遇到质疑先致歉", "handling": "先安抚，再解释",
            "criteria": []}
    data.update(overrides)
    return data


def make_case(ticket, owner, now, **overrides):
    data = case_form(**overrides)
    criteria = data.pop("criteria") or [c.id for c in quality.active_criteria()
                                        if c.code == "A1"]
    return cases.create_case(ticket.id, cases.CaseInput(criteria_ids=criteria, **data),
                             actor=owner, now=now)


def test_owner_makes_a_case_from_the_ticket_page(client, auth, owner, ticket):
    auth.login(owner)
    page = html(client.get(f"/tickets/{ticket.id}"))
    link = element(page, "case-link")
    assert link is not None and f"/tickets/{ticket.id}/case/new" in page

    form = html(client.get(f"/tickets/{ticket.id}/case/new"))
    assert "138****5678" in text_of(form, "summary") and "13812345678" not in form
    a1 = next(c.id for c in quality.active_criteria() if c.code == "A1")
    assert re.search(rf'<input[^>]*checked[^>]*value="{a1}"|value="{a1}"[^>]*checked', form)

    response = client.post(f"/tickets/{ticket.id}/case/new",
                           data=case_form(criteria=[a1], lesson="回拨13812345678前先查记录"))
    assert response.status_code == 303
    case = db.session.scalar(select(Case))
    assert response.headers["Location"].endswith(f"/cases/{case.id}")
    shown = html(client.get(f"/cases/{case.id}"))
    assert text_of(shown, "case-lesson") == "回拨138****5678前先查记录"
    assert "A1" in text_of(shown, "case-tags")
    assert "与客户争执的教训" in text_of(html(client.get(f"/tickets/{ticket.id}")), "case-link")
    again = client.get(f"/tickets/{ticket.id}/case/new")     # one case per ticket
    assert again.status_code == 303 and again.headers["Location"].endswith(f"/cases/{case.id}")


def test_errors_come_back_beside_the_fields_with_the_text_kept(client, auth, owner, ticket):
    auth.login(owner)
    response = client.post(f"/tickets/{ticket.id}/case/new",
                           data=case_form(title="", lesson="   ", criteria=["999999"]))
    assert response.status_code == 422
    page = html(response)
    assert text_of(page, "title-error") and text_of(page, "lesson-error")
    assert text_of(page, "criteria-error")
    assert "客户来电查询话费，员工与客户发生争执" in text_of(page, "summary")
    assert text_of(page, "handling") == "先安抚，再解释"
    assert count(Case) == 0
    fragment = client.post(f"/tickets/{ticket.id}/case/new", data=case_form(title=""),
                           headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and "<html" not in html(fragment)
    assert element(html(fragment), "case-form") is not None
    assert "HX-Request" in fragment.headers["Vary"]


def test_search_is_a_page_and_an_htmx_fragment(client, auth, make, owner, ticket):
    make_case(ticket, owner, make.now, summary="员工语气生硬，并与客户发生争执后挂断电话")
    auth.login(make.user(Role.STAFF))
    page = client.get("/cases?q=争执")
    assert page.status_code == 200 and "<html" in html(page)
    form = element(html(page), "case-search")[0]
    assert form["method"] == "get" and form["hx-push-url"] == "true" and "delay" in \
        form["hx-trigger"]
    assert "与客户争执的教训" in text_of(html(page), "case-rows")
    assert "<mark>争执</mark>" in html(page)
    fragment = client.get("/cases?q=争执", headers={"HX-Request": "true"})
    assert "<html" not in html(fragment) and 'id="case-rows"' in html(fragment)
    assert "HX-Request" in fragment.headers["Vary"]
    assert "与客户争执的教训" not in html(client.get("/cases?q=套餐",
                                                    headers={"HX-Request": "true"}))
    a3 = next(c.id for c in quality.active_criteria() if c.code == "A3")
    assert "与客户争执的教训" not in text_of(html(client.get(f"/cases?criterion={a3}")),
                                            "case-rows")
    assert client.get("/cases?criterion=abc&page=-3&q=%25").status_code == 200


def test_readers_and_writers(client, auth, make, owner, ticket):
    case = make_case(ticket, owner, make.now)
    auth.login(make.user(Role.STAFF))
    shown = html(client.get(f"/cases/{case.id}"))
    assert "与客户争执的教训" in shown
    assert element(shown, "case-source") is None      # agents get no ticket link
    assert client.get(f"/cases/{case.id}/edit").status_code == 403
    assert client.get(f"/tickets/{ticket.id}/case/new").status_code == 403
    auth.logout()
    checker = make.user(Role.CHECKER)
    auth.login(checker)
    assert element(html(client.get(f"/cases/{case.id}")), "case-source") is not None
    assert element(html(client.get(f"/tickets/{ticket.id}")), "case-link") is not None
    assert client.post(f"/cases/{case.id}/edit", data=case_form()).status_code == 403
    auth.logout()
    auth.login(make.user(Role.ADMIN))
    assert client.get("/cases").status_code == 403
    assert client.get(f"/cases/{case.id}").status_code == 403
    auth.logout()
    auth.login(owner)   # a ticket the owner may not see yet (not signed over): 404
    submitted = make.ticket()
    assert client.get(f"/tickets/{submitted.id}/case/new").status_code == 404
    assert client.post(f"/tickets/{submitted.id}/case/new", data=case_form()).status_code == 404


def test_owner_edits_and_archives_a_case(client, auth, make, owner, ticket):
    case = make_case(ticket, owner, make.now)
    auth.login(owner)
    form = html(client.get(f"/cases/{case.id}/edit"))
    assert text_of(form, "title") == "" and 'value="与客户争执的教训"' in form
    stale = client.post(f"/cases/{case.id}/edit",
                        data=case_form(title="旧的", version=case.version + 5))
    assert stale.status_code == 409 and 'value="与客户争执的教训"' in html(stale)
    response = client.post(f"/cases/{case.id}/edit",
                           data=case_form(title="已归档的案例", archived="y",
                                          version=case.version))
    assert response.status_code == 303
    assert "已归档的案例" not in text_of(html(client.get("/cases")), "case-rows")
    assert "已归档的案例" in text_of(html(client.get("/cases?archived=y")), "case-rows")
    saves = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "case_save"))
    assert len(list(saves)) == 2


def test_pages_carry_no_inline_styles_or_scripts(client, auth, owner, make, ticket):
    case = make_case(ticket, owner, make.now)
    auth.login(owner)
    for path in ("/cases", f"/cases/{case.id}", f"/cases/{case.id}/edit"):
        page = html(client.get(path))
        assert " style=" not in page and "<script>" not in page and "hx-on" not in page, path
