"""Answering an action: a redirect back to where it was taken on success, the page again with
the form's messages beside the fields (422), or the reason a move was refused (409 for the
state, 403 for the person). `answer` is the rule; blueprints/ticket_page/actions.py applies it
to the ticket page, and other pages (the survey contact page) give it their own page and
destination."""
from flask import flash
from flask_babel import gettext as _

from blueprints.ui import state_label
from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed


def translate(exc) -> str:
    """A domain error's message in the user's language."""
    params = dict(exc.params)
    if "state" in params:
        params["state"] = state_label(params["state"])
    return _(exc.message, **params)


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
