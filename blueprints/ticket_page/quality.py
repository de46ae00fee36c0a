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


class Panels:
    """The quality part of the ticket page. The flags are set at once; each form (and the
    settings' time limits, a query) is a cached_property, built the first time the template
    reads it: the page shows only the few this user may use in the ticket's state, and
    building them all is measured in docs/decisions.md (issue 20). A form passed in (bound
    to its errors) is used as it is."""

    def __init__(self, ticket, actor, now, **overrides):
        self.ticket, self.now = ticket, now
        who, known = actor.actor(), facts(ticket)
        handler = rules.is_handler(who, known)
        group = Group(ticket.route_group) if ticket.route_group else None
        self.is_handler = handler
        self.keeps_reply = rules.may_keep_reply(who, known)
        self.may_claim = rules.may(Action.CLAIM, who, known)
        self.may_judge = rules.may(Action.JUDGE, who, known)
        self.may_return_to_lead = rules.may(Action.RETURN_TO_LEAD, who, known)
        self.may_confirm_return = rules.may(Action.CONFIRM_RETURN, who, known)
        self.may_reveal = handler or actor.role_enum == Role.OWNER \
            or rules.keeps_reply(who, known)
        self.needs_notification = needs_notification(group)
        self.route_known = ticket.accused_no is not None and group is not None
        self.reply_due = ticket.reply_due_at
        self.appeal_until = ticket.appeal_until
        self.in_reply_states = ticket.state in (State.VERIFYING, State.JUDGED)
        self.may_decide_reply = actor.role_enum in reply_rules.DECIDERS \
            and ticket.escalated_at is not None and ticket.reply_done_at is None
        for name, value in overrides.items():
            if isinstance(getattr(type(self), name, None), functools.cached_property):
                setattr(self, name, value)

    @functools.cached_property
    def limits(self):
        return settings.limits()

    @functools.cached_property
    def follow_up(self):
        return replies.follow_up_of(self.ticket)  # reads the contact attempts

    @functools.cached_property
    def next_attempt_day(self):
        return self.follow_up.next_day(local_day(self.now))

    @functools.cached_property
    def sms_reply_allowed(self) -> bool:
        return self.ticket.reply_done_at is None and reply_rules.method_problem(
            "sms", self.follow_up, self.ticket.reply_decision) is None

    @functools.cached_property
    def accused_form(self):
        return AccusedForm(formdata=None, accused_no=self.ticket.accused_no)

    @functools.cached_property
    def notification_form(self):
        return NotificationForm(formdata=None)

    @functools.cached_property
    def return_to_lead_form(self):
        return return_to_lead_form(version=self.ticket.version)

    @functools.cached_property
    def judge_form(self):
        return judge_form(version=self.ticket.version)

    @functools.cached_property
    def attempt_form(self):
        return AttemptForm(formdata=None)

    @functools.cached_property
    def sms_form(self):
        reply = self.sms_reply_allowed
        return sms_form(kind="reply" if reply else "notice", text=settings.get(
            "sms_reply_template" if reply else "sms_notice_template"))

    @functools.cached_property
    def reply_form(self):
        return reply_form(decided=self.ticket.reply_decision)

    @functools.cached_property
    def decision_form(self):
        ticket = self.ticket
        return decision_form(method=ticket.reply_decision,
                             replier=str(ticket.replier_id or ticket.checker_id or ""))

    @functools.cached_property
    def escalate_form(self):
        return EscalateForm(formdata=None)

    @functools.cached_property
    def flag_form(self):
        return FlagForm(formdata=None)

    @functools.cached_property
    def notification_forms(self):
        return {row.id: notification_update_form(row) for row in self.ticket.notifications}


def panel_context(ticket, actor, now, **overrides) -> Panels:
    """Everything the quality part of the ticket page renders."""
    return Panels(ticket, actor, now, **overrides)
