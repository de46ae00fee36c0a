"""The anonymous panel vote (SPEC §7): open, cast, close. Ballot secrecy: a ballot flips the
voter's `submitted` flag and adds one sealed ballot (domain.ballots) in a row tied to nobody,
in one transaction; no running count exists. At close the ballots are opened, counted and
deleted, and only the counts are kept. The choice goes nowhere else — not into the audit
log, the application log or a URL."""
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import delete, func, select, update

from domain import appeals as rules
from domain import ballots as sealing
from domain import tickets as ticket_rules
from domain.appeals import Tally
from domain.errors import N_, Conflict, InvalidTransition, NotAllowed
from domain.judgement import Verdict
from domain.roles import Role
from domain.tickets import Action, State
from models import Appeal, Ballot, PanelMember, Ticket, User

from .. import audit, settings
from ..alerts import alert, users_with_role
from ..db import checkpoint_wal, db, write_transaction
from ..quality import FormProblems
from ..tickets import flush_guarded
from .filing import finalise
from .reading import waiting_on


def ballot_key() -> bytes:
    """The key ballots are sealed with: never stored in the database (config: BALLOT_KEY,
    else derived from SECRET_KEY)."""
    return sealing.derive_key(current_app.config["SECRET_KEY"],
                              current_app.config.get("BALLOT_KEY"))


def open_vote(ticket: Ticket, now: datetime) -> None:
    before, after = ticket.state, ticket_rules.automatic_next(State(ticket.state),
                                                              Action.OPEN_VOTE)
    ticket.state = after
    appeal = ticket.appeal
    appeal.vote_opened_at = now
    appeal.vote_deadline = rules.vote_deadline(now, settings.limits().vote_hours)
    appeal.ballot_key_id = sealing.fingerprint(ballot_key())
    alert([m.user_id for m in appeal.members], "vote", ticket=ticket, now=now)
    flush_guarded()
    audit.record(Action.OPEN_VOTE, actor=None, now=now, ticket=ticket, from_state=before,
                 to_state=after)


def cast_ballot(ticket_id: int, *, choice: str, actor: User, now: datetime) -> None:
    """投票: one ballot per panellist, never changed, sealed in a row tied to nobody."""
    if choice not in set(Verdict):
        raise FormProblems({"choice": N_("Choose established or not established.")})
    key = ballot_key()
    with write_transaction():
        ticket = db.session.get(Ticket, ticket_id)
        appeal = ticket.appeal if ticket is not None else None
        if appeal is None or actor.id not in {m.user_id for m in appeal.members}:
            raise NotAllowed(N_("You are not on this panel."))
        if ticket.state != State.VOTING or now >= appeal.vote_deadline:
            raise InvalidTransition(N_("This vote is closed."))
        flipped = db.session.execute(
            update(PanelMember)
            .where(PanelMember.appeal_id == appeal.id, PanelMember.user_id == actor.id,
                   PanelMember.submitted.is_(False))
            .values(submitted=True)
            .execution_options(synchronize_session=False)).rowcount
        if flipped != 1:
            raise Conflict(N_("You have already voted. A ballot cannot be changed."))
        db.session.execute(Ballot.__table__.insert().values(
            id=secrets.token_hex(16), appeal_id=appeal.id,
            sealed=sealing.seal(key, appeal.id, choice)))
        audit.record("ballot", actor=actor, now=now, ticket=ticket)
        voted = db.session.scalar(select(func.count()).where(
            PanelMember.appeal_id == appeal.id, PanelMember.submitted.is_(True)))
        if voted >= len(appeal.members):
            _close_vote(ticket, now)
    checkpoint_wal()


def _count_ballots(appeal: Appeal) -> Tally | None:
    """Open and count the vote's ballots; None when they cannot be (another key, or rows
    that do not match the voters). The ballots are deleted either way."""
    sealed = list(db.session.scalars(select(Ballot.sealed).where(Ballot.appeal_id == appeal.id)))
    voted = db.session.scalar(select(func.count()).where(
        PanelMember.appeal_id == appeal.id, PanelMember.submitted.is_(True)))
    db.session.execute(delete(Ballot).where(Ballot.appeal_id == appeal.id)
                       .execution_options(synchronize_session=False))
    key = ballot_key()
    if appeal.ballot_key_id != sealing.fingerprint(key):
        return None
    try:
        return sealing.count(key, appeal.id, sealed, voted=voted)
    except sealing.Unreadable:
        return None


def _close_vote(ticket: Ticket, now: datetime) -> None:
    appeal = ticket.appeal
    tally = _count_ballots(appeal)
    appeal.vote_closed_at = now
    before = ticket.state
    if tally is None:
        # Never a silent close with wrong counts: the site head rules, as on a tie, and the
        # people who can find out why (the key was changed) are told.
        appeal.ballots_unreadable = True
        ticket.state = ticket_rules.automatic_next(State(ticket.state), Action.ESCALATE_TIE)
        alert(users_with_role(Role.OWNER, Role.ADMIN) + list(waiting_on(ticket)),
              "ballots_unreadable", ticket=ticket, now=now)
        flush_guarded()
        audit.record(Action.ESCALATE_TIE, actor=None, now=now, ticket=ticket,
                     from_state=before, to_state=ticket.state,
                     detail={"ballots_unreadable": True})
        return
    appeal.established_count, appeal.not_established_count = tally.established, \
        tally.not_established
    outcome = tally.outcome()
    action = Action.CLOSE_VOTE if outcome else Action.ESCALATE_TIE
    ticket.state = ticket_rules.automatic_next(State(ticket.state), action)
    if outcome:
        finalise(ticket, outcome, now)
    else:
        alert(waiting_on(ticket), "tie", ticket=ticket, now=now)
    flush_guarded()
    audit.record(action, actor=None, now=now, ticket=ticket, from_state=before,
                 to_state=ticket.state,
                 detail={"established": tally.established,
                         "not_established": tally.not_established})


def close_due_votes(now: datetime) -> int:
    """Close votes whose deadline has passed (sweep, and on read)."""
    ids = list(db.session.scalars(
        select(Ticket.id).join(Appeal).where(Ticket.state == State.VOTING,
                                             Appeal.vote_deadline <= now)))
    closed = 0
    for ticket_id in ids:
        try:
            with write_transaction():
                ticket = db.session.get(Ticket, ticket_id)
                if ticket.state == State.VOTING and ticket.appeal.vote_deadline <= now:
                    _close_vote(ticket, now)
                    closed += 1
        except Conflict:
            continue
    if closed:
        checkpoint_wal()
    return closed
