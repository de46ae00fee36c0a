"""The judgement (SPEC §5): the criteria in use, judging a verified ticket, and closing judged
tickets whose reply is recorded and whose appeal window has passed."""
from datetime import datetime

from sqlalchemy import select

from domain import sla
from domain.errors import N_, Conflict, FormProblems
from domain.judgement import Verdict, judgement_problems
from domain.routing import Group
from domain.text import mask_numbers
from domain.tickets import Action, State
from models import Criterion, Judgement, Ticket, User

from .. import audit, settings
from ..db import db, write_transaction
from ..tickets import flush_guarded, load_visible, move


# --- judgement -------------------------------------------------------------------------------

def active_criteria() -> list[Criterion]:
    return list(db.session.scalars(
        select(Criterion).where(Criterion.active.is_(True)).order_by(Criterion.position)))


def judge(ticket_id: int, *, kind: str, verdict: str, criteria_ids: list[int], basis: str,
          actor: User, now: datetime, version: int | None = None) -> Ticket:
    """提交判责: type, criteria, verdict and the mandatory basis."""
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        criteria = list(db.session.scalars(
            select(Criterion).where(Criterion.id.in_(criteria_ids or []),
                                    Criterion.active.is_(True))))
        if len(criteria) != len(set(criteria_ids or [])):
            raise FormProblems({"criteria": N_("A ticked criterion is no longer in use. "
                                               "Reload the page.")})
        group = Group(ticket.route_group) if ticket.route_group else None
        problems = judgement_problems(
            kind=kind, verdict=verdict, criteria_kinds=[c.kind for c in criteria],
            basis=basis, accused_no=ticket.accused_no, group=group,
            notified=bool(ticket.notifications))
        before, after = move(ticket, Action.JUDGE, actor, version)
        if problems:
            raise FormProblems(problems)
        db.session.add(Judgement(ticket_id=ticket.id, kind=kind, verdict=verdict,
                                 basis=mask_numbers(basis.strip()), judged_by_id=actor.id,
                                 judged_at=now, criteria=criteria))
        ticket.judged_at = now
        ticket.verdict = verdict
        ticket.appeal_until = sla.appeal_window_ends(
            now, verdict == Verdict.ESTABLISHED, settings.limits())
        flush_guarded()
        audit.record(Action.JUDGE, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, detail={"kind": kind, "verdict": verdict,
                                             "criteria": sorted(c.code for c in criteria)})
    return ticket


# --- closing ---------------------------------------------------------------------------------

def close_due(now: datetime, *, limit: int = 500) -> int:
    """Close judged tickets whose reply is recorded and whose appeal window has passed.
    Safe to run at any time, from cron and from several processes at once."""
    ids = list(db.session.scalars(
        select(Ticket.id).where(Ticket.state == State.JUDGED, Ticket.appeal_until <= now,
                                Ticket.reply_done_at.is_not(None))
        .order_by(Ticket.appeal_until).limit(limit)))
    return sum(1 for ticket_id in ids if close_if_due(ticket_id, now))


def _due(ticket: Ticket | None, now: datetime) -> bool:
    return ticket is not None and ticket.state == State.JUDGED and sla.may_close(
        appeal_until=ticket.appeal_until, reply_done=ticket.reply_done_at is not None, now=now)


def close_if_due(ticket_id: int, now: datetime) -> bool:
    """Close one ticket if its time has come (also called when a ticket is read). Reading a
    ticket that is not due takes no write lock: the check runs on the row already loaded,
    and again inside the write transaction when it is due."""
    if not _due(db.session.get(Ticket, ticket_id), now):
        return False
    try:
        with write_transaction():
            ticket = db.session.get(Ticket, ticket_id)
            if not _due(ticket, now):
                return False
            ticket.state = State.CLOSED
            ticket.closed_at = now
            flush_guarded()
            audit.record(Action.CLOSE, actor=None, now=now, ticket=ticket,
                         from_state=State.JUDGED, to_state=State.CLOSED)
    except Conflict:
        return False  # closed by another process at the same moment
    return True
