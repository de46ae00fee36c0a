"""Labels of the values the pages show: states, roles, groups, verdicts, form elements, audit
actions … English msgids; the Chinese catalog gives the words users see."""
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from domain.judgement import Kind, Verdict
from domain.roles import Role
from domain.routing import Group
from domain.analysis import STEPS
from domain.problems import Grade
from domain.problems import Source as ProblemSource
from domain.survey import Channel, Method, Outcome
from domain.tickets import Action, ReturnReason, State

from .language import per_language

STATE_LABELS = {
    State.SUBMITTED: _l("Awaiting lead review"),
    State.RETURNED_TO_STAFF: _l("Returned to agent"),
    State.HANDED_OVER: _l("Handed over"),
    State.VERIFYING: _l("Verifying"),
    State.RETURNED_TO_LEAD: _l("Returned to lead"),
    State.RETURN_CONFIRMED: _l("Return confirmed"),
    State.JUDGED: _l("Judged"),
    State.CLOSED: _l("Closed"),
    State.APPEALED: _l("Appealed"),
    State.PANEL: _l("Panel being named"),
    State.VOTING: _l("Panel voting"),
    State.ESCALATED: _l("Awaiting site head"),
}

GROUP_LABELS = {
    Group.FRONT: _l("Front desk"),
    Group.BACK: _l("Back office"),
    Group.LINE_8200: _l("89082000 line"),
    Group.LINE_9696: _l("10109696 line"),
}

KIND_LABELS = {Kind.BUSINESS: _l("Business"), Kind.ATTITUDE: _l("Attitude")}
VERDICT_LABELS = {Verdict.ESTABLISHED: _l("Established"),
                  Verdict.NOT_ESTABLISHED: _l("Not established")}
REASON_LABELS = {
    ReturnReason.R1: _l("R1 The agent gave no explanation"),
    ReturnReason.R2: _l("R2 Not within the scope of self-control"),
}
TRACKING_LABELS = {"notified": _l("Notified"), "handling": _l("Being handled"),
                   "answered": _l("Answered")}
REPLY_METHOD_LABELS = {"phone": _l("Phone"), "sms": _l("SMS"),
                       "explain": _l("Direct explanation"), "other": _l("Other")}
ALERT_LABELS = {
    "returned": _l("A lead returned your ticket"),
    "claimed": _l("The quality team claimed your ticket"),
    "returned_to_lead": _l("The quality team returned a ticket to you"),
    "escalated": _l("A customer was escalated"),
    "reply_decided": _l("The reply to an escalated customer was decided"),
    "appeal": _l("An appeal to re-judge"),
    "vote": _l("A panel vote waits for your ballot"),
    "tie": _l("A tied vote waits for your ruling"),
    "objection": _l("An agent's objection waits for your decision"),
    "objection_declined": _l("Your objection was not filed: see the reason"),
    "objection_filed": _l("Your objection was filed as an appeal"),
    "ballots_unreadable": _l("A vote's ballots could not be opened with the current key: "
                             "the site head rules"),
    "warning": _l("A new warning"),
    "announcement": _l("A new announcement"),
    "reminder": _l("A reminder for you"),
    "remedy": _l("A remedy task for a dissatisfied customer"),
    "supervision": _l("A supervision order for you"),
    "supervision_answered": _l("A supervision order was answered"),
    "supervision_overdue": _l("A supervision order is overdue"),
    "proposal": _l("A proposal waits for your decision"),
    "proposal_decided": _l("A decision on your proposal"),
    "callback_assigned": _l("Callbacks were given to you"),
    "problem_urgent": _l("An urgent problem was raised"),
    "problem_overdue": _l("A problem's clock ran out"),
    # deadline reminders (services/reminders.py, issue 19)
    "review_due": _l("A ticket's review is due within 30 minutes"),
    "reply_due": _l("A customer reply is due within 4 hours"),
}
WARNING_LABELS = {"recur": _l("Likely to recur"), "criterion": _l("Criterion rising"),
                  "keyword": _l("Keyword rising"), "note": _l("From a feedback note")}
SUPERVISION_STATE_LABELS = {"open": _l("Awaiting answer"), "answered": _l("Answer received"),
                            "no_answer": _l("No answer")}
PROPOSAL_STATE_LABELS = {"submitted": _l("Waiting for the heads"),
                         "acknowledged": _l("Acknowledged"), "decided": _l("Decided")}
DECISION_LABELS = {"adopt": _l("Adopted"), "partly": _l("Adopted in part"),
                   "reject": _l("Not adopted")}
SOURCE_LABELS = {"criterion": _l("Criterion"), "keyword": _l("Keyword"),
                 "note": _l("Feedback note")}
NOTE_OUTCOME_LABELS = {"discussed": _l("Discussed"), "warning": _l("Turned into a warning"),
                       "announcement": _l("Turned into an announcement"),
                       "proposal": _l("Turned into a proposal"), "dismissed": _l("Dismissed")}

SMS_KIND_LABELS = {"notice": _l("Notice after a failed call"), "reply": _l("SMS reply")}
# Delivery of an SMS (services/sms_gateway.py, issue 19).
SMS_STATUS_LABELS = {"recorded": _l("Recorded (not sent)"),
                     "queued": _l("Queued for the SMS platform"),
                     "retrying": _l("Not delivered yet: retrying"),
                     "sent": _l("Accepted by the SMS platform"),
                     "failed": _l("Delivery failed")}

CHANNEL_LABELS = {Channel.HOTLINE: _l("Hotline"), Channel.QQ: _l("QQ")}
OUTCOME_LABELS = {
    Outcome.RESOLVED: _l("Problem resolved"),
    Outcome.APPENDED: _l("Event appended"),
    Outcome.SATISFIED: _l("Customer satisfied"),
    Outcome.ACCEPTED: _l("Accepted"),
    Outcome.NOT_ACCEPTED: _l("Not accepted"),
}

METHOD_LABELS = {
    Method.PHONE: _l("By phone"),
    Method.SMS: _l("By SMS"),
    Method.ONLINE: _l("Online questionnaire"),
    Method.IN_PERSON: _l("Face to face"),
}
GRADE_LABELS = {Grade.GENERAL: _l("General"), Grade.IMPORTANT: _l("Important"),
                Grade.URGENT: _l("Urgent")}
PROBLEM_SOURCE_LABELS = {ProblemSource.SURVEY: _l("Event appended at the survey"),
                         ProblemSource.CALLBACK: _l("Event appended at a callback"),
                         ProblemSource.REMEDY: _l("Dissatisfied: remedy task")}
STEP_LABELS = dict(zip(STEPS, (
    _l("Survey (Monday to Wednesday)"), _l("Callback (Thursday to Sunday)"),
    _l("Remedy: customer contacted"), _l("Remedy: in place"), _l("Problem: diagnosis"),
    _l("Problem: plan")), strict=True))
MOVED_LABELS = {"recovered": _l("Recovered"), "better": _l("Better"),
                "worse": _l("No better"), "no_data": _l("No data this month")}

ROLE_LABELS = {
    Role.STAFF: _l("Agent"),
    Role.TEAM_LEAD: _l("Team lead"),
    Role.CHECKER: _l("Quality checker"),
    Role.OWNER: _l("Whitelist owner"),
    Role.DUTY_MANAGER: _l("Duty manager"),
    Role.GROUP_HEAD: _l("Acceptance group head"),
    Role.SITE_HEAD: _l("Site head"),
    Role.ADMIN: _l("System administrator"),
}

ELEMENT_LABELS = {
    "submitter_no": _l("Submitter no."),
    "caller_number": _l("Caller number"),
    "contact_number": _l("Contact number"),
    "complaint": _l("Complaint"),
    "demand": _l("Customer demand"),
    "accused_no": _l("Accused employee no."),
}

ACTION_LABELS = {
    Action.SUBMIT: _l("Submitted"),
    Action.RETURN_TO_STAFF: _l("Returned to agent"),
    Action.RESUBMIT: _l("Resubmitted"),
    Action.SIGN: _l("Signed over"),
    "user_create": _l("User created"),
    "user_update": _l("User changed"),
    "team_create": _l("Team created"),
    "password_change": _l("Password changed"),
    Action.CLAIM: _l("Claimed"),
    Action.RETURN_TO_LEAD: _l("Returned to lead"),
    Action.CONFIRM_RETURN: _l("Return confirmed"),
    Action.JUDGE: _l("Judged"),
    Action.CLOSE: _l("Closed"),
    Action.ENTER: _l("Transferred complaint entered"),
    Action.APPEAL: _l("Appeal filed"),
    Action.OVERTURN: _l("Overturned"),
    Action.UPHOLD: _l("Upheld"),
    Action.OPEN_VOTE: _l("Panel vote opened"),
    Action.CLOSE_VOTE: _l("Panel vote closed"),
    Action.ESCALATE_TIE: _l("Tie: sent to the site head"),
    Action.DECIDE: _l("Site head ruled"),
    "name_panel": _l("Panellists named"),
    "objection_raise": _l("Objection request raised"),
    "objection_decline": _l("Objection request declined"),
    "objection_file": _l("Appeal sheet filed on the agent's objection"),
    "ballot": _l("Ballot cast"),
    "set_accused": _l("Accused employee no. set"),
    "notify": _l("Outbound notification logged"),
    "notify_update": _l("Notification tracking updated"),
    "contact_attempt": _l("Contact attempt logged"),
    "sms": _l("SMS sent"),
    "reply": _l("Reply recorded"),
    "escalate": _l("Escalated"),
    "reply_decision": _l("Reply method decided"),
    "reveal_phone": _l("Full phone number shown"),
    "settings_update": _l("Settings changed"),
    "route_rule_save": _l("Routing rule saved"),
    "route_rule_delete": _l("Routing rule removed"),
    "criterion_save": _l("Criterion saved"),
    "recording_ref_set": _l("Recording reference set"),
    "evidence_add": _l("Audio excerpt added"),
    "evidence_replace": _l("Audio excerpt replaced by a new version"),
    "survey_contact_from_ticket": _l("Made a dissatisfied contact"),
    "supervision_issue": _l("Supervision order issued"),
    "supervision_answer": _l("Supervision order answered"),
    "supervision_no_answer": _l("Supervision order closed without an answer"),
    "supervision_overdue": _l("Supervision order overdue"),
}


#: Each table by the name of its template helper: "state" → state_label(value).
TABLES = {
    "state": STATE_LABELS, "group": GROUP_LABELS, "kind": KIND_LABELS,
    "verdict": VERDICT_LABELS, "reason": REASON_LABELS, "tracking": TRACKING_LABELS,
    "reply_method": REPLY_METHOD_LABELS, "alert": ALERT_LABELS, "warning": WARNING_LABELS,
    "supervision_state": SUPERVISION_STATE_LABELS, "proposal_state": PROPOSAL_STATE_LABELS,
    "decision": DECISION_LABELS, "source": SOURCE_LABELS, "note_outcome": NOTE_OUTCOME_LABELS,
    "sms_kind": SMS_KIND_LABELS, "sms_status": SMS_STATUS_LABELS, "channel": CHANNEL_LABELS,
    "outcome": OUTCOME_LABELS, "method": METHOD_LABELS, "grade": GRADE_LABELS,
    "problem_source": PROBLEM_SOURCE_LABELS, "step": STEP_LABELS, "moved": MOVED_LABELS,
    "role": ROLE_LABELS, "element": ELEMENT_LABELS, "action": ACTION_LABELS,
}


@per_language()
def texts(table: str) -> dict:
    """The table named `table` in the request's language: str() of a lazy label goes through
    Flask-Babel every time, and a list shows dozens."""
    return {key: str(value) for key, value in TABLES[table].items()}


def label(table: str, value) -> str:
    """The label of `value` in the table named `table`; an unknown value shows as itself, no
    value as nothing."""
    if value is None or value == "":
        return ""
    text = texts(table).get(value)
    return str(value) if text is None else text


def state_label(state) -> str:
    return label("state", state)


@per_language()
def state_pill(state) -> Markup:
    """A state's pill: queues show one on every row."""
    return Markup('<span class="pill {}">{}</span>').format(state, state_label(state))


def group_label_text(value) -> str:
    return label("group", value)


def tracking_label_text(value) -> str:
    return label("tracking", value)


def reply_method_text(value) -> str:
    return label("reply_method", value)


def reason_label(value) -> str:
    return label("reason", value)


def supervision_state_text(value) -> str:
    return label("supervision_state", value)
