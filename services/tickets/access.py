"""Who may see a ticket and move it: the facts the domain's rules read, the visible ticket
or NotFound, a move checked against the state and the form's version, the guarded flush,
and the moves a user may make now."""
from sqlalchemy.orm.exc import StaleDataError

from domain import appeals as appeal_rules
from domain import tickets as rules
from domain.errors import Conflict, NotFound
from domain.tickets import Action, State
from models import Ticket, User

from .. import chain
from ..db import LOST_RACE, db


def facts(ticket: Ticket) -> rules.TicketFacts:
    return rules.TicketFacts(
        state=State(ticket.state), submitter_id=ticket.submitter_id, team_id=ticket.team_id,
        accused_no=ticket.accused_no,
        accused_team_id=ticket.accused.team_id if ticket.accused else None,
        handed_over=ticket.handed_over_at is not None, checker_id=ticket.checker_id,
        transferred=ticket.source is not None,
        judged_by_id=ticket.judgement.judged_by_id if ticket.judgement else None,
        panel_ids=frozenset(m.user_id for m in ticket.appeal.members) if ticket.appeal
        else frozenset(),
        appeal_actor_ids=_appeal_actors(ticket), replier_id=ticket.replier_id)


def _appeal_actors(ticket: Ticket) -> frozenset[int]:
    """Who may re-judge an appealed ticket, or rule on an escalated one (domain.appeals)."""
    if ticket.state == State.APPEALED:
        return appeal_rules.rejudgers(
            chain.people(), deputy=chain.deputy_id(),
            judge=ticket.judgement.judged_by_id if ticket.judgement else None)
    if ticket.state == State.ESCALATED:
        return appeal_rules.rulers(chain.people())
    return frozenset()


def check_visible(ticket: Ticket | None, actor: User) -> Ticket:
    if ticket is None or not rules.can_view(actor.actor(), facts(ticket)):
        raise NotFound("No such ticket.")
    return ticket


def load_visible(ticket_id: int, actor: User) -> Ticket:
    return check_visible(db.session.get(Ticket, ticket_id), actor)


def move(ticket: Ticket, action: Action, actor: User, version: int | None) -> tuple[str, State]:
    """Check the move against the current state and the form's version; return (from, to)."""
    before = ticket.state
    after = rules.check(action, actor.actor(), facts(ticket))
    if version is not None and version != ticket.version:
        raise Conflict("Someone changed this ticket after you opened it. "
                       "The page now shows its latest state.")
    ticket.state = after
    return before, after


def flush_guarded():
    """Flush the UPDATE … WHERE version = ?; a lost race becomes a Conflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise Conflict(LOST_RACE) from None


def get_ticket(ticket_id: int, *, actor: User) -> Ticket:
    """The ticket if the actor may see it; NotFound otherwise (never a hint that it exists)."""
    return load_visible(ticket_id, actor)


def permitted_actions(ticket: Ticket, actor: User) -> set[Action]:
    """The moves the server would accept now: the buttons the page shows."""
    known, who = facts(ticket), actor.actor()
    return {action for action in Action if rules.may(action, who, known)}
