"""Sign-in and password forms."""
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from blueprints.forms import Form


class LoginForm(Form):
    employee_no = StringField(_l("Employee no."), validators=[
        DataRequired(_l("Enter your employee no.")), Length(max=10, message=_l(
            "An employee no. is 4 to 10 digits."))],
        render_kw={"autocomplete": "username", "inputmode": "numeric", "autofocus": True})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter your password.")), Length(max=200)],
        render_kw={"autocomplete": "current-password"})


class PasswordForm(Form):
    current = PasswordField(_l("Current password"), validators=[
        DataRequired(_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"})
    new = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Enter a new password.")),
        Length(min=8, max=200, message=_l("A password has at least 8 characters."))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat new password"), validators=[
        EqualTo("new", message=_l("The two passwords differ."))],
        render_kw={"autocomplete": "new-password"})
