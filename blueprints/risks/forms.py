"""The risk form."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from blueprints.forms import Form, required_message, version_field

PROBABILITY_LABELS = {1: _l("1 Rare"), 2: _l("2 Unlikely"), 3: _l("3 Possible"),
                      4: _l("4 Likely"), 5: _l("5 Almost certain")}
IMPACT_LABELS = {1: _l("1 Minor"), 2: _l("2 Moderate"), 3: _l("3 Serious"), 4: _l("4 Major"),
                 5: _l("5 Severe")}


class RiskForm(Form):
    title = StringField(_l("Risk"), validators=[
        DataRequired(required_message()),
        Length(max=200, message=_l("At most %(max)d characters."))])
    description = TextAreaField(_l("Description and planned action"), validators=[
        Optional(), Length(max=4000, message=_l("At most %(max)d characters."))])
    probability = RadioField(_l("Probability"), coerce=int, validators=[
        InputRequired(_l("Choose a score from 1 to 5."))], choices=[])
    impact = RadioField(_l("Impact"), coerce=int, validators=[
        InputRequired(_l("Choose a score from 1 to 5."))], choices=[])
    owner_id = SelectField(_l("Risk owner"), coerce=int, choices=[], validate_choice=False)
    review_on = DateField(_l("Next review"), validators=[InputRequired(_l("Enter a date."))])
    status = SelectField(_l("Status"), choices=[])
    version = IntegerField(validators=[Optional()], render_kw={"hidden": True})  # new: none

    def __init__(self, *args, owners=(), status_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.probability.choices = list(PROBABILITY_LABELS.items())
        self.impact.choices = list(IMPACT_LABELS.items())
        self.owner_id.choices = [(u.id, f"{u.name} {u.employee_no}") for u in owners]
        self.status.choices = list((status_labels or {}).items())


class RiskEditForm(RiskForm):
    """A risk on the register, with the version it was opened at."""
    version = version_field()
