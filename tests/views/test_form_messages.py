"""WTForms' own messages (a number that is not a number …) reach the user in the request's
language, from WTForms' catalogue read once per language rather than in every request; what
the base Form does to every text field typed."""
from flask import session
from wtforms import IntegerField, PasswordField, StringField

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
    forms._wtforms_catalogue.cache_clear()
    assert _errors_in(app, "zh_Hans_CN") == ["不是有效的整数。"]
    assert _errors_in(app, "en") == ["Not a valid integer value."]
    assert _errors_in(app, "zh_Hans_CN") == ["不是有效的整数。"]
    assert _errors_in(app, "en") == ["Not a valid integer value."]
    assert loads == [["zh_Hans_CN"], ["en"]]


def _form_classes():
    found, todo = [], [forms.Form]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def test_every_text_field_of_every_form_drops_direction_controls(app):
    """The base Form's filter reaches every text field of every form (names refuse the
    characters instead, beside the field); passwords are left exactly as typed."""
    typed = "甲\u202e乙\u2066丙\u200f"
    checked = refused = 0
    for form_class in _form_classes():
        with app.test_request_context(method="POST"):
            names = [f.name for f in form_class(meta={"csrf": False})]
        data = {name: typed for name in names}
        with app.test_request_context(method="POST", data=data):
            form = form_class(meta={"csrf": False})
            form.validate()
            for field in form:
                if not isinstance(field, StringField) or field.raw_data != [typed]:
                    continue
                if isinstance(field, PasswordField):
                    assert field.data == typed, (form_class.__name__, field.name)
                elif isinstance(field, forms.NameField):
                    assert field.data == typed and field.errors, (form_class.__name__, field.name)
                    assert "文字方向" in str(field.errors[0])
                    refused += 1
                else:
                    assert field.data == "甲乙丙", (form_class.__name__, field.name)
                    checked += 1
    assert checked > 40 and refused >= 4
