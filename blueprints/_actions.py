"""Answering an action: a redirect back to where it was taken on success, the page again with
the form's messages beside the fields (422), or the reason a move was refused (409 for the
state, 403 for the person). `answer` is the rule; `act` applies it to the ticket page, and
other pages (the survey contact page) give it their own page and destination."""
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from blueprints._htmx import hx_redirect, wants_fragment
from blueprints.tickets.views import load_ticket, show_ticket, translate
from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed


def answer(call, *, done, refused, invalid):
    """Run one use case and answer: done(what it returned) on success; invalid(exc) for field
    problems (the page again, 422); refused(exc, status) when the state no longer allows the
    move or someone changed the record (409), or the person may not make it (403)."""
    try:
        result = call()
    except FormProblems as exc:
        return invalid(exc)
    except (InvalidTransition, Conflict) as exc:
        return refused(exc, 409)
    except NotAllowed as exc:
        return refused(exc, 403)
    return done(result)


def on_page(call, *, done, page, form):
    """answer() for an action whose form is shown by page(status): the reason a move was
    refused above the page (409/403), field problems beside the form's fields (422)."""
    def refused(exc, status):
        flash(translate(exc), "error")
        return page(status)

    def invalid(exc):
        put_problems(form, exc)
        return page(422)

    return answer(call, done=done, refused=refused, invalid=invalid)


def put_problems(form, exc: FormProblems, *, elsewhere=None) -> None:
    """The service's messages beside the fields they name. A message for no field of the
    form goes to elsewhere(text) when given, else above the form (form_errors)."""
    for field, problem in exc.problems.items():
        message, params = (problem, {}) if isinstance(problem, str) else problem
        text = _(message, **params)
        target = getattr(form, field, None)
        if target is None and elsewhere is not None:
            elsewhere(text)
            continue
        errors = target.errors if target is not None else form.form_errors
        if isinstance(errors, tuple):
            errors = list(errors)
            target.errors = errors
        errors.append(text)


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
