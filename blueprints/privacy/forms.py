"""Forms of the personal-data page."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from blueprints.forms import Form


def _days(label):
    return IntegerField(label, validators=[
        InputRequired(_l("This field is required.")),
        NumberRange(min=30, max=3650, message=_l("Between %(min)d and %(max)d days."))])


class RetentionForm(Form):
    contact_days = _days(_l("Customer contact data (days)"))
    audio_days = _days(_l("Audio excerpts (days)"))


class LookupForm(Form):
    phone = StringField(_l("Customer's phone number"), validators=[
        InputRequired(_l("This field is required.")), Length(max=32)])


class AnonymiseForm(LookupForm):
    reason = TextAreaField(_l("Reason (e.g. the customer's request of which day)"), validators=[
        InputRequired(_l("This field is required.")), Length(max=500)])
    sure = BooleanField(_l("I understand this cannot be undone: the numbers and texts are "
                           "masked for good."), validators=[
        InputRequired(_l("Tick to confirm."))])
