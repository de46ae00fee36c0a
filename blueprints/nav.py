"""The main menu: a handful of groups (工单, 自控, 异议与合议 …), each a short list of links.
A link shows only to the roles its view admits (blueprints._access), so the menu can never
offer a page that answers 403; `only` narrows it further where a page is open to a role for
links from elsewhere but is not one of that role's daily pages."""
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from domain.roles import FILERS, Role

from ._access import access_rule


@dataclass(frozen=True)
class Entry:
    endpoint: str
    label: object
    #: The g.nav_active values (or blueprint names) under which this entry is the current page.
    active: frozenset = frozenset()
    only: frozenset | None = None
    #: Another label for these roles (a lead's "My tickets" is a checker's "Ticket list").
    label_for: tuple = ()

    def label_of(self, role: str):
        for roles, label in self.label_for:
            if role in roles:
                return label
        return self.label


def _e(endpoint, label, *active, only=None, label_for=()):
    return Entry(endpoint, label, frozenset(active), frozenset(only) if only else None,
                 label_for)


_NOT_STAFF = frozenset(Role) - {Role.STAFF}
_MANAGEMENT = frozenset({Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD, Role.SITE_HEAD})

#: (group key, entries), in the menu's order; templates/_nav.html names the groups.
MENU = (
    ("tickets", (
        _e("tickets.new", _l("New ticket"), "new"),
        _e("tickets.index", _l("Ticket list"), "mine",
           label_for=((FILERS, _l("My tickets")),)),
        _e("handover.queue", _l("Review queue"), "review"),
        _e("handover.table", _l("Handover table"), "handover"),
        _e("quality.whitelist_table", _l("Whitelist table"), "whitelist"),
        _e("tickets.lookup", _l("Reply scripts"), "lookup", only=FILERS),
        _e("notes.mine", _l("My feedback notes"), "notes"),
    )),
    ("quality", (
        _e("quality.queue", _l("Quality queue"), "quality"),
        _e("quality.reply_records", _l("Reply record"), "replies"),
        _e("supervision.index", _l("Supervision orders"), "supervision", only=_NOT_STAFF),
        _e("notes.review", _l("Feedback notes"), "notes"),
    )),
    ("appeals", (
        _e("appeals.index", _l("Appeal list"), "appeals"),
        _e("appeals.my_votes", _l("My votes"), "votes", only=_MANAGEMENT | {Role.TEAM_LEAD}),
    )),
    ("reports", (
        _e("reports.dashboard", _l("Report dashboard"), "reports"),
        _e("survey.kpis", _l("Callback KPIs"), "survey_kpis"),
        _e("survey.analysis", _l("Monthly analysis"), "analysis"),
        _e("wallboard.board", _l("Wallboard"), "wallboard", only=_MANAGEMENT),
    )),
    ("prevention", (
        _e("notices.announcements", _l("Announcements"), "announcements"),
        _e("cases.index", _l("Case library"), "cases"),
        _e("risks.index", _l("Risk register"), "risks"),
        _e("notices.warnings", _l("Warnings"), "warnings"),
        _e("proposals.index", _l("Proposals"), "proposals"),
    )),
    ("callbacks", (
        _e("survey.survey_queue", _l("Survey"), "survey"),
        _e("survey.callback_queue", _l("Callback"), "callback"),
        _e("survey.mine", _l("My callbacks"), "my_callbacks"),
        _e("survey.assign", _l("Callback assignment"), "assign", "problems"),
        _e("survey.remedies", _l("Remedy tasks"), "remedies"),
    )),
    ("settings", (
        _e("admin.users", _l("Users"), "admin"),
        _e("admin.teams", _l("Teams"), "teams"),
        _e("admin.configuration", _l("Configuration"), "config"),
        _e("survey.config", _l("Survey configuration"), "survey_config"),
        _e("privacy.index", _l("Personal data"), "privacy"),
    )),
)


@dataclass(frozen=True)
class Link:
    url_endpoint: str
    label: object
    active: bool


@dataclass(frozen=True)
class Group:
    key: str
    links: tuple
    active: bool


def _admits(entry: Entry, role: str) -> bool:
    rule = access_rule(entry.endpoint)
    return (isinstance(rule, frozenset) and role in rule
            and (entry.only is None or role in entry.only))


def menu_for(role: str, active: str | None) -> list[Group]:
    """The groups of links this role may open; empty groups are left out."""
    groups = []
    for key, entries in MENU:
        links = tuple(Link(e.endpoint, e.label_of(role), active in e.active)
                      for e in entries if _admits(e, role))
        if links:
            groups.append(Group(key, links, any(link.active for link in links)))
    return groups
