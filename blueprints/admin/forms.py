"""User and team forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from domain.people import is_employee_no
from domain.roles import TEAM_ROLES, Role
from services.users import UserInput


def _employee_no(form, field):
    field.data = (field.data or "").strip()
    if not is_employee_no(field.data):
        raise ValidationError(_l("An employee no. is 4 to 10 digits."))


class UserForm(FlaskForm):
    employee_no = StringField(_l("Employee no."), validators=[_employee_no])
    name = StringField(_l("Name"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=64, message=_l("At most %(max)d characters."))])
    role = SelectField(_l("Role"), choices=[])
    team = StringField(_l("Team"), validators=[
        Optional(), Length(max=64, message=_l("At most %(max)d characters."))],
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


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[
        DataRequired(_l("This field is required.")),
        Length(max=64, message=_l("At most %(max)d characters."))])
