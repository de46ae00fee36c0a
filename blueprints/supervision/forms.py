"""Issuing a supervision order, recording its answer or that none came."""
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import Form, NameField, version_field
from blueprints.quality.forms import LocalDateTimeField, local_now
from domain.supervision import ANSWER_MAX, REQUEST_MAX
from services.supervision import OrderInput


def _max(n):
    return Length(max=n, message=_l("At most %(max)d characters."))


def _tomorrow():
    return local_now() + timedelta(days=1)


class OrderForm(Form):
    request = TextAreaField(_l("What is asked"), validators=[
        InputRequired(_l("This field is required.")), _max(REQUEST_MAX)],
        description=_l("What the department or person should do, e.g. report how the back "
                       "office handled the complaint."))
    due_at = LocalDateTimeField(_l("Answer due by"), default=_tomorrow, validators=[
        InputRequired(_l("This field is required."))])
    recipient_no = StringField(_l("To a user (employee no.)"), validators=[Optional(), _max(10)],
                               description=_l("They see it at home and in the bell."))
    department = NameField(_l("Or to a department"), validators=[Optional(), _max(80)],
                           description=_l("e.g. 后台当班领班, 89082000 line, the billing "
                                          "system team"))
    department_contact = StringField(_l("Its contact"), validators=[Optional(), _max(80)],
                                     description=_l("Who and which number (internal)."))

    def to_input(self) -> OrderInput:
        return OrderInput(request=self.request.data or "", due_at=self.due_at.utc,
                          recipient_no=(self.recipient_no.data or "").strip(),
                          department=(self.department.data or "").strip(),
                          department_contact=(self.department_contact.data or "").strip())


class AnswerForm(Form):
    answer = TextAreaField(_l("Their answer"), validators=[
        InputRequired(_l("This field is required.")), _max(ANSWER_MAX)])
    version = version_field()


class NoAnswerForm(Form):
    note = TextAreaField(_l("Note (optional)"), validators=[Optional(), _max(ANSWER_MAX)])
    version = version_field()
