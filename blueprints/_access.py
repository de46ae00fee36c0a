"""Deny-by-default access control. Every view declares who may use it with @roles(...) or
@public; enforce() runs before every request and refuses any endpoint that declares nothing."""
from flask import abort, current_app, request
from flask_login import current_user

from domain.roles import ALL_ROLES, Role
from extensions import login_manager

PUBLIC = "public"
_ATTR = "zikong_access"


def roles(*allowed: Role):
    """Declare the roles that may use a view (checked centrally by enforce())."""
    unknown = set(allowed) - ALL_ROLES
    if not allowed or unknown:
        raise ValueError(f"roles() needs known roles, got {allowed!r}")

    def decorate(view):
        setattr(view, _ATTR, frozenset(allowed))
        return view
    return decorate


def signed_in(view):
    """Any signed-in user, whatever the role."""
    return roles(*ALL_ROLES)(view)


def public(view):
    """No sign-in needed (sign-in page, health check)."""
    setattr(view, _ATTR, PUBLIC)
    return view


def access_rule(endpoint: str):
    """The declared rule of an endpoint: a frozenset of roles, PUBLIC, or None (undeclared)."""
    if endpoint == "static":
        return PUBLIC
    view = current_app.view_functions.get(endpoint)
    return getattr(view, _ATTR, None)


def enforce():
    """before_request hook: 404 for undeclared endpoints, sign-in for anonymous users,
    403 for a role the view does not admit."""
    if request.endpoint is None:  # no route matched: the 404/405 handlers answer
        return None
    rule = access_rule(request.endpoint)
    if rule is None:
        current_app.logger.error("endpoint %s declares no access rule", request.endpoint)
        abort(404)
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role not in rule:
        abort(403)
    return None

