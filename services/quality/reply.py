"""The customer reply as the checker keeps it (SPEC §6): contact attempts, SMS, the reply
itself, escalating a customer, and revealing the full number. The record as a list and the
decision on an escalated customer are in services/replies.py."""
from datetime import datetime

from domain import reply as reply_rules
from domain import tickets as rules
from domain.errors import N_, FormProblems, InvalidTransition, NotAllowed
from domain.roles import Role
from domain.sms import forbidden_words_in
from domain.text import mask_numbers
from models import ContactAttempt, SmsMessage, Ticket, User

from .. import audit, replies, settings
from ..alerts import alert, users_with_role
from ..db import db, write_transaction
from ..sms_gateway import gateway
from ..tickets import facts, flush_guarded, load_visible
from .guards import require_handler, require_reply_keeper


# --- the customer reply record ---------------------------------------------------------------

def log_attempt(ticket_id: int, *, at: datetime, reached: bool, note: str, actor: User,
                now: datetime) -> ContactAttempt:
    """记录联系: one phone attempt to reach the customer."""
    if at > now:
        raise FormProblems({"at": N_("The call time cannot be in the future.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        require_reply_keeper(ticket, actor)
        attempt = ContactAttempt(ticket_id=ticket.id, at=at, reached=reached,
                                 note=mask_numbers((note or "").strip()), checker_id=actor.id,
                                 created_at=now)
        db.session.add(attempt)
        if reached and (ticket.reached_at is None or at < ticket.reached_at):
            ticket.reached_at = at
        first_failure = ticket.first_failed_call_at
        if not reached and (first_failure is None or at < first_failure):
            ticket.first_failed_call_at = at
        flush_guarded()
        audit.record("contact_attempt", actor=actor, now=now, ticket=ticket,
                     note=attempt.note, detail={"reached": reached})
    return attempt


class SmsKind:
    NOTICE = "notice"  # after a failed call: please call us back
    REPLY = "reply"    # the reply itself, after failed calls on three different days


def send_sms(ticket_id: int, *, kind: str, text: str, actor: User, now: datetime) -> SmsMessage:
    """发送短信 to the contact number. The text never says whether the complaint stands."""
    text = (text or "").strip()
    problems = {}
    if not text:
        problems["text"] = N_("Write the message.")
    elif len(text) > 300:
        problems["text"] = N_("An SMS is at most 300 characters.")
    elif words := forbidden_words_in(text, settings.get("sms_forbidden_words")):
        problems["text"] = (N_("An SMS must not say whether the complaint was established. "
                               "Remove: %(words)s"), {"words": "、".join(words)})
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        require_reply_keeper(ticket, actor)
        if kind == SmsKind.REPLY and ticket.reply_done_at is not None:
            raise InvalidTransition(N_("The reply is already recorded."))
        if kind == SmsKind.REPLY and (problem := reply_rules.method_problem(
                "sms", replies.follow_up_of(ticket), ticket.reply_decision)):
            message, params = (problem, {}) if isinstance(problem, str) else problem
            raise InvalidTransition(message, **params)
        if kind == SmsKind.NOTICE and ticket.first_failed_call_at is None:
            raise InvalidTransition(N_("An SMS notice follows a failed call; log the call first."))
        if kind not in (SmsKind.NOTICE, SmsKind.REPLY):
            raise FormProblems({"kind": N_("Choose the kind of message.")})
        message = SmsMessage(ticket_id=ticket.id, kind=kind, number=ticket.contact_number,
                             text=text, created_at=now, created_by_id=actor.id)
        message.status = gateway().send(message)
        db.session.add(message)
        if kind == SmsKind.REPLY:
            ticket.reply_method = "sms"
            ticket.reply_done_at = now
        flush_guarded()
        audit.record("sms", actor=actor, now=now, ticket=ticket, detail={"kind": kind})
    return message


REPLY_METHODS = ("phone", "sms", "explain", "other")


def complete_reply(ticket_id: int, *, method: str, note: str, actor: User,
                   now: datetime) -> Ticket:
    """Record how the customer was answered: 电话, 直接解释 (with the script), 其他. (The SMS
    reply is recorded by sending it.)"""
    note = mask_numbers((note or "").strip())
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        require_reply_keeper(ticket, actor)
        if ticket.reply_done_at is not None:
            raise InvalidTransition(N_("The reply is already recorded."))
        problems = {}
        if method == "sms":
            problems["method"] = N_("Choose how the customer was answered.")
        elif problem := reply_rules.method_problem(method, replies.follow_up_of(ticket),
                                                   ticket.reply_decision):
            problems["method"] = problem
        if method == "explain" and not note:
            problems["note"] = N_("Write the explanation script agents should use.")
        elif method == "other" and not note:
            problems["note"] = N_("Say what was done (formal complaint, who was notified).")
        if problems:
            raise FormProblems(problems)
        ticket.reply_method = method
        ticket.reply_note = note
        ticket.reply_done_at = now
        flush_guarded()
        audit.record("reply", actor=actor, now=now, ticket=ticket, note=note,
                     detail={"method": method})
    return ticket


def escalate(ticket_id: int, *, note: str, actor: User, now: datetime) -> Ticket:
    """A long-term or unreasonable complainer: the owner and duty managers decide the reply."""
    note = mask_numbers((note or "").strip())
    if not note:
        raise FormProblems({"note": N_("Say why this customer needs a decision.")})
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        require_handler(ticket, actor)
        if ticket.escalated_at is not None:
            raise InvalidTransition(N_("Already escalated."))
        ticket.escalated_at = now
        ticket.escalation_note = note
        flush_guarded()
        alert(users_with_role(Role.OWNER, Role.DUTY_MANAGER), "escalated", ticket=ticket,
              now=now)
        audit.record("escalate", actor=actor, now=now, ticket=ticket, note=note)
    return ticket


def reveal_phone(ticket_id: int, *, actor: User, now: datetime) -> Ticket:
    """The full customer numbers, for the checker handling the reply or the owner; audited."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        who, known = actor.actor(), facts(ticket)
        may = rules.is_handler(who, known) or rules.keeps_reply(who, known) \
            or actor.role_enum == Role.OWNER
        if not may:
            raise NotAllowed(N_("Only the checker handling this ticket or the owner may see "
                                "the full number."))
        audit.record("reveal_phone", actor=actor, now=now, ticket=ticket)
    return ticket
