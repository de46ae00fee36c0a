"""Who may act on a ticket the quality team holds: its claimant, or whom a decision on an
escalated customer named to reply; and in which states the reply record is kept."""
from domain import tickets as rules
from domain.errors import N_, InvalidTransition, NotAllowed
from models import Ticket, User

from ..tickets import facts


def require_handler(ticket: Ticket, actor: User) -> None:
    """Only the claimant keeps the notifications and escalates, while verifying/judged."""
    if not rules.is_handler(actor.actor(), facts(ticket)):
        raise NotAllowed(N_("Only the checker who claimed this ticket can do this."))
    require_reply_state(ticket)


def require_reply_state(ticket: Ticket) -> None:
    if ticket.state not in rules.REPLY_STATES:
        raise InvalidTransition("This ticket is now “%(state)s”; the action no longer applies.",
                                state=ticket.state)


def require_reply_keeper(ticket: Ticket, actor: User) -> None:
    """The reply record is kept by the claimant, or by whom a decision on an escalated
    customer named."""
    if not rules.keeps_reply(actor.actor(), facts(ticket)):
        if ticket.replier_id is not None:
            raise NotAllowed(N_("The decision on this escalated customer names another "
                                "person to reply."))
        raise NotAllowed(N_("Only the checker who claimed this ticket can do this."))
    require_reply_state(ticket)
