"""Notifications where people look (通知): the events that may leave Zikong, what each message
asks, routing to channels by role or team, retries with backoff, rate limits, and the
DingTalk robot's signature. Pure: delivery is services/channels.py."""
import base64
import hashlib
import hmac
import json
import urllib.parse
from dataclasses import dataclass
from datetime import datetime, timedelta

from .errors import N_
from .people import team_name_problem
from .roles import Role

#: The events a route may send out, with what the message asks of its readers. Never the
#: customer's number, never a verdict: a ticket number, what to do, and a link.
EVENTS = {
    "review_due": N_("Ticket %(number)s: the lead's review is due at %(time)s. Review it and "
                     "sign it over or return it."),
    "returned": N_("Ticket %(number)s was returned to the agent who filed it: correct it and "
                   "submit it again."),
    "reply_due": N_("Ticket %(number)s: the reply to the customer is due at %(time)s. Contact "
                    "the customer and record the reply."),
    "vote": N_("Ticket %(number)s: the appeal panel is open. Panel members, cast your ballot."),
    "appeal": N_("Ticket %(number)s: an appeal was filed and waits to be re-judged."),
    "warning": N_("A new early warning waits in the duty managers' queue."),
    "supervision_overdue": N_("Ticket %(number)s: a supervision order is past its due time. "
                              "Follow it up."),
}
#: How long before its deadline a lead is reminded of a review, and the keeper of a reply.
REVIEW_SOON = timedelta(minutes=30)
REPLY_SOON = timedelta(hours=4)

CHANNEL_TYPES = ("wecom", "dingtalk", "email")
#: The group robots' documented limit: 企业微信 and 钉钉 custom robots both take at most 20
#: messages a minute (钉钉 then blocks the robot for 10 minutes), counted over a sliding
#: minute here, across every host, so a burst never trips it.
ROBOT_PER_MINUTE = 20
DEFAULT_PER_MINUTE = {"wecom": ROBOT_PER_MINUTE, "dingtalk": ROBOT_PER_MINUTE, "email": 30}

#: Waits after each failed attempt; after the last one the message is dead (the
#: administrator sees it under 系统配置 → 通知 and can send it again).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=5),
           timedelta(minutes=15), timedelta(minutes=30), timedelta(hours=1),
           timedelta(hours=2), timedelta(hours=4))
#: A run that died while sending leaves its rows "sending"; after this they are taken again.
LEASE = timedelta(minutes=5)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after `attempts` failed attempts; None: give up (dead letter)."""
    if attempts > len(BACKOFF):
        return None
    return now + BACKOFF[attempts - 1]


def per_minute(kind: str, configured=None) -> int:
    """A channel's limit: as configured, but never above a robot's documented limit."""
    limit = int(configured) if configured else DEFAULT_PER_MINUTE.get(kind, 30)
    return min(limit, ROBOT_PER_MINUTE) if kind in ("wecom", "dingtalk") else max(1, limit)


@dataclass(frozen=True)
class Route:
    """Send `event` to `channel` when one of the people it alerts has `role` / is in `team`
    (empty: whoever it alerts, or nobody — a group chat hears it anyway)."""
    event: str
    channel: str
    role: str = ""
    team: str = ""

    def matches(self, recipients) -> bool:
        """`recipients`: (role, team name or None) of each person the event alerts."""
        if not self.role and not self.team:
            return True
        return any((not self.role or role == self.role) and (not self.team or team == self.team)
                   for role, team in recipients)


def route_problems(event: str, channel: str, role: str, team: str, channels) -> dict:
    """Field -> English msgid for a route the admin typed; `channels`: configured names."""
    problems = {}
    if event not in EVENTS:
        problems["event"] = N_("Choose an event.")
    if channel not in channels:
        problems["channel"] = N_("Choose a configured channel.")
    if role and role not in set(Role):
        problems["role"] = N_("Choose a role.")
    if problem := team_name_problem(team):
        problems["team"] = problem
    return problems


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """钉钉 custom robot signature: HMAC-SHA256 of "timestamp\\nsecret" keyed with the secret,
    base64, then URL-encoded (the robot's 加签 security setting)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(),
                      hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def fill_template(template: str, values: dict[str, str], content_type: str) -> str:
    """The SMS platform's body: `{number}` and `{text}` replaced, escaped for the body's
    type (JSON string contents, form or query encoding, or as they are)."""
    body = template
    for key, value in values.items():
        if "json" in content_type:
            escaped = json.dumps(value, ensure_ascii=False)[1:-1]
        elif "form" in content_type:
            escaped = urllib.parse.quote_plus(value)
        else:
            escaped = value
        body = body.replace("{" + key + "}", escaped)
    return body
