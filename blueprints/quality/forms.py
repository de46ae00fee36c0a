"""Forms of the quality team's panels on the ticket page."""
from flask_babel import lazy_gettext as _l
from wtforms import (DateTimeLocalField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField)
from wtforms.validators import InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.forms import Form, NameField, version_field
from services.clock import to_local, utcnow, zone

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeField(DateTimeLocalField):
    """A datetime-local input in the centre's time zone; `utc` gives the stored value."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=LOCAL_FORMAT, **kwargs)

    @property
    def utc(self):
        if self.data is None:
            return None
        from datetime import UTC
        return self.data.replace(tzinfo=zone()).astimezone(UTC).replace(tzinfo=None)


def local_now():
    return to_local(utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def _required():
    return InputRequired(_l("This field is required."))


class AccusedForm(Form):
    accused_no = StringField(_l("Accused employee no."), validators=[_required()])


class NotificationForm(Form):
    called_at = LocalDateTimeField(_l("Call time"), validators=[_required()], default=local_now)
    other_lead_name = NameField(_l("Lead spoken to"), validators=[
        _required(), Length(max=64, message=_l("At most %(max)d characters."))])


class NotificationUpdateForm(Form):
    tracking = SelectField(_l("Tracking"), choices=[])
    result = TextAreaField(_l("Their result"), validators=[
        Optional(), Length(max=1000, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tracking.choices = list((labels or {}).items())


class ReturnToLeadForm(Form):
    reason = RadioField(_l("Reason"), choices=[], validators=[_required()])
    remarks = TextAreaField(_l("Remarks"), validators=[
        Optional(), Length(max=500, message=_l("At most %(max)d characters."))])
    version = version_field()

    def __init__(self, *args, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.reason.choices = list((labels or {}).items())


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class JudgeForm(Form):
    kind = RadioField(_l("Type"), choices=[], validators=[_required()])
    criteria = MultiCheckboxField(_l("Criteria"), choices=[], coerce=int)
    verdict = RadioField(_l("Verdict"), choices=[], validators=[_required()])
    basis = TextAreaField(_l("Basis for the verdict"), validators=[
        Length(max=2000, message=_l("At most %(max)d characters."))])
    version = version_field()

    def __init__(self, *args, kinds=None, verdicts=None, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list((kinds or {}).items())
        self.verdict.choices = list((verdicts or {}).items())
        self.criteria.choices = [(c.id, f"{c.code} {c.text}") for c in criteria]
        self.criteria_by_id = {c.id: c for c in criteria}


class AttemptForm(Form):
    at = LocalDateTimeField(_l("Call time"), validators=[_required()], default=local_now)
    reached = RadioField(_l("Result"), choices=[], validators=[_required()])
    note = TextAreaField(_l("Note"), validators=[
        Optional(), Length(max=500, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reached.choices = [("no", _l("Not reached")), ("yes", _l("Reached"))]


class SmsForm(Form):
    kind = SelectField(_l("Kind"), choices=[], id="sms-kind")
    text = TextAreaField(_l("Message"), validators=[
        _required(), Length(max=300, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, kinds=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = list((kinds or {}).items())


class ReplyForm(Form):
    method = SelectField(_l("Reply method"), choices=[])
    note = TextAreaField(_l("Explanation script / what was done"), id="reply-note", validators=[
        Optional(), Length(max=2000, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, methods=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = list((methods or {}).items())


class ReplyDecisionForm(Form):
    """The owner's or a duty manager's decision on an escalated customer."""
    method = RadioField(_l("Reply method"), choices=[], validators=[_required()],
                        id="decision-method")
    # The choice is checked by the service (an active checker or owner, not a party).
    replier = SelectField(_l("Who replies"), choices=[], validate_choice=False,
                          validators=[_required()], id="decision-replier")
    note = TextAreaField(_l("Why this method"), id="decision-note", validators=[
        _required(), Length(max=500, message=_l("At most %(max)d characters."))])

    def __init__(self, *args, methods=None, repliers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.method.choices = list((methods or {}).items())
        self.replier.choices = [("", _l("Choose…"))] + [
            (str(r.id), f"{r.name} {r.employee_no}") for r in repliers]

    @property
    def replier_id(self) -> int | None:
        data = self.replier.data or ""
        return int(data) if data.isascii() and data.isdigit() and len(data) < 12 else None


class EscalateForm(Form):
    note = TextAreaField(_l("Why this customer needs a decision"), id="escalate-note",
                         validators=[
        _required(), Length(max=500, message=_l("At most %(max)d characters."))])


class QueueFilterForm(Form):
    class Meta:
        csrf = False  # a GET search form

    q = StringField(_l("Search"))
    group = SelectField(_l("Route group"), choices=[])
    state = SelectField(_l("State"), choices=[])
    checker = SelectField(_l("Checker"), choices=[])


class FlagForm(Form):
    note = TextAreaField(_l("What is likely to recur"), id="flag-note", validators=[
        InputRequired(_l("This field is required.")),
        Length(max=500, message=_l("At most %(max)d characters."))])
