"""The ticket page's quality panels and reply record: forms, clocks and which actions the
signed-in user may take. The quality views build their forms with the same functions."""
import functools

from blueprints.quality.forms import (AccusedForm, AttemptForm, EscalateForm, FlagForm, JudgeForm,
                                     NotificationForm, NotificationUpdateForm, ReplyDecisionForm,
                                     ReplyForm, ReturnToLeadForm, SmsForm)
from blueprints.ui import (KIND_LABELS, REASON_LABELS, REPLY_METHOD_LABELS, SMS_KIND_LABELS,
                           TRACKING_LABELS, VERDICT_LABELS)
from domain import reply as reply_rules
from domain import tickets as rules
from domain.roles import Role
from domain.routing import Group, needs_notification
from domain.tickets import Action, State
from services import quality, replies, settings
from services.clock import local_day
from services.tickets import facts


def judge_form(formdata=None, **kwargs):
    return JudgeForm(formdata=formdata, kinds=KIND_LABELS, verdicts=VERDICT_LABELS,
                     criteria=quality.active_criteria(), **kwargs)


def return_to_lead_form(formdata=None, **kwargs):
    return ReturnToLeadForm(formdata=formdata, labels=REASON_LABELS, **kwargs)


def sms_form(formdata=None, **kwargs):
    return SmsForm(formdata=formdata, kinds=SMS_KIND_LABELS, **kwargs)


def reply_form(formdata=None, decided=None, **kwargs):
    """The methods recorded with this form (the SMS reply is recorded by sending it); only the
    decided one once the reply to an escalated customer is decided."""
    methods = {k: v for k, v in REPLY_METHOD_LABELS.items()
               if k != "sms" and decided in (None, k)}
    return ReplyForm(formdata=formdata, methods=methods, **kwargs)


def decision_form(formdata=None, **kwargs):
    return ReplyDecisionForm(formdata=formdata, methods=REPLY_METHOD_LABELS,
                             repliers=replies.repliers(), **kwargs)


def notification_update_form(row, formdata=None):
    form = NotificationUpdateForm(formdata=formdata, labels=TRACKING_LABELS, obj=row,
                                  prefix=f"n{row.id}")
    return form


class Panels(dict):
    """The panel context. Each form (and the settings' time limits, a query) is made when the
    template first reads it: a page shows the few forms this user may use in the ticket's
    state, and building all ~12 cost ~2 ms. A form passed in (bound to its errors) is used
    as it is."""

    def __init__(self, values: dict, lazy: dict):
        super().__init__(values)
        self._lazy = lazy

    def __missing__(self, key):
        if key not in self._lazy:
            raise KeyError(key)
        value = self[key] = self._lazy.pop(key)()
        return value

    def __contains__(self, key):
        return super().__contains__(key) or key in self._lazy


def panel_context(ticket, actor, now, **overrides) -> dict:
    """Everything the quality part of the ticket page renders."""
    who, known = actor.actor(), facts(ticket)
    handler = rules.is_handler(who, known)
    group = Group(ticket.route_group) if ticket.route_group else None
    # Computed once, and only when shown: the follow-up reads the contact attempts.
    follow = functools.cache(lambda: replies.follow_up_of(ticket))
    sms_reply = functools.cache(lambda: ticket.reply_done_at is None and reply_rules.method_problem(
        "sms", follow(), ticket.reply_decision) is None)
    values = {
        "is_handler": handler,
        "keeps_reply": rules.may_keep_reply(who, known),
        "may_claim": rules.may(Action.CLAIM, who, known),
        "may_judge": rules.may(Action.JUDGE, who, known),
        "may_return_to_lead": rules.may(Action.RETURN_TO_LEAD, who, known),
        "may_confirm_return": rules.may(Action.CONFIRM_RETURN, who, known),
        "may_reveal": handler or actor.role_enum == Role.OWNER
        or rules.keeps_reply(who, known),
        "needs_notification": needs_notification(group),
        "route_known": ticket.accused_no is not None and group is not None,
        "reply_due": ticket.reply_due_at,
        "appeal_until": ticket.appeal_until,
        "in_reply_states": ticket.state in (State.VERIFYING, State.JUDGED),
        "may_decide_reply": actor.role_enum in reply_rules.DECIDERS
        and ticket.escalated_at is not None and ticket.reply_done_at is None,
    }
    lazy = {
        "limits": settings.limits,
        "follow_up": follow,
        "next_attempt_day": lambda: follow().next_day(local_day(now)),
        "sms_reply_allowed": sms_reply,
        "accused_form": lambda: AccusedForm(formdata=None, accused_no=ticket.accused_no),
        "notification_form": lambda: NotificationForm(formdata=None),
        "return_to_lead_form": lambda: return_to_lead_form(version=ticket.version),
        "judge_form": lambda: judge_form(version=ticket.version),
        "attempt_form": lambda: AttemptForm(formdata=None),
        "sms_form": lambda: sms_form(
            kind="reply" if sms_reply() else "notice",
            text=settings.get("sms_reply_template" if sms_reply() else "sms_notice_template")),
        "reply_form": lambda: reply_form(decided=ticket.reply_decision),
        "decision_form": lambda: decision_form(
            method=ticket.reply_decision,
            replier=str(ticket.replier_id or ticket.checker_id or "")),
        "escalate_form": lambda: EscalateForm(formdata=None),
        "flag_form": lambda: FlagForm(formdata=None),
        "notification_forms": lambda: {row.id: notification_update_form(row)
                                       for row in ticket.notifications},
    }
    context = Panels(values, lazy)
    context.update({k: v for k, v in overrides.items() if k in context})
    return context
