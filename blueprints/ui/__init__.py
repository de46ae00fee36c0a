"""What the pages share for showing things: labels (`labels`), dates, times and countdowns
(`formats`), the request's language and words kept per language (`language`), the kept menu
and bell (`fragments`), and their registration on the templates (`jinja.register`).

The names other modules use are importable from here as well."""
from .formats import countdown, day_label, isoutc, localtime, minutes_between, parse_day
from .fragments import bell, nav_links, shared_fragment
from .jinja import register
from .labels import (ACTION_LABELS, ALERT_LABELS, CHANNEL_LABELS, DECISION_LABELS,
                     ELEMENT_LABELS, GRADE_LABELS, GROUP_LABELS, KIND_LABELS, METHOD_LABELS,
                     MOVED_LABELS, NOTE_OUTCOME_LABELS, OUTCOME_LABELS, PROBLEM_SOURCE_LABELS,
                     PROPOSAL_STATE_LABELS, REASON_LABELS, REPLY_METHOD_LABELS, ROLE_LABELS,
                     SMS_KIND_LABELS, SMS_STATUS_LABELS, SOURCE_LABELS, STATE_LABELS,
                     STEP_LABELS, SUPERVISION_STATE_LABELS, TRACKING_LABELS, VERDICT_LABELS,
                     WARNING_LABELS,
                     group_label_text, label, reason_label, reply_method_text, state_label,
                     state_pill, supervision_state_text, texts, tracking_label_text)
from .language import per_language, request_language, request_translations

__all__ = [
    "ACTION_LABELS", "ALERT_LABELS", "CHANNEL_LABELS", "DECISION_LABELS", "ELEMENT_LABELS",
    "GRADE_LABELS", "GROUP_LABELS", "KIND_LABELS", "METHOD_LABELS", "MOVED_LABELS",
    "NOTE_OUTCOME_LABELS", "OUTCOME_LABELS", "PROBLEM_SOURCE_LABELS", "PROPOSAL_STATE_LABELS",
    "REASON_LABELS", "REPLY_METHOD_LABELS", "ROLE_LABELS", "SMS_KIND_LABELS",
    "SMS_STATUS_LABELS", "SOURCE_LABELS", "STATE_LABELS", "STEP_LABELS",
    "SUPERVISION_STATE_LABELS", "TRACKING_LABELS", "VERDICT_LABELS", "WARNING_LABELS",
    "bell", "countdown", "day_label", "group_label_text", "isoutc", "label",
    "localtime", "minutes_between", "nav_links",
    "parse_day", "per_language", "reason_label", "register", "reply_method_text",
    "request_language", "request_translations", "shared_fragment", "state_label",
    "state_pill", "supervision_state_text", "texts", "tracking_label_text"]
