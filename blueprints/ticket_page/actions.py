"""Answering an action taken on the ticket page: blueprints/_actions.answer with this page."""
from flask import url_for

from blueprints._actions import answer

from .page import load_ticket, show_ticket


def page_of(ticket_id: int, form_name: str | None = None):
    """The ticket page as answer() shows it again: page(status, form), with a form bound to
    what was posted under its name in the page (`form_name`), or every form afresh."""
    def page(status, bound=None):
        forms = {form_name: bound} if bound is not None and form_name else {}
        return show_ticket(load_ticket(ticket_id), status=status, **forms)
    return page


def act(ticket_id: int, call, done, *, form=None, form_name: str | None = None,
        anchor: str | None = "quality"):
    """Check `form`, run `call` and answer: back to the ticket page at `anchor` (or to the
    form's `next`), or the page again with the form under `form_name` beside its messages
    (422), or with the reason the move was refused (409/403)."""
    return answer(call, page=page_of(ticket_id, form_name), form=form, done=done,
                  back=url_for("tickets.show", ticket_id=ticket_id, _anchor=anchor))
