"""建议上报 pages: the 写建议 links on the dashboard's criterion rows and on the warnings page,
the form with the figures and tickets attached (mistakes beside the fields), the addressees'
acknowledgement and decision, status and history, print."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import EarlyWarning, Proposal
from services import notices, quality, settings

from ._support import count, element, html, text_of, version_of


def judged(make, checker, code, at):
    ticket = make.ticket("verifying", checker=checker, accused_no="200333", at=at)
    ids = [c.id for c in quality.active_criteria() if c.code == code]
    quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=ids,
                  basis="录音", actor=checker, now=at + timedelta(minutes=30))
    return ticket


@pytest.fixture
def people(make):
    return {role: make.user(role) for role in (Role.OWNER, Role.CHECKER, Role.GROUP_HEAD,
                                               Role.SITE_HEAD, Role.DUTY_MANAGER)}


def test_from_the_dashboards_criterion_row_to_a_decided_proposal(client, auth, make, now,
                                                                 people):
    tickets = [judged(make, people[Role.CHECKER], "A1", now) for _ in range(2)]
    auth.login(people[Role.OWNER])
    dashboard = html(client.get("/reports?period=week&date=2026-11-23"))
    links = element(dashboard, "criterion-proposals")
    assert links is not None and "A1" in links[1]
    start = "2026-11-23"
    new = f"/proposals/new?source=criterion&key=A1&from={start}&to=2026-11-29"
    assert new.replace("&", "&amp;") in dashboard
    page = html(client.get(new))
    assert "2 单勾选该标准" in text_of(page, "proposal-figures")
    for t in tickets:
        assert t.number in text_of(page, "proposal-tickets")
    fields = {"source": "criterion", "key": "A1", "start": start, "end": "2026-11-30"}
    response = client.post("/proposals/new", data={**fields, "title": "", "body": "加强培训"})
    assert response.status_code == 422
    page = html(response)
    assert "必填" in text_of(page, "title-field") and "加强培训" in text_of(page, "body")
    response = client.post("/proposals/new", data={**fields, "title": "争执类投诉建议",
                                                   "body": "建议对争执类投诉加强话术培训"})
    assert response.status_code == 303
    proposal = db.session.scalar(select(Proposal))
    assert response.headers["Location"].endswith(f"/proposals/{proposal.id}")
    assert json.loads(proposal.figures)["hits"] == 2
    auth.logout()

    auth.login(people[Role.GROUP_HEAD])
    assert "争执类投诉建议" in text_of(html(client.get("/")), "home-proposals")
    page = html(client.get(f"/proposals/{proposal.id}"))
    assert element(page, "acknowledge") is not None
    assert client.post(f"/proposals/{proposal.id}/acknowledge",
                       data={"version": proposal.version}).status_code == 303
    response = client.post(f"/proposals/{proposal.id}/decide", data={
        "decision": "reject", "version": version_of(Proposal, proposal.id)})
    assert response.status_code == 422
    assert "请说明原因" in text_of(html(response), "note-field")
    response = client.post(f"/proposals/{proposal.id}/decide", data={
        "decision": "partly", "note": "先在一班试行", "version": version_of(Proposal, proposal.id)})
    assert response.status_code == 303
    page = html(client.get(f"/proposals/{proposal.id}"))
    history = text_of(page, "review-group_head")
    assert "已签收" in history and "部分采纳" in history and "先在一班试行" in history
    assert text_of(page, "proposal-state") == "已签收"      # the site head has not decided
    assert element(page, "decide") is None
    auth.logout()

    auth.login(people[Role.SITE_HEAD])
    client.post(f"/proposals/{proposal.id}/decide",
                data={"decision": "adopt", "version": version_of(Proposal, proposal.id)})
    assert text_of(html(client.get(f"/proposals/{proposal.id}")), "proposal-state") == "已批复"
    sheet = html(client.get(f"/proposals/{proposal.id}/print"))
    assert "受理组负责人" in sheet and "现场负责人" in sheet and tickets[0].number in sheet


def test_a_keyword_warning_offers_a_proposal(client, auth, make, now, people):
    settings.update({"monitor_keywords": ["赠品"]}, actor=make.user(Role.ADMIN), now=now)
    for _ in range(3):
        make.ticket(at=now, complaint="客户对赠品领取方式有疑问")
    notices.weekly_warnings(now + timedelta(hours=1))
    warning = db.session.scalar(select(EarlyWarning))
    auth.login(people[Role.DUTY_MANAGER])
    page = html(client.get("/warnings"))
    assert f"/proposals/new?warning={warning.id}" in page
    page = html(client.get(f"/proposals/new?warning={warning.id}"))
    assert "赠品" in text_of(page, "proposal-basis")
    response = client.post("/proposals/new", data={"warning": warning.id, "title": "赠品口径",
                                                   "body": "建议统一口径"})
    assert response.status_code == 303
    assert "/proposals/new" not in html(client.get("/warnings"))   # handled


def test_links_to_nothing_and_roles(client, auth, make, people):
    auth.login(people[Role.OWNER])
    for url in ("/proposals/new?source=criterion&key=Z9&from=2026-11-23&to=2026-11-29",
                "/proposals/new?source=keyword&key=x&from=2026-11-23&to=2020-01-01",
                "/proposals/new?warning=999999", "/proposals/new?note=999999",
                "/proposals/new?source=note",
                "/proposals/new"):
        assert client.get(url).status_code == 404, url
    assert count(Proposal) == 0
    auth.logout()
    auth.login(people[Role.GROUP_HEAD])
    dashboard = html(client.get("/reports"))
    assert element(dashboard, "criterion-proposals") is None
