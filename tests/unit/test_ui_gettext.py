"""The templates' _() and gettext() (blueprints.ui, called directly for speed) give exactly
what Jinja's own newstyle gettext gives over Flask-Babel's catalogue: the same text in both
languages, escaped the same way, whatever a variable holds."""
import jinja2
import pytest
from flask import render_template_string
from flask_babel import force_locale, get_translations
from markupsafe import Markup

#: Real msgids without and with variables, one whose text has a literal "%%", and one that is
#: in no catalogue (it reads as typed).
CALLS = [
    ("Claim", {}),
    ("Quality queue", {}),
    ("Updated %(time)s", {"time": "10:00:00"}),
    ("%(n)d notes", {"n": 3}),
    ("%(name)s has already claimed this ticket.", {"name": "张三"}),
    ("%(n)d of %(total)d have voted", {"n": 2, "total": 6}),
    ("established rate (0–100 %%)", {}),
    ("Not in any catalogue, 100%% as typed", {}),
    ("Not in any catalogue: %(x)s", {"x": "x"}),
]
#: What a person could type into a name or a note, shown through a variable.
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "&lt;b&gt; & \"'",
            Markup("<b>already safe</b>"), "{{ 7 * 7 }}", "%(time)s %%"]

SOURCE = "{{ _(msgid, **variables) }}|{{ gettext(msgid, **variables) }}"


@pytest.fixture
def jinja_own(app):
    """An environment with Jinja's own newstyle gettext, as Flask-Babel installs it."""
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_callables(
        gettext=lambda s: get_translations().ugettext(s),
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n), newstyle=True)
    return env


def _cases():
    for msgid, variables in CALLS:
        yield msgid, variables
        for payload in PAYLOADS:  # into every text variable (%(name)s)
            if texts := {name: payload for name in variables if f"%({name})s" in msgid}:
                yield msgid, {**variables, **texts}


@pytest.mark.parametrize("autoescape", [True, False])
@pytest.mark.parametrize("locale", ["zh_Hans_CN", "en"])
def test_template_gettext_equals_jinjas(app, jinja_own, locale, autoescape):
    source = SOURCE if autoescape else f"{{% autoescape false %}}{SOURCE}{{% endautoescape %}}"
    expected = jinja_own.from_string(source)
    with app.test_request_context(), force_locale(locale):
        for msgid, variables in _cases():
            ours = render_template_string(source, msgid=msgid, variables=variables)
            assert ours == expected.render(msgid=msgid, variables=variables), (msgid, variables)


def test_the_catalogue_is_used(app):
    """The comparison above is over translated text, not over msgids read as typed."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        assert render_template_string('{{ _("Claim") }}') != "Claim"
