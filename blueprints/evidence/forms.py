"""Forms of the evidence panel (prefixed: the ticket page holds many forms)."""
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length

from blueprints.forms import Form

ACCEPT = "audio/mpeg,audio/wav,audio/x-wav,audio/ogg,audio/mp4,audio/x-m4a,.mp3,.wav,.ogg,.m4a"


class RecordingRefForm(Form):
    reference = StringField(_l("Recording reference"), validators=[
        InputRequired(_l("This field is required.")),
        Length(max=64, message=_l("At most %(max)d characters."))],
        description=_l("The call's id in the recording system."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="recording", **kwargs)


class ExcerptForm(Form):
    """One audio file per upload; it is a new excerpt or the new version of one."""
    audio = FileField(_l("Audio excerpt"), validators=[FileRequired(_l("Choose an audio file."))],
                      render_kw={"accept": ACCEPT})
    description = StringField(_l("What it shows"), validators=[
        InputRequired(_l("This field is required.")),
        Length(max=200, message=_l("At most %(max)d characters."))])
    replaces = SelectField(_l("Replaces"), choices=[], default="")

    def __init__(self, *args, choices=(), **kwargs):
        super().__init__(*args, prefix="excerpt", **kwargs)
        self.replaces.choices = [("", _l("Nothing: a new excerpt"))] + list(choices)

    def replaces_id(self) -> int | None:
        return int(self.replaces.data) if self.replaces.data else None
