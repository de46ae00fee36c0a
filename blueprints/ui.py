"""Words and formats the templates share: labels for states, roles and form elements, local
times and review countdowns. English msgids; the Chinese catalog gives the words users see."""
import functools
import re
from datetime import date, datetime

from flask import current_app, g, has_request_context, render_template, request
from babel.dates import format_skeleton
from flask_babel import format_datetime, get_locale, get_translations, lazy_gettext as _l
from jinja2 import pass_context
from markupsafe import Markup, escape

from domain.errors import N_
from domain.judgement import Kind, Verdict
from domain.phones import mask_phone
from domain.roles import Role
from domain.routing import NOTIFY_NUMBERS, Group
from domain.analysis import STEPS
from domain.problems import Grade
from domain.problems import Source as ProblemSource
from domain.survey import Channel, Method, Outcome, mask_name
from domain.tickets import Action, ReturnReason, State
from services.clock import to_local

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


def group_label_text(value) -> str:
    return label(GROUP_LABELS, value) if value else ""


def tracking_label_text(value) -> str:
    return label(TRACKING_LABELS, value)


def reply_method_text(value) -> str:
    return label(REPLY_METHOD_LABELS, value)


def reason_label(value) -> str:
    return label(REASON_LABELS, value)


def supervision_state_text(value) -> str:
    return label(SUPERVISION_STATE_LABELS, value)


#: (language, id of a lazy label) → (the label, its text): each label is translated once
#: per language and worker. Bounded by the labels of this module (a few hundred).
_TRANSLATED: dict = {}


def translated(value) -> str:
    """A lazy label (one of this module's constants) in the request's language. str() on a
    lazy string goes through Flask-Babel every time (~14 µs, and a list shows dozens)."""
    key = (request_language(), id(value))
    hit = _TRANSLATED.get(key)
    if hit is None or hit[0] is not value:  # the label itself is kept, so its id stays its own
        hit = _TRANSLATED[key] = (value, str(value))
    return hit[1]


def state_label(state) -> str:
    try:
        return translated(STATE_LABELS[State(state)])
    except (ValueError, KeyError):
        return str(state)


#: Each state's pill, per language: queues show one on every row.
_PILLS: dict = {}


def state_pill(state) -> Markup:
    key = (request_language(), state)
    pill = _PILLS.get(key)
    if pill is None:
        pill = _PILLS[key] = Markup('<span class="pill {}">{}</span>').format(
            state, state_label(state))
    return pill


def label(mapping, key) -> str:
    value = mapping.get(key)
    return translated(value) if value is not None else str(key)


#: The countdown's words, per language: the script's templates ({h}, {m}) for data-left and
#: data-over, and the formats of the text shown until the script runs.
_COUNTDOWN_WORDS: dict = {}
_IN_TIME, _OVERDUE = N_("%(h)dh %(m)dm left"), N_("Overdue by %(h)dh %(m)dm")


def _countdown_words() -> dict:
    language = request_language()
    words = _COUNTDOWN_WORDS.get(language)
    if words is None:
        t = request_translations()
        in_time, overdue = t.ugettext(_IN_TIME), t.ugettext(_OVERDUE)

        def script(text):
            return escape(text % {"h": 7001, "m": 7002}).replace("7001", "{h}") \
                .replace("7002", "{m}")
        words = _COUNTDOWN_WORDS[language] = {
            "left": script(in_time), "over": script(overdue),
            "left_format": in_time, "over_format": overdue}
    return words


def countdown(due_at: datetime | None, now: datetime, soon: int = 30) -> Markup:
    """A live countdown to `due_at` (static/js/app.js keeps it current from data-deadline):
    "late" once past, "soon" within `soon` minutes. In Python rather than a macro: queues
    show one on every row."""
    if not due_at:
        return Markup("")
    left = minutes_between(now, due_at)
    words = _countdown_words()
    if left < 0:
        css, text = " late", words["over_format"] % {"h": (-left) // 60, "m": (-left) % 60}
    else:
        css = " soon" if left < soon else ""
        text = words["left_format"] % {"h": left // 60, "m": left % 60}
    # Every piece is escaped already or cannot hold markup (the class, an ISO time, a number).
    return Markup(  # noqa: S704  # nosec B704
        f'<span class="due{css}" data-deadline="{isoutc(due_at)}" data-soon="{int(soon)}" '
        f'data-left="{words["left"]}" data-over="{words["over"]}">{escape(text)}</span>')


#: CLDR date fields that read the same in every language, and their strftime codes.
_NUMERIC_FIELDS = {"yyyy": "%Y", "MM": "%m", "dd": "%d", "HH": "%H", "mm": "%M", "ss": "%S"}
_NUMERIC_PATTERN = re.compile(r"(yyyy|MM|dd|HH|mm|ss)|([^A-Za-z'%]+)")


@functools.cache
def _strftime_pattern(fmt: str) -> str | None:
    """The strftime equivalent of an all-numeric CLDR pattern ("MM-dd HH:mm"), else None."""
    parts, end = [], 0
    for match in _NUMERIC_PATTERN.finditer(fmt):
        if match.start() != end:
            return None
        parts.append(_NUMERIC_FIELDS[match[1]] if match[1] else match[2])
        end = match.end()
    return "".join(parts) if end == len(fmt) else None


def localtime(moment: datetime | None, fmt: str = "yyyy-MM-dd HH:mm") -> str:
    """A stored UTC moment in local time, in a CLDR pattern. The numeric patterns the pages
    use are formatted with strftime (~4 µs instead of Babel's ~10 µs, several times a row);
    anything with names in it (months, weekdays) goes through Babel for the language."""
    if moment is None:
        return ""
    local = to_local(moment)
    pattern = _strftime_pattern(fmt)
    if pattern is not None:
        return local.strftime(pattern)
    return format_datetime(local, fmt, rebase=False)


def day_label(day: date | None, weekday: bool = False) -> str:
    """A calendar day as people write it: 11月25日 (周三) / Nov 25 (Wed, Nov 25)."""
    if day is None:
        return ""
    return format_skeleton("MMMEd" if weekday else "MMMd", day, locale=request_language())


def minutes_between(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2099, 12, 31)


def parse_day(raw: str | None, today: date) -> date:
    """A ?day=YYYY-MM-DD parameter; anything unreadable or far outside use means today."""
    try:
        day = date.fromisoformat(raw) if raw else today
    except ValueError:
        return today
    return day if FIRST_DAY <= day <= LAST_DAY else today


def isoutc(moment: datetime | None) -> str:
    """For data-deadline attributes read by the countdown script."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""



#: At most this many kept fragments per worker (see shared_fragment); then it starts again.
FRAGMENT_CACHE_SIZE = 4096


def shared_fragment(template: str, **values) -> Markup:
    """A template that depends only on `values` (plus the language and the mount point),
    rendered once and kept for the worker's life. For the pieces every page and poll
    repeats: the menu of a role, the bell with its count. Never for anything personal."""
    key = (template, tuple(sorted(values.items())), request_language(), request.script_root)
    cache = current_app.extensions.setdefault("zikong_fragments", {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= FRAGMENT_CACHE_SIZE:
            cache.clear()
        # The output of an autoescaping template: already safe HTML.
        html = cache[key] = Markup(render_template(template, **values))  # noqa: S704  # nosec B704
    return html


def nav_links(role: str, active: str | None) -> Markup:
    """The menu's links for a role (templates/_nav.html): ~20 links, each a url_for and a
    translation, were ~1 ms of every page."""
    return shared_fragment("_nav.html", role=role, nav_active=active)


def bell(count: int) -> Markup:
    """The bell with its unread count (templates/notices/bell.html)."""
    return shared_fragment("notices/bell.html", count=count)


def _once_per_request(name: str, look_up):
    """look_up() the first time a request asks, kept on flask.g for the rest of it."""
    if not has_request_context():
        return look_up()
    value = g.get(name)
    if value is None:
        value = look_up()
        setattr(g, name, value)
    return value


def request_language() -> str:
    """The request's language ("zh_Hans_CN", "en"), looked up once per request. Flask-Babel
    resolves its context and the locale on every call (~3 µs), and a page asks ~100 times:
    every label, every countdown. A request keeps one language: switching it (/lang)
    answers with a redirect."""
    return _once_per_request("_zikong_language", lambda: str(get_locale()))


def request_translations():
    """The request's translations, looked up once per request (as request_language): for
    the ~50 _() of a page, each of which Flask-Babel would resolve afresh (~8 µs)."""
    return _once_per_request("_zikong_translations", get_translations)


@pass_context
def _template_gettext(context, string: str, **variables):
    """_() and gettext() in templates, as Jinja's newstyle gettext does them (the text
    marked safe under autoescape, then `% variables`), called directly: through Jinja's
    alias and wrapper a page's ~25 calls cost ~3 µs each. A text with nothing to fill and
    no "%" reads the same without the formatting."""
    rv = request_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)  # noqa: S704  # nosec B704 — our own catalogue, as Jinja does
    return rv % variables if variables or "%" in rv else rv


def _install_gettext(app) -> None:
    """Jinja's _(), ngettext() …: Flask-Babel's behaviour, with the per-request lookup."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext)


def register(app):
    _install_gettext(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.globals.update(
        state_label=state_label, state_pill=state_pill, role_label=lambda r: label(ROLE_LABELS, r),
        element_label=lambda e: label(ELEMENT_LABELS, e),
        action_label=lambda a: label(ACTION_LABELS, a),
        group_label=lambda v: label(GROUP_LABELS, v) if v else "",
        kind_label=lambda v: label(KIND_LABELS, v),
        verdict_label=lambda v: label(VERDICT_LABELS, v),
        reason_label=reason_label,
        tracking_label=lambda v: label(TRACKING_LABELS, v),
        reply_method_label=lambda v: label(REPLY_METHOD_LABELS, v),
        sms_kind_label=lambda v: label(SMS_KIND_LABELS, v),
        sms_status_label=lambda v: label(SMS_STATUS_LABELS, v),  # issue 19
        NOTIFY_NUMBERS=NOTIFY_NUMBERS,
        alert_label=lambda v: label(ALERT_LABELS, v),
        channel_label=lambda v: label(CHANNEL_LABELS, v) if v else "",
        outcome_label=lambda v: label(OUTCOME_LABELS, v) if v else "",
        method_label=lambda v: label(METHOD_LABELS, v) if v else "",
        grade_label=lambda v: label(GRADE_LABELS, v) if v else "",
        problem_source_label=lambda v: label(PROBLEM_SOURCE_LABELS, v),
        step_label=lambda v: label(STEP_LABELS, v),
        moved_label=lambda v: label(MOVED_LABELS, v),
        warning_label=lambda v: label(WARNING_LABELS, v),
        supervision_state_label=supervision_state_text,
        proposal_state_label=lambda v: label(PROPOSAL_STATE_LABELS, v),
        decision_label=lambda v: label(DECISION_LABELS, v),
        source_label=lambda v: label(SOURCE_LABELS, v),
        note_outcome_label=lambda v: label(NOTE_OUTCOME_LABELS, v),
        Action=Action, State=State, Role=Role, minutes_between=minutes_between,
        nav_links=nav_links, bell=bell, countdown=countdown, day_label=day_label)
    app.jinja_env.filters.update(localtime=localtime, mask=mask_phone, isoutc=isoutc,
                                 mask_name=mask_name)
    app.jinja_env.globals["field"] = app.jinja_env.get_template("_macros.html").module.field
    app.jinja_env.globals["charts"] = app.jinja_env.get_template("_charts.html").module
    from blueprints.evidence.timestamps import link_timestamps  # mm:ss → seek links
    app.jinja_env.filters["timestamps"] = link_timestamps
