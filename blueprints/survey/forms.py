"""Forms of the survey and callback pages. The services check every rule again; these only
read the fields and catch what a form alone can tell (required, lengths, dates)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional, ValidationError

from blueprints.forms import Form, NameField, version_field
from domain.survey import (NAME_MAX, SCORE_MAX, SCORE_MIN, THRESHOLD, TRACKED, is_dissatisfied,
                           needs_reason)


def _length(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _required(message=None):
    return InputRequired(message or _l("This field is required."))


YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
#: Problem grades (seed 004), lowest first, for the radios; blueprints/ui/labels.py labels them too.
GRADES = [("general", _l("General")), ("important", _l("Important")),
          ("urgent", _l("Urgent"))]


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
    # Unhappy with the earlier result (seed 000, 8): checked again by the service.
    alternative = TextAreaField(_l("Alternative offered"), validators=[_length(1000)])
    alternative_accepted = RadioField(_l("Did the customer accept it?"), choices=[
        ("yes", _l("Accepted")), ("no", _l("Not accepted"))], validators=[Optional()])
    append_event = BooleanField(_l("Append an event now"))
    event = TextAreaField(_l("The appended event"), validators=[_length(1000)])
    grade = RadioField(_l("Problem grade"), choices=GRADES, validators=[Optional()])

    def validate_unresolved_issue(self, field):
        if self.resolved.data == "no" and not (field.data or "").strip():
            raise ValidationError(_l("Record the problem that is still unresolved."))


class HoldForm(Form):
    note = TextAreaField(_l("Event or ticket waiting for a result"), validators=[_length(1000)])


class ReleaseForm(Form):
    result = TextAreaField(_l("The business side's result"),
                           validators=[_required(), _length(1000)])


class CallbackForm(Form):
    """The caller's record; the service checks every rule again (the review first)."""
    method = RadioField(_l("Callback method"), choices=[], default="phone",
                        validators=[_required(_l("Choose how the callback was made."))])
    customer_name = NameField(_l("Customer's name (if given)"),
                              validators=[Optional(), _length(NAME_MAX)])
    outcome = RadioField(_l("Outcome"), choices=[],
                         validators=[_required(_l("Choose the outcome."))])
    score = RadioField(_l("Satisfaction (1–10)"), validators=[_required(_l(
        "Give the customer's score, a whole number from 1 to 10."))],
        choices=[(str(n), str(n)) for n in range(SCORE_MAX, SCORE_MIN - 1, -1)])
    reason = TextAreaField(_l("Reason for the score"), validators=[_length(1000)])
    note = TextAreaField(_l("Callback notes"), validators=[_length(1000)])
    # Required only when a problem is raised (validate_grade): no Optional(), which would stop
    # that check; the service refuses a grade that is not one.
    grade = RadioField(_l("Problem grade"), choices=GRADES, validate_choice=False)

    def __init__(self, *args, outcomes=None, methods=None, threshold=THRESHOLD, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = list((outcomes or {}).items())
        self.method.choices = list((methods or {}).items())
        self.threshold = threshold

    def validate_reason(self, field):
        score = self.score.data
        if score and score.isdigit() and needs_reason(int(score), self.threshold) \
                and not (field.data or "").strip():
            raise ValidationError(_l("A score below %(n)d needs the customer's reason.",
                                     n=self.threshold))

    def validate_grade(self, field):
        score = self.score.data
        low = bool(score and score.isdigit() and is_dissatisfied(self.outcome.data, int(score),
                                                                  self.threshold))
        if (low or self.outcome.data in TRACKED) and not field.data:
            raise ValidationError(_l("Grade the problem: an event is appended or the customer "
                                     "is dissatisfied."))


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


def _between(low, high):
    return NumberRange(min=low, max=high, message=_l("Between %(min)d and %(max)d."))


class SettingsForm(Form):
    holidays = TextAreaField(_l("Holidays"), description=_l(
        "One date per line (YYYY-MM-DD): days that are not working days."))
    workdays = TextAreaField(_l("Make-up working days"), description=_l(
        "One date per line: weekend days that are working days (make-up days)."))
    threshold = IntegerField(_l("Dissatisfied below score"), validators=[
        _required(), _between(SCORE_MIN + 1, SCORE_MAX)], description=_l(
        "A callback score below it needs the customer's reason and opens a remedy task; the "
        "satisfaction bands of the KPIs follow from it."))


class CallbackSettingsForm(Form):
    """The problem grades' time limits, the closing lines, the analysis's floor."""
    general_diagnosis = IntegerField(_l("General: diagnosis within (minutes)"),
                                     validators=[_required(), _between(1, 10080)])
    general_plan = IntegerField(_l("General: plan within (working days)"),
                                validators=[_required(), _between(1, 5)])
    important_diagnosis = IntegerField(_l("Important: diagnosis within (minutes)"),
                                       validators=[_required(), _between(1, 10080)])
    important_plan = IntegerField(_l("Important: plan within (hours)"),
                                  validators=[_required(), _between(1, 168)])
    urgent_diagnosis = IntegerField(_l("Urgent: diagnosis within (minutes)"),
                                    validators=[_required(), _between(1, 10080)])
    urgent_plan = IntegerField(_l("Urgent: plan within (hours)"),
                               validators=[_required(), _between(1, 168)])
    recorded = TextAreaField(_l("Closing when the problem is recorded for a callback"),
                             validators=[_required(), _length(300)])
    goodbye = TextAreaField(_l("Closing line"), validators=[_required(), _length(300)])
    floor = IntegerField(_l("Monthly analysis: flag a cause below satisfaction (%)"),
                         validators=[_required(), _between(1, 100)])


class AssignForm(Form):
    """One callback to a caller (or to another)."""
    caller = SelectField(_l("Caller"), choices=[], validators=[_required(_l("Choose a caller."))])
    version = version_field()


class CountForm(Form):
    caller = SelectField(_l("Caller"), choices=[], validators=[_required(_l("Choose a caller."))])
    count = IntegerField(_l("How many"), validators=[_required(), _between(1, 500)])


class AreaForm(Form):
    # The service says when an area has nothing left to give (it may have been given since).
    area = SelectField(_l("Area"), choices=[], validators=[Optional()], validate_choice=False)
    caller = SelectField(_l("Caller"), choices=[], validators=[_required(_l("Choose a caller."))])


class StepForm(Form):
    note = TextAreaField(_l("What was found or decided"), validators=[_required(), _length(1000)])
    version = version_field()


class RegradeForm(Form):
    grade = RadioField(_l("New grade"), choices=GRADES,
                       validators=[_required(_l("Choose a grade."))])
    reason = TextAreaField(_l("Reason"), validators=[_length(1000)], description=_l(
        "Required to lower the grade."))
    version = version_field()


class PublishForm(Form):
    #: The month is hidden and the box cannot be wrong: nothing the person could correct.
    is_button = True
    month = StringField(validators=[_required()], render_kw={"hidden": True})
    announce = BooleanField(_l("Also post an announcement to every agent and lead"))


class FindingForm(Form):
    kind = HiddenField(validators=[AnyOf(("category", "step"))])
    key = HiddenField(validators=[_required()])
    root_cause = TextAreaField(_l("Root cause"), validators=[_required(), _length(1000)])
    action = TextAreaField(_l("Action"), validators=[_required(), _length(1000)])
    #: 0 while the row has no finding: one recorded meanwhile is then "changed since".
    version = version_field()


class TrainingForm(Form):
    category = SelectField(_l("For the cause"), choices=[], validators=[
        _required(_l("Choose the cause the training was for."))])
    topic = StringField(_l("Topic"), validators=[_required(), _length(120)])
    day = DateField(_l("Date"), validators=[_required()])
    attendees = TextAreaField(_l("Attendees (employee nos.)"), validators=[_required()],
                              description=_l("Separated by spaces or commas."))
