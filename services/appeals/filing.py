"""Filing an appeal, the owner's re-judgement and the site head's ruling (SPEC §7), and the
final verdict they leave on the ticket."""
from datetime import datetime

from domain.appeals import Decision
from domain.errors import N_, InvalidTransition, NotAllowed
from domain.judgement import Verdict
from domain.text import required_text
from domain.tickets import Action, State
from models import Appeal, Ticket, User

from .. import audit, objections
from ..alerts import alert
from ..db import db, write_transaction
from ..quality import FormProblems
from ..tickets import flush_guarded, load_visible, move
from .reading import waiting_on


def appeal_open(ticket: Ticket, now: datetime) -> bool:
    """An established verdict, within its window, never appealed before."""
    return (ticket.state == State.JUDGED and ticket.verdict == Verdict.ESTABLISHED
            and ticket.appeal is None and ticket.appeal_until is not None
            and now < ticket.appeal_until)


def file_appeal(ticket_id: int, *, objection: str, actor: User, now: datetime,
                version: int | None = None, objection_id: int | None = None) -> Appeal:
    """提交异议: the accused agent's lead, a duty manager or the group head files the sheet —
    of their own accord, or on the agent's objection request (`objection_id`)."""
    objection = required_text(objection, "objection",
                      N_("State the objection points about the recording."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.appeal is not None:
            raise InvalidTransition(N_("This ticket has already been appealed."))
        if ticket.state == State.JUDGED and not appeal_open(ticket, now):
            raise InvalidTransition(N_("Only an established verdict can be appealed, within "
                                       "the appeal window."))
        before, after = move(ticket, Action.APPEAL, actor, version)
        appeal = Appeal(ticket=ticket, appellant_id=actor.id, filed_at=now, objection=objection)
        db.session.add(appeal)
        objections.settle_on_appeal(ticket, objection_id=objection_id, actor=actor, now=now)
        flush_guarded()
        alert(waiting_on(ticket), "appeal", ticket=ticket, now=now)
        audit.record(Action.APPEAL, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, note=objection)
    return appeal


def rejudge(ticket_id: int, *, decision: str, reason: str, actor: User, now: datetime,
            version: int | None = None) -> Ticket:
    """The owner overturns (改判: not established, final) or upholds (维持原判: panel vote)."""
    if decision not in set(Decision):
        raise FormProblems({"decision": N_("Choose to uphold or to overturn.")})
    reason = required_text(reason, "reason", N_("Give the reason for the re-judgement."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        action = Action.OVERTURN if decision == Decision.OVERTURN else Action.UPHOLD
        if ticket.judgement is not None and ticket.judgement.judged_by_id == actor.id \
                and ticket.state == State.APPEALED:
            raise NotAllowed(N_("You judged this ticket: another owner, or the deputy, "
                                "re-judges it."))
        before, after = move(ticket, action, actor, version)
        appeal = ticket.appeal
        appeal.rejudged_by_id, appeal.rejudged_at = actor.id, now
        appeal.decision, appeal.decision_reason = decision, reason
        if decision == Decision.OVERTURN:
            finalise(ticket, Verdict.NOT_ESTABLISHED, now)
        flush_guarded()
        audit.record(action, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, note=reason)
    return ticket


def finalise(ticket: Ticket, verdict: str, now: datetime) -> None:
    """The final verdict: in force on the ticket, no further appeal; the ticket then closes
    once its reply record is complete."""
    ticket.verdict = verdict
    ticket.appeal.outcome = verdict
    ticket.appeal_until = now


def rule(ticket_id: int, *, verdict: str, reason: str, actor: User, now: datetime,
         version: int | None = None) -> Ticket:
    """裁定: the site head decides a tie or a vote without ballots; final."""
    if verdict not in set(Verdict):
        raise FormProblems({"verdict": N_("Choose established or not established.")})
    reason = required_text(reason, "reason", N_("Give the reason for the ruling."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.DECIDE, actor, version)
        appeal = ticket.appeal
        appeal.ruled_by_id, appeal.ruled_at, appeal.ruling_reason = actor.id, now, reason
        finalise(ticket, verdict, now)
        flush_guarded()
        audit.record(Action.DECIDE, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, note=reason, detail={"verdict": verdict})
    return ticket
