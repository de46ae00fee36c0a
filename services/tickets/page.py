"""The ticket page's reading: the ticket and what its page shows in one statement, and its
timeline."""
from dataclasses import dataclass

from sqlalchemy import bindparam, exists, inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from domain.errors import NotFound
from models import (Appeal, AudioExcerpt, AuditEntry, Case, ContactAttempt, HandoverEntry,
                    Judgement, Notification, RecordingRef, SmsMessage, SupervisionOrder, Ticket,
                    User)
from models.survey import SurveyContact

from ..db import db
from .access import check_visible


@dataclass(frozen=True)
class PageExtras:
    """What else the ticket page shows, known from the ticket's own query: whether there is
    recording evidence, a library case, a dissatisfied contact made from the ticket,
    supervision orders."""
    has_evidence: bool
    has_case: bool
    has_survey_contact: bool
    has_orders: bool = False


def _page_statement():
    """The ticket with everything its page reads, in one statement (built once): the people
    and records it links to, the accused agent, and whether each list on the page has rows,
    so that an empty list costs no query."""
    def has(model):
        return exists().where(model.ticket_id == Ticket.id)

    appeal = joinedload(Ticket.appeal)
    return (select(Ticket, has(Notification), has(ContactAttempt),
                   has(SmsMessage), has(AudioExcerpt) | has(RecordingRef), has(Case),
                   has(SurveyContact), has(SupervisionOrder))
            .where(Ticket.id == bindparam("ticket_id"))
            .options(joinedload(Ticket.submitter), joinedload(Ticket.team),
                     joinedload(Ticket.checker), joinedload(Ticket.accused),
                     joinedload(Ticket.handover).joinedload(HandoverEntry.return_confirmed_by),
                     joinedload(Ticket.judgement).joinedload(Judgement.judged_by),
                     appeal.joinedload(Appeal.appellant), appeal.joinedload(Appeal.rejudged_by),
                     appeal.joinedload(Appeal.ruled_by)))


_PAGE = _page_statement()


def load_page(ticket_id: int, *, actor: User) -> tuple[Ticket, PageExtras]:
    """The ticket and what its page shows; NotFound when the actor may not see it. Its lists
    load when the page first reads them, but for those the statement found empty."""
    row = db.session.execute(_PAGE, {"ticket_id": ticket_id}).first()
    if row is None:
        raise NotFound("No such ticket.")
    ticket, notified, attempted, texted, evidence, case, contact, orders = row
    # Set empty rather than queried when read: docs/decisions.md (issue 20).
    unloaded = inspect(ticket).unloaded
    for name, present in (("notifications", notified), ("attempts", attempted),
                          ("sms", texted)):
        if not present and name in unloaded:
            set_committed_value(ticket, name, [])
    return check_visible(ticket, actor), PageExtras(has_evidence=bool(evidence),
                                               has_case=bool(case),
                                               has_survey_contact=bool(contact),
                                               has_orders=bool(orders))


_TIMELINE = (select(AuditEntry).options(joinedload(AuditEntry.actor))
             .where(AuditEntry.ticket_id == bindparam("ticket_id"))
             .order_by(AuditEntry.at, AuditEntry.id))  # built once, like _PAGE


def timeline(ticket: Ticket) -> list[AuditEntry]:
    return list(db.session.scalars(_TIMELINE, {"ticket_id": ticket.id}))
