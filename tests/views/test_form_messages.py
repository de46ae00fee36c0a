"""WTForms' own messages (a number that is not a number …) reach the user in the request's
language, from WTForms' catalogue read once per language rather than in every request."""
from flask import session
from wtforms import IntegerField

from blueprints import forms


class _Sample(forms.Form):
    count = IntegerField()


def _errors_in(app, lang: str) -> list[str]:
    # A request of its own, as under gunicorn: a fresh app context (and g) for each.
    with app.app_context(), app.test_request_context(method="POST", data={"count": "abc"}):
        session["lang"] = lang
        form = _Sample(meta={"csrf": False})
        assert not form.validate()
        return form.count.errors


def test_wtforms_messages_follow_the_language_from_a_catalogue_read_once(app, monkeypatch):
    loads, load = [], forms.Translations.load
    monkeypatch.setattr(forms.Translations, "load",
                        lambda *args, **kwargs: loads.append(args[1]) or load(*args, **kwargs))
    monkeypatch.setattr(forms, "_WTFORMS_CATALOGUES", {})
    assert _errors_in(app, "zh_Hans_CN") == ["不是有效的整数。"]
    assert _errors_in(app, "en") == ["Not a valid integer value."]
    assert _errors_in(app, "zh_Hans_CN") == ["不是有效的整数。"]
    assert _errors_in(app, "en") == ["Not a valid integer value."]
    assert loads == [["zh_Hans_CN"], ["en"]]
