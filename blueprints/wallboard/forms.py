"""Wallboard set-up forms: a screen's name, the thresholds."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from blueprints.forms import Form
from domain.wallboard import INDICATORS


class ScreenForm(Form):
    name = StringField(_l("Screen name (where it hangs)"), validators=[
        InputRequired(_l("This field is required.")),
        Length(max=64, message=_l("At most %(max)d characters."))])


def _threshold():
    return IntegerField(validators=[
        InputRequired(_l("This field is required.")),
        NumberRange(min=0, max=100000, message=_l("A whole number from 0."))])


class ThresholdsForm(Form):
    """One whole number per indicator (domain.wallboard.INDICATORS), by its key."""


for _indicator in INDICATORS:
    setattr(ThresholdsForm, _indicator.key, _threshold())
