"""Directory accounts (目录账号): which Zikong role and team a person's directory groups give,
and what a sync changes. Pure: the LDAP conversation is services/directory_client.py."""
from dataclasses import dataclass, field

from .errors import N_
from .people import team_name_problem
from .roles import TEAM_ROLES, Role
from .text import strip_bidi_controls

#: When someone's groups map to several roles, the one highest here wins: a lead is usually
#: in the agents' group as well, and a mapping row is not a place to encode precedence.
PRECEDENCE = (Role.ADMIN, Role.SITE_HEAD, Role.GROUP_HEAD, Role.OWNER, Role.DUTY_MANAGER,
              Role.CHECKER, Role.TEAM_LEAD, Role.STAFF)


@dataclass(frozen=True)
class Entry:
    """A person as the directory describes them."""
    employee_no: str
    name: str
    dn: str
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Mapping:
    """One row of the mapping: members of `group` (a DN) get `role`, and `team` for agents
    and leads."""
    group: str
    role: str
    team: str = ""


@dataclass(frozen=True)
class Placement:
    role: str
    team: str | None


def normalize_dn(dn: str) -> str:
    """DNs compare without case and without spaces around the separators."""
    parts = [part.strip() for part in (dn or "").split(",")]
    return ",".join("=".join(side.strip() for side in part.split("=", 1)) for part in parts) \
        .lower()


def place(groups, mapping: list[Mapping]) -> Placement | None:
    """The role and team the groups give; None when no group of theirs is mapped."""
    mine = {normalize_dn(g) for g in groups}
    matched = [row for row in mapping if normalize_dn(row.group) in mine]
    if not matched:
        return None
    best = min(matched, key=lambda row: PRECEDENCE.index(Role(row.role)))
    return Placement(role=best.role, team=best.team or None)


def clean_name(name: str | None, fallback: str) -> str:
    """A directory name fit for Zikong: direction controls removed, at most 64 characters."""
    cleaned = strip_bidi_controls(name or "").strip()[:64]
    return cleaned or fallback


def mapping_problems(group: str, role: str, team: str) -> dict[str, str]:
    """Field -> English msgid for a mapping row the admin typed."""
    problems = {}
    if "=" not in (group or "") or len(group) > 300:
        problems["group"] = N_("Enter the group's full DN, e.g. cn=zk-agents,ou=groups,dc=corp.")
    if role not in set(Role):
        problems["role"] = N_("Choose a role.")
    elif Role(role) in TEAM_ROLES and not (team or "").strip():
        problems["team"] = N_("Agents and team leads belong to a team.")
    if problem := team_name_problem(team):
        problems["team"] = problem
    return problems


@dataclass
class Change:
    """What a sync does to one account: `fields` name -> (before, after); `deactivate` with
    its reason ("left" the directory, or "unmapped": no group of theirs maps any more)."""
    employee_no: str
    fields: dict = field(default_factory=dict)
    deactivate: str | None = None


def sync_change(employee_no: str, *, name: str, role: str, team: str | None, active: bool,
                entry: Entry | None, placement: Placement | None) -> Change | None:
    """The change a sync makes to one directory account, or None when it is up to date.
    Deactivated accounts stay as they are: coming back is the administrator's decision."""
    if not active:
        return None
    if entry is None:
        return Change(employee_no, deactivate="left")
    if placement is None:
        return Change(employee_no, deactivate="unmapped")
    change = Change(employee_no)
    new_name = clean_name(entry.name, name)
    for key, before, after in (("name", name, new_name), ("role", role, placement.role),
                               ("team", team, placement.team)):
        if before != after:
            change.fields[key] = (before, after)
    return change if change.fields else None
