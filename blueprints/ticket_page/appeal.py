"""What the ticket page shows of the appeal path, and which of its forms this user gets."""
from blueprints.appeals.forms import (AppealForm, DeclineObjectionForm, ObjectionForm, PanelForm,
                                      RejudgeForm, RulingForm)
from domain.appeals import Side
from domain.tickets import Action, State
from services import appeals, objections

APPEAL_STATES = {State.JUDGED, State.APPEALED, State.PANEL, State.VOTING, State.ESCALATED,
                 State.CLOSED}


def shows_appeal(ticket, actor, actions) -> bool:
    """Whether the ticket page has an appeal panel for this user: an appeal, a sheet they may
    file, or the accused agent's own objection requests."""
    return ticket.state in APPEAL_STATES and (
        ticket.appeal is not None or Action.APPEAL in actions
        or objections.is_accused(ticket, actor))


def appeal_context(ticket, actor, now, actions, **overrides) -> dict:
    if ticket.state not in APPEAL_STATES:
        return {}
    appeal = ticket.appeal
    history = objections.history(ticket)
    pending = history[-1] if history and history[-1].status == objections.PENDING else None
    decides = pending if pending is not None and Action.APPEAL in actions \
        and actor.id in objections.deciders(pending, ticket) else None
    level = objections.next_level(ticket, actor, now, history)
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
        "objections": history,
        "pending_objection": pending,
        "decides_objection": decides,
        "object_level": level,
        "objection_form": ObjectionForm(
            formdata=None, points=history[-1].points if level and history else None),
        "decline_form": DeclineObjectionForm(formdata=None),
        "appeal_form": AppealForm(formdata=None, version=ticket.version,
                                  objection=decides.points if decides else None,
                                  objection_id=decides.id if decides else None),
        "rejudge_form": RejudgeForm(formdata=None, version=ticket.version),
        "panel_form": PanelForm(formdata=None),
        "ruling_form": RulingForm(formdata=None, version=ticket.version),
    }
    context.update({k: v for k, v in overrides.items() if k in context})
    return context
