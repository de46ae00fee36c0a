"""Demo data: one account per role, two teams, tickets in several states (`flask demo`)."""
from datetime import timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from services import appeals, quality
from services import tickets as ticket_service
from services import users as user_service
from services.clock import utcnow
from services.db import db

# Published in the README on purpose: demo data only, never loaded into a used database.
DEMO_PASSWORD = "zikong-demo"  # nosec B105

#: employee_no, name, role, team
ACCOUNTS = [
    ("200101", "张伟", "staff", "一班"),
    ("200102", "李娜", "staff", "一班"),
    ("200201", "王芳", "staff", "二班"),
    ("200100", "刘洋", "team_lead", "一班"),
    ("200200", "陈静", "team_lead", "二班"),
    ("190001", "赵敏", "checker", None),
    ("190002", "孙丽", "checker", None),
    ("190000", "周强", "owner", None),
    ("160001", "吴刚", "duty_manager", None),
    ("160000", "郑华", "group_head", None),
    ("150000", "黄磊", "site_head", None),
    ("990001", "系统管理员", "admin", None),
]

CHECKER, OWNER = "190001", "190000"

TICKETS = [
    # submitter, minutes ago, caller, contact, complaint, demand, accused, then
    ("200101", 190, "13812345678", "13812345678",
     "客户反映昨天来电咨询流量包，客服代表语气不耐烦，没听完就挂断电话。", "要求对该客服代表批评教育并道歉",
     "180123", "submitted"),
    ("200102", 45, "0755-83456789", "13900001111",
     "客户称上次来电办理停机保号时被告知免费，结果本月被扣费 5 元。", "退还费用，给出解释", "230456", "submitted"),
    ("200101", 300, "13700002222", "13700002222",
     "客户投诉客服代表推诿，让其自行去营业厅处理宽带故障。", "", None, "returned"),
    ("200201", 600, "15866667777", "15866667777",
     "客户称客服代表在电话中反问“这个都不知道吗”，感到被训斥。", "要求道歉", "200333", "signed"),
    ("200102", 1500, "18611112222", "020-87654321",
     "客户称国际漫游资费解释有误，导致产生高额费用。", "核实并减免费用", "110234", "signed"),
    ("200101", 2000, "13655556666", "13655556666",
     "客户称89082000坐席未按约定回电，且通话中语气生硬。", "要求尽快处理", "800912", "verifying"),
    ("200201", 3000, "13522223333", "13522223333",
     "客户投诉客服代表在电话中与其争执，并挂断电话。", "要求道歉", "200333", "judged"),
    ("200102", 2600, "15977778888", "15977778888",
     "客户来电咨询套餐，未表达对员工的不满，仅要求再次解释资费。", "", "100160", "returned_to_lead"),
    ("200101", 400, "18822223333", "18822223333",
     "客户投诉客服代表在解释宽带资费时多次打断客户，并称“听不懂就别问了”。", "要求道歉", "200201",
     "voting"),
]


def _load():
    now = utcnow()
    people = {}
    for no, name, role, team in ACCOUNTS:
        user, _ = user_service.create_user(user_service.UserInput(
            employee_no=no, name=name, role=role, team=team, password=DEMO_PASSWORD), now=now)
        people[no] = user
    for submitter, ago, caller, contact, complaint, demand, accused, then in sorted(
            TICKETS, key=lambda row: -row[1]):  # oldest first, so numbers follow time
        at = now - timedelta(minutes=ago)
        author = people[submitter]
        lead = db.session.get(type(author), author.id).team.lead
        ticket = ticket_service.submit_ticket(ticket_service.TicketInput(
            caller_number=caller.replace("-", ""), contact_number=contact.replace("-", ""),
            complaint=complaint, demand=demand, accused_no=accused), actor=author, now=at)
        if then == "returned":
            ticket_service.return_to_staff(ticket.id, actor=lead, now=at + timedelta(minutes=40),
                                           elements=["accused_no", "demand"],
                                           note="请补充被投诉工号，并注明用户的具体要求。")
            continue
        if then == "submitted":
            continue
        ticket_service.sign_handover(ticket.id, actor=lead, now=at + timedelta(minutes=50))
        if then in ("verifying", "judged", "returned_to_lead", "voting"):
            _quality_steps(ticket.id, "judged" if then == "voting" else then, people, at)
        if then == "voting":
            _appeal_steps(ticket.id, people, at)
    _survey_week(people, now)
    _issue16(people, now)


def _appeal_steps(ticket_id, people, at):
    """The accused agent's lead appeals, the owner upholds, both sides name three, and two of
    the six have voted: 张伟 (200101) can cast a ballot in the demo."""
    when = at + timedelta(hours=4)
    appeals.file_appeal(ticket_id, objection="录音01:45处客户先提高音量，员工打断是为了确认故障地址，"
                        "并非态度问题。", actor=people["200200"], now=when)
    appeals.rejudge(ticket_id, decision="uphold", reason="录音中员工确有不当用语，提交合议。",
                    actor=people[OWNER], now=when + timedelta(minutes=20))
    appeals.name_panel(ticket_id, employee_nos=["200101", "200102", "160001"],
                       actor=people["200200"], now=when + timedelta(minutes=30))
    appeals.name_panel(ticket_id, employee_nos=["190002", "160000", "200100"],
                       actor=people[OWNER], now=when + timedelta(minutes=40))
    for voter, choice in (("160001", "not_established"), ("190002", "established")):
        appeals.cast_ballot(ticket_id, choice=choice, actor=people[voter],
                            now=when + timedelta(minutes=50))


def _quality_steps(ticket_id, then, people, at):
    checker = people[CHECKER]
    quality.claim(ticket_id, actor=checker, now=at + timedelta(hours=1))
    if then == "returned_to_lead":
        quality.return_to_lead(ticket_id, reason="R1", remarks="员工未安抚用户情绪、未致歉解释",
                               actor=checker, now=at + timedelta(hours=2))
        return
    if then == "verifying":
        quality.log_notification(ticket_id, called_at=at + timedelta(hours=1, minutes=10),
                                 other_lead_name="周芳", actor=checker,
                                 now=at + timedelta(hours=1, minutes=10))
        quality.log_attempt(ticket_id, at=at + timedelta(hours=2), reached=False, note="无人接听",
                            actor=checker, now=at + timedelta(hours=2))
        return
    criteria = [c.id for c in quality.active_criteria() if c.code == "A1"]
    quality.log_attempt(ticket_id, at=at + timedelta(hours=2), reached=True,
                        note="已向用户致歉并说明处理情况", actor=checker, now=at + timedelta(hours=2))
    quality.judge(ticket_id, kind="attitude", verdict="established", criteria_ids=criteria,
                  basis="录音01:45起员工与客户争执，并先行挂断电话。", actor=checker,
                  now=at + timedelta(hours=3))
    quality.complete_reply(ticket_id, method="phone", note="", actor=checker,
                           now=at + timedelta(hours=3))


#: Dissatisfied contacts: (weeks ago, weekday, hour, phone, channel, agent, area, summary, score,
#: plan)
SURVEY_CONTACTS = [
    (2, 1, 10, "13811110001", "热线", "200101", "福田", "咨询宽带提速，专员解释不清，用户要求回电说明。", 3,
     "called:9"),
    (2, 2, 15, "13811110002", "QQ", "200102", "南山", "在线咨询套餐变更，回复太慢，用户中途离开。", 4, "called:8"),
    (2, 3, 11, "13811110003", "QQ", "200201", "罗湖", "询问积分兑换规则，专员答复前后不一致。", 2, "called:10"),
    (2, 4, 9, "13811110004", "热线", "200102", "福田", "查询话费明细时被要求多次重复身份信息。", 3, ""),
    (2, 5, 16, "13811110005", "热线", "200201", "南山", "宽带退订流程复杂，多次来电仍未办结。", 2, "surveyed"),
    (1, 0, 9, "13822220001", "热线", "200101", "福田", "反映专员语气生硬，问题未解决就结束通话。", 1, "called:6"),
    (1, 0, 14, "13822220002", "QQ", "200102", "南山", "咨询国际漫游开通，专员给出的资费与实际不符。", 2, "held"),
    (1, 1, 10, "13822220003", "热线", "200201", "福田", "宽带故障报修后三天无人上门。", 1, "appended"),
    (1, 2, 16, "13822220004", "QQ", "200101", "罗湖", "对上次回访结果不满意，要求重新处理。", 3, "alternative"),
    (1, 3, 11, "13822220005", "热线", "200102", "南山", "办理停机保号时被告知需到营业厅，用户不理解。", 2,
     "surveyed"),
    (1, 4, 13, "13822220006", "QQ", "200201", "罗湖", "误操作评价，实际对服务满意。", 4, ""),
    (1, 5, 20, "13822220007", "热线", "200101", "福田", "安全问题：怀疑账号被盗，要求尽快处理。", 2, ""),
    (1, 6, 18, "13822220008", "QQ", "200102", "南山", "功能设置问题，来电转移设置后不生效。", 3, ""),
]
#: The cause each plan's survey finds (QQ's 服务态度 otherwise 专业知识).
SURVEY_CAUSES = {"called:6": "服务态度", "held": "专业知识", "surveyed": "退单导致处理不及时",
                 "alternative": "回访结果", "appended": "其它"}


def _survey_week(people, now):
    """A week of the callback cycle in progress: last week's contacts surveyed, one waiting;
    the week before called back by 孙丽, who was given them (one left, overdue); this week's
    given by the duty manager by area and by count (one nobody holds yet), one called back
    with a 6 (a remedy task and a graded problem), one with an appended event graded
    important (diagnosed), one held for the business side, one whose customer did not accept
    the alternative at the survey (an event appended there); a supervision order to the
    technical department; the month's ranking published; a training recorded."""
    import io

    from domain import survey as survey_rules
    from services import supervision
    from services.clock import local_today, zone
    from services.supervision import OrderInput
    from services.survey import (analysis, assignments, config, problems, queues, ranking,
                                 records)
    from services.survey import imports as survey_import
    checker, duty, owner = people[CHECKER], people["160001"], people[OWNER]
    today = local_today(now)
    monday = survey_rules.monday_of(today)
    lines = [",".join((*survey_import.TEMPLATE_HEADER, survey_import.AREA_HEADER))]
    for weeks, weekday, hour, phone, channel, agent, area, summary, score, _ in SURVEY_CONTACTS:
        day = monday - timedelta(weeks=weeks) + timedelta(days=weekday)
        lines.append(f"{phone},{channel},{day.isoformat()} {hour:02d}:05,{agent},{summary},"
                     f"{score},{area}")
    data = io.BytesIO("\n".join(lines).encode("utf-8"))
    batch = survey_import.stage(data, "上周不满意用户.csv", actor=checker, now=now)
    survey_import.confirm(batch.id, actor=checker, now=now)
    contacts = {c.phone: c for c in queues.survey_queue(
        today + timedelta(days=14), queues.ContactFilter(show="todo"), actor=checker)}

    def at(day, hour):
        from datetime import UTC, datetime, time
        local = datetime.combine(day, time(hour), tzinfo=zone())
        return min(local.astimezone(UTC).replace(tzinfo=None), now - timedelta(minutes=5))

    def callback(phone, caller, when, reason="", **fields):
        contact = contacts[phone]
        records.confirm_review(contact.id, "callback", actor=caller, now=when)
        return records.record_callback(contact.id, actor=caller, now=when, method="phone",
                                       reason=reason, note="已按话术致歉并说明处理结果。",
                                       **fields)

    for weeks, _d, _h, phone, channel, _a, _area, _s, _score, plan in SURVEY_CONTACTS:
        if not plan:
            continue
        contact = contacts[phone]
        survey_at = at(monday - timedelta(days=6), 10) if weeks == 2 else now - timedelta(hours=3)
        name = SURVEY_CAUSES.get(plan, "专业知识" if channel == "QQ" else "服务态度")
        category = next(c for c in config.categories(contact.channel) if c.name == name)
        records.confirm_review(contact.id, "survey", actor=checker, now=survey_at)
        alternative = {"alternative": "改由业务方上门复核处理结果", "alternative_accepted": False,
                       "append_event": True, "event": "客户不接受原回访结果，已追加事件要求复核。",
                       "grade": "general"} if plan == "alternative" else {}
        records.record_survey(contact.id, resolved=False, category_id=category.id,
                              unresolved_issue="用户问题尚未解决，需回访确认。", needs_callback=True,
                              actor=checker, now=survey_at, **alternative)
    # The week before: given to 孙丽 on its Wednesday, called back on its Thursday.
    given_at = at(monday - timedelta(days=5), 17)
    assignments.assign_count(people["190002"].id, 4, monday - timedelta(days=5), actor=duty,
                             now=given_at)
    for _w, _d, _h, phone, _c, _a, _area, _s, _score, plan in SURVEY_CONTACTS[:5]:
        if plan.startswith("called:"):
            score = int(plan.split(":")[1])
            callback(phone, people["190002"], at(monday - timedelta(days=4), 15),
                     outcome="satisfied", score=score)
    # This week: by area, by count, one by one; one left for nobody yet.
    given_at = now - timedelta(hours=2)
    zhang, li, wang = people["200101"], people["200102"], people["200201"]
    assignments.assign_area("福田", wang.id, today, actor=duty, now=given_at)
    assignments.assign_count(zhang.id, 2, today, actor=duty, now=given_at)
    assignments.assign(contacts["13822220004"].id, li.id, actor=duty, now=given_at)
    callback("13822220001", wang, now - timedelta(minutes=40), outcome="accepted", score=6,
             reason="用户认为问题拖得太久，仍有不满。", grade="general")
    appended = callback("13822220003", zhang, now - timedelta(minutes=90), outcome="appended",
                        score=9, grade="important")
    problem = next(p for p in contacts["13822220003"].problems if p.callback_id == appended.id)
    problems.record_step(problem.id, "diagnosis", note="装维工单积压，需技术部协调上门时间。",
                         actor=duty, now=now - timedelta(minutes=70))
    held = contacts["13822220002"]
    records.hold_callback(held.id, note="已追加事件，等待业务方回访结果。", actor=zhang,
                          now=now - timedelta(minutes=80))
    records.chase(held.id, actor=zhang, now=now - timedelta(minutes=20))
    supervision.issue_for_contact(contacts["13822220003"].id, OrderInput(
        request="客户宽带故障报修后三天无人上门，请技术部安排上门并答复处理时间。",
        due_at=now + timedelta(hours=20), department="技术部装维班", department_contact="周工"),
        actor=checker, now=now - timedelta(minutes=60))
    month = analysis.month_of(today)
    if ranking.ranking(month, actor=duty):
        ranking.publish(month, announce=False, actor=duty, now=now - timedelta(minutes=10))
    flagged = [r for r in analysis.analysis(month, actor=duty, now=now).steps if r.flagged]
    if flagged:  # which steps ran late depends on the day the demo is loaded
        analysis.record_finding(month, "step", flagged[0].key, actor=duty, now=now,
                                root_cause="周一至周三调研人手不足，上周导入晚了一天。",
                                action="导入提前到周一上午；周三下午由孙丽支援调研。")
    attitude = next(c for c in config.categories("hotline") if c.name == "服务态度")
    analysis.record_training(attitude.id, topic="服务态度专项培训：倾听与致歉话术",
                             day=today - timedelta(days=1), attendees="200101 200102 200201",
                             actor=owner, now=now - timedelta(minutes=30))


#: Feedback notes: (author, days ago, hour, text, outcome)
NOTES = [
    ("200101", 1, 9, "客户对赠品领取方式有疑问，不清楚要到营业厅还是邮寄", "discussed"),
    ("200102", 1, 11, "客户说理财到期日和短信通知不一致", None),
    ("200201", 1, 15, "老人对电子支付不太熟练，多次询问如何缴费", None),
    ("200100", 1, 16, "多位客户反映宽带提速后网速没有变化", None),
    ("200101", 0, 10, "客户对国际漫游包的生效时间有疑问", None),
]


def _issue16(people, now):
    """Issue 16's workflows: supervision orders (one overdue to the 89082000 line, one to a
    team lead, one answered), a proposal on A1 acknowledged by the group head, and the
    floor's feedback notes of yesterday (one discussed) and today."""
    from datetime import UTC, datetime, time

    from domain.periods import Period, span_of
    from models import Ticket
    from services import feedback, proposals, supervision
    from services.clock import local_today, zone
    from services.supervision import OrderInput
    checker, owner = people[CHECKER], people[OWNER]

    def ticket(accused):
        return db.session.scalar(select(Ticket).where(Ticket.accused_no == accused))

    line, back = ticket("800912"), ticket("110234")
    issued = now - timedelta(hours=26)
    supervision.issue_order(line.id, OrderInput(
        request="请热线负责人反馈对该投诉的处理结果，并说明坐席未按约定回电的原因。",
        due_at=issued + timedelta(hours=24), department="89082000热线负责人",
        department_contact="周芳 89080369"), actor=checker, now=issued)
    supervision.issue_order(back.id, OrderInput(
        request="请督促当班人员今日内回电客户，说明漫游资费的核实结果。",
        due_at=now + timedelta(hours=20), recipient_no="200200"), actor=owner, now=now)
    answered = supervision.issue_order(back.id, OrderInput(
        request="请后台提供该时段的话务记录。", due_at=now + timedelta(hours=4),
        department="后台当班领班", department_contact="89087814"), actor=checker,
        now=now - timedelta(hours=5))
    supervision.answer_order(answered.id, answer="后台已提供话务记录，见邮件。", actor=checker,
                             now=now - timedelta(hours=1))
    span = span_of(Period.MONTH, local_today(now))
    proposal = proposals.create_proposal(
        proposals.Basis(source="criterion", key="A1", start=span.start, end=span.end),
        title="关于与客户争执类投诉的处理建议",
        body="本月A1（与客户发生争执）类投诉集中在资费解释环节。建议：\n"
             "1. 在知识库补充资费争议的标准口径；\n2. 对相关班组开展情绪管理与话术培训；\n"
             "3. 对反复来电的客户由领班优先接听。",
        actor=owner, now=now - timedelta(hours=3))
    proposals.acknowledge(proposal.id, actor=people["160000"], now=now - timedelta(hours=1))
    today = local_today(now)
    for author, days, hour, text, outcome in NOTES:
        local = datetime.combine(today - timedelta(days=days), time(hour), tzinfo=zone())
        at = min(local.astimezone(UTC).replace(tzinfo=None), now - timedelta(minutes=10))
        note = feedback.post_note(text, actor=people[author], now=at)
        if outcome:
            feedback.review_note(note.id, outcome, note="早会已讨论，提醒全体按知识库口径解释",
                                 actor=people["160001"], now=now - timedelta(minutes=5))


@click.command("demo")
@click.option("--if-empty", is_flag=True, help="Only when the database has no users yet.")
@with_appcontext
def demo_command(if_empty):
    """Load demo accounts and tickets (password for every account: zikong-demo)."""
    from models import User
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo("demo: users exist, nothing loaded")
            return
        raise click.ClickException("the database already has users; demo data is for an "
                                   "empty database")
    _load()
    click.echo(f"demo: loaded {len(ACCOUNTS)} accounts (password {DEMO_PASSWORD}) "
               f"and {len(TICKETS)} tickets")
