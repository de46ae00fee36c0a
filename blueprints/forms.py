"""Form pieces shared by several areas."""
from babel.support import Translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, PasswordField, StringField
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, ValidationError

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

    #: A bare button (nothing typed): one that does not validate is a bad request (400), as
    #: there is no field to show a message beside (blueprints/_actions.checked).
    is_button = False

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


def version_field():
    """The version of the record a form acts on, as its page showed it: a stale page or a
    second click then changes nothing (the service compares it). Required: a form without it
    would skip that check, so it is refused (400, blueprints/_actions.checked). The browser
    is not asked to require it (`required` off): nobody can fill in a hidden field."""
    return IntegerField(validators=[InputRequired()],
                        render_kw={"hidden": True, "required": False})


class VersionForm(Form):
    """A CSRF-protected button that carries the version of the record it acts on, so a stale
    page or a double click changes nothing."""
    is_button = True
    version = version_field()


class EmptyForm(Form):
    """A CSRF-protected bare button."""
    is_button = True


def required_message():
    return _l("This field is required.")


def first_error(form) -> str | None:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return None


__all__ = ["EmptyForm", "Form", "HiddenField", "NameField", "VersionForm", "version_field",
           "first_error", "required_message"]
