"""What the ticket page shows of the appeal path, and which of its forms this user gets."""
from domain.appeals import Side
from domain.tickets import Action, State
from services import appeals

from .forms import AppealForm, PanelForm, RejudgeForm, RulingForm

APPEAL_STATES = {State.JUDGED, State.APPEALED, State.PANEL, State.VOTING, State.ESCALATED,
                 State.CLOSED}


def appeal_context(ticket, actor, now, actions, **overrides) -> dict:
    if ticket.state not in APPEAL_STATES:
        return {}
    appeal = ticket.appeal
    side = appeals.side_of(ticket, actor) if ticket.state == State.PANEL else None
    named = {m.side for m in appeal.members} if appeal else set()
    context = {
        "appeal": appeal,
        "may_appeal": Action.APPEAL in actions and appeals.appeal_open(ticket, now),
        "may_rejudge": Action.OVERTURN in actions,
        "name_side": side if side is not None and side not in named else None,
        "may_rule": Action.DECIDE in actions,
        "voted_count": appeals.voted_count(appeal) if appeal else 0,
        "my_ballot": appeals.has_voted(appeal, actor) if appeal else None,
        "sides": {s: [m for m in appeal.members if m.side == s] for s in Side} if appeal else {},
        "appeal_form": AppealForm(formdata=None, version=ticket.version),
        "rejudge_form": RejudgeForm(formdata=None, version=ticket.version),
        "panel_form": PanelForm(formdata=None),
        "ruling_form": RulingForm(formdata=None, version=ticket.version),
    }
    context.update({k: v for k, v in overrides.items() if k in context})
    return context
