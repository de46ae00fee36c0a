"""Answering an action, the one way every page does it (`answer`): the posted form checked
first, then one use case, then

- done: the message, and back where the action was taken — to the form's `next` when it
  names one (a page of this site on the BACK_TO list, and nowhere else), else to the page
  the action belongs to; POST/redirect/GET, or HX-Redirect for htmx;
- refused: the reason as a message and the page again, 409 when the state no longer allows
  the move or someone changed the record first, 403 when the move is not this person's to
  make (a form that came from another page, by its `next`, is sent back there instead);
- invalid: the page again with the messages beside the fields, 422. A bare button that does
  not validate, or a form without the version of the record it acts on, is a bad request
  (400): there is no field for the person to correct."""
import re
from urllib.parse import urlsplit

from flask import abort, current_app, flash, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from blueprints._htmx import hx_redirect
from blueprints.ui import state_label
from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed

#: The pages a form may name as its `next`: the ticket page and the pages that hold forms for
#: another area's actions (the review queue, the home page).
BACK_TO = frozenset({"tickets.show", "handover.queue", "main.home"})
#: A path on this site: printable ASCII without spaces or backslashes, not `//…`.
_LOCAL_PATH = re.compile(r"/(?!/)[!-\[\]-~]{0,500}")


def translate(exc) -> str:
    """A domain error's message in the user's language."""
    params = dict(exc.params)
    if "state" in params:
        params["state"] = state_label(params["state"])
    return _(exc.message, **params)


def back_to(target: str | None) -> str | None:
    """`target` when it is the address of a page on BACK_TO, else None."""
    if not target or not _LOCAL_PATH.fullmatch(target):
        return None
    path = urlsplit(target).path
    root = request.script_root
    if not path.startswith(root + "/"):
        return None
    try:
        endpoint, _args = current_app.create_url_adapter(request).match(
            path[len(root):], method="GET")
    except HTTPException:
        return None
    return target if endpoint in BACK_TO else None


def next_url() -> str | None:
    """The posted form's `next` (None when it names none). Any other address than a page on
    BACK_TO is a forged form: 400, before anything runs."""
    target = request.form.get("next")
    if not target:
        return None
    if back_to(target) is None:
        abort(400)
    return target


def checked(form, page):
    """None when `form` validates; else the answer: 400 for a bare button or a form without
    the version of its record, the page with the messages beside the fields (422) otherwise.
    answer() does this itself; a view that looks at the form before the use case (the
    confirmation step of a decision) calls it first."""
    if form.validate():
        return None
    if form.is_button or "version" in form.errors:
        abort(400)
    return page(422, form)


def answer(call, *, page, back=None, done=None, form=None, elsewhere=None, show=None):
    """Check `form`, run `call` (one use case) and answer as the module says.

    page(status, form=None): the page the action belongs to, with `form` bound to its
        messages (422) or afresh (409, 403).
    back: where success goes when the form names no `next`: an address, or a function of
        what `call` returned.
    show: instead of going back, success answers with show(what `call` returned), a page
        (200): for what is shown once and kept nowhere (a new screen's link) or a look-up.
    done: the success message: text, a function of what `call` returned, or None.
    form: the posted form (None: nothing posted but the CSRF token, checked for every POST).
        The use case's messages (FormProblems) go beside its fields; a message for no field
        goes to elsewhere(text) when given, else above the form. A bare button has no field:
        its messages are the reason it was refused (409).
    """
    target = next_url()
    if form is not None:
        invalid = checked(form, page)
        if invalid is not None:
            return invalid
    try:
        result = call()
    except FormProblems as exc:
        if form is None or form.is_button:
            return refuse(exc, 409, page, target)
        put_problems(form, exc, elsewhere=elsewhere)
        return page(422, form)
    except (InvalidTransition, Conflict) as exc:
        return refuse(exc, 409, page, target)
    except NotAllowed as exc:
        return refuse(exc, 403, page, target)
    message = done(result) if callable(done) else done
    if message:
        flash(message, "success")
    if show is not None:
        return show(result)
    return hx_redirect(target or (back(result) if callable(back) else back))


def refuse(exc, status: int, page, target: str | None = None):
    """The reason a move was refused, above its page (409/403), or above the page the form
    came from (`target`, its `next`) after a redirect."""
    flash(translate(exc), "error")
    if target is not None:
        return hx_redirect(target)
    return page(status)


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
