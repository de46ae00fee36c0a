"""Where SMS go. The default gateway only records them in the outbox (status "recorded");
a real operator gateway is another class with the same `send` and the config key
SMS_GATEWAY naming it."""
from flask import current_app


class OutboxGateway:
    """Keeps the message in the outbox and sends nothing."""

    def send(self, message) -> str:
        return "recorded"


GATEWAYS = {"outbox": OutboxGateway}


def gateway():
    return GATEWAYS[current_app.config.get("SMS_GATEWAY", "outbox")]()
