"""The quality team's use cases (SPEC §3–§6), one module per sub-area: verifying (the claim,
the accused employee no. and routing, outbound notifications, the return to the lead),
judging (the criteria, the judgement, closing), reply (contact attempts, SMS, the reply,
escalation, the full number), queue (the quality queue and the team's other lists), and
guards (who may act on a ticket the team holds).

The use cases are importable from here, as `services.quality.claim` …"""
from domain.errors import FormProblems

from .judging import active_criteria, close_due, close_if_due, judge
from .queue import (OPEN_STATES, QUEUE_COUNT_CAP, QUEUE_PAGE, QueueFilter, QueueRow, any_due,
                    checkers, count_open, escalated_open, explanations_for, notifications_on,
                    queue, queue_count, queue_id, returns_to_confirm)
from .reply import (REPLY_METHODS, SmsKind, complete_reply, escalate, log_attempt,
                    reveal_phone, send_sms)
from .verifying import (TRACKING, claim, confirm_return, get_notification, log_notification,
                        return_to_lead, set_accused, update_notification)

__all__ = [
    "FormProblems", "OPEN_STATES", "QUEUE_COUNT_CAP", "QUEUE_PAGE", "QueueFilter", "QueueRow",
    "REPLY_METHODS", "SmsKind", "TRACKING", "active_criteria", "any_due", "checkers", "claim",
    "close_due", "close_if_due", "complete_reply", "confirm_return", "count_open", "escalate",
    "escalated_open", "explanations_for", "get_notification", "judge", "log_attempt",
    "log_notification", "notifications_on", "queue", "queue_count", "queue_id",
    "return_to_lead", "returns_to_confirm", "reveal_phone", "send_sms", "set_accused",
    "update_notification"]
