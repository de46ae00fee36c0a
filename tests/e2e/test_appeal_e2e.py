"""The appeal path in a real browser: the accused agent's lead appeals, the owner upholds,
both sides name their panellists, six anonymous ballots tie, and the site head rules."""
import re

import pytest

from extensions import db
from services import quality
from tests.factories import Factory

from .conftest import shot

pytestmark = pytest.mark.e2e


def judged_ticket(live_server):
    """A judged (成立), replied-to ticket about an agent of another team, made through the
    services (the browser steps before this are covered by the other flows)."""
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        accused_lead, accused = make.team_with_lead()
        checker = make.user("checker", name="赵敏")
        owner = make.user("owner", name="周强")
        site_head = make.user("site_head", name="黄磊")
        panel = [make.user("staff", team="评审班", name=f"评委{i}") for i in range(1, 7)]
        ticket = make.ticket("verifying", checker=checker, accused_no=accused.employee_no)
        criteria = [c.id for c in quality.active_criteria() if c.code == "A3"]
        now = make.now
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=criteria,
                      basis="录音02:10处员工语气傲慢", actor=checker, now=now)
        quality.log_attempt(ticket.id, at=now, reached=True, note="", actor=checker, now=now)
        quality.complete_reply(ticket.id, method="phone", note="", actor=checker, now=now)
        people = {"accused_lead": accused_lead, "owner": owner, "site_head": site_head,
                  **{f"panel{i}": p for i, p in enumerate(panel, 1)}}
        for key, user in people.items():
            live_server.people[key] = (user.employee_no, user.name)
        result = ticket.id, ticket.number, [p.employee_no for p in panel]
        db.session.remove()
    return result


def test_appeal_to_a_tie_decided_by_the_site_head(open_session, live_server):
    base = live_server.url
    ticket_id, number, panel = judged_ticket(live_server)
    page_url = f"{base}/tickets/{ticket_id}"

    lead = open_session("accused_lead")
    lead.goto(page_url)
    lead.get_by_label("录音异议点").fill("录音02:10处客户先辱骂，员工语气是正常回应。")
    lead.get_by_role("button", name="提交异议").click()
    lead.locator("#appeal").wait_for()
    assert "待白名单负责人复审" in lead.locator("h1").inner_text()

    owner = open_session("owner")
    owner.goto(page_url)
    owner.get_by_label("维持原判").check()
    owner.locator("#rejudge-form").get_by_label("理由").fill("录音证据清楚，提交合议。")
    owner.get_by_role("button", name="提交复审").click()
    owner.locator("#panel-form").wait_for()
    for i, field in enumerate(("评委1（工号）", "评委2（工号）", "评委3（工号）")):
        owner.get_by_label(field).fill(panel[3 + i])
    owner.get_by_role("button", name="确定评委").click()
    owner.locator("#flash .flash.success").wait_for()

    lead.goto(page_url)
    for i, field in enumerate(("评委1（工号）", "评委2（工号）", "评委3（工号）")):
        lead.get_by_label(field).fill(panel[i])
    lead.get_by_role("button", name="确定评委").click()
    lead.locator("#flash .flash.success").wait_for()
    assert "合议投票中" in lead.locator("h1").inner_text()
    shot(lead, "20-appeal-voting")

    for i, choice in enumerate(["成立", "不成立"] * 3, 1):
        voter = open_session(f"panel{i}")
        voter.get_by_role("link", name=re.compile("投票")).first.click()
        voter.get_by_role("link", name="进入投票").first.click()
        assert "录音02:10" in voter.locator("#objection").inner_text()
        assert "语气傲慢" in voter.locator("#judgement").inner_text()
        if i == 1:
            shot(voter, "21-ballot")
        voter.get_by_label(choice, exact=True).check()
        voter.get_by_role("button", name="投票").click()
        voter.locator("#flash .flash.success").wait_for()
        assert choice not in voter.url
        voter.context.close()

    head = open_session("site_head")
    head.goto(page_url)
    assert "待现场负责人裁定" in head.locator("h1").inner_text()
    assert "3 : 3" in head.locator("#appeal").inner_text()
    ruling = head.locator("#ruling-form")
    ruling.get_by_label("不成立", exact=True).check()
    ruling.get_by_label("理由").fill("双方证据相当，按有利于员工原则裁定不成立。")
    ruling.get_by_role("button", name="裁定").click()
    head.locator("#flash .flash.success").wait_for()
    assert "已结案" in head.locator("h1").inner_text()  # final, and the reply was already made
    assert "不成立" in head.locator("#appeal").inner_text()

    head.goto(f"{base}/tickets/{ticket_id}/appeal-sheet")
    sheet = head.locator("#appeal-sheet").inner_text()
    assert number in sheet and "按有利于员工原则" in sheet and "维持原判" in sheet
    shot(head, "22-appeal-sheet")
