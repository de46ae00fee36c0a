"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B): who may do what (and
which contacts a caller sees), channels and cause categories, the weekly rhythm, the remedy
clocks, the one dissatisfaction threshold and the bands it gives, the KPI formulas and the
callers' score. Pure Python: dates and times come in as arguments."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .errors import N_, NotAllowed
from .periods import Span, rate
from .roles import QUALITY, Role
from .text import mask_numbers, strip_bidi_controls
from .workdays import Calendar, add_working_days  # noqa: F401  (the remedy clock's calendar)


class Task(StrEnum):
    """What a user does in the survey area; MAY says which roles may do it (and, for calling
    back and reading a contact, may_call and may_read say which contacts)."""
    WORK = "work"                      # import, survey, mark, the survey and callback queues
    CALL = "call"                      # call back (my callbacks, the callback record, holds)
    READ_CONTACT = "read_contact"      # open a contact
    ASSIGN = "assign"                  # give the week's callbacks to named callers
    PROBLEM = "problem"                # diagnose, plan and grade the problems raised
    READ_REMEDIES = "read_remedies"    # the remedy task list
    REMEDY = "remedy"                  # record the contact with the customer and the remedy
    READ_KPIS = "read_kpis"            # the KPI page and its export
    EXPORT_RECORDS = "export_records"  # the survey and callback record (XLSX)
    AUDIT = "audit"                    # the sample audit of callback records
    CONFIGURE = "configure"            # categories and scripts, holidays, bands
    READ_RANKING = "read_ranking"      # the callers' published ranking
    PUBLISH_RANKING = "publish_ranking"  # publish a month's ranking to the floor
    ANALYSE = "analyse"                # root cause and action of a monthly finding
    TRAIN = "train"                    # training given for a common cause


_MANAGERS = frozenset({Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER})
#: Who may be given callbacks (seed 003: 分配给具体的客服代表): agents and leads of the floor,
#: and the quality team, who called back before callbacks were assigned.
CALLERS = QUALITY | {Role.STAFF, Role.TEAM_LEAD}

#: Who may do what (docs/decisions.md, "Who"): the services check it, the views declare it.
MAY = {
    Task.WORK: QUALITY,
    Task.CALL: CALLERS,
    Task.READ_CONTACT: CALLERS | {Role.DUTY_MANAGER},
    Task.ASSIGN: frozenset({Role.DUTY_MANAGER, Role.OWNER}),
    Task.PROBLEM: QUALITY | {Role.DUTY_MANAGER},
    Task.READ_REMEDIES: frozenset({Role.DUTY_MANAGER, Role.OWNER}),
    Task.REMEDY: frozenset({Role.DUTY_MANAGER}),
    Task.READ_KPIS: _MANAGERS,
    Task.EXPORT_RECORDS: QUALITY | _MANAGERS,
    Task.AUDIT: frozenset({Role.OWNER}),
    Task.CONFIGURE: frozenset({Role.ADMIN, Role.OWNER}),
    Task.READ_RANKING: frozenset(Role) - {Role.ADMIN},
    Task.PUBLISH_RANKING: frozenset({Role.DUTY_MANAGER, Role.OWNER}),
    Task.ANALYSE: frozenset({Role.DUTY_MANAGER}),
    Task.TRAIN: frozenset({Role.DUTY_MANAGER, Role.OWNER}),
}

REFUSALS = {
    Task.WORK: N_("Only the quality team surveys dissatisfied customers."),
    Task.CALL: N_("Only the callers call back dissatisfied customers."),
    Task.READ_CONTACT: N_("Only the quality team, the duty managers and the contact's caller "
                          "read a dissatisfied contact."),
    Task.ASSIGN: N_("Only a duty manager or the whitelist owner assigns callbacks."),
    Task.PROBLEM: N_("Only the quality team and the duty managers work on the problems "
                     "raised."),
    Task.READ_REMEDIES: N_("Only the duty managers and the whitelist owner read remedy tasks."),
    Task.REMEDY: N_("Only a duty manager records a remedy."),
    Task.READ_KPIS: N_("Only managers read the callback KPIs."),
    Task.EXPORT_RECORDS: N_("Only the quality team and managers export the survey and callback "
                            "record."),
    Task.AUDIT: N_("Only the whitelist owner audits callback records."),
    Task.CONFIGURE: N_("Only the administrator and the whitelist owner configure the survey."),
    Task.READ_RANKING: N_("The administrator does not read the callers' ranking."),
    Task.PUBLISH_RANKING: N_("Only a duty manager or the whitelist owner publishes the "
                             "ranking."),
    Task.ANALYSE: N_("Only a duty manager records the monthly analysis."),
    Task.TRAIN: N_("Only a duty manager or the whitelist owner records training."),
}


def require(role: str, task: Task) -> None:
    """NotAllowed unless `role` may do `task`."""
    if role not in MAY[task]:
        raise NotAllowed(REFUSALS[task])


@dataclass(frozen=True)
class Holder:
    """Who a contact's callback is about and who holds it."""
    agent_no: str
    caller_id: int | None


def may_read(role: str, actor_id: int, holder: Holder) -> bool:
    """The quality team and the duty managers read every contact; a caller of the floor only
    the contacts given to them."""
    if role in QUALITY or role == Role.DUTY_MANAGER:
        return True
    return role in CALLERS and holder.caller_id == actor_id


def may_call(role: str, actor_id: int, actor_no: str, holder: Holder) -> bool:
    """Call back a contact: the caller it is given to; the quality team also one nobody holds
    (it becomes theirs). Never a complaint about oneself."""
    if role not in CALLERS or holder.agent_no == actor_no:
        return False
    if holder.caller_id is None:
        return role in QUALITY
    return holder.caller_id == actor_id


class Channel(StrEnum):
    HOTLINE = "hotline"  # 热线
    QQ = "qq"            # QQ


#: The hotline's name in an import file (the QQ channel's is "QQ").
HOTLINE_WORD = "热线"
#: What an import file may say in its channel column.
CHANNEL_WORDS = {HOTLINE_WORD: Channel.HOTLINE, "hotline": Channel.HOTLINE,
                 "电话": Channel.HOTLINE, "qq": Channel.QQ, "在线": Channel.QQ}

#: Cause categories per channel, in the order of seed 000 (KF-006).
CATEGORIES = {
    Channel.HOTLINE: ("服务态度", "专业知识", "主动挂线", "退单导致处理不及时", "硬件配置",
                      "其它", "知识库口径内容", "回访结果", "安全问题", "功能设置", "误操作设置",
                      "误操作评价", "系统查询不到"),
    Channel.QQ: ("专业知识", "服务态度", "回访结果", "功能设置", "误操作设置", "知识库口径内容",
                 "其它", "退单导致处理不及时"),
}


def channel_of(raw) -> Channel | None:
    """热线 / QQ (or hotline / qq) from an import cell; None when it is neither."""
    if raw is None:
        return None
    return CHANNEL_WORDS.get(str(raw).strip().lower())


class Method(StrEnum):
    """How the callback was made (seed 003 回访方式)."""
    PHONE = "phone"          # 电话回访
    SMS = "sms"              # 短信回访
    ONLINE = "online"        # 在线问卷回访
    IN_PERSON = "in_person"  # 面对面回访


class Outcome(StrEnum):
    """Callback outcomes (回访结果)."""
    RESOLVED = "resolved"          # 问题已解决
    APPENDED = "appended"          # 事件已追加
    SATISFIED = "satisfied"        # 用户满意
    ACCEPTED = "accepted"          # 接受
    NOT_ACCEPTED = "not_accepted"  # 不接受 → the event is appended and tracked


#: Outcomes after which an appended event is followed until a later callback closes it.
TRACKED = frozenset({Outcome.APPENDED, Outcome.NOT_ACCEPTED})

SCORE_MIN, SCORE_MAX = 1, 10
#: Longest issue summary, and longest note, reason or result typed on the survey pages.
SUMMARY_MAX = TEXT_MAX = 1000


def note_text(raw: str | None) -> str:
    """A note, reason, result or summary as it is kept: others read it (the contact page, the
    remedy list, the record export), so a customer's number in it is masked, and direction
    controls are dropped (text that comes from a file, not a form, too)."""
    return mask_numbers(strip_bidi_controls(raw or "").strip())


def too_long(text: str, limit: int = TEXT_MAX):
    """The field problem of a text over `limit` characters (msgid, params), else None."""
    return (N_("At most %(max)d characters."), {"max": limit}) if len(text) > limit else None


NAME_MAX = 40


def mask_name(name: str | None) -> str:
    """A customer's name as lists show it: the first character, the rest starred (张伟 →
    张*, 欧阳娜娜 → 欧***)."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


#: A callback score below this is dissatisfied (seed 004: 评分低于8分): it needs the customer's
#: reason and opens the remedy task. The default of the one setting (survey_threshold).
THRESHOLD = 8


# --- the weekly rhythm -----------------------------------------------------------------------

def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Cycle:
    """One contact's week: contacts of week W are surveyed Monday–Wednesday of W+1 and called
    back Thursday–Sunday of the week their survey was done (normally W+1)."""
    contact_week: date   # Monday of the contact's week
    survey_from: date    # Monday of the next week
    survey_due: date     # Wednesday of the next week (last day)
    callback_from: date  # Thursday of the next week
    callback_due: date   # Sunday of the next week (last day)


def cycle_of(contact_day: date) -> Cycle:
    week = monday_of(contact_day)
    nxt = week + timedelta(weeks=1)
    return Cycle(contact_week=week, survey_from=nxt, survey_due=nxt + timedelta(days=2),
                 callback_from=nxt + timedelta(days=3), callback_due=nxt + timedelta(days=6))


def callback_due(contact_day: date, surveyed_day: date | None) -> date:
    """The Sunday by which the callback is due: the Sunday of the week the survey was done,
    never before the cycle's own Sunday (a contact with no survey: the cycle's Sunday)."""
    cycle_sunday = cycle_of(contact_day).callback_due
    if surveyed_day is None:
        return cycle_sunday
    return max(cycle_sunday, monday_of(surveyed_day) + timedelta(days=6))


def callback_window_opens(due: date) -> date:
    """Thursday of the callback's week."""
    return due - timedelta(days=3)


def phase(today: date) -> str:
    """'survey' on Monday–Wednesday, 'callback' on Thursday–Sunday."""
    return "survey" if today.weekday() <= 2 else "callback"


def overdue(due: date | None, today: date, done: bool) -> bool:
    """Past its last day and not done."""
    return due is not None and not done and today > due


# --- working days and remedy clocks ----------------------------------------------------------

REMEDY_CONTACT = timedelta(hours=1)
REMEDY_WORKING_DAYS = 3


def remedy_clocks(opened: datetime, calendar: Calendar) -> tuple[datetime, datetime]:
    """A dissatisfied callback's remedy task (seed 004): the supervisor contacts the customer
    within one hour (clock time, the duty desk never closes) and the remedy is in place by
    the end of the third working day after the callback's day. `opened` is a local datetime
    (aware or naive); the answers are in the same terms."""
    last_day = add_working_days(opened.date(), REMEDY_WORKING_DAYS, calendar)
    end = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=opened.tzinfo)
    return opened + REMEDY_CONTACT, end


# --- satisfaction bands ----------------------------------------------------------------------

@dataclass(frozen=True)
class Bands:
    """满意 from `satisfied_min`, 较满意 from `fairly_min`; below that the customer is
    dissatisfied. Derived from the threshold (bands_for)."""
    satisfied_min: int = 9
    fairly_min: int = THRESHOLD


def bands_for(threshold: int) -> Bands:
    """The KPI bands of a dissatisfaction threshold: scores from the threshold up are 较满意
    or 满意, split in two with the larger half 满意 (8 → 较满意 8, 满意 9–10; 7 → 7–8 and 9–10)."""
    return Bands(satisfied_min=threshold + (SCORE_MAX - threshold + 1) // 2,
                 fairly_min=threshold)


def valid_threshold(threshold) -> bool:
    return isinstance(threshold, int) and SCORE_MIN < threshold <= SCORE_MAX


def band(score: int | None, bands: Bands) -> str | None:
    if score is None:
        return None
    if score >= bands.satisfied_min:
        return "satisfied"
    if score >= bands.fairly_min:
        return "fairly"
    return "dissatisfied"


def needs_reason(score: int | None, threshold: int = THRESHOLD) -> bool:
    return score is not None and score < threshold


def is_dissatisfied(outcome: str, score: int | None, threshold: int = THRESHOLD) -> bool:
    """A callback that opens a remedy task: the customer did not accept, or scored below the
    threshold (the same that asks for the reason)."""
    return outcome == Outcome.NOT_ACCEPTED or needs_reason(score, threshold)


# --- KPIs (seed 003) -------------------------------------------------------------------------

@dataclass
class KpiCounts:
    """The numerators and denominators of the four KPIs.

    回访完成率 = callbacks done ÷ callbacks due (contacts needing a callback due in the period)
    用户满意度 = (满意 + 较满意) ÷ callbacks done
    问题解决率 = resolved ÷ issues raised (contacts surveyed, survey due in the period)
    回访记录准确率 = records marked accurate ÷ records sampled and marked in the owner's audit
    """
    callbacks_due: int = 0
    callbacks_done: int = 0
    satisfied: int = 0
    fairly: int = 0
    issues: int = 0
    resolved: int = 0
    sampled: int = 0
    accurate: int = 0

    @property
    def completion_rate(self):
        return rate(self.callbacks_done, self.callbacks_due)

    @property
    def satisfaction_rate(self):
        return rate(self.satisfied + self.fairly, self.callbacks_done)

    @property
    def resolution_rate(self):
        return rate(self.resolved, self.issues)

    @property
    def accuracy_rate(self):
        return rate(self.accurate, self.sampled)

    def add(self, other: "KpiCounts") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


#: The monthly score's weights (seed 003: 根据各项考核指标计算得分): completion, satisfaction,
#: resolution, record accuracy.
WEIGHTS = (("completion_rate", 40), ("satisfaction_rate", 30), ("resolution_rate", 20),
           ("accuracy_rate", 10))


def score(k: KpiCounts) -> float | None:
    """考核得分, 0–100: the weighted mean of the rates that have a base (a rate with nothing to
    count, e.g. no record sampled, leaves its weight out); None when none has."""
    present = [(weight, getattr(k, name)) for name, weight in WEIGHTS
               if getattr(k, name) is not None]
    if not present:
        return None
    return 100 * sum(w * r for w, r in present) / sum(w for w, _r in present)


def ranking_key(k: KpiCounts):
    """Monthly ranking: the score, then completion, then volume. Missing ones rank last."""
    def r(value):
        return -1.0 if value is None else value
    return (-r(score(k)), -r(k.completion_rate), -k.callbacks_done)


@dataclass(frozen=True)
class ContactFacts:
    """What the KPIs need to know of one contact (the reference tally, for tests and docs)."""
    survey_due: date
    surveyed: bool = False
    resolved: bool = False
    needs_callback: bool = False
    callback_due: date | None = None
    callback_done: bool = False
    score: int | None = None
    audit_marks: tuple = ()  # True/False per sampled and marked callback record


def tally(contacts, span: Span, bands: Bands) -> KpiCounts:
    """The KPI counts of `contacts` for `span`, by the definitions above (pure Python; the
    service computes the same numbers in SQL)."""
    k = KpiCounts()

    def within(day):
        return day is not None and span.start <= day < span.end

    for c in contacts:
        if c.surveyed and within(c.survey_due):
            k.issues += 1
            k.resolved += 1 if c.resolved else 0
        if c.needs_callback and within(c.callback_due):
            k.callbacks_due += 1
            if c.callback_done:
                k.callbacks_done += 1
                which = band(c.score, bands)
                k.satisfied += which == "satisfied"
                k.fairly += which == "fairly"
            k.sampled += len(c.audit_marks)
            k.accurate += sum(1 for mark in c.audit_marks if mark)
    return k
