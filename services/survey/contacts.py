"""Dissatisfied contacts (不满意用户): the survey week of a contact, opening one, a contact made
from a ticket, the marks (需调研 / 需回访), and the full customer number shown on demand."""
from datetime import datetime

from sqlalchemy import select

from domain import survey as rules
from domain.errors import N_, InvalidTransition, NotAllowed, NotFound
from domain.survey import Task
from models import User
from models.survey import SurveyContact

from .. import audit
from ..clock import local_day
from ..db import db, write_transaction
from ..tickets import load_visible


def dates_for(contact_at: datetime) -> dict:
    """week_start and survey_due_on of a contact at `contact_at` (UTC)."""
    cycle = rules.cycle_of(local_day(contact_at))
    return {"week_start": cycle.contact_week, "survey_due_on": cycle.survey_due}


def load_contact(contact_id: int, version: int | None = None) -> SurveyContact:
    """The contact, for a use case that has checked its actor; with `version`, only if
    nobody changed it since the form was opened."""
    contact = db.session.get(SurveyContact, contact_id)
    if contact is None:
        raise NotFound("No such contact.")
    if version is not None and version != contact.version:
        raise InvalidTransition(N_("Someone changed this contact in the meantime. The page now "
                                   "shows its latest state."))
    return contact


def holder_of(contact: SurveyContact) -> rules.Holder:
    return rules.Holder(agent_no=contact.agent_no, caller_id=contact.caller_id)


def can_call(contact: SurveyContact, user: User) -> bool:
    """Whether `user` may call this contact back (the page's callback forms)."""
    return rules.may_call(user.role, user.id, user.employee_no, holder_of(contact))


def require_caller(contact: SurveyContact, user: User) -> None:
    """For a use case that checked its actor's role: NotFound for a contact the user does not
    see, NotAllowed with the reason for one they see but may not call back."""
    holder = holder_of(contact)
    if rules.may_call(user.role, user.id, user.employee_no, holder):
        return
    if not rules.may_read(user.role, user.id, holder):
        raise NotFound("No such contact.")
    if contact.agent_no == user.employee_no:
        raise NotAllowed(N_("This complaint is about you: another caller calls the customer "
                            "back."))
    raise NotAllowed(N_("This callback is given to %(name)s: the duty manager can give it to "
                        "someone else."), name=contact.caller.name if contact.caller else "")


def get_contact(contact_id: int, *, actor: User) -> SurveyContact:
    """A contact, for its page: a caller of the floor sees only the contacts given to them."""
    rules.require(actor.role, Task.READ_CONTACT)
    contact = load_contact(contact_id)
    if not rules.may_read(actor.role, actor.id, holder_of(contact)):
        raise NotFound("No such contact.")
    return contact


def contact_for_ticket(ticket_id: int, *, actor: User) -> SurveyContact | None:
    """The contact made from a ticket, if any (the ticket page's button)."""
    rules.require(actor.role, Task.READ_CONTACT)
    return db.session.scalar(select(SurveyContact).where(SurveyContact.ticket_id == ticket_id))


def create_from_ticket(ticket_id: int, *, actor: User,
                       now: datetime) -> tuple[SurveyContact, bool]:
    """Turn a whitelist ticket into a dissatisfied hotline contact (the complained-about call:
    受理号码, the ticket's time, 被投诉工号, 投诉内容). Returns (contact, created); NotFound when
    the actor may not see the ticket."""
    rules.require(actor.role, Task.WORK)
    ticket = load_visible(ticket_id, actor)
    existing = contact_for_ticket(ticket.id, actor=actor)
    if existing is not None:
        return existing, False
    if not ticket.accused_no:
        raise InvalidTransition(N_("Set the accused employee no. on the ticket first: the "
                                   "contact is filed against that agent."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        contact = SurveyContact(
            channel=rules.Channel.HOTLINE, phone=ticket.caller_number,
            contact_at=ticket.created_at.replace(microsecond=0), agent_no=ticket.accused_no,
            summary=rules.note_text(ticket.complaint)[:rules.SUMMARY_MAX], score=None,
            ticket_id=ticket.id, created_by_id=actor.id, created_at=now, needs_survey=True,
            **dates_for(ticket.created_at))
        db.session.add(contact)
        existing = db.session.scalar(select(SurveyContact).where(
            SurveyContact.channel == contact.channel, SurveyContact.phone == contact.phone,
            SurveyContact.contact_at == contact.contact_at,
            SurveyContact.agent_no == contact.agent_no))
        if existing is not None:  # already imported from the survey system
            db.session.expunge(contact)
            existing.ticket_id = ticket.id
            contact = existing
        db.session.flush()
        audit.record("survey_contact_from_ticket", actor=actor, now=now, ticket=ticket,
                     detail={"contact": contact.id})
    return contact, True


def set_marks(contact_id: int, *, needs_survey: bool, needs_callback: bool | None,
              actor: User, now: datetime, version: int | None = None) -> SurveyContact:
    """需调研/无需调研 and 需回访/无需回访."""
    rules.require(actor.role, Task.WORK)
    with write_transaction():
        contact = load_contact(contact_id, version)
        if contact.callback_done_at is not None and needs_callback is False:
            raise InvalidTransition(N_("This contact has been called back already."))
        if contact.surveyed_at is not None and needs_survey != contact.needs_survey:
            raise InvalidTransition(N_("This contact has been surveyed already."))
        contact.needs_survey = needs_survey
        contact.needs_callback = needs_callback
        set_callback_due(contact)
        db.session.flush()
        audit.record("survey_marks", actor=actor, now=now,
                     detail={"contact": contact.id, "needs_survey": needs_survey,
                             "needs_callback": needs_callback})
    return contact


def set_callback_due(contact: SurveyContact) -> None:
    if not contact.needs_callback:
        contact.callback_due_on = None
        return
    surveyed = local_day(contact.surveyed_at) if contact.surveyed_at else None
    contact.callback_due_on = rules.callback_due(local_day(contact.contact_at), surveyed)


def reveal_phone(contact_id: int, *, actor: User, now: datetime) -> SurveyContact:
    """The contact, its full number (and the customer's name) to be shown once: audited. The
    quality team reveals any contact's; a caller, those they may call back."""
    rules.require(actor.role, Task.CALL)
    with write_transaction():
        contact = load_contact(contact_id)
        if actor.role not in rules.MAY[Task.WORK]:
            require_caller(contact, actor)
        audit.record("survey_reveal_phone", actor=actor, now=now,
                     detail={"contact": contact.id})
    return contact
