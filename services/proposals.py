"""Proposals sent up (建议上报): the owner (or a duty manager) writes one from a criterion's or
a keyword's tickets, with the figures and the tickets attached, or from a feedback note; the
group head and the site head each acknowledge it and record a decision."""
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from domain import proposals as rules
from domain.errors import N_, Conflict, FormProblems, NotAllowed, NotFound
from domain.periods import Span
from domain.proposals import Decision, Source, State
from domain.roles import Role
from domain.text import escape_like, mask_numbers
from models import Criterion, EarlyWarning, Judgement, Proposal, ProposalReview, Ticket, User
from models.proposals import proposal_tickets
from models.quality import judgement_criteria

from . import audit, feedback
from .alerts import alert, users_with_role
from .db import db, write_transaction
from .reports import utc_bounds
from .tickets import flush_guarded

#: Alert kinds (blueprints/ui/labels.py ALERT_LABELS).
SENT, DECIDED = "proposal", "proposal_decided"
MAX_DAYS = 366
PAGE_SIZE = 50


@dataclass(frozen=True)
class Basis:
    """What a proposal rests on: a criterion code or a keyword over local days [start, end),
    or a feedback note; and the warning it answers, if any."""
    source: str
    key: str = ""
    start: date | None = None
    end: date | None = None
    warning_id: int | None = None
    note_id: int | None = None


def basis_of_warning(warning: EarlyWarning) -> Basis:
    """A criterion or keyword warning's week."""
    if warning.kind not in (Source.CRITERION, Source.KEYWORD) or warning.week_start is None:
        raise NotFound(N_("No such warning."))
    return Basis(source=warning.kind, key=warning.key or "", start=warning.week_start,
                 end=warning.week_start + timedelta(days=7), warning_id=warning.id)


def _check_basis(basis: Basis) -> None:
    if basis.source not in set(Source):
        raise NotFound(N_("Choose what the proposal is based on."))
    if basis.source == Source.NOTE:
        if basis.note_id is None:
            raise NotFound(N_("No such note."))
        return
    if not basis.key or len(basis.key) > 64:
        raise NotFound(N_("Choose what the proposal is based on."))
    if basis.start is None or basis.end is None or not (
            0 < (basis.end - basis.start).days <= MAX_DAYS):
        raise NotFound(N_("Choose a period of at most a year."))
    if basis.source == Source.CRITERION and db.session.scalar(
            select(Criterion.id).where(Criterion.code == basis.key)) is None:
        raise NotFound(N_("No such criterion."))


def _criterion_tickets(basis: Basis):
    start, end = utc_bounds(Span(basis.start, basis.end))
    return (select(Ticket.id).join(Judgement, Judgement.ticket_id == Ticket.id)
            .join(judgement_criteria, judgement_criteria.c.judgement_id == Judgement.id)
            .join(Criterion, Criterion.id == judgement_criteria.c.criterion_id)
            .where(Criterion.code == basis.key, Ticket.judged_at >= start,
                   Ticket.judged_at < end))


def figures_of(basis: Basis) -> tuple[dict, list[int]]:
    """The figures as of now and the ids of the newest tickets behind them."""
    if basis.source == Source.NOTE:
        return {}, []
    start, end = utc_bounds(Span(basis.start, basis.end))
    if basis.source == Source.CRITERION:
        ids_query = _criterion_tickets(basis)
        hits = db.session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
        established = db.session.scalar(select(func.count()).select_from(
            ids_query.where(Ticket.verdict == "established").subquery())) or 0
        judged = db.session.scalar(select(func.count(Ticket.id)).where(
            Ticket.judged_at >= start, Ticket.judged_at < end)) or 0
        figures = {"hits": hits, "established": established, "judged": judged}
    else:
        in_span = and_(Ticket.created_at >= start, Ticket.created_at < end)
        ids_query = select(Ticket.id).where(in_span, Ticket.complaint.like(
            f"%{escape_like(basis.key)}%", escape="\\"))
        hits = db.session.scalar(select(func.count()).select_from(ids_query.subquery())) or 0
        total = db.session.scalar(select(func.count(Ticket.id)).where(in_span)) or 0
        note_hits, note_total = feedback.keyword_counts(basis.start, basis.end, basis.key)
        figures = {"hits": hits, "total": total, "note_hits": note_hits,
                   "note_total": note_total}
    ids = list(db.session.scalars(ids_query.order_by(Ticket.id.desc())
                                  .limit(rules.TICKETS_MAX)))
    return figures, ids


def draft(basis: Basis) -> tuple[dict, list[Ticket]]:
    """The new-proposal form's attachments: the figures and the tickets, newest first."""
    _check_basis(basis)
    figures, ids = figures_of(basis)
    tickets = list(db.session.scalars(select(Ticket).where(Ticket.id.in_(ids))
                                      .order_by(Ticket.id.desc()))) if ids else []
    return figures, tickets


def _require_writer(actor: User) -> None:
    if actor.role_enum not in rules.WRITERS:
        raise NotAllowed(N_("Only the whitelist owner or a duty manager writes proposals."))


def create_proposal(basis: Basis, *, title: str, body: str, actor: User,
                    now: datetime) -> Proposal:
    """上报: saved with the figures and tickets as they are now, sent to the group head and
    the site head; a warning it answers is handled, a note it comes from is settled."""
    _require_writer(actor)
    title, body = mask_numbers((title or "").strip()), mask_numbers((body or "").strip())
    problems = {}
    if not title or len(title) > rules.TITLE_MAX:
        problems["title"] = (N_("Give a title of at most %(max)d characters."),
                             {"max": rules.TITLE_MAX})
    if not body or len(body) > rules.BODY_MAX:
        problems["body"] = (N_("Write the proposal (at most %(max)d characters)."),
                            {"max": rules.BODY_MAX})
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        _check_basis(basis)
        figures, ids = figures_of(basis)
        proposal = Proposal(
            title=title, body=body, source=basis.source, source_key=basis.key,
            period_start=basis.start, period_end=basis.end,
            figures=json.dumps(figures, ensure_ascii=False) if figures else "",
            warning_id=basis.warning_id, state=State.SUBMITTED, created_by_id=actor.id,
            created_at=now)
        db.session.add(proposal)
        db.session.flush()
        for role in rules.ADDRESSEES:
            db.session.add(ProposalReview(proposal_id=proposal.id, role=role.value,
                                          decision_note=""))
        if ids:
            db.session.execute(proposal_tickets.insert(),
                               [{"proposal_id": proposal.id, "ticket_id": i} for i in ids])
        if basis.warning_id is not None:
            db.session.execute(update(EarlyWarning).where(
                EarlyWarning.id == basis.warning_id, EarlyWarning.handled_at.is_(None))
                .values(handled_at=now, handled_by_id=actor.id))
        if basis.note_id is not None:
            feedback.settle(basis.note_id, "proposal", actor=actor, now=now,
                            proposal_id=proposal.id)
        alert(users_with_role(*rules.ADDRESSEES), SENT, ref_id=proposal.id, now=now)
        audit.record("proposal_submit", actor=actor, now=now, note=title, detail={
            "proposal": proposal.id, "source": basis.source, "key": basis.key,
            "tickets": len(ids), **figures})
    return proposal


def _review_for(proposal_id: int, actor: User) -> tuple[Proposal, ProposalReview]:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(N_("No such proposal."))
    review = db.session.get(ProposalReview, (proposal_id, actor.role))
    if review is None:
        raise NotAllowed(N_("Only the group head and the site head act on a proposal."))
    return proposal, review


def _restate(proposal: Proposal, version: int | None) -> None:
    if version is not None and version != proposal.version:
        raise Conflict(N_("Someone acted on this proposal after you opened it. "
                          "The page now shows its latest state."))
    steps = {Role(r.role): (r.acknowledged_at is not None, r.decided_at is not None)
             for r in proposal.reviews}
    proposal.state = rules.state_of(steps)
    # The proposal's row is written on every step (its version too), even when its state
    # stays: two addressees acting at once meet at the guarded UPDATE.
    flag_modified(proposal, "state")
    flush_guarded()


def acknowledge(proposal_id: int, *, actor: User, now: datetime,
                version: int | None = None) -> Proposal:
    """签收: the addressee confirms they received the proposal."""
    with write_transaction():
        proposal, review = _review_for(proposal_id, actor)
        rules.check_acknowledge(actor.role_enum, review.acknowledged_at is not None)
        review.acknowledged_at, review.acknowledged_by_id = now, actor.id
        _restate(proposal, version)
        audit.record("proposal_acknowledge", actor=actor, now=now, note=proposal.title,
                     detail={"proposal": proposal.id})
    return proposal


def decide(proposal_id: int, *, decision: str, note: str, actor: User, now: datetime,
           version: int | None = None) -> Proposal:
    """批复: adopt, adopt in part or reject, with a note (required unless adopted). Deciding
    acknowledges too, if the addressee had not."""
    note = mask_numbers((note or "").strip())
    problems = {}
    if decision not in set(Decision):
        problems["decision"] = N_("Choose a decision.")
    if len(note) > rules.NOTE_MAX:
        problems["note"] = (N_("At most %(max)d characters."), {"max": rules.NOTE_MAX})
    elif not note and decision in (Decision.PARTLY, Decision.REJECT):
        problems["note"] = N_("Say why, or which part is adopted.")
    if problems:
        raise FormProblems(problems)
    with write_transaction():
        proposal, review = _review_for(proposal_id, actor)
        rules.check_decide(actor.role_enum, review.acknowledged_at is not None,
                           review.decided_at is not None)
        if review.acknowledged_at is None:
            review.acknowledged_at, review.acknowledged_by_id = now, actor.id
        review.decision, review.decision_note = decision, note
        review.decided_at, review.decided_by_id = now, actor.id
        _restate(proposal, version)
        alert([proposal.created_by_id], DECIDED, ref_id=proposal.id, now=now)
        audit.record("proposal_decide", actor=actor, now=now, note=note,
                     detail={"proposal": proposal.id, "decision": decision,
                             "role": actor.role})
    return proposal


# --- reading ---------------------------------------------------------------------------------

def may_read(actor: User) -> bool:
    return actor.role_enum in rules.READERS


def get_proposal(proposal_id: int, *, actor: User) -> Proposal:
    if not may_read(actor):
        raise NotFound(N_("No such proposal."))
    proposal = db.session.scalar(select(Proposal).options(
        joinedload(Proposal.created_by),
        selectinload(Proposal.reviews).joinedload(ProposalReview.acknowledged_by),
        selectinload(Proposal.reviews).joinedload(ProposalReview.decided_by),
        selectinload(Proposal.tickets)).where(Proposal.id == proposal_id))
    if proposal is None:
        raise NotFound(N_("No such proposal."))
    return proposal


def _waiting_condition(actor: User):
    return Proposal.reviews.any(and_(ProposalReview.role == actor.role,
                                     ProposalReview.decided_at.is_(None)))


def list_proposals(actor: User, *, show: str = "all",
                   page: int = 1) -> tuple[list[Proposal], bool]:
    """Newest first; `show="waiting"`: those waiting for this addressee's decision."""
    if not may_read(actor):
        return [], False
    query = select(Proposal).options(joinedload(Proposal.created_by),
                                     selectinload(Proposal.reviews))
    if show == "waiting" and actor.role_enum in rules.ADDRESSEES:
        query = query.where(_waiting_condition(actor))
    elif show == "open":
        query = query.where(Proposal.state != State.DECIDED)
    rows = list(db.session.scalars(query.order_by(Proposal.created_at.desc(), Proposal.id.desc())
                                   .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def waiting_for(actor: User) -> list[Proposal]:
    """The proposals this group head or site head has not decided yet (their home)."""
    if actor.role_enum not in rules.ADDRESSEES:
        return []
    return list(db.session.scalars(select(Proposal).options(joinedload(Proposal.created_by))
                                   .where(_waiting_condition(actor))
                                   .order_by(Proposal.created_at)))
