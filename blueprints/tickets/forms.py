"""The ticket form (labels exactly as the paper form), the lead's return form and the
reply-script look-up."""
from flask_babel import lazy_gettext as _l
from wtforms import (HiddenField, IntegerField, SelectField, SelectMultipleField, StringField,
                     TextAreaField)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from blueprints.forms import Form, version_field
from domain.people import is_employee_no
from domain.phones import normalize_phone
from domain.tickets import ELEMENTS
from services.tickets import TicketInput


class PhoneField(StringField):
    """Keeps exactly what was typed for redisplay; `phone` holds the normalised digits."""
    phone: str | None = None

    def pre_validate(self, form):
        raw = (self.data or "").strip()
        if not raw:
            raise ValidationError(_l("This field is required."))
        self.phone = normalize_phone(raw)
        if self.phone is None:
            raise ValidationError(_l(
                "Enter an 11-digit mobile (e.g. 13812345678) or a 7–12 digit landline; "
                "spaces, hyphens and +86 are fine."))


def _text_length(minimum: int, maximum: int, required: bool):
    def check(form, field):
        value = (field.data or "").strip()
        field.data = value
        if required and not value:
            raise ValidationError(_l("This field is required."))
        if value and len(value) < minimum:
            raise ValidationError(_l("At least %(n)d characters (now %(now)d).",
                                     n=minimum, now=len(value)))
        if len(value) > maximum:
            raise ValidationError(_l("At most %(n)d characters (now %(now)d). "
                                     "Please shorten it.", n=maximum, now=len(value)))
    return check


def _employee_no(form, field):
    value = (field.data or "").strip()
    field.data = value
    if value and not is_employee_no(value):
        raise ValidationError(_l("An employee no. is 4 to 10 digits."))


class TicketForm(Form):
    """内部服务质量自控工单."""
    caller_number = PhoneField(_l("Caller number"))
    contact_number = PhoneField(_l("Contact number"))
    complaint = TextAreaField(_l("Complaint"), validators=[_text_length(5, 2000, True)])
    demand = TextAreaField(_l("Customer demand"), validators=[_text_length(0, 500, False)])
    accused_no = StringField(_l("Accused employee no."), validators=[_employee_no])
    idempotency_key = HiddenField(validators=[Length(max=64)])
    version = IntegerField(validators=[Optional()], render_kw={"hidden": True})  # new: none

    def to_input(self) -> TicketInput:
        return TicketInput(
            caller_number=self.caller_number.phone, contact_number=self.contact_number.phone,
            complaint=self.complaint.data, demand=self.demand.data or "",
            accused_no=self.accused_no.data or None)


class ResubmitForm(TicketForm):
    """The agent's fixed ticket (重新提交), with the version it was opened at."""
    version = version_field()


class TransferredTicketForm(TicketForm):
    """A ticket transferred to the whitelist from another line, entered by the quality team."""
    source = SelectField(_l("Transferred from"), choices=[])

    def __init__(self, *args, sources=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.source.choices = list((sources or {}).items())

    def validate_accused_no(self, field):
        if not field.data:
            raise ValidationError(_l("This field is required."))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReturnForm(Form):
    """The lead names which elements are incomplete or wrong (退回)."""
    elements = MultiCheckboxField(_l("Incomplete or wrong elements"), choices=[])
    note = TextAreaField(_l("Note to the agent"), validators=[
        Optional(), Length(max=500, message=_l("At most %(max)d characters."))])
    version = version_field()

    def __init__(self, *args, element_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.elements.choices = [(e, element_labels[e] if element_labels else e)
                                 for e in ELEMENTS]

    def validate_elements(self, field):
        if not field.data:
            raise ValidationError(_l("Tick at least one element for the agent to fix."))


class LookupForm(Form):
    """回复口径: a customer's number, posted so that it stays out of URLs (access logs,
    browser history)."""
    phone = PhoneField(_l("Customer phone number"), render_kw={
        "inputmode": "tel", "autocomplete": "off"})
