"""Roles (角色): one per user, SPEC §1."""
from enum import StrEnum


class Role(StrEnum):
    STAFF = "staff"                # 客服代表
    TEAM_LEAD = "team_lead"        # 领班
    CHECKER = "checker"            # 自控组工作人员
    OWNER = "owner"                # 白名单负责人
    DUTY_MANAGER = "duty_manager"  # 主值班
    GROUP_HEAD = "group_head"      # 受理组负责人
    SITE_HEAD = "site_head"        # 10010现场负责人
    ADMIN = "admin"                # 系统管理员


ALL_ROLES = frozenset(Role)
#: The quality self-control team.
QUALITY = frozenset({Role.CHECKER, Role.OWNER})
#: Roles that see every ticket once it has been signed over (SPEC §1).
SEES_ALL_HANDED_OVER = frozenset(
    {Role.CHECKER, Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD, Role.SITE_HEAD})
#: Roles that may file a ticket: agents, and leads ("everything staff may").
FILERS = frozenset({Role.STAFF, Role.TEAM_LEAD})
#: Roles whose members belong to a team.
TEAM_ROLES = frozenset({Role.STAFF, Role.TEAM_LEAD})
#: Who may file an appeal sheet (申诉权: 领班 → 主值班 → 受理组负责人).
APPEAL_CHAIN = frozenset({Role.TEAM_LEAD, Role.DUTY_MANAGER, Role.GROUP_HEAD})
#: Who may sit on a vote panel: any active user but IT (admin has no access to ballots).
PANELLIST_ROLES = frozenset(Role) - {Role.ADMIN}
