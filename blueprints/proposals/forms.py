"""Writing a proposal; an addressee's decision."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import Form, version_field
from domain.proposals import BODY_MAX, NOTE_MAX, TITLE_MAX


def _max(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


class ProposalForm(Form):
    title = StringField(_l("Title"), validators=[InputRequired(_l("This field is required.")),
                                                 _max(TITLE_MAX)])
    body = TextAreaField(_l("Proposal"), validators=[
        InputRequired(_l("This field is required.")), _max(BODY_MAX)],
        description=_l("What keeps causing complaints, why, and the handling you propose."))
    # What it rests on, carried from the link that opened the form.
    source = HiddenField()
    key = HiddenField()
    start = HiddenField()
    end = HiddenField()
    warning = HiddenField()
    note = HiddenField()


class DecisionForm(Form):
    decision = RadioField(_l("Decision"), choices=[], validators=[
        InputRequired(_l("Choose a decision."))])
    note = TextAreaField(_l("Note"), validators=[Optional(), _max(NOTE_MAX)],
                         description=_l("Required unless adopted: why, or which part."))
    version = version_field()

    def __init__(self, *args, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = list((labels or {}).items())
