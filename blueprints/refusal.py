"""A refused action shown where the user is looking: the template side is the action_form
macro (templates/_macros.html) and static/js/app.js; this module gives templates
`refused_here` and flashes the short message a 422 page carries besides its form."""
from flask import flash, request
from flask_babel import gettext as _


def refused_here(action: str) -> bool:
    """Whether this request is the POST to `action` (a form's URL): a page answering it
    shows the action refused, since success redirects."""
    return request.method == "POST" and request.path == action.partition("#")[0].partition("?")[0]


def flash_form_problems() -> None:
    """The flash of a form sent back with its messages (422): the summary at the top of the
    form lists them."""
    flash(_("Not saved: see the messages at the top of the form."), "error")


def register(app) -> None:
    """After ui.register: a template module sees the globals there were when it was made, so
    the macro comes from a module made once `refused_here` is one."""
    app.jinja_env.globals["refused_here"] = refused_here
    macros = app.jinja_env.get_template("_macros.html").make_module()
    app.jinja_env.globals["action_form"] = macros.action_form
