"""Posting a feedback note; the duty manager's outcome for one."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import AnyOf, InputRequired, Length, Optional

from blueprints.forms import Form, version_field
from domain.notes import OUTCOME_NOTE_MAX, TEXT_MAX
from services.feedback import DIRECT


class NoteForm(Form):
    text = TextAreaField(_l("What did you notice on a call today?"), validators=[
        InputRequired(_l("This field is required.")),
        Length(max=TEXT_MAX, message=_l("At most %(max)d characters."))],
        description=_l("e.g. 客户对赠品领取方式有疑问. Customer numbers are masked."))


class ReviewForm(Form):
    """One of the review page's buttons: the outcome is the button pressed."""
    outcome = StringField(validators=[AnyOf([o.value for o in DIRECT])])
    note = StringField(_l("Remark"), validators=[
        Optional(), Length(max=OUTCOME_NOTE_MAX, message=_l("At most %(max)d characters."))])
    version = version_field()
