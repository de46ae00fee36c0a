"""A realistic Zikong dataset, fast: ~500 people in 26 teams, N tickets over three years in
every state with their audit trail, handover rows, claims, outbound notifications, contact
attempts, SMS, judgements, appeals with panels and votes, and the alerts behind the bell.

    .venv/bin/python -m bench.generate --tickets 200000 [--database-url URL]

Rows are built in Python and written with SQLAlchemy Core executemany (COPY on PostgreSQL),
one transaction per batch of tickets (no ORM round trips). Ticket numbers are
ZK-YYYYMMDD-NNNN per local day and ticket_sequences holds each day's last number, as the app
would have left them.

The shape of the data: the last RECENT_DAYS days carry the floor's daily volume
(--recent-per-day, 180 a day by default) whatever N is; the rest of N is history spread
evenly over the years before. Each ticket's life is planned from its submission (review,
signing, claim, calls, judgement, reply, appeal, vote, closing) and cut at "now", so recent
tickets stand in the open states the live floor would see. The open work (queues, the bell)
is therefore the same at 2,000 and at 200,000 tickets (10 days of 180 are 1,800 of the
2,000); only the history grows — which is what the scale ratio of the benchmark measures.
"""
import argparse
import json
import random
import secrets
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

if __package__ in (None, ""):  # python bench/generate.py
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parent.parent))

from bench import config as bench_config  # noqa: E402
from domain import ballots  # noqa: E402

#: The key the app derives from the bench configuration: open votes' ballots are sealed
#: with it, so the app can count them when they close.
BALLOT_KEY = ballots.derive_key(bench_config.APP_CONFIG["SECRET_KEY"])

#: Days at the floor's volume: longer than any ticket stays open (the longest path, an
#: appeal through a tied vote to the site head's ruling, takes ~10 days), so every open
#: ticket is a recent one, and the recent days are the same at every size.
RECENT_DAYS = 10
TEAMS = 26
STAFF_PER_TEAM = 18
CHECKERS = 10
DUTY_MANAGERS = 4
BATCH = 5000  # tickets per transaction

H = timedelta(hours=1)
M = timedelta(minutes=1)

COMPLAINTS = [
    "客户反映来电咨询流量包，客服代表语气不耐烦，没听完就挂断电话。",
    "客户称上次来电办理停机保号时被告知免费，结果本月被扣费。",
    "客户投诉客服代表推诿，让其自行去营业厅处理宽带故障。",
    "客户称客服代表在电话中反问“这个都不知道吗”，感到被训斥。",
    "客户称国际漫游资费解释有误，导致产生高额费用。",
    "客户称坐席未按约定回电，且通话中语气生硬。",
    "客户投诉客服代表在电话中与其争执，并挂断电话。",
    "客户来电咨询套餐，要求再次解释资费，称上次解释前后矛盾。",
    "客户投诉客服代表在解释宽带资费时多次打断客户。",
    "客户称办理携号转网时被告知需要本人到营业厅，后得知可线上办理。",
    "客户反映客服代表承诺的话费减免未到账。",
    "客户称客服代表泄露了其号码的通话记录查询结果给他人。",
    "客户投诉客服代表答非所问，多次重复同一句话。",
    "客户称客服代表办理退订时操作失误，导致主套餐被取消。",
    "客户投诉客服代表态度傲慢，称“爱办不办”。",
]
DEMANDS = ["要求道歉", "退还费用，给出解释", "要求对该客服代表批评教育", "要求尽快处理",
           "核实并减免费用", "", "要求回电说明"]
BASES = ["录音核实：员工语气生硬，存在反问。", "录音核实：员工解释与资费规定一致。",
         "录音核实：员工未按首问责任制处理。", "录音核实：员工提供的信息有误且未更正。",
         "录音核实：通话正常，未发现服务问题。"]
NOTES = ["已致电客户说明处理结果", "客户表示理解", "未接通", "关机", "无人接听", "客户要求再次回电"]
SMS_NOTICE = "您好，我们就您反映的问题致电未能联系上您，请方便时致电10010查询处理结果。"
SCRIPT = "如客户再次来电：告知已核实处理，感谢监督，如有疑问请致电10010。"
ELEMENTS = ("caller_number", "contact_number", "complaint", "demand", "accused_no")


# --- people ----------------------------------------------------------------------------------

def people():
    """(teams, users): plain dicts with explicit ids. Employee numbers: agents 2TTMMM (front
    desk), leads 2TT000, checkers 1900xx, the owner 190000, duty managers 16000x, the group
    head 160000, the site head 150000, IT 990001."""
    users, teams = [], []
    uid = 0

    def user(no, name, role, team_id=None):
        nonlocal uid
        uid += 1
        users.append({"id": uid, "employee_no": no, "name": name, "role": role,
                      "team_id": team_id})
        return uid

    for t in range(1, TEAMS + 1):
        teams.append({"id": t, "name": f"第{t}班", "lead_id": None})
        teams[-1]["lead_id"] = user(f"2{t:02d}000", f"领班{t:02d}", "team_lead", t)
        for m in range(1, STAFF_PER_TEAM + 1):
            user(f"2{t:02d}{m:03d}", f"客服{t:02d}{m:02d}", "staff", t)
    user("190000", "白名单负责人", "owner")
    for c in range(1, CHECKERS + 1):
        user(f"1900{c:02d}", f"自控{c:02d}", "checker")
    user("160000", "受理组负责人", "group_head")
    for d in range(1, DUTY_MANAGERS + 1):
        user(f"16000{d}", f"主值班{d}", "duty_manager")
    user("150000", "现场负责人", "site_head")
    user("990001", "系统管理员", "admin")
    return teams, users


# --- one ticket's life -----------------------------------------------------------------------

class World:
    """Everything the simulation needs to know about people, criteria and the clock."""

    def __init__(self, users, teams, criteria, now, zone):
        self.now = now
        self.zone = zone
        self.users = users
        self.by_no = {u["employee_no"]: u for u in users}
        self.staff = [u for u in users if u["role"] in ("staff", "team_lead")]
        self.agents = [u for u in users if u["role"] == "staff"]
        self.lead_of = {t["id"]: self.by_id(t["lead_id"]) for t in teams}
        self.checkers = [u for u in users if u["role"] == "checker"]
        self.owner = next(u for u in users if u["role"] == "owner")
        self.duty = [u for u in users if u["role"] == "duty_manager"]
        self.site_head = next(u for u in users if u["role"] == "site_head")
        self.panellists = [u for u in users if u["role"] != "admin"]
        self.criteria = {kind: [c for c in criteria if c["kind"] == kind]
                         for kind in ("attitude", "business")}

    def by_id(self, user_id):
        return self.users[user_id - 1]

    def local_day(self, moment: datetime) -> date:
        return moment.replace(tzinfo=UTC).astimezone(self.zone).date()


def route_of(accused_no):
    if not accused_no:
        return None
    if accused_no.startswith("8009"):
        return "line_8200"
    if accused_no.startswith("35"):
        return "line_9696"
    if accused_no[:2] in ("17", "18") or "20" <= accused_no[:2] <= "29":
        return "front"
    if accused_no[:2] in ("10", "11", "12", "13"):
        return "back"
    return None


NOTIFY = {"back": "89087814", "line_8200": "89080369", "line_9696": "89086326"}


class Rows:
    """The rows of one batch, per table, with ids handed out as they are made."""

    TABLES = ("tickets", "audit_entries", "handover_entries", "notifications",
              "contact_attempts", "sms_messages", "judgements", "judgement_criteria",
              "appeals", "panel_members", "ballots", "alerts")

    def __init__(self, next_ids):
        self.next_ids = next_ids
        self.clear()

    def clear(self):
        self.rows = {name: [] for name in self.TABLES}

    def new_id(self, table):
        self.next_ids[table] += 1
        return self.next_ids[table]

    def add(self, table, row):
        if "id" in row and row["id"] is None:
            row["id"] = self.new_id(table)
        self.rows[table].append(row)
        return row


def phone(rng):
    return "1" + rng.choice("3456789") + "".join(rng.choices("0123456789", k=9))


def live(world: World, rows: Rows, rng: random.Random, t0: datetime, number: str,
         ticket_id: int, force: dict | None = None) -> dict:
    """Plan one ticket's life from its submission at t0 and keep what happened before now.
    `force` pins choices (an appeal, a tie …) for the few tickets that show the rare states."""
    force = force or {}
    now = world.now
    ok = now.__ge__  # "has this moment come?"
    audit = rows.rows["audit_entries"]
    next_ids = rows.next_ids

    def log(at, actor, action, before=None, after=None, note="", detail=None):
        next_ids["audit_entries"] += 1
        audit.append({"id": next_ids["audit_entries"], "at": at,
                      "actor_id": actor["id"] if actor else None, "action": action,
                      "ticket_id": ticket_id, "from_state": before, "to_state": after,
                      "note": note, "detail": json.dumps(detail, ensure_ascii=False,
                                                         sort_keys=True) if detail else ""})

    def alert(user, kind, at):
        read = at + timedelta(minutes=rng.expovariate(1 / 240))
        rows.add("alerts", {"id": None, "user_id": user["id"], "kind": kind,
                            "ticket_id": ticket_id, "created_at": at,
                            "read_at": read if ok(read) else None})

    transferred = rng.random() < 0.02 and not force
    if transferred:
        submitter = rng.choice(world.checkers)
        team_id = None
    else:
        submitter = rng.choice(world.staff)
        team_id = submitter["team_id"]
    roll = rng.random()
    if force:
        roll = 0.0
    if transferred or roll < 0.85:
        accused = rng.choice(world.agents)
        while accused is submitter:
            accused = rng.choice(world.agents)
        accused_no = accused["employee_no"]
    elif roll < 0.92:
        accused_no = rng.choice(("10", "11", "12", "13")) + f"{rng.randrange(10000):04d}"
    elif roll < 0.95:
        accused_no = f"8009{rng.randrange(100):02d}"
    elif roll < 0.97:
        accused_no = f"35{rng.randrange(10000):04d}"
    elif roll < 0.99:
        accused_no = f"4{rng.randrange(100000):05d}"  # no accepted group: returned as R2
    else:
        accused_no = None  # the checker finds out who it was
    caller = phone(rng)
    t = {"id": ticket_id, "number": number, "state": "submitted", "version": 1,
         "submitter_id": submitter["id"], "team_id": team_id, "caller_number": caller,
         "contact_number": caller if rng.random() < 0.7 else phone(rng),
         "complaint": rng.choice(COMPLAINTS), "demand": rng.choice(DEMANDS),
         "accused_no": accused_no, "returned_elements": "", "return_note": "",
         "created_at": t0, "submitted_at": t0, "review_due_at": t0 + 2 * H,
         "handed_over_at": None, "idempotency_key": None, "checker_id": None,
         "claimed_at": None, "route_group": None, "reply_due_at": None,
         "first_failed_call_at": None, "reached_at": None, "reply_method": None,
         "reply_note": "", "reply_done_at": None, "escalated_at": None, "escalation_note": "",
         "judged_at": None, "appeal_until": None, "closed_at": None, "source": None,
         "verdict": None}
    rows.add("tickets", t)
    _live(world, rows, rng, t, force, submitter, transferred, accused_no, log, alert)
    return t


def _live(world, rows, rng, t, force, submitter, transferred, accused_no, log, alert):
    ok, t0, ticket_id, team_id = world.now.__ge__, t["created_at"], t["id"], t["team_id"]

    def state(before, after):
        t["state"] = after
        t["version"] += 1
        return before

    lead = world.lead_of.get(team_id)
    handover = None
    if transferred:
        t.update(state="handed_over", team_id=None, source=rng.choice(
            ("back", "line_8200", "line_9696")), handed_over_at=t0, review_due_at=None,
            reply_due_at=t0 + 48 * H, route_group="front")
        log(t0, submitter, "enter", None, "handed_over", detail={"source": t["source"]})
        signed = t0
    else:
        log(t0, submitter, "submit", None, "submitted")
        # The lead's review: mostly within the two hours, sometimes a return to the agent.
        at = t0
        if rng.random() < 0.06 and not force:
            back = at + timedelta(minutes=rng.uniform(10, 150))
            if not ok(back):
                return
            elements = sorted(rng.sample(ELEMENTS, rng.randint(1, 2)))
            state("submitted", "returned_to_staff")
            t.update(returned_elements=",".join(e for e in ELEMENTS if e in elements),
                     return_note="请补充完整", review_due_at=None)
            alert(submitter, "returned", back)
            log(back, lead, "return_to_staff", "submitted", "returned_to_staff",
                note="请补充完整", detail={"elements": elements})
            if rng.random() < 0.1:
                return  # never resubmitted
            at = back + timedelta(minutes=rng.uniform(10, 480))
            if not ok(at):
                return
            state("returned_to_staff", "submitted")
            t.update(returned_elements="", submitted_at=at, review_due_at=at + 2 * H)
            log(at, submitter, "resubmit", "returned_to_staff", "submitted",
                detail={"changed": elements})
        roll = rng.random()
        delay = rng.uniform(5, 110) if roll < 0.8 else (
            rng.uniform(120, 480) if roll < 0.98 else rng.uniform(480, 2880))
        signed = at + timedelta(minutes=delay)
        if not ok(signed):
            return
        state("submitted", "handed_over")
        t.update(handed_over_at=signed, review_due_at=None, reply_due_at=signed + 48 * H,
                 route_group=route_of(accused_no))
        handover = rows.add("handover_entries", {
            "id": None, "ticket_id": ticket_id, "day": world.local_day(signed),
            "lead_id": lead["id"], "lead_name": lead["name"],
            "lead_employee_no": lead["employee_no"], "signed_at": signed,
            "received_by_id": None, "remarks": "", "return_reason": None,
            "return_confirmed_by_id": None, "return_confirmed_at": None})
        log(signed, lead, "sign", "submitted", "handed_over")

    # The quality team: claim, routing, notification, calls, judgement, reply.
    claimed = signed + timedelta(minutes=rng.uniform(5, 720))
    if not ok(claimed):
        return
    checker = rng.choice(world.checkers)
    while checker is submitter:
        checker = rng.choice(world.checkers)
    state("handed_over", "verifying")
    t.update(checker_id=checker["id"], claimed_at=claimed)
    if handover is not None:
        handover["received_by_id"] = checker["id"]
    alert(submitter, "claimed", claimed)
    log(claimed, checker, "claim", "handed_over", "verifying")
    cursor = claimed
    if t["accused_no"] is None:
        cursor += timedelta(minutes=rng.uniform(10, 120))
        if not ok(cursor):
            return
        accused_no = rng.choice(world.agents)["employee_no"]
        t.update(accused_no=accused_no, route_group="front")
        t["version"] += 1
        log(cursor, checker, "set_accused", detail={
            "from": {"accused_no": None, "group": None},
            "to": {"accused_no": accused_no, "group": "front"}})
    group = t["route_group"]
    to_lead = force.get("return_to_lead", not transferred and rng.random() < 0.05)
    if group is None or to_lead:
        back = cursor + timedelta(minutes=rng.uniform(60, 1440))
        if not ok(back):
            return
        reason = "R2" if group is None or rng.random() < 0.4 else "R1"
        state("verifying", "returned_to_lead")
        if handover is not None:
            handover.update(return_reason=reason, remarks="员工未作任何解释" if reason == "R1"
                            else "不属提交内部服务质量自控范围")
        if lead is not None:
            alert(lead, "returned_to_lead", back)
        log(back, checker, "return_to_lead", "verifying", "returned_to_lead",
            note=handover["remarks"] if handover else "", detail={"reason": reason})
        confirmed = back + timedelta(minutes=rng.uniform(10, 240))
        if lead is None or not ok(confirmed):
            return
        state("returned_to_lead", "return_confirmed")
        handover.update(return_confirmed_by_id=lead["id"], return_confirmed_at=confirmed)
        log(confirmed, lead, "confirm_return", "returned_to_lead", "return_confirmed")
        return
    if group in NOTIFY:
        called = cursor + timedelta(minutes=rng.uniform(10, 180))
        if not ok(called):
            return
        answered = called + timedelta(hours=rng.uniform(1, 20))
        rows.add("notifications", {
            "id": None, "ticket_id": ticket_id, "group": group, "number_called": NOTIFY[group],
            "called_at": called, "other_lead_name": "值班长", "checker_id": checker["id"],
            "tracking": "answered" if ok(answered) else "notified",
            "result": "已核实，员工已接受辅导" if ok(answered) else "",
            "created_at": called, "updated_at": answered if ok(answered) else called})
        log(called, checker, "notify", detail={"group": group, "number": NOTIFY[group]})
        cursor = called

    # Calls to the customer (the reply record), up to three, spread over the days.
    reached_at = first_failed = None
    call = cursor + timedelta(minutes=rng.uniform(10, 360))
    reachable = rng.random() < 0.85
    for attempt in range(3):
        if not ok(call):
            break
        reached = reachable and rng.random() < (0.7 if attempt < 2 else 1.0)
        rows.add("contact_attempts", {
            "id": None, "ticket_id": ticket_id, "at": call, "reached": reached,
            "note": NOTES[0] if reached else rng.choice(NOTES[2:5]),
            "checker_id": checker["id"], "created_at": call})
        log(call, checker, "contact_attempt", note=NOTES[0] if reached else "未接通",
            detail={"reached": reached})
        if reached:
            reached_at = call
            t["reached_at"] = call
            t["version"] += 1
            break
        if first_failed is None:
            first_failed = call
            t["first_failed_call_at"] = call
            t["version"] += 1
            if rng.random() < 0.5:
                rows.add("sms_messages", {
                    "id": None, "ticket_id": ticket_id, "kind": "notice",
                    "number": t["contact_number"], "created_at": call, "created_by_id":
                    checker["id"], "status": "recorded",
                    "text": SMS_NOTICE})
                log(call, checker, "sms", detail={"kind": "notice"})
        call += timedelta(hours=rng.uniform(4, 30))

    if rng.random() < 0.01:
        esc = cursor + timedelta(hours=rng.uniform(1, 20))
        if ok(esc):
            t.update(escalated_at=esc, escalation_note="客户多次来电，要求上级处理")
            t["version"] += 1
            for u in [world.owner, *world.duty]:
                alert(u, "escalated", esc)
            log(esc, checker, "escalate", note=t["escalation_note"])

    judged = cursor + timedelta(hours=rng.uniform(1, 30))
    if not ok(judged):
        return
    kind = rng.choice(("attitude", "business"))
    verdict = "established" if rng.random() < 0.4 or force.get("appeal") else "not_established"
    criteria = rng.sample(world.criteria[kind], rng.randint(1, 2)) \
        if verdict == "established" or rng.random() < 0.3 else []
    judgement = rows.add("judgements", {
        "id": None, "ticket_id": ticket_id, "kind": kind, "verdict": verdict,
        "basis": rng.choice(BASES), "judged_by_id": checker["id"], "judged_at": judged})
    for c in criteria:
        rows.add("judgement_criteria", {"judgement_id": judgement["id"],
                                        "criterion_id": c["id"]})
    state("verifying", "judged")
    appeal_until = judged + 72 * H if verdict == "established" else judged
    t.update(judged_at=judged, verdict=verdict, appeal_until=appeal_until)
    log(judged, checker, "judge", "verifying", "judged",
        detail={"kind": kind, "verdict": verdict, "criteria": sorted(c["code"] for c in criteria)})

    # The reply: by phone once reached, else an SMS (or a script) three days after the
    # first failed call.
    if reached_at is not None:
        replied, method = max(reached_at, judged) + timedelta(minutes=rng.uniform(5, 240)), \
            "phone"
    elif first_failed is not None:
        replied = max(first_failed + 72 * H, judged) + timedelta(minutes=rng.uniform(5, 600))
        method = "sms" if rng.random() < 0.7 else rng.choice(("explain", "other"))
    else:
        replied, method = None, None
    if replied is not None and ok(replied):
        note = SCRIPT if method in ("explain", "other") else ""
        t.update(reply_method=method, reply_done_at=replied, reply_note=note)
        t["version"] += 1
        if method == "sms":
            rows.add("sms_messages", {
                "id": None, "ticket_id": ticket_id, "kind": "reply", "status": "recorded",
                "number": t["contact_number"], "created_at": replied,
                "created_by_id": checker["id"],
                "text": "您好，您反映的问题已处理完毕，请致电10010查询处理结果。感谢您的监督。"})
            log(replied, checker, "sms", detail={"kind": "reply"})
        else:
            log(replied, checker, "reply", note=note, detail={"method": method})

    # An appeal against an established verdict, within its window.
    if verdict == "established" and (rng.random() < 0.08 or force.get("appeal")):
        filed = judged + timedelta(hours=rng.uniform(1, 70))
        if ok(filed):
            appeal_until = appeal(world, rows, rng, t, log, alert, state, judged, filed,
                                  checker, judgement, force)
            if appeal_until is None:
                return
    if t["state"] != "judged":
        return
    # The sweep closes the ticket once the reply is recorded and the window has passed.
    if t["reply_done_at"] is not None:
        closes = max(t["appeal_until"], t["reply_done_at"]) + timedelta(
            seconds=rng.uniform(0, 60))
        if ok(closes):
            state("judged", "closed")
            t["closed_at"] = closes
            log(closes, None, "close", "judged", "closed")


def appeal(world, rows, rng, t, log, alert, state, judged, filed, checker, judgement, force):
    """判责异议: filing, the owner's re-judgement, the panel, the vote, the site head's ruling.
    Returns the end of the appeal path, or None while it is still under way."""
    now = world.now
    accused = world.by_no.get(t["accused_no"])
    appellant = world.lead_of.get(accused["team_id"]) if accused and accused["team_id"] \
        else rng.choice(world.duty)
    row = rows.add("appeals", {
        "id": None, "ticket_id": t["id"], "appellant_id": appellant["id"], "filed_at": filed,
        "objection": "录音中员工并无反问语气，请复核。", "rejudged_by_id": None,
        "rejudged_at": None, "decision": None, "decision_reason": "", "vote_opened_at": None,
        "vote_deadline": None, "vote_closed_at": None, "established_count": None,
        "not_established_count": None, "ruled_by_id": None, "ruled_at": None,
        "ruling_reason": "", "outcome": None, "ballot_key_id": None,
        "ballots_unreadable": False})
    state("judged", "appealed")
    alert(world.owner, "appeal", filed)
    log(filed, appellant, "appeal", "judged", "appealed", note=row["objection"])

    def finalise(verdict, at):
        t["verdict"] = row["outcome"] = verdict
        t["appeal_until"] = at

    rejudged = filed + timedelta(hours=rng.uniform(1, 24))
    if rejudged > now:
        return None
    overturn = rng.random() < 0.4 and not force.get("uphold")
    row.update(rejudged_by_id=world.owner["id"], rejudged_at=rejudged,
               decision="overturn" if overturn else "uphold",
               decision_reason="复核录音后改判" if overturn else "复核录音后维持原判")
    if overturn:
        state("appealed", "judged")
        finalise("not_established", rejudged)
        log(rejudged, world.owner, "overturn", "appealed", "judged", note=row["decision_reason"])
        return rejudged
    state("appealed", "panel")
    log(rejudged, world.owner, "uphold", "appealed", "panel", note=row["decision_reason"])
    excluded = {judgement["judged_by_id"], accused["id"] if accused else None}
    members = []
    while len(members) < 6:
        u = rng.choice(world.panellists)
        if u["id"] not in excluded and u not in members:
            members.append(u)
    named = []
    for side, by, chosen in (("appellant", appellant, members[:3]),
                             ("judging", world.owner, members[3:])):
        at = rejudged + timedelta(hours=rng.uniform(1, 12))
        if at > now:
            continue
        named.append(at)
        for u in chosen:
            rows.add("panel_members", {"appeal_id": row["id"], "user_id": u["id"], "side": side,
                                       "named_by_id": by["id"], "submitted": False})
        log(at, by, "name_panel", detail={"side": side,
                                          "members": [u["employee_no"] for u in chosen]})
    if len(named) < 2:
        return None
    opened = max(named)
    deadline = opened + 24 * H
    members_rows = rows.rows["panel_members"][-6:]
    state("panel", "voting")
    row.update(vote_opened_at=opened, vote_deadline=deadline,
               ballot_key_id=ballots.fingerprint(BALLOT_KEY))
    tally = {"established": 0, "not_established": 0}
    cast = []
    for u in members:
        alert(u, "vote", opened)
    log(opened, None, "open_vote", "panel", "voting")
    lean = rng.random()
    last = opened
    for i, member in enumerate(members_rows):
        if rng.random() < 0.1 and "tie" not in force:
            continue  # never voted
        at = opened + timedelta(hours=rng.uniform(0.2, 23))
        if at > now:
            continue
        member["submitted"] = True
        choice = i % 2 == 0 if force.get("tie") else rng.random() < lean
        tally["established" if choice else "not_established"] += 1
        cast.append("established" if choice else "not_established")
        log(at, world.by_id(member["user_id"]), "ballot")
        last = max(last, at)
    all_voted = all(m["submitted"] for m in members_rows)
    closed = last if all_voted else deadline
    if closed > now:   # still open: its ballots sealed, as the app keeps them
        for choice in cast:
            rows.add("ballots", {"id": secrets.token_hex(16), "appeal_id": row["id"],
                                 "sealed": ballots.seal(BALLOT_KEY, row["id"], choice)})
        return None
    e, n = tally["established"], tally["not_established"]
    row.update(vote_closed_at=closed, established_count=e, not_established_count=n)
    if e != n:
        state("voting", "judged")
        finalise("established" if e > n else "not_established", closed)
        log(closed, None, "close_vote", "voting", "judged",
            detail={"established": e, "not_established": n})
        return closed
    state("voting", "escalated")
    alert(world.site_head, "tie", closed)
    log(closed, None, "escalate_tie", "voting", "escalated",
        detail={"established": e, "not_established": n})
    ruled = closed + timedelta(hours=rng.uniform(1, 24))
    if ruled > now:
        return None
    verdict = rng.choice(("established", "not_established"))
    row.update(ruled_by_id=world.site_head["id"], ruled_at=ruled, ruling_reason="综合录音裁定")
    state("escalated", "judged")
    finalise(verdict, ruled)
    log(ruled, world.site_head, "decide", "escalated", "judged", note="综合录音裁定",
        detail={"verdict": verdict})
    return ruled


#: The rare states the recent days must show, whatever the dice say: (state, pinned choices).
SHOWCASE = [("appealed", {"appeal": True}), ("panel", {"appeal": True, "uphold": True}),
            ("voting", {"appeal": True, "uphold": True}),
            ("escalated", {"appeal": True, "uphold": True, "tie": True}),
            ("returned_to_lead", {"return_to_lead": True})]


def showcase(world: World, seed: int, each: int = 2) -> list[tuple[datetime, int, dict]]:
    """(submission time, seed, pinned choices) of `each` tickets per rare state, found by
    trying lives in the last six days until they stand in that state now."""
    found = []
    trial = random.Random(seed * 31 + 7)
    for target, force in SHOWCASE:
        hits = 0
        for _ in range(20000):
            s = trial.randrange(2**31)
            t0 = world.now - timedelta(seconds=random.Random(s).random() * 6 * 86400)
            scratch = Rows({name: 0 for name in Rows.TABLES})
            if live(world, scratch, random.Random(s), t0, "", 1, force)["state"] == target:
                found.append((t0, s, force))
                hits += 1
                if hits == each:
                    break
    return found


# --- the database ----------------------------------------------------------------------------

def reset_database(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or the bench's PostgreSQL schema
    dropped and created again (nothing else in that database is touched)."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                __import__("os").remove(path + suffix)
            except FileNotFoundError:
                pass
        return
    schema = _schema_of(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()


def drop_database(url: str) -> None:
    """Remove what reset_database made: the SQLite file, or the bench's PostgreSQL schema."""
    if url.startswith("sqlite"):
        reset_database(url)
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{_schema_of(url)}" CASCADE')
    engine.dispose()


def _schema_of(url: str) -> str:
    query = sa.engine.make_url(url).query
    options = query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    for part in options.split():
        if "search_path=" in part:
            return part.split("search_path=", 1)[1].split(",")[0]
    raise SystemExit("refusing to reset a PostgreSQL database without a bench schema: "
                     "use bench.config.postgres_url()")


def migrate(url: str):
    """Create the schema with the app's own migrations (all heads), as `make setup` does."""
    import flask_migrate

    from app import create_app
    from extensions import db

    app = create_app({**bench_config.APP_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        db.engine.dispose()
    return app


def insert(conn, tables, rows: Rows):
    """One batch of every table, in the caller's transaction: executemany on SQLite, COPY on
    PostgreSQL (its executemany sends each row's values through the statement, ~3× slower)."""
    for name in Rows.TABLES:
        batch = rows.rows[name]
        if not batch:
            continue
        if conn.dialect.name == "postgresql":
            _copy(conn, tables[name], batch)
        else:
            conn.execute(tables[name].insert(), batch)
    rows.clear()


def _copy(conn, table, batch):
    columns = list(batch[0])
    names = ", ".join(f'"{c}"' for c in columns)
    cursor = conn.connection.dbapi_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in batch:
            copy.write_row([row[c] for c in columns])


def generate(url: str, tickets: int, *, seed: int = 6, years: float = 3.0,
             recent_per_day: int = 180, now: datetime | None = None,
             echo=print) -> dict:
    """Reset the database at `url`, migrate it, and fill it. Returns what was made."""
    started = time.perf_counter()
    now = now or datetime.now(UTC).replace(tzinfo=None)
    reset_database(url)
    app = migrate(url)
    zone = ZoneInfo(app.config["TIMEZONE"])
    from werkzeug.security import generate_password_hash
    password_hash = generate_password_hash(bench_config.PASSWORD,
                                           method=app.config["PASSWORD_HASH_METHOD"])
    migrated = time.perf_counter()

    engine = sa.create_engine(url)
    if engine.dialect.name == "sqlite":
        @sa.event.listens_for(engine, "connect")
        def _fast(dbapi_connection, _record):
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=OFF")  # a bench file: rebuilt if the run dies
            cur.execute("PRAGMA cache_size=-200000")
            cur.close()
    meta = sa.MetaData()
    meta.reflect(engine, only=[*Rows.TABLES, "users", "teams", "ticket_sequences",
                               "criteria", "settings"])
    tables = meta.tables

    teams, users = people()
    with engine.begin() as conn:
        criteria = [dict(r._mapping) for r in conn.execute(
            sa.select(tables["criteria"].c.id, tables["criteria"].c.code,
                      tables["criteria"].c.kind).where(tables["criteria"].c.active))]
        created = now - timedelta(days=365 * years + 30)
        conn.execute(tables["teams"].insert(), [
            {"id": t["id"], "name": t["name"], "lead_id": None, "created_at": created}
            for t in teams])
        conn.execute(tables["users"].insert(), [
            {**u, "password_hash": password_hash, "active": True, "session_version": 1,
             "created_at": created} for u in users])
        for t in teams:
            conn.execute(tables["teams"].update().where(tables["teams"].c.id == t["id"])
                         .values(lead_id=t["lead_id"]))
    world = World(users, teams, criteria, now, zone)

    # Submission moments: history spread evenly, the last days at the floor's daily rate.
    pinned = showcase(world, seed) if tickets >= 100 else []
    recent_n = min(tickets, int(recent_per_day * RECENT_DAYS)) - len(pinned)
    history_n = tickets - recent_n - len(pinned)
    recent_start = now - timedelta(days=RECENT_DAYS)
    span = (recent_start - (now - timedelta(days=365 * years))).total_seconds()
    rng_h, rng_r = random.Random(seed), random.Random(seed * 7919 + 1)
    history = sorted(rng_h.random() * span for _ in range(history_n))
    recent = sorted(rng_r.random() * RECENT_DAYS * 86400 for _ in range(recent_n))
    start = recent_start - timedelta(seconds=span)
    moments = [(start + timedelta(seconds=s), rng_h, None) for s in history] + \
              [(recent_start + timedelta(seconds=s), rng_r, None) for s in recent]
    moments += [(t0, random.Random(s), force) for t0, s, force in pinned]
    moments.sort(key=lambda m: m[0])

    next_ids = {name: 0 for name in Rows.TABLES}
    rows = Rows(next_ids)
    sequences: dict[str, int] = {}
    counts = {name: 0 for name in Rows.TABLES}
    for first in range(0, len(moments), BATCH):
        for i, (t0, rng, force) in enumerate(moments[first:first + BATCH], start=first + 1):
            day = world.local_day(t0)
            key = f"{day:%Y%m%d}"
            sequences[key] = sequences.get(key, 0) + 1
            live(world, rows, rng, t0, f"ZK-{key}-{sequences[key]:04d}", i, force)
        for name in Rows.TABLES:
            counts[name] += len(rows.rows[name])
        with engine.begin() as conn:
            insert(conn, tables, rows)
        if echo and (first // BATCH) % 10 == 9:
            echo(f"  … {first + BATCH:,} tickets ({time.perf_counter() - started:.0f} s)")

    with engine.begin() as conn:
        conn.execute(tables["ticket_sequences"].insert(),
                     [{"day": d, "last_value": n} for d, n in sequences.items()])
        conn.execute(tables["settings"].insert(), [{
            "key": "bench_dataset", "updated_at": now, "updated_by_id": None,
            "value": json.dumps({"tickets": tickets, "seed": seed, "generated_at":
                                 now.isoformat(), "years": years,
                                 "recent_per_day": recent_per_day})}])
        if engine.dialect.name == "postgresql":
            # Explicit ids were inserted: move each serial sequence past them.
            for name in [*Rows.TABLES, "users", "teams"]:
                if "id" in tables[name].c and tables[name].c.id.autoincrement is not False \
                        and isinstance(tables[name].c.id.type, sa.Integer):
                    conn.exec_driver_sql(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)")
    if engine.dialect.name == "postgresql":
        # Autovacuum would vacuum and analyze the new tables soon after a load like this (and
        # years of data are long since all-visible, so index-only scans work): do it now, so
        # the first measurements do not depend on its timing.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    elapsed = time.perf_counter() - started
    states = _states(url)
    return {"tickets": tickets, "seed": seed, "seconds": round(elapsed, 1),
            "migrate_seconds": round(migrated - started, 1), "rows": counts,
            "users": len(users), "teams": len(teams), "states": states,
            "generated_at": now.isoformat()}


def _states(url):
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        states = dict(conn.execute(sa.text(
            "SELECT state, COUNT(*) FROM tickets GROUP BY state ORDER BY state")).all())
    engine.dispose()
    return states


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=200_000)
    parser.add_argument("--database-url", help="default: a SQLite file under bench/results/db; "
                        "a PostgreSQL URL is used through a schema of its own")
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--years", type=float, default=3.0)
    parser.add_argument("--recent-per-day", type=int, default=180)
    args = parser.parse_args(argv)
    url = args.database_url or bench_config.sqlite_url(args.tickets)
    if url.startswith("postgresql") and "search_path" not in url:
        url = bench_config.postgres_url(url, args.tickets)
    result = generate(url, args.tickets, seed=args.seed, years=args.years,
                      recent_per_day=args.recent_per_day)
    print(json.dumps(result, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
