"""User and team forms."""
from flask_babel import lazy_gettext as _l
from wtforms import (BooleanField, IntegerField, PasswordField, SelectField, StringField,
                     TextAreaField)
from wtforms.validators import (DataRequired, InputRequired, Length, NumberRange, Optional,
                                ValidationError)

from blueprints.forms import Form, NameField
from domain.floor_day import parse_start
from domain.people import is_employee_no
from domain.roles import TEAM_ROLES, Role
from services.users import UserInput


def _employee_no(form, field):
    field.data = (field.data or "").strip()
    if not is_employee_no(field.data):
        raise ValidationError(_l("An employee no. is 4 to 10 digits."))


class UserForm(Form):
    employee_no = StringField(_l("Employee no."), validators=[_employee_no])
    name = NameField(_l("Name"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=64, message=_l("At most %(max)d characters."))])
    role = SelectField(_l("Role"), choices=[])
    team = NameField(_l("Team"), validators=[
        Length(max=64, message=_l("At most %(max)d characters."))],
        description=_l("A new team name creates the team."))
    password = PasswordField(_l("Password"), validators=[
        Optional(), Length(min=8, max=200, message=_l("A password has at least 8 characters."))])
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, role_labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = [(r.value, role_labels[r] if role_labels else r.value) for r in Role]

    def to_input(self, employee_no: str) -> UserInput:
        return UserInput(employee_no=employee_no, name=self.name.data.strip(),
                         role=self.role.data, team=self.team.data or None,
                         password=self.password.data or None, active=self.active.data)

    def validate_team(self, field):
        field.data = (field.data or "").strip()
        if self.role.data in TEAM_ROLES and not field.data:
            raise ValidationError(_l("Agents and team leads belong to a team."))


class TeamForm(Form):
    name = NameField(_l("Team name"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=64, message=_l("At most %(max)d characters."))])


class LimitsForm(Form):
    """Time limits (hours), the follow-up days, SMS wording and the verdict words an SMS may
    not contain."""
    review_hours = IntegerField(_l("Lead review (hours)"), validators=[
        InputRequired(_l("This field is required.")),
        NumberRange(1, 240, message=_l("Between %(min)s and %(max)s."))])
    reply_hours = IntegerField(_l("Reply to the customer (hours)"), validators=[
        InputRequired(_l("This field is required.")),
        NumberRange(1, 720, message=_l("Between %(min)s and %(max)s."))])
    follow_up_days = IntegerField(
        _l("Days of failed calls before an SMS reply or direct explanation"), validators=[
            InputRequired(_l("This field is required.")),
            NumberRange(1, 14, message=_l("Between %(min)s and %(max)s."))],
        description=_l("Different days in the centre's time zone, counted from the day of the "
                       "first failed call."))
    appeal_hours = IntegerField(_l("Appeal window (hours)"), validators=[
        InputRequired(_l("This field is required.")),
        NumberRange(1, 720, message=_l("Between %(min)s and %(max)s."))])
    day_start = StringField(_l("The floor's day starts at"), description=_l(
        "Before this time the handover table, the home pages and the feedback notes still "
        "count the previous day (the night shift). HH:MM, e.g. 08:00; empty: the server's "
        "setting (DAY_START)."))
    sms_notice_template = TextAreaField(_l("SMS notice after a failed call"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=300, message=_l("At most %(max)d characters."))])
    sms_reply_template = TextAreaField(_l("SMS reply"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=300, message=_l("At most %(max)d characters."))])
    sms_forbidden_words = StringField(_l("Words an SMS may not contain"), validators=[
        Length(max=500, message=_l("At most %(max)d characters."))],
        description=_l("Separated by spaces or commas."))

    def validate_day_start(self, field):
        if not (field.data or "").strip():
            field.data = ""
            return
        start = parse_start(field.data)
        if start is None:
            raise ValidationError(_l("A time of day as HH:MM, e.g. 08:00."))
        field.data = start.strftime("%H:%M")

    def words(self) -> list[str]:
        raw = (self.sms_forbidden_words.data or "").replace("，", ",").replace("、", ",")
        return [w for w in (part.strip() for part in raw.replace(",", " ").split()) if w]


class RecordingLinkForm(Form):
    """The address that opens a call in the recording system; {id} takes its reference."""
    recording_url_template = StringField(_l("Recording system link"), validators=[
        Optional(), Length(max=300, message=_l("At most %(max)d characters."))],
        description=_l("An http(s) address with {id} where the call's reference goes, e.g. "
                       "https://rec.intranet/call/{id}. Leave empty for no link."))

    def validate_recording_url_template(self, field):
        field.data = (field.data or "").strip()
        if field.data and (not field.data.lower().startswith(("https://", "http://"))
                           or "{id}" not in field.data):
            raise ValidationError(_l("Start with http:// or https:// and include {id}."))


class RouteRuleForm(Form):
    prefix = StringField(_l("Prefix"), validators=[DataRequired(_l("This field is required."))])
    group = SelectField(_l("Route group"), choices=[])


class CriterionForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(_l("This field is required."))])
    kind = SelectField(_l("Type"), choices=[])
    text = StringField(_l("Criterion"), validators=[DataRequired(_l("This field is required."))])
    active = BooleanField(_l("In use"), default=True)


class DeputyForm(Form):
    """复审代理人: who re-judges an appeal when no owner may (the only owner judged it)."""
    deputy = SelectField(_l("Deputy for re-judging"), choices=[], validate_choice=True,
                         description=_l("Re-judges an appeal when every active owner is the "
                                        "one who judged it. By default: the group heads."))
