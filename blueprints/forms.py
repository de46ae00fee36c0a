"""Form pieces shared by several areas."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import Optional


class VersionForm(FlaskForm):
    """A CSRF-protected button that carries the version of the record it acts on, so a stale
    page or a double click changes nothing."""
    version = IntegerField(validators=[Optional()], render_kw={"hidden": True})


class EmptyForm(FlaskForm):
    """A CSRF-protected bare button."""


def required_message():
    return _l("This field is required.")


def first_error(form) -> str | None:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return None


__all__ = ["EmptyForm", "HiddenField", "VersionForm", "first_error", "required_message"]
