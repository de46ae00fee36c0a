"""The case form and the library's search form."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from blueprints.forms import Form, required_message, version_field
from blueprints.quality.forms import MultiCheckboxField
from services.cases import MAX_LENGTH, MAX_QUERY


def _text(name, label, description=None, field=TextAreaField):
    return field(label, description=description, validators=[
        DataRequired(required_message()),
        Length(max=MAX_LENGTH[name], message=_l("At most %(max)d characters."))])


class CaseForm(Form):
    title = _text("title", _l("Title"), field=StringField)
    summary = _text("summary", _l("Case summary"), _l("What happened on the call."))
    analysis = _text("analysis", _l("Cause analysis"),
                     _l("Why the customer complained, and what the recording shows."))
    lesson = _text("lesson", _l("Lessons learned"), _l("What every agent should take from it."))
    handling = _text("handling", _l("Suggested handling"),
                     _l("What to say or do when a customer raises the same point."))
    criteria = MultiCheckboxField(_l("Criteria tags"), choices=[], coerce=int)
    archived = BooleanField(_l("Archived (kept, but left out of the library's list)"))
    version = IntegerField(validators=[Optional()], render_kw={"hidden": True})  # new: none

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria.choices = [(c.id, f"{c.code} {c.text}") for c in criteria]


class CaseEditForm(CaseForm):
    """A case saved before, with the version it was opened at."""
    version = version_field()


class CaseSearchForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Search"), render_kw={"maxlength": MAX_QUERY})
    criterion = SelectField(_l("Criterion"), choices=[])
    archived = BooleanField(_l("Archived cases"))
