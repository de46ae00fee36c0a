"""Posting an announcement or a reminder; flagging a ticket as likely to recur; marking
alerts read."""
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import Form


class AnnouncementForm(Form):
    kind = RadioField(_l("Send as"), choices=[], default="announcement",
                      validators=[InputRequired(_l("This field is required."))])
    title = StringField(_l("Title"), validators=[
        InputRequired(_l("This field is required.")),
        Length(max=120, message=_l("At most %(max)d characters."))])
    body = TextAreaField(_l("Message"), validators=[
        InputRequired(_l("This field is required.")),
        Length(max=2000, message=_l("At most %(max)d characters."))])
    recipients = StringField(_l("Agents to remind (employee nos.)"), validators=[Optional()],
                             description=_l("For a reminder: employee numbers separated by "
                                            "spaces or commas."))
    warning_id = IntegerField(validators=[Optional()], render_kw={"hidden": True})
    note_id = IntegerField(validators=[Optional()], render_kw={"hidden": True})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("announcement", _l("Announcement to all agents")),
                             ("reminder", _l("Reminder to named agents"))]

    def employee_nos(self) -> list[str]:
        raw = (self.recipients.data or "").replace("，", ",").replace("、", ",")
        return [p.strip() for p in raw.replace(",", " ").split() if p.strip()]



class MarkReadForm(Form):
    """全部标为已读, or 标为已读 on one alert (its id)."""
    is_button = True
    alert = IntegerField(validators=[Optional()], render_kw={"hidden": True})
