"""Pieces of HTML every page and poll repeats, rendered once per language and kept: the menu
of a role, the bell with its count."""
from flask import render_template, request
from markupsafe import Markup

from .language import per_language

#: At most this many kept fragments per worker (the least recently used go first).
FRAGMENT_CACHE_SIZE = 4096


@per_language(maxsize=FRAGMENT_CACHE_SIZE)
def _rendered(template: str, values: tuple, script_root: str) -> Markup:
    # The output of an autoescaping template: already safe HTML.
    return Markup(render_template(template, **dict(values)))  # noqa: S704  # nosec B704


def shared_fragment(template: str, **values) -> Markup:
    """A template that depends only on `values` (plus the language and the mount point),
    rendered once and kept for the worker's life. Never for anything personal."""
    return _rendered(template, tuple(sorted(values.items())), request.script_root)


def nav_links(role: str, active: str | None) -> Markup:
    """The menu's links for a role (templates/_nav.html): each a url_for and a translation."""
    return shared_fragment("_nav.html", role=role, nav_active=active)


def bell(count: int) -> Markup:
    """The bell with its unread count (templates/notices/bell.html)."""
    return shared_fragment("notices/bell.html", count=count)
