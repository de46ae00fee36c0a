"""Answering an action taken on the ticket page: a redirect back to where it was taken on
success, the page again with the form's messages beside the fields (422), or the reason a
move was refused (409 for the state, 403 for the person). Shared by every ticket action."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from blueprints._htmx import hx_redirect, wants_fragment
from blueprints.tickets.views import load_ticket, show_ticket, translate
from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed


def done(ticket_id: int, message: str, anchor: str = "quality"):
    flash(message, "success")
    if request.form.get("from") == "queue":
        return hx_redirect(url_for("quality.queue"))
    if request.form.get("from") == "review":
        return hx_redirect(url_for("handover.queue"))
    return hx_redirect(url_for("tickets.show", ticket_id=ticket_id) + "#" +
                       request.form.get("anchor", anchor))


def refused(ticket_id: int, exc, status: int = 409):
    """A move refused (409: the state no longer allows it; 403: not this user's to make):
    say why and show the ticket as it is."""
    flash(translate(exc), "error")
    if request.form.get("from") == "queue":
        if wants_fragment():
            return hx_redirect(url_for("quality.queue"))
        return redirect(url_for("quality.queue"), code=303)
    return show_ticket(load_ticket(ticket_id), status=status)


def invalid(ticket_id: int, form_name: str, form, exc=None):
    """Put the service's field messages beside the fields and show the page again (422)."""
    if exc is not None:
        for field, problem in exc.problems.items():
            message, params = (problem, {}) if isinstance(problem, str) else problem
            target = getattr(form, field, None)
            errors = target.errors if target is not None else form.form_errors
            if isinstance(errors, tuple):
                errors = list(errors)
                target.errors = errors
            errors.append(_(message, **params))
    return show_ticket(load_ticket(ticket_id), status=422, **{form_name: form})


def act(ticket_id, call, success, form_name=None, form=None, anchor: str = "quality"):
    try:
        call()
    except FormProblems as exc:
        return invalid(ticket_id, form_name, form, exc)
    except (InvalidTransition, Conflict) as exc:
        return refused(ticket_id, exc)
    except NotAllowed as exc:
        return refused(ticket_id, exc, status=403)
    return done(ticket_id, success, anchor)
