"""Personal data lifecycle (PIPL): after its retention, a ticket's or a dissatisfied contact's
customer data is anonymised — numbers masked with a keyed hash kept beside them, free text
masked — and audio excerpts are deleted from storage; at a customer's request the same happens
at once for every record of their number. Figures never change: nothing counted is touched."""
from datetime import datetime

from flask import current_app
from sqlalchemy import and_, case, func, or_, select, update

from domain import privacy as rules
from domain.errors import N_, FormProblems, NotAllowed
from domain.phones import normalize_phone
from domain.roles import Role
from domain.text import mask_numbers
from domain.tickets import State
from models import (Appeal, AudioExcerpt, ContactAttempt, HandoverEntry, Judgement,
                    Notification, Objection, Setting, SmsMessage, SupervisionOrder, Ticket,
                    User)
from models.callbacks import ContactProblem
from models.survey import (CallbackRecord, RemedyTask, SurveyContact, SurveyImport,
                           SurveyRecord)

from . import audit, settings
from .clock import local_today
from .db import db, write_transaction

BATCH = 500
RETENTION, REQUEST = "retention", "request"

#: Free text about a ticket's customer: (table, the column naming the ticket, text columns).
_TICKET_TEXT = (
    (Ticket.__table__, "id", ("complaint", "demand", "return_note", "reply_note",
                              "escalation_note", "reply_decision_note")),
    (ContactAttempt.__table__, "ticket_id", ("note",)),
    (SmsMessage.__table__, "ticket_id", ("text",)),
    (Notification.__table__, "ticket_id", ("result",)),
    (Judgement.__table__, "ticket_id", ("basis",)),
    (Appeal.__table__, "ticket_id", ("objection", "decision_reason", "ruling_reason")),
    (Objection.__table__, "ticket_id", ("points", "decline_reason")),
    (HandoverEntry.__table__, "ticket_id", ("remarks",)),
    (AudioExcerpt.__table__, "ticket_id", ("description",)),
    (SupervisionOrder.__table__, "ticket_id", ("request", "answer")),
)
#: The same for a dissatisfied contact.
_CONTACT_TEXT = (
    (SurveyContact.__table__, "id", ("summary", "hold_note", "business_result")),
    (SurveyRecord.__table__, "contact_id", ("unresolved_issue", "alternative")),
    (CallbackRecord.__table__, "contact_id", ("reason", "note")),
    (RemedyTask.__table__, "contact_id", ("contact_note", "remedy_note")),
    (ContactProblem.__table__, "contact_id", ("summary", "diagnosis_note", "plan_note")),
    (SupervisionOrder.__table__, "contact_id", ("request", "answer")),
)


def retention() -> rules.Retention:
    stored = settings.get("retention")
    return rules.Retention(**{k: int(v) for k, v in stored.items()
                              if k in ("contact_days", "audio_days")})


def hash_key() -> bytes:
    return rules.hash_key(current_app.config["SECRET_KEY"], current_app.config.get("PII_HASH_KEY"))


def number_hash(number: str | None) -> str | None:
    """The keyed hash a full number is recognised by once anonymised."""
    return rules.phone_hash(hash_key(), number)


# --- anonymising ---------------------------------------------------------------------------

def _mask_text(specs, ids: list[int]) -> int:
    """Mask numbers in the free text of the rows belonging to `ids`; rows changed."""
    changed = 0
    for table, owner, columns in specs:
        rows = db.session.execute(select(table.c.id, *[table.c[c] for c in columns])
                                  .where(table.c[owner].in_(ids))).all()
        for row_id, *texts in rows:
            masked = {c: mask_numbers(t) for c, t in zip(columns, texts, strict=True)
                      if t and mask_numbers(t) != t}
            if masked:
                db.session.execute(update(table).where(table.c.id == row_id).values(**masked))
                changed += 1
    return changed


def _anonymise_tickets(ids: list[int], why: str, now: datetime) -> int:
    """Numbers masked with their hashes kept, free text masked; only tickets not anonymised
    yet (another host, an earlier run), so a second pass changes nothing."""
    key = hash_key()
    done = []
    for ticket_id, caller, contact in db.session.execute(
            select(Ticket.id, Ticket.caller_number, Ticket.contact_number)
            .where(Ticket.id.in_(ids), Ticket.anonymised_at.is_(None))).all():
        claimed = db.session.execute(
            update(Ticket).where(Ticket.id == ticket_id, Ticket.anonymised_at.is_(None))
            .values(caller_number=rules.anonymised(caller),
                    contact_number=rules.anonymised(contact),
                    caller_hash=rules.phone_hash(key, caller),
                    contact_hash=rules.phone_hash(key, contact),
                    anonymised_at=now, anonymised_why=why)
            .execution_options(synchronize_session=False)).rowcount
        if claimed:
            done.append(ticket_id)
    if done:
        for sms_id, number in db.session.execute(select(SmsMessage.id, SmsMessage.number)
                                                 .where(SmsMessage.ticket_id.in_(done))).all():
            db.session.execute(update(SmsMessage).where(SmsMessage.id == sms_id).values(
                number=rules.anonymised(number),
                number_hash=rules.phone_hash(key, number) if "*" not in number else None))
        _mask_text(_TICKET_TEXT, done)
    return len(done)


def _anonymise_contacts(ids: list[int], now: datetime) -> int:
    key = hash_key()
    done = []
    for contact_id, phone in db.session.execute(
            select(SurveyContact.id, SurveyContact.phone)
            .where(SurveyContact.id.in_(ids), SurveyContact.anonymised_at.is_(None))).all():
        claimed = db.session.execute(
            update(SurveyContact).where(SurveyContact.id == contact_id,
                                        SurveyContact.anonymised_at.is_(None))
            .values(phone=rules.anonymised(phone), phone_hash=rules.phone_hash(key, phone),
                    customer_name="", anonymised_at=now)
            .execution_options(synchronize_session=False)).rowcount
        if claimed:
            done.append(contact_id)
    if done:
        db.session.execute(update(CallbackRecord).where(CallbackRecord.contact_id.in_(done))
                           .values(customer_name=""))
        _mask_text(_CONTACT_TEXT, done)
    return len(done)


# --- the retention sweep -------------------------------------------------------------------

def _expired_tickets(cutoff: datetime):
    """Tickets that ended (closed, or their return confirmed) before `cutoff`, not yet
    anonymised."""
    confirmed = select(HandoverEntry.ticket_id).where(
        HandoverEntry.return_confirmed_at < cutoff)
    return select(Ticket.id).where(Ticket.anonymised_at.is_(None), or_(
        and_(Ticket.state == State.CLOSED.value, Ticket.closed_at < cutoff),
        and_(Ticket.state == State.RETURN_CONFIRMED.value, Ticket.id.in_(confirmed))))


def _expired_contacts(cutoff_day):
    """Dissatisfied contacts whose cycle ended before `cutoff_day`: the callback week when a
    callback was needed, else the survey week; never one still followed up (tracking) or with
    a remedy task open."""
    cycle_end = func.coalesce(case((SurveyContact.needs_callback.is_(True),
                                    SurveyContact.callback_due_on)),
                              SurveyContact.survey_due_on)
    open_remedy = select(RemedyTask.contact_id).where(RemedyTask.remedied_at.is_(None))
    return select(SurveyContact.id).where(
        SurveyContact.anonymised_at.is_(None), SurveyContact.tracking.is_(False),
        cycle_end < cutoff_day, SurveyContact.id.not_in(open_remedy))


def _in_batches(query, work) -> int:
    """Run `work` over the ids `query` finds, BATCH at a time, each batch one transaction."""
    total = 0
    while True:
        with write_transaction():
            ids = list(db.session.scalars(query.order_by(query.selected_columns[0])
                                          .limit(BATCH)))
            if not ids:
                return total
            done = work(ids)
        total += done
        if not done:
            return total


def _purge_audio(cutoff: datetime, now: datetime) -> int:
    """Delete the files of audio excerpts whose ticket ended before `cutoff`; the rows stay
    with their SHA-256, marked 已按期删除."""
    from .evidence import excerpt_path
    ended = select(Ticket.id).where(or_(
        and_(Ticket.state == State.CLOSED.value, Ticket.closed_at < cutoff),
        and_(Ticket.state == State.RETURN_CONFIRMED.value, Ticket.id.in_(
            select(HandoverEntry.ticket_id).where(HandoverEntry.return_confirmed_at < cutoff)))))
    purged = 0
    while True:
        gone = []
        with write_transaction():
            excerpts = list(db.session.scalars(
                select(AudioExcerpt).where(AudioExcerpt.purged_at.is_(None),
                                           AudioExcerpt.ticket_id.in_(ended))
                .order_by(AudioExcerpt.id).limit(BATCH)))
            for excerpt in excerpts:
                claimed = db.session.execute(
                    update(AudioExcerpt).where(AudioExcerpt.id == excerpt.id,
                                               AudioExcerpt.purged_at.is_(None))
                    .values(purged_at=now).execution_options(synchronize_session=False)
                ).rowcount
                if claimed:
                    gone.append(excerpt_path(excerpt))
        # The rows are marked; the files go once that is committed (a crash in between
        # leaves a file nobody uses, never a row pointing at no file unmarked).
        for path in gone:
            path.unlink(missing_ok=True)
        purged += len(gone)
        if not gone:
            return purged


def _clear_imports(cutoff: datetime) -> int:
    """An import's kept preview (the good rows, with the numbers) is not needed once the
    import is older than the retention."""
    with write_transaction():
        return db.session.execute(
            update(SurveyImport).where(SurveyImport.uploaded_at < cutoff,
                                       SurveyImport.good_rows != "")
            .values(good_rows="").execution_options(synchronize_session=False)).rowcount


def apply_retention(now: datetime) -> dict:
    """Anonymise what has outlived its retention and delete expired audio; idempotent (a
    second run finds nothing) and safe on several hosts (every row is claimed by a guarded
    UPDATE). Audited with the counts."""
    keep = retention()
    cutoff = keep.contact_cutoff(now)
    counts = {
        "tickets": _in_batches(_expired_tickets(cutoff),
                               lambda ids: _anonymise_tickets(ids, RETENTION, now)),
        "contacts": _in_batches(_expired_contacts(keep.contact_cutoff_day(local_today(now))),
                                lambda ids: _anonymise_contacts(ids, now)),
        "imports": _clear_imports(cutoff),
        "audio": _purge_audio(keep.audio_cutoff(now), now),
    }
    with write_transaction():
        audit.record("privacy_retention", actor=None, now=now,
                     detail={**counts, "contact_days": keep.contact_days,
                             "audio_days": keep.audio_days})
    return counts


_DAY_KEY = "privacy_swept_on"


def daily_retention(now: datetime) -> dict | None:
    """apply_retention once per local day, whichever host's sweep comes first (the day is
    claimed in the settings table by a guarded write); None when today's run was done."""
    today = local_today(now).isoformat()
    with write_transaction():
        row = db.session.get(Setting, _DAY_KEY)
        if row is not None and row.value == f'"{today}"':
            return None
        if row is None:
            db.session.add(Setting(key=_DAY_KEY, value=f'"{today}"', updated_at=now))
        else:
            claimed = db.session.execute(
                update(Setting).where(Setting.key == _DAY_KEY, Setting.value == row.value)
                .values(value=f'"{today}"', updated_at=now)
                .execution_options(synchronize_session=False)).rowcount
            if not claimed:
                return None
    return apply_retention(now)


# --- a customer's request ------------------------------------------------------------------

def _may_handle_requests(actor: User) -> None:
    if actor.role_enum not in (Role.ADMIN, Role.OWNER):
        raise NotAllowed(N_("Only the administrator or the whitelist owner handles a "
                            "customer's request about their data."))


def _matching(number: str):
    """Every ticket, SMS and dissatisfied contact of this number, full or anonymised."""
    digits = normalize_phone(number)
    if digits is None:
        raise FormProblems({"phone": N_("Enter a valid phone number.")})
    digest = number_hash(digits)
    tickets = select(Ticket.id).where(or_(
        Ticket.caller_number == digits, Ticket.contact_number == digits,
        Ticket.caller_hash == digest, Ticket.contact_hash == digest))
    by_sms = select(SmsMessage.ticket_id).where(or_(SmsMessage.number == digits,
                                                    SmsMessage.number_hash == digest))
    contacts = select(SurveyContact.id).where(or_(SurveyContact.phone == digits,
                                                  SurveyContact.phone_hash == digest))
    return digits, select(Ticket.id).where(or_(Ticket.id.in_(tickets), Ticket.id.in_(by_sms))), \
        contacts


def find_customer(number: str, *, actor: User) -> dict:
    """What Zikong holds of this number: tickets (open ones named), contacts."""
    _may_handle_requests(actor)
    _digits, tickets, contacts = _matching(number)
    rows = db.session.execute(select(Ticket.id, Ticket.number, Ticket.state,
                                     Ticket.anonymised_at)
                              .where(Ticket.id.in_(tickets)).order_by(Ticket.id)).all()
    return {"tickets": rows,
            "contacts": db.session.scalar(select(func.count()).select_from(
                contacts.subquery())) or 0}


def anonymise_customer(number: str, *, reason: str, actor: User, now: datetime) -> dict:
    """A customer's request: every record of the number anonymised now, with the reason;
    one audit entry with the counts (never the number)."""
    _may_handle_requests(actor)
    reason = (reason or "").strip()
    if not reason:
        raise FormProblems({"reason": N_("Say why (e.g. the customer's request of which day).")})
    _digits, tickets, contacts = _matching(number)
    with write_transaction():
        ticket_ids = list(db.session.scalars(tickets))
        contact_ids = list(db.session.scalars(contacts))
        counts = {"tickets": _anonymise_tickets(ticket_ids, REQUEST, now) if ticket_ids else 0,
                  "contacts": _anonymise_contacts(contact_ids, now) if contact_ids else 0}
        audit.record("privacy_request", actor=actor, now=now, note=mask_numbers(reason),
                      detail=counts)
    return counts
