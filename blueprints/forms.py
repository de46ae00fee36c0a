"""Form pieces shared by several areas."""
from babel.support import Translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import Optional, ValidationError

from blueprints._busy import showing_again
from blueprints.ui import per_language, request_language
from domain.text import BIDI_IN_NAME, has_bidi_controls, strip_bidi_controls


@per_language()
def _wtforms_catalogue() -> Translations:
    """WTForms' own catalogue ("Not a valid integer value." …)."""
    return Translations.load(messages_path(), [request_language()], domain="wtforms")


class _WTFormsMessages:
    """WTForms' messages in the request's language, as Flask-WTF gives them, but from a
    catalogue read once per language: Flask-WTF reads and parses it from disk in every
    request that shows one."""

    def gettext(self, string):
        return _wtforms_catalogue().ugettext(string)

    def ngettext(self, singular, plural, n):
        return _wtforms_catalogue().ungettext(singular, plural, n)


_MESSAGES = _WTFormsMessages()


class NameField(StringField):
    """A person's or a team's name: direction controls (domain.text.BIDI_CONTROLS) are
    refused beside the field rather than removed, so a name is stored as it shows."""

    def pre_validate(self, form):
        if has_bidi_controls(self.data):
            raise ValidationError(_l(BIDI_IN_NAME))


class Form(FlaskForm):
    """The base of every form here: Flask-WTF's (CSRF, request data) with WTForms' messages
    from a kept catalogue. Every text field but passwords and names drops direction
    controls from what is typed, so no displayed text can be reordered."""

    class Meta:
        def get_translations(self, form):
            return _MESSAGES

        def bind_field(self, form, unbound_field, options):
            kind = unbound_field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, (PasswordField,
                                                                         NameField)):
                options = {**options, "filters": (
                    *unbound_field.kwargs.get("filters", ()), strip_bidi_controls)}
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None):
        # While the page is shown again after the database stayed busy (blueprints/_busy.py)
        # no form is valid: the view re-renders it with what was typed, as for a mistake.
        return super().validate(extra_validators) and not showing_again()


class VersionForm(Form):
    """A CSRF-protected button that carries the version of the record it acts on, so a stale
    page or a double click changes nothing."""
    version = IntegerField(validators=[Optional()], render_kw={"hidden": True})


class EmptyForm(Form):
    """A CSRF-protected bare button."""


def required_message():
    return _l("This field is required.")


def add_problems(form, exc) -> None:
    """Put a service's field messages (FormProblems.problems) beside the form's fields."""
    from flask_babel import gettext
    for name, problem in exc.problems.items():
        message, params = (problem, {}) if isinstance(problem, str) else problem
        target = getattr(form, name, None)
        if target is None:
            form.form_errors.append(gettext(message, **params))
        else:
            target.errors = [*target.errors, gettext(message, **params)]


def first_error(form) -> str | None:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return None


__all__ = ["add_problems", "EmptyForm", "Form", "HiddenField", "NameField", "VersionForm",
           "first_error", "required_message"]
