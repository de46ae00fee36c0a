"""Answering when the database stays busy (another writer held its lock past our wait):
503 with Retry-After, the page that was posted shown again with what was typed and
系统繁忙，请稍后重试, and one log line. Nothing was written, so sending it again is safe (the
new-ticket form carries an idempotency key besides).

How every form keeps what was typed without each view catching Busy: the handler runs the
view once more with writes refused and with every form invalid (blueprints.forms.Form), so
the view takes the path it takes for a form with mistakes and re-renders the form bound to
the request; that page goes out with 503. A view whose invalid path is not a page (a bare
button that redirects or answers 400) gets the 503 page instead."""
from flask import current_app, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from blueprints._htmx import render
from extensions import db
from services.db import Busy, writes_refused
from services.security import log_text

MESSAGE = _l("The system is busy. Please try again in a moment.")
#: The re-shown page's statuses: the form with its messages (422) or as first shown (200).
SHOWN_AGAIN = frozenset({200, 422})


def showing_again() -> bool:
    """Whether this request is re-showing its page after Busy: forms are then invalid."""
    return g.get("busy_replay", False)


def answer_busy(exc: Busy):
    """Error handler for Busy (app.py)."""
    db.session.rollback()
    current_app.logger.warning("database busy endpoint=%s method=%s reason=%s: answered 503",
                               log_text(request.endpoint), request.method,
                               log_text(exc.reason))
    g.busy_notice = str(MESSAGE)  # shown where flash messages are (templates/_flash.html)
    response = None
    view = current_app.view_functions.get(request.endpoint)
    if request.method != "GET" and view is not None:
        g.busy_replay = True
        try:
            with writes_refused():
                response = current_app.make_response(view(**(request.view_args or {})))
        except Exception:  # whatever the second run meets, the 503 page below
            response = None
        finally:
            g.busy_replay = False
            db.session.rollback()
    if response is None or response.status_code not in SHOWN_AGAIN:
        g.busy_notice = ""  # the page below says it
        response = render("errors/error.html", "error_body", status_code=503,
                          title=_("System busy"), message=str(MESSAGE))
    response.status_code = 503
    response.headers["Retry-After"] = str(current_app.config["BUSY_RETRY_AFTER"])
    return response
