"""The request's language and translations, looked up once per request; words kept once per
language (`per_language`); and the templates' gettext."""
import functools

from flask import g, has_request_context
from flask_babel import get_locale, get_translations
from jinja2 import pass_context
from markupsafe import Markup


def _once_per_request(name: str, look_up):
    """look_up() the first time a request asks, kept on flask.g for the rest of it."""
    if not has_request_context():
        return look_up()
    value = g.get(name)
    if value is None:
        value = look_up()
        setattr(g, name, value)
    return value


def request_language() -> str:
    """The request's language ("zh_Hans_CN", "en"), looked up once per request: Flask-Babel
    resolves its context and the locale on every call, and a page asks for every label and
    countdown. A request keeps one language: switching it (/lang) answers with a redirect."""
    return _once_per_request("_zikong_language", lambda: str(get_locale()))


def request_translations():
    """The request's translations, looked up once per request (as request_language)."""
    return _once_per_request("_zikong_translations", get_translations)


def per_language(maxsize: int | None = None):
    """Decorator: the function's result for the request's language and these arguments,
    computed once and kept for the worker's life (`maxsize` entries at most, the least
    recently used going first). For words and pieces of HTML a page repeats that depend on
    nothing but the language and the arguments: never for anything personal."""
    def decorate(build):
        @functools.lru_cache(maxsize=maxsize)
        def kept(_language, *args):
            return build(*args)

        @functools.wraps(build)
        def in_request_language(*args):
            return kept(request_language(), *args)
        in_request_language.cache_clear = kept.cache_clear
        return in_request_language
    return decorate


@pass_context
def template_gettext(context, string: str, **variables):
    """_() and gettext() in templates: what Jinja's newstyle gettext does (the text marked
    safe under autoescape, then `% variables`, which escapes them), but called directly
    rather than through Jinja's alias and wrapper, with the request's translations. A text
    with nothing to fill and no "%" reads the same unformatted. tests/unit/test_ui_gettext.py
    keeps it equal to Jinja's."""
    rv = request_translations().ugettext(string)
    if context.eval_ctx.autoescape:  # our own catalogue, marked safe as Jinja does
        rv = Markup(rv)  # noqa: S704  # nosec B704
    return rv % variables if variables or "%" in rv else rv


def install_gettext(env) -> None:
    """Jinja's _(), ngettext() …: Flask-Babel's behaviour, with the per-request lookup."""
    env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
        newstyle=True)
    env.globals.update(_=template_gettext, gettext=template_gettext)
