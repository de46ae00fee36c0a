"""Answering an action taken on the ticket page (blueprints/_actions.answer applied to it): back
to the page (or the queue it was taken from) on success, the page with the form's messages
beside the fields (422), or the reason the move was refused (409/403)."""
from flask import flash, redirect, request, url_for

from blueprints._actions import answer, put_problems, translate
from blueprints._htmx import hx_redirect, wants_fragment

from .page import load_ticket, show_ticket


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
        put_problems(form, exc)
    return show_ticket(load_ticket(ticket_id), status=422, **{form_name: form})


def act(ticket_id, call, success, form_name=None, form=None, anchor: str = "quality"):
    return answer(call, done=lambda _result: done(ticket_id, success, anchor),
                  refused=lambda exc, status: refused(ticket_id, exc, status),
                  invalid=lambda exc: invalid(ticket_id, form_name, form, exc))
