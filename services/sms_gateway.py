"""Where SMS go. The default gateway only records them in the outbox (status "recorded").
The "http" gateway (SMS_GATEWAY = "http") sends them to the centre's SMS platform through
the notification outbox: queued with the message, delivered by `flask --app app notify`,
retried with backoff, the outcome kept on the message (the reply record shows it)."""
from flask import current_app

from domain.notify import fill_template
from domain.sms import forbidden_words_in
from models import SmsMessage

from . import settings
from .db import db

#: The message's status for each outcome of its outbox row.
_STATUS = {"sent": "sent", "pending": "retrying", "dead": "failed", "skipped": "failed"}


class OutboxGateway:
    """Keeps the message in the outbox and sends nothing."""

    def send(self, message) -> str:
        return "recorded"


class HttpGateway:
    """Queues the message for the SMS platform in the transaction that records it."""

    def send(self, message) -> str:
        from .outbox import enqueue_sms
        db.session.add(message)
        db.session.flush()  # the outbox row names the message
        enqueue_sms(message.id, now=message.created_at)
        return "queued"


GATEWAYS = {"outbox": OutboxGateway, "http": HttpGateway}


def gateway():
    return GATEWAYS[current_app.config.get("SMS_GATEWAY", "outbox")]()


def deliver_http(sms_id: int) -> None:
    """Send one SMS to the platform: SMS_HTTP_URL with SMS_HTTP_METHOD, the auth header, and
    the body template filled with the number and text. The verdict words are checked again
    right before sending (the list may have changed since); any 2xx answer is success."""
    from .channels import DeliveryError, http_request
    message = db.session.get(SmsMessage, sms_id)
    config = current_app.config
    if message is None:
        raise DeliveryError("no such SMS")
    if words := forbidden_words_in(message.text, settings.get("sms_forbidden_words")):
        raise DeliveryError("refused: the text contains " + "、".join(words))
    url, method = config["SMS_HTTP_URL"], (config["SMS_HTTP_METHOD"] or "POST").upper()
    content_type = config["SMS_HTTP_CONTENT_TYPE"] or "application/json"
    values = {"number": message.number, "text": message.text}
    headers = {}
    if method == "GET":
        query = fill_template(config["SMS_HTTP_BODY_TEMPLATE"], values, "form")
        url, data = url + ("&" if "?" in url else "?") + query, None
    else:
        data = fill_template(config["SMS_HTTP_BODY_TEMPLATE"], values, content_type).encode()
        headers["Content-Type"] = content_type + ("" if "charset" in content_type
                                                  else "; charset=utf-8")
    if config["SMS_HTTP_AUTH_HEADER"]:
        name, _, value = config["SMS_HTTP_AUTH_HEADER"].partition(":")
        headers[name.strip()] = value.strip()
    http_request(url, data=data, method=method, headers=headers)


def record_status(sms_id: int, outcome: str, now) -> None:
    """Keep the outbox row's outcome on the message, inside the caller's transaction."""
    message = db.session.get(SmsMessage, sms_id)
    if message is not None:
        message.status, message.status_at = _STATUS.get(outcome, outcome), now
