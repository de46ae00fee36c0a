"""Delivering the outbox (`flask --app app notify`): the text of each message, and the
企业微信 / 钉钉 group robots, SMTP e-mail with STARTTLS, and the SMS platform."""
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.request
from email.message import EmailMessage

from flask import current_app, url_for
from flask_babel import format_datetime, gettext

from domain import notify as rules
from models import OutboxMessage, SupervisionOrder, Ticket

from . import outbox
from .db import db

#: Where each event's link goes (endpoint, argument from the row).
_LINKS = {"vote": ("appeals.vote", "ticket"), "warning": ("notices.warnings", None),
          "supervision_overdue": ("supervision.show", "order")}


class DeliveryError(Exception):
    """The channel did not take the message (HTTP error, robot errcode, SMTP refusal …)."""


def still_relevant(event: str, ticket: Ticket | None) -> bool:
    """A reminder whose deadline was met before it went out is not sent."""
    if event == "review_due":
        return ticket is not None and ticket.state == "submitted"
    if event == "reply_due":
        return ticket is not None and ticket.reply_done_at is None
    return True


def _link(row: OutboxMessage) -> str:
    endpoint, arg = _LINKS.get(row.event, ("tickets.show", "ticket"))
    if arg == "ticket" and row.ticket_id is None:
        endpoint, arg = "main.home", None
    args = {"ticket": {"ticket_id": row.ticket_id}, "order": {"order_id": row.ref_id},
            None: {}}[arg]
    return url_for(endpoint, _external=True, **args)


def compose(row: OutboxMessage, ticket: Ticket | None) -> tuple[str, str]:
    """(title, text) of an event message, in the centre's language: what to do, the ticket
    number and a link — no customer number, no verdict."""
    due = None
    if ticket is not None:
        due = ticket.review_due_at if row.event == "review_due" else ticket.reply_due_at
    params = {"number": ticket.number if ticket else "",
              "time": format_datetime(due, "MM-dd HH:mm") if due else ""}
    what = gettext(rules.EVENTS[row.event], **params)
    if row.event == "warning" and ticket is not None:
        what += " " + gettext("Ticket %(number)s.", number=ticket.number)
    title = gettext("Zikong reminder")
    return title, f"【{title}】{what}\n{_link(row)}"


# --- channels -----------------------------------------------------------------------------

def http_request(url: str, *, data: bytes | None, method: str = "POST",
                 headers: dict | None = None) -> bytes:
    """One request to a configured http(s) address (a robot's webhook, the SMS platform),
    within NOTIFY_TIMEOUT; anything but a 2xx answer is a DeliveryError."""
    if not url.lower().startswith(("https://", "http://")):
        raise DeliveryError("the address is not http(s)")
    # The scheme is checked above: only http(s) addresses from the configuration.
    request = urllib.request.Request(url, data=data, method=method,  # noqa: S310
                                     headers=headers or {})
    timeout = current_app.config["NOTIFY_TIMEOUT"]
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:  # noqa: S310 # nosec B310
            return answer.read(65536)
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(str(exc)) from exc


def _post_json(url: str, body: dict) -> dict:
    answer = http_request(url, data=json.dumps(body, ensure_ascii=False).encode(),
                          headers={"Content-Type": "application/json; charset=utf-8"})
    try:
        data = json.loads(answer or b"{}")
    except ValueError:
        raise DeliveryError("the robot answered something other than JSON") from None
    if data.get("errcode", 0) != 0:
        raise DeliveryError(f"errcode {data.get('errcode')}: {data.get('errmsg', '')}")
    return data


def send_wecom(spec: dict, title: str, text: str) -> None:
    """企业微信 group robot: a text message to its webhook."""
    _post_json(spec.get("webhook", ""), {"msgtype": "text", "text": {"content": text}})


def send_dingtalk(spec: dict, title: str, text: str) -> None:
    """钉钉 custom robot: a text message, signed when the robot has a signing secret."""
    url = spec.get("webhook", "")
    if spec.get("secret"):
        stamp = int(time.time() * 1000)
        url += ("&" if "?" in url else "?") + \
            f"timestamp={stamp}&sign={rules.dingtalk_sign(spec['secret'], stamp)}"
    _post_json(url, {"msgtype": "text", "text": {"content": text}})


def send_email(spec: dict, title: str, text: str) -> None:
    """SMTP with STARTTLS (certificate checked against `ca_file` or the system's CAs), then
    the login when a username is set."""
    recipients = spec.get("to") or []
    if isinstance(recipients, str):
        recipients = [a.strip() for a in recipients.replace(";", ",").split(",") if a.strip()]
    if not recipients:
        raise DeliveryError("no recipients (to) configured")
    message = EmailMessage()
    message["Subject"], message["From"] = title, spec.get("sender", "zikong@localhost")
    message["To"] = ", ".join(recipients)
    message.set_content(text)
    context = ssl.create_default_context(cafile=spec.get("ca_file") or None)
    try:
        with smtplib.SMTP(spec.get("host", "localhost"), int(spec.get("port", 587)),
                          timeout=current_app.config["NOTIFY_TIMEOUT"]) as smtp:
            if spec.get("starttls", True):
                smtp.starttls(context=context)
            if spec.get("username"):
                smtp.login(spec["username"], spec.get("password", ""))
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryError(str(exc)) from exc


SENDERS = {"wecom": send_wecom, "dingtalk": send_dingtalk, "email": send_email}


def _deliver(item: outbox.Claimed) -> bool:
    """Send one claimed row; False when it was skipped as no longer relevant."""
    if item.sms_id is not None:
        from .sms_gateway import deliver_http
        deliver_http(item.sms_id)
        return True
    spec = outbox.channels().get(item.channel)
    if spec is None:
        raise DeliveryError("channel not configured")
    row = db.session.get(OutboxMessage, item.id)
    ticket = db.session.get(Ticket, row.ticket_id) if row.ticket_id else None
    if ticket is None and row.event == "supervision_overdue" and row.ref_id:
        order = db.session.get(SupervisionOrder, row.ref_id)
        ticket = order.ticket if order else None
    if not still_relevant(row.event, ticket):
        return False
    title, text = compose(row, ticket)
    SENDERS[spec["type"]](spec, title, text)
    return True


#: A run stops claiming after this long, so that every row it claimed is sent well within
#: the lease (rules.LEASE) and runs started by cron each minute do not pile up.
RUN_SECONDS = 45


def run(now, batch: int = 10) -> dict[str, int]:
    """One `notify` run: claim what is due a few rows at a time, deliver, record each
    outcome; until nothing more may go now, or RUN_SECONDS have passed."""
    tally: dict[str, int] = {}
    base = current_app.config.get("PUBLIC_URL") or "http://localhost/"
    started = time.monotonic()
    with current_app.test_request_context("/", base_url=base):
        while time.monotonic() - started < RUN_SECONDS:
            claimed = outbox.claim(now, batch)
            if not claimed:
                break
            for item in claimed:
                status = _attempt(item, now)
                tally[status] = tally.get(status, 0) + 1
    return tally


def _attempt(item: outbox.Claimed, now) -> str:
    try:
        sent = _deliver(item)
        return outbox.finish(item, error=None, now=now, skipped=not sent)
    except DeliveryError as exc:
        return outbox.finish(item, error=str(exc), now=now)
    except Exception as exc:  # a bug or a bad channel setting: retried, and logged
        current_app.logger.exception("notify: message %s failed", item.id)
        db.session.rollback()
        return outbox.finish(item, error=f"{type(exc).__name__}: {exc}", now=now)
    finally:
        db.session.rollback()  # nothing read for the message stays open
