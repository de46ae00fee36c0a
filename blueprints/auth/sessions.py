"""Sessions: start and end one, and the idle and absolute limits checked on every request.

The signed session cookie carries when the user signed in and when they were last seen; the
server checks both (the cookie's own expiry is only a browser hint). Together with the
per-user session version in the cookie (see app._init_login), a copied cookie stops working
at sign-out, deactivation, a password change, or when either limit passes.
"""
import time

from flask import current_app, flash, request, session
from flask_babel import gettext as _
from flask_login import login_user, logout_user

from blueprints._htmx import is_self_refresh
from services.security import auth_event

SIGNED_IN_AT = "_signed_in_at"
SEEN_AT = "_seen_at"
#: Record "last seen" at most this often (seconds): one cookie update a minute is plenty.
SEEN_RESOLUTION = 60


#: The wall clock, in seconds. Not services.clock.utcnow: tests move that clock by days to
#: see deadlines pass, and a browser kept open across such a jump should stay signed in.
clock = time.time


def _now() -> int:
    return int(clock())


def _keep_language(clear):
    lang = session.get("lang")
    clear()
    if lang:
        session["lang"] = lang


def start(user) -> None:
    """Sign `user` in on a fresh session (nothing from before survives but the language)."""
    _keep_language(session.clear)
    login_user(user)
    session.permanent = True
    session[SIGNED_IN_AT] = session[SEEN_AT] = _now()


def end() -> None:
    """Sign the current user out of this browser and empty the session."""
    logout_user()
    _keep_language(session.clear)


def expiry_reason(now: int) -> str | None:
    """Why the signed-in session is over ("absolute", "idle", "untimed"), or None."""
    signed_in, seen = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in, int) or not isinstance(seen, int):
        return "untimed"  # a session from before the limits existed, or not ours
    config = current_app.config
    if now - signed_in >= config["SESSION_ABSOLUTE_TIMEOUT"]:
        return "absolute"
    if now - seen >= config["SESSION_IDLE_TIMEOUT"]:
        return "idle"
    return None


def enforce_limits():
    """before_request hook, run before access control: an expired session is ended, and
    the request carries on as anonymous (so it is sent to sign in)."""
    if "_user_id" not in session or request.endpoint == "static":
        return None
    now = _now()
    reason = expiry_reason(now)
    if reason is not None:
        user_id = str(session.get("_user_id", "")).split(":")[0]
        end()
        auth_event("session_expired", reason=reason, user_id=user_id)
        flash(_("Your session has ended. Please sign in again."), "info")
        return None
    # Polls (the bell, the review queue) are the page, not the person: they do not count as
    # activity, or an open tab would never be idle.
    if now - session[SEEN_AT] >= SEEN_RESOLUTION and not is_self_refresh():
        session[SEEN_AT] = now
    return None
