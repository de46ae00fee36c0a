"""The case library (案例库, SPEC §8): the owner turns a judged ticket into a case — customer
numbers masked — and edits it; everyone but IT searches and reads the library."""
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from domain.errors import N_, Conflict, InvalidTransition, NotAllowed, NotFound
from domain.roles import Role
from domain.text import escape_like, mask_numbers
from domain.tickets import State
from models import Case, Criterion, Ticket, User

from . import audit
from .db import db, update_if_unchanged, write_transaction
from .quality import FormProblems
from .tickets import load_visible

#: A judgement that still stands: appealed or voting tickets wait for the final verdict.
CASEABLE_STATES = frozenset({State.JUDGED, State.CLOSED})
TEXT_FIELDS = ("title", "summary", "analysis", "lesson", "handling")
MAX_LENGTH = {"title": 200, "summary": 4000, "analysis": 4000, "lesson": 4000,
              "handling": 4000}
PAGE_SIZE = 50
MAX_QUERY = 100    # characters of a search; the rest is ignored
MAX_TERMS = 5

@dataclass(frozen=True)
class CaseInput:
    """What the owner writes (the form has checked lengths; masking happens here)."""
    title: str
    summary: str
    analysis: str
    lesson: str
    handling: str
    criteria_ids: list[int] = field(default_factory=list)
    archived: bool = False


def _clean(data: CaseInput) -> dict[str, str]:
    values = {name: mask_numbers((getattr(data, name) or "").strip()) for name in TEXT_FIELDS}
    problems = {}
    for name, value in values.items():
        if not value:
            problems[name] = N_("This field is required.")
        elif len(value) > MAX_LENGTH[name]:
            problems[name] = (N_("At most %(max)d characters."), {"max": MAX_LENGTH[name]})
    if problems:
        raise FormProblems(problems)
    return values


def _criteria(ids: list[int]) -> list[Criterion]:
    wanted = set(ids or [])
    rows = list(db.session.scalars(select(Criterion).where(Criterion.id.in_(wanted)))) \
        if wanted else []
    if len(rows) != len(wanted):
        raise FormProblems({"criteria": N_("Choose criteria from the list.")})
    return rows


def _require_owner(actor: User) -> None:
    if actor.role_enum != Role.OWNER:
        raise NotAllowed(N_("Only the whitelist owner curates the case library."))


def caseable(ticket: Ticket) -> bool:
    """A ticket whose judgement stands: judged or closed."""
    return ticket.state in CASEABLE_STATES and ticket.judgement is not None


def case_of_ticket(ticket_id: int) -> Case | None:
    return db.session.scalar(select(Case).where(Case.ticket_id == ticket_id))


def load_ticket(ticket_id: int, *, actor: User) -> Ticket:
    """The ticket a case is made from: NotFound when the actor may not see it."""
    return load_visible(ticket_id, actor)


def draft_for(ticket: Ticket) -> CaseInput:
    """The new-case form's starting point: the complaint as the summary and the basis of the
    verdict as the analysis (numbers masked), and the judgement's criteria as tags."""
    judgement = ticket.judgement
    return CaseInput(
        title="", summary=mask_numbers(ticket.complaint),
        analysis=mask_numbers(judgement.basis if judgement else ""), lesson="", handling="",
        criteria_ids=[c.id for c in judgement.criteria] if judgement else [])


def create_case(ticket_id: int, data: CaseInput, *, actor: User, now: datetime) -> Case:
    """Add the case written from this judged ticket (one case per ticket)."""
    _require_owner(actor)
    values = _clean(data)
    try:
        with write_transaction():
            ticket = load_visible(ticket_id, actor)
            if not caseable(ticket):
                raise InvalidTransition(N_("Only a judged or closed ticket can become a case."))
            if case_of_ticket(ticket.id) is not None:
                raise Conflict(N_("This ticket is already a case."))
            case = Case(ticket_id=ticket.id, archived=False, created_by_id=actor.id,
                        created_at=now, updated_by_id=actor.id, updated_at=now, **values)
            case.criteria = _criteria(data.criteria_ids)
            db.session.add(case)
            db.session.flush()
            audit.record("case_save", actor=actor, now=now, detail={
                "case": case.id, "ticket": ticket.number, "created": True,
                "criteria": sorted(c.code for c in case.criteria)})
    except IntegrityError:
        # Two owners saved a case for this ticket at the same moment: the other one won.
        raise Conflict(N_("This ticket is already a case.")) from None
    return case


def update_case(case_id: int, data: CaseInput, *, actor: User, now: datetime,
                version: int | None = None) -> Case:
    """Save the owner's edit; a form opened before someone else's save changes nothing."""
    _require_owner(actor)
    values = _clean(data)
    with write_transaction():
        criteria = _criteria(data.criteria_ids)
        case, before = update_if_unchanged(
            Case, case_id, {**values, "criteria": criteria, "archived": bool(data.archived)},
            version=version, actor=actor, now=now, missing=N_("No such case."),
            changed=N_("Someone saved this case after you opened it. "
                       "The form now shows the latest text."))
        changed = [name for name, value in values.items() if before[name] != value]
        if {c.id for c in criteria} != {c.id for c in before["criteria"]}:
            changed.append("criteria")
        if before["archived"] != case.archived:
            changed.append("archived")
        audit.record("case_save", actor=actor, now=now, detail={
            "case": case.id, "changed": changed, "archived": case.archived,
            "criteria": sorted(c.code for c in criteria)})
    return case


def get_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(N_("No such case."))
    return case


# --- search ----------------------------------------------------------------------------------

@dataclass
class CaseFilter:
    q: str | None = None
    criterion: int | None = None
    archived: bool = False   # True: the archived cases instead of those in use


def search_terms(q: str | None) -> list[str]:
    """Words of a search (every one must appear); Chinese needs no spaces: 争执 finds
    客户与员工发生争执."""
    return (q or "")[:MAX_QUERY].split()[:MAX_TERMS]


def _search_query(filters: CaseFilter):
    query = select(Case).where(Case.archived.is_(bool(filters.archived)))
    columns = [getattr(Case, name) for name in TEXT_FIELDS]
    for term in search_terms(filters.q):
        pattern = f"%{escape_like(term)}%"
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    if filters.criterion:
        query = query.where(Case.criteria.any(Criterion.id == filters.criterion))
    return query


def search(filters: CaseFilter, *, page: int = 1) -> tuple[list[Case], bool, int]:
    """Cases matching the filter, newest first, one page at a time: (rows, has_more, total)."""
    query = _search_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = list(db.session.scalars(
        query.options(selectinload(Case.criteria))
        .order_by(Case.created_at.desc(), Case.id.desc())
        .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE, total


def all_criteria() -> list[Criterion]:
    """Every criterion (retired ones too: old cases carry them), in the configured order."""
    return list(db.session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id)))
