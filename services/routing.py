"""The routing table (SPEC §4) as the admin keeps it: read, route, edit (audited)."""
from sqlalchemy import select

from domain.errors import N_, Conflict, NotFound
from domain.routing import Group, Rule, route
from models import RouteRule

from . import audit
from .db import db, write_transaction


def rules() -> list[Rule]:
    return [Rule(r.prefix, Group(r.group)) for r in db.session.scalars(select(RouteRule))]


def group_of(employee_no: str | None) -> str | None:
    group = route(employee_no, rules())
    return group.value if group else None


def list_rules() -> list[RouteRule]:
    return list(db.session.scalars(select(RouteRule).order_by(RouteRule.group, RouteRule.prefix)))


def save_rule(prefix: str, group: str, *, actor, now) -> RouteRule:
    """Add a prefix, or move an existing prefix to another group."""
    prefix = (prefix or "").strip()
    if not prefix.isdigit() or len(prefix) > 10 or not prefix.isascii():
        raise Conflict(N_("A prefix is 1 to 10 digits."))
    if group not in set(Group):
        raise Conflict(N_("Choose a group."))
    with write_transaction():
        rule = db.session.scalar(select(RouteRule).where(RouteRule.prefix == prefix))
        before = rule.group if rule else None
        if rule is None:
            rule = RouteRule(prefix=prefix, group=group)
            db.session.add(rule)
        rule.group = group
        audit.record("route_rule_save", actor=actor, now=now,
                     detail={"prefix": prefix, "from": before, "to": group})
    return rule


def delete_rule(rule_id: int, *, actor, now) -> None:
    """Stop routing a prefix (tickets already routed keep their group)."""
    with write_transaction():
        rule = db.session.get(RouteRule, rule_id)
        if rule is None:
            raise NotFound("No such rule.")
        audit.record("route_rule_delete", actor=actor, now=now,
                     detail={"prefix": rule.prefix, "from": rule.group})
        db.session.delete(rule)
