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
    assert "暂维持原判" in owner.locator("#confirm-consequence").inner_text()
    owner.get_by_role("button", name="确认维持原判").click()
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
        assert "投票后不能更改" in voter.locator("#confirm-consequence").inner_text()
        voter.get_by_role("button", name="确认投票").click()
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
    head.get_by_role("button", name="确认裁定").click()
    head.locator("#flash .flash.success").wait_for()
    assert "已结案" in head.locator("h1").inner_text()  # final, and the reply was already made
    assert "不成立" in head.locator("#appeal").inner_text()
    assert "最终：不成立" in head.locator("#final-verdict").inner_text()
    assert "原判：成立" in head.locator("#original-verdict").inner_text()

    head.goto(f"{base}/tickets/{ticket_id}/appeal-sheet")
    sheet = head.locator("#appeal-sheet").inner_text()
    assert number in sheet and "按有利于员工原则" in sheet and "维持原判" in sheet
    shot(head, "22-appeal-sheet")


def test_the_agents_objection_climbs_the_chain(open_session, live_server):
    """The accused agent raises an objection; their lead declines with a reason the agent
    reads; the agent takes it to the duty manager, who files the appeal sheet from it."""
    with live_server.app.app_context():
        from services.clock import utcnow
        make = Factory(utcnow())
        lead, accused = make.team_with_lead()
        checker = make.user("checker")
        duty = make.user("duty_manager", name="吴刚")
        ticket = make.ticket("verifying", checker=checker, accused_no=accused.employee_no)
        criteria = [c.id for c in quality.active_criteria() if c.code == "A3"]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=criteria,
                      basis="录音02:10处员工语气傲慢", actor=checker, now=make.now)
        for key, user in (("accused", accused), ("accused_lead", lead), ("duty", duty)):
            live_server.people[key] = (user.employee_no, user.name)
        page_url = f"{live_server.url}/tickets/{ticket.id}"
        db.session.remove()

    agent = open_session("accused")
    agent.goto(page_url)
    agent.locator("#objection-form").get_by_label("你对录音的异议点").fill(
        "录音02:10处是客户先大声辱骂，我的语气是正常回应。")
    agent.get_by_role("button", name="向领班提交异议申请").click()
    agent.locator("#flash .flash.success").wait_for()
    assert "等待决定" in agent.locator("#objections").inner_text()

    team_lead = open_session("accused_lead")
    assert "等待你决定的员工异议申请" in team_lead.locator("#home-objections").inner_text()
    team_lead.locator("#home-objections a").first.click()
    # the appeal sheet comes prefilled with the agent's points
    assert "客户先大声辱骂" in team_lead.locator("#appeal-form textarea").input_value()
    team_lead.locator("#decline-objection summary").click()
    team_lead.locator("#decline-form textarea").fill("录音中员工确有反问，不予提交。")
    team_lead.get_by_role("button", name="不予提交").click()
    team_lead.locator("#flash .flash.success").wait_for()

    agent.goto(page_url)
    objections = agent.locator("#objections").inner_text()
    assert "不予提交" in objections and "录音中员工确有反问" in objections
    shot(agent, "24-objection-declined")
    agent.get_by_role("button", name="向主值班提交异议申请").click()
    agent.locator("#flash .flash.success").wait_for()

    manager = open_session("duty")
    manager.goto(page_url)
    assert "员工请你提交异议单" in manager.locator("#objection-decide").inner_text()
    manager.get_by_role("button", name="提交异议").click()
    manager.locator("#flash .flash.success").wait_for()
    assert "待白名单负责人复审" in manager.locator("h1").inner_text()
    manager.locator("#timeline summary").click()   # the history folds to one line
    timeline = manager.locator(".timeline").inner_text()
    assert "提出异议申请" in timeline and "异议申请不予提交" in timeline
    assert "根据员工异议申请提交异议单" in timeline
    shot(manager, "23-objection-filed")


def test_when_the_only_owner_judged_the_group_head_rejudges(open_session, live_server):
    """The only owner judged the ticket: the appeal waits on the group head's home (the
    default deputy), who overturns it after the confirm screen."""
    with live_server.app.app_context():
        from services import appeals
        from services.clock import utcnow
        make = Factory(utcnow())
        lead, accused = make.team_with_lead()
        owner = make.user("owner", name="周强")
        head = make.user("group_head", name="孙丽")
        ticket = make.ticket("verifying", checker=owner, accused_no=accused.employee_no)
        criteria = [c.id for c in quality.active_criteria() if c.code == "A3"]
        quality.judge(ticket.id, kind="attitude", verdict="established", criteria_ids=criteria,
                      basis="录音02:10处员工语气傲慢", actor=owner, now=make.now)
        appeals.file_appeal(ticket.id, objection="客户先辱骂", actor=lead, now=make.now)
        for key, user in (("owner", owner), ("group_head", head)):
            live_server.people[key] = (user.employee_no, user.name)
        page_url = f"{live_server.url}/tickets/{ticket.id}"
        db.session.remove()

    judge = open_session("owner")
    judge.goto(page_url)
    assert judge.locator("#rejudge-form").count() == 0     # the owner who judged may not

    deputy = open_session("group_head")
    deputy.locator("#home-appeals a").first.click()
    deputy.get_by_label("改判").check()
    deputy.locator("#rejudge-form").get_by_label("理由").fill("客户先辱骂，员工回应可以理解。")
    deputy.get_by_role("button", name="提交复审").click()
    assert "此为最终结论" in deputy.locator("#confirm-consequence").inner_text()
    shot(deputy, "25-confirm-overturn")
    deputy.get_by_role("button", name="返回修改").click()     # back: nothing typed is lost
    assert "员工回应可以理解" in deputy.locator("#rejudge-form textarea").input_value()
    deputy.get_by_role("button", name="提交复审").click()
    deputy.get_by_role("button", name="确认改判").click()
    deputy.locator("#flash .flash.success").wait_for()
    assert "最终：不成立" in deputy.locator("#final-verdict").inner_text()
