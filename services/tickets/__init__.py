"""Ticket use cases and reading, one module per part: filing (submit, a transferred complaint,
the lead's review: return, resubmit, sign over), access (who may see and move a ticket: the
facts the rules read, the visible ticket, the checked move, the guarded flush), lists (the
visible tickets by filter, the review queue) and page (what the ticket page reads).

The names other modules use are importable from here, as `services.tickets.load_visible` …"""
from .access import facts, flush_guarded, get_ticket, load_visible, move, permitted_actions
from .filing import (TicketInput, enter_transferred, resubmit_ticket, return_to_staff,
                     sign_handover, submit_ticket)
from .lists import (MOMENTS, TicketFilter, iter_tickets, list_tickets, review_queue,
                    returned_to_me)
from .page import PageExtras, load_page, timeline

__all__ = [
    "MOMENTS", "PageExtras", "TicketFilter", "TicketInput", "enter_transferred", "facts",
    "flush_guarded", "get_ticket", "iter_tickets", "list_tickets", "load_page", "load_visible",
    "move", "permitted_actions", "resubmit_ticket", "return_to_staff", "returned_to_me",
    "review_queue", "sign_handover", "submit_ticket", "timeline"]
