"""Forms of the appeal path."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from blueprints.forms import Form, version_field

from ..ui import VERDICT_LABELS


def _required():
    return InputRequired(_l("This field is required."))


def _text(label):
    return TextAreaField(label, validators=[
        _required(), Length(max=2000, message=_l("At most %(max)d characters."))])


class Confirmed:
    """Irreversible decisions take two steps: the first POST shows what will happen, the
    second (confirm=1, from that screen) does it."""
    confirm = HiddenField()

    @property
    def confirmed(self) -> bool:
        return self.confirm.data == "1"


class AppealForm(Form):
    objection = _text(_l("Objection points about the call recording"))
    version = version_field()
    #: The agent's objection request this sheet answers, if any.
    objection_id = IntegerField(validators=[Optional()], render_kw={"hidden": True})


class ObjectionForm(Form):
    """异议申请: the accused agent's points, to the next level of the appeal chain."""
    points = _text(_l("Your objection points about the call recording"))


class DeclineObjectionForm(Form):
    reason = _text(_l("Reason for not filing (the agent sees it)"))


class RejudgeForm(Confirmed, Form):
    decision = RadioField(_l("Re-judgement"), choices=[], validators=[_required()])
    reason = _text(_l("Reason for the decision"))
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("uphold", _l("Uphold")), ("overturn", _l("Overturn"))]


class PanelForm(Form):
    member1 = StringField(_l("Panellist 1 (employee no.)"), validators=[_required()])
    member2 = StringField(_l("Panellist 2 (employee no.)"), validators=[_required()])
    member3 = StringField(_l("Panellist 3 (employee no.)"), validators=[_required()])

    @property
    def members(self):
        """Where messages about the three as a group go."""
        return self.member1

    def employee_nos(self) -> list[str]:
        return [self.member1.data, self.member2.data, self.member3.data]


class BallotForm(Confirmed, Form):
    choice = RadioField(_l("Your ballot"), choices=[], validators=[_required()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.choice.choices = list(VERDICT_LABELS.items())


class RulingForm(Confirmed, Form):
    verdict = RadioField(_l("Ruling"), choices=[], validators=[_required()])
    reason = _text(_l("Reason for the decision"))
    version = version_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.verdict.choices = list(VERDICT_LABELS.items())
