"""Forms of the survey and callback pages. The services check every rule again; these only
read the fields and catch what a form alone can tell (required, lengths, dates)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.forms import Form, version_field
from domain.survey import SCORE_MAX, SCORE_MIN, needs_reason


def _length(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _required(message=None):
    return InputRequired(message or _l("This field is required."))


YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]


def yes_no(value):
    return {"yes": True, "no": False}.get(value)


class QueueFilterForm(Form):
    class Meta:
        csrf = False  # a GET filter form

    q = StringField(_l("Search"))
    channel = SelectField(_l("Channel"), choices=[])
    show = SelectField(_l("Show"), choices=[])


class MarksForm(Form):
    needs_survey = RadioField(_l("Survey"), choices=[
        ("yes", _l("Needs a survey")), ("no", _l("No survey needed"))], validators=[_required()])
    needs_callback = RadioField(_l("Callback"), choices=[
        ("yes", _l("Needs a callback")), ("no", _l("No callback needed")),
        ("", _l("Decide at the survey"))], validators=[Optional()])
    version = version_field()


class ReviewForm(Form):
    """我已听取录音、查看记录, for the survey or for the callback."""
    is_button = True
    part = HiddenField(validators=[AnyOf(("survey", "callback"))])


class SurveyForm(Form):
    """The surveyor's record; the service checks every rule again (the review first)."""
    resolved = RadioField(_l("Resolved or not"), choices=[
        ("yes", _l("Resolved")), ("no", _l("Not resolved"))],
        validators=[_required(_l("Say whether the problem is resolved."))])
    category = SelectField(_l("Cause category"), choices=[], validators=[
        _required(_l("Choose a cause category of this channel."))])
    unresolved_issue = TextAreaField(_l("Unresolved problem"), validators=[_length(1000)])
    needs_callback = RadioField(_l("Callback"), choices=[
        ("yes", _l("Needs a callback")), ("no", _l("No callback needed"))],
        validators=[_required(_l("Say whether the customer needs a callback."))])

    def validate_unresolved_issue(self, field):
        if self.resolved.data == "no" and not (field.data or "").strip():
            raise ValidationError(_l("Record the problem that is still unresolved."))


class HoldForm(Form):
    note = TextAreaField(_l("Event or ticket waiting for a result"), validators=[_length(1000)])


class ReleaseForm(Form):
    result = TextAreaField(_l("The business side's result"),
                           validators=[_required(), _length(1000)])


class CallbackForm(Form):
    """The callback agent's record; the service checks every rule again (the review first)."""
    outcome = RadioField(_l("Outcome"), choices=[],
                         validators=[_required(_l("Choose the outcome."))])
    score = RadioField(_l("Satisfaction (1–10)"), validators=[_required(_l(
        "Give the customer's score, a whole number from 1 to 10."))],
        choices=[(str(n), str(n)) for n in range(SCORE_MAX, SCORE_MIN - 1, -1)])
    reason = TextAreaField(_l("Reason for the score"), validators=[_length(1000)])
    note = TextAreaField(_l("Callback notes"), validators=[_length(1000)])

    def __init__(self, *args, outcomes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = list((outcomes or {}).items())

    def validate_reason(self, field):
        score = self.score.data
        if score and score.isdigit() and needs_reason(int(score)) \
                and not (field.data or "").strip():
            raise ValidationError(_l("A score below 8 needs the customer's reason."))


class UploadForm(Form):
    file = FileField(_l("File (CSV or XLSX)"))

    def validate_file(self, field):
        # Not FileRequired: its "required" flag would add an attribute to the page's input.
        if not (field.data and field.data.filename):
            raise ValidationError(_l("Choose a file."))


class RemedyForm(Form):
    note = TextAreaField(_l("What was done"), validators=[_required(), _length(1000)])
    version = version_field()


class DrawForm(Form):
    start = DateField(_l("Callbacks due from"), validators=[_required()])
    end = DateField(_l("to"), validators=[_required()])
    size = IntegerField(_l("Records to draw"), validators=[
        _required(), NumberRange(min=1, max=200, message=_l("Between %(min)d and %(max)d."))])


class MarkForm(Form):
    accurate = RadioField(_l("Record"), choices=[
        ("yes", _l("Accurate")), ("no", _l("Not accurate"))], validators=[_required()])
    note = StringField(_l("Note"), validators=[_length(1000)])


class CategoryForm(Form):
    channel = SelectField(_l("Channel"), choices=[], validators=[_required()])
    name = StringField(_l("Cause category"), validators=[_required(), _length(32)])
    script = TextAreaField(_l("Handling script"), validators=[_length(2000)])
    active = BooleanField(_l("In use"), default=True)


class SettingsForm(Form):
    holidays = TextAreaField(_l("Holidays"), description=_l(
        "One date per line (YYYY-MM-DD): days that are not working days."))
    workdays = TextAreaField(_l("Make-up working days"), description=_l(
        "One date per line: weekend days that are working days (make-up days)."))
    satisfied_min = IntegerField(_l("Satisfied from score"), validators=[
        _required(), NumberRange(min=1, max=10, message=_l("Between %(min)d and %(max)d."))])
    fairly_min = IntegerField(_l("Fairly satisfied from score"), validators=[
        _required(), NumberRange(min=1, max=10, message=_l("Between %(min)d and %(max)d."))])
