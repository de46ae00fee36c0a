"""Words and formats the templates share: labels for states, roles and form elements, local
times and review countdowns. English msgids; the Chinese catalog gives the words users see."""
from datetime import datetime

from flask_babel import format_datetime, lazy_gettext as _l

from domain.phones import mask_phone
from domain.roles import Role
from domain.tickets import Action, State
from services.clock import to_local

STATE_LABELS = {
    State.SUBMITTED: _l("Awaiting lead review"),
    State.RETURNED_TO_STAFF: _l("Returned to agent"),
    State.HANDED_OVER: _l("Handed over"),
}

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
}


def state_label(state) -> str:
    try:
        return str(STATE_LABELS[State(state)])
    except (ValueError, KeyError):
        return str(state)


def label(mapping, key) -> str:
    value = mapping.get(key)
    return str(value) if value is not None else str(key)


def localtime(moment: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    if moment is None:
        return ""
    return format_datetime(to_local(moment), fmt, rebase=False)


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def register(app):
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        state_label=state_label, role_label=lambda r: label(ROLE_LABELS, r),
        element_label=lambda e: label(ELEMENT_LABELS, e),
        action_label=lambda a: label(ACTION_LABELS, a),
        Action=Action, State=State, Role=Role, minutes_between=minutes_between)
    app.jinja_env.filters.update(localtime=localtime, mask=mask_phone)
