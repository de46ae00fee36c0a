"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B): who may do what,
channels and cause categories, the weekly rhythm, working-day arithmetic for remedy tasks,
satisfaction bands and the KPI formulas. Pure Python: dates and times come in as arguments."""
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from .errors import N_, NotAllowed
from .periods import Span, rate
from .roles import QUALITY, Role
from .text import mask_numbers, strip_bidi_controls


class Task(StrEnum):
    """What a user does in the survey area; MAY says which roles may do it."""
    WORK = "work"                      # import, survey, call back, mark, show the number
    READ_CONTACT = "read_contact"      # open a contact
    READ_REMEDIES = "read_remedies"    # the remedy task list
    REMEDY = "remedy"                  # record the contact with the customer and the remedy
    READ_KPIS = "read_kpis"            # the KPI page and its export
    EXPORT_RECORDS = "export_records"  # the survey and callback record (XLSX)
    AUDIT = "audit"                    # the sample audit of callback records
    CONFIGURE = "configure"            # categories and scripts, holidays, bands


_MANAGERS = frozenset({Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD, Role.DUTY_MANAGER})

#: Who may do what (docs/decisions.md, "Who"): the services check it, the views declare it.
MAY = {
    Task.WORK: QUALITY,
    Task.READ_CONTACT: QUALITY | {Role.DUTY_MANAGER},
    Task.READ_REMEDIES: frozenset({Role.DUTY_MANAGER, Role.OWNER}),
    Task.REMEDY: frozenset({Role.DUTY_MANAGER}),
    Task.READ_KPIS: _MANAGERS,
    Task.EXPORT_RECORDS: QUALITY | _MANAGERS,
    Task.AUDIT: frozenset({Role.OWNER}),
    Task.CONFIGURE: frozenset({Role.ADMIN, Role.OWNER}),
}

REFUSALS = {
    Task.WORK: N_("Only the quality team surveys and calls back dissatisfied customers."),
    Task.READ_CONTACT: N_("Only the quality team and the duty managers read dissatisfied "
                          "contacts."),
    Task.READ_REMEDIES: N_("Only the duty managers and the whitelist owner read remedy tasks."),
    Task.REMEDY: N_("Only a duty manager records a remedy."),
    Task.READ_KPIS: N_("Only managers read the callback KPIs."),
    Task.EXPORT_RECORDS: N_("Only the quality team and managers export the survey and callback "
                            "record."),
    Task.AUDIT: N_("Only the whitelist owner audits callback records."),
    Task.CONFIGURE: N_("Only the administrator and the whitelist owner configure the survey."),
}


def require(role: str, task: Task) -> None:
    """NotAllowed unless `role` may do `task`."""
    if role not in MAY[task]:
        raise NotAllowed(REFUSALS[task])


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
#: A callback score below this needs the customer's reason (seed 004: 评分低于8分).
REASON_BELOW = 8


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

@dataclass(frozen=True)
class Calendar:
    """Working days: Monday–Friday, minus holidays, plus make-up working days (调休)."""
    holidays: frozenset = field(default_factory=frozenset)
    workdays: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays


def add_working_days(day: date, n: int, calendar: Calendar) -> date:
    """The n-th working day after `day` (`day` itself never counts)."""
    current, left = day, n
    for _ in range(n * 7 + 400):  # bounded: no calendar has a year of holidays
        if left == 0:
            return current
        current += timedelta(days=1)
        if calendar.is_working_day(current):
            left -= 1
    raise ValueError("no working day found")


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
    dissatisfied (and a remedy task opens)."""
    satisfied_min: int = 9
    fairly_min: int = 7

    def valid(self) -> bool:
        return SCORE_MIN <= self.fairly_min <= self.satisfied_min <= SCORE_MAX


def band(score: int | None, bands: Bands) -> str | None:
    if score is None:
        return None
    if score >= bands.satisfied_min:
        return "satisfied"
    if score >= bands.fairly_min:
        return "fairly"
    return "dissatisfied"


def needs_reason(score: int | None) -> bool:
    return score is not None and score < REASON_BELOW


def is_dissatisfied(outcome: str, score: int | None, bands: Bands) -> bool:
    """A callback that opens a remedy task: the customer did not accept, or scored below
    较满意."""
    return outcome == Outcome.NOT_ACCEPTED or band(score, bands) == "dissatisfied"


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


def ranking_key(k: KpiCounts):
    """Monthly ranking: satisfaction first, then completion, then resolution, then volume.
    Missing rates rank last."""
    def r(value):
        return -1.0 if value is None else value
    return (-r(k.satisfaction_rate), -r(k.completion_rate), -r(k.resolution_rate),
            -k.callbacks_done)


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
