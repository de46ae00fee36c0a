"""Risk register pages: the SVG chart with one mark per open risk, overdue reviews marked,
errors beside the fields with the text kept, the form as an htmx fragment, who may do what."""
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import AuditEntry, Risk
from services import risks
from services.clock import local_today

from ._support import count, element, html, text_of


@pytest.fixture
def owner(make):
    return make.user(Role.OWNER, name="周强")


def add(owner, now, title, p, i, review_on=None, status="open"):
    return risks.create_risk(risks.RiskInput(
        title=title, description="", probability=p, impact=i, owner_id=owner.id,
        review_on=review_on or local_today() + timedelta(days=10), status=status),
        actor=owner, now=now)


def test_chart_has_one_mark_per_open_risk_and_overdue_reviews_are_marked(client, auth, make,
                                                                        owner):
    late = add(owner, make.now, "系统故障导致无法查询", 2, 5,
               review_on=local_today() - timedelta(days=1))
    add(owner, make.now, "高峰期排队", 4, 4)
    add(owner, make.now, "口径更新不及时", 4, 4)      # same cell: two marks side by side
    add(owner, make.now, "已处理的风险", 5, 5, status="closed")
    auth.login(make.user(Role.DUTY_MANAGER))
    page = html(client.get("/risks"))
    start = page.index('<svg class="risk-chart"')
    svg = page[start:page.index("</svg>", start)]
    marks = re.findall(r'<g class="mark q-([a-z_]+)( overdue)?"', svg)
    assert sorted(q for q, _ in marks) == ["fallback_plan", "plan_ahead", "plan_ahead"]
    assert [q for q, overdue in marks if overdue] == ["fallback_plan"]
    positions = re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg)
    assert len(set(positions)) == 3                      # no two marks on top of each other
    row = element(page, f"risk-{late.id}")
    assert "overdue" in row[0]["class"] and "应急预案" in row[1]
    assert " style=" not in page
    assert element(page, "risk-rows") is not None
    assert "/risks/new" not in page                      # duty managers only read


def test_owner_adds_a_risk_errors_beside_the_fields(client, auth, make, owner):
    auth.login(owner)
    form = html(client.get("/risks/new"))
    assert f'<option selected value="{owner.id}">' in form or \
        re.search(rf'<option[^>]*value="{owner.id}"[^>]*selected', form)
    data = {"title": "", "description": "话务高峰期间无法及时接通", "probability": "7",
            "impact": "3", "owner_id": str(owner.id), "review_on": "not a date",
            "status": "open"}
    response = client.post("/risks/new", data=data)
    assert response.status_code == 422
    page = html(response)
    for name in ("title", "probability", "review_on"):
        assert text_of(page, f"{name}-error"), name
    assert text_of(page, "description") == "话务高峰期间无法及时接通"
    assert count(Risk) == 0
    fragment = client.post("/risks/new", data=data, headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and "<html" not in html(fragment)
    assert element(html(fragment), "risk-form") is not None
    assert "HX-Request" in fragment.headers["Vary"]

    response = client.post("/risks/new", data={**data, "title": "话务高峰排队", "probability": "4",
                                               "review_on": "2026-12-31"})
    assert response.status_code == 303 and response.headers["Location"].endswith("/risks")
    risk = db.session.scalar(select(Risk))
    assert (risk.probability, risk.impact, risk.review_on) == (4, 3, date(2026, 12, 31))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "risk_save"))


def test_group_head_closes_a_risk_and_it_leaves_the_chart(client, auth, make, owner):
    risk = add(owner, make.now, "高峰期排队", 4, 4)
    auth.login(make.user(Role.GROUP_HEAD))
    form = html(client.get(f"/risks/{risk.id}/edit"))
    assert 'value="高峰期排队"' in form
    response = client.post(f"/risks/{risk.id}/edit", data={
        "title": "高峰期排队", "probability": "4", "impact": "4", "owner_id": str(owner.id),
        "review_on": "2026-12-31", "status": "closed", "version": str(risk.version)})
    assert response.status_code == 303
    page = html(client.get("/risks"))
    assert 'class="mark ' not in page
    assert "muted" in element(page, f"risk-{risk.id}")[0]["class"]


@pytest.mark.parametrize("role, status", [(Role.STAFF, 403), (Role.CHECKER, 403),
                                          (Role.ADMIN, 403), (Role.SITE_HEAD, 200)])
def test_who_may_read_the_register(client, auth, make, role, status):
    auth.login(make.user(role))
    assert client.get("/risks").status_code == status
    assert client.get("/risks/new").status_code == 403


def test_an_edit_without_the_version_is_refused(client, auth, make, owner):
    """A post without the version the form was opened at would overwrite whatever was saved
    since: it is refused (400) and changes nothing."""
    risk = add(owner, make.now, "高峰期排队", 4, 4)
    auth.login(owner)
    audits = count(AuditEntry)
    response = client.post(f"/risks/{risk.id}/edit", data={
        "title": "改了", "probability": "4", "impact": "4", "owner_id": str(owner.id),
        "review_on": "2026-12-31", "status": "closed"})
    assert response.status_code == 400
    assert count(AuditEntry) == audits and db.session.get(Risk, risk.id).title == "高峰期排队"
