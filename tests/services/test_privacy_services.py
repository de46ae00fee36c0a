"""Personal data past its retention, against a real database: after a run no text column of
any table holds an expired case's full number, its audio file is gone, every figure is the
same, a second run changes nothing, and the full number still finds the records."""
import io
from dataclasses import asdict
from datetime import timedelta

import pytest
from sqlalchemy import String, Text, inspect, select, text, update

from domain.errors import FormProblems, NotAllowed
from domain.periods import Span
from domain.roles import Role
from extensions import db
from models import AudioExcerpt, AuditEntry, ContactAttempt, SmsMessage, Ticket
from models.survey import SurveyContact, SurveyImport
from services import evidence, privacy, quality, reports
from services.quality import QueueFilter, queue
from services.survey import contacts as survey_contacts

pytestmark = pytest.mark.postgres

DAY = timedelta(days=1)
#: Numbers of the expired case and of the recent one: each appears nowhere but where expected.
OLD_CALLER, OLD_CONTACT = "13811110001", "13922220002"
NEW_CALLER, NEW_CONTACT = "13633330003", "13744440004"


def closed_ticket(make, checker, at, caller, contact, *, audio=False):
    """A ticket filed at `at`, judged 不成立, answered by SMS, and closed the same day; a
    legacy note with the full number (typed before numbers were masked on save)."""
    ticket = make.ticket("verifying", checker=checker, at=at, caller_number=caller,
                         contact_number=contact, accused_no="170333")
    if audio:
        stored = evidence.store_audio(io.BytesIO(b"ID3" + b"\0" * 2048), original_name="a.mp3")
        evidence.attach_excerpt(ticket.id, stored, description="客户原话", actor=checker,
                                now=at + timedelta(minutes=30))
    quality.judge(ticket.id, kind="attitude", verdict="not_established", criteria_ids=[],
                  basis="录音正常", actor=checker, now=at + timedelta(hours=1))
    for day in range(3):
        moment = at + timedelta(hours=2) + day * DAY
        quality.log_attempt(ticket.id, at=moment, reached=False, note="未接", actor=checker,
                            now=moment)
    sent = at + 3 * DAY
    quality.send_sms(ticket.id, kind="reply", text="您反映的问题已处理，请致电10010查询",
                     actor=checker, now=sent)
    assert quality.close_due(sent + timedelta(hours=1)) >= 1
    db.session.execute(update(ContactAttempt).where(ContactAttempt.ticket_id == ticket.id)
                       .values(note=f"客户说打{contact}找他"))
    db.session.execute(update(Ticket).where(Ticket.id == ticket.id)
                       .values(complaint=f"客户{caller}投诉员工态度差，联系{contact}"))
    db.session.commit()
    return db.session.get(Ticket, ticket.id)


@pytest.fixture
def floor(make, now):
    checker = make.user(Role.CHECKER)
    old = closed_ticket(make, checker, now - 400 * DAY, OLD_CALLER, OLD_CONTACT, audio=True)
    new = closed_ticket(make, checker, now - 20 * DAY, NEW_CALLER, NEW_CONTACT)
    old_contact, _ = survey_contacts.create_from_ticket(old.id, actor=checker,
                                                        now=now - 399 * DAY)
    new_contact, _ = survey_contacts.create_from_ticket(new.id, actor=checker, now=now - 19 * DAY)
    db.session.execute(update(SurveyContact).where(SurveyContact.id == old_contact.id)
                       .values(customer_name="王建国"))
    db.session.add(SurveyImport(filename="old.csv", uploaded_by_id=checker.id,
                                uploaded_at=now - 300 * DAY,
                                good_rows=f'[["{OLD_CALLER}", "热线"]]'))
    db.session.commit()
    return {"checker": checker, "owner": make.user(Role.OWNER), "old": old, "new": new,
            "old_contact": old_contact.id, "new_contact": new_contact.id}


def holders(number: str) -> list[str]:
    """Every table.column of text whose rows hold `number` anywhere."""
    found = []
    engine = db.engine
    for table in inspect(engine).get_table_names():
        for column in inspect(engine).get_columns(table):
            if not isinstance(column["type"], String | Text):
                continue
            name = column["name"]
            hit = db.session.execute(text(
                f'SELECT 1 FROM "{table}" WHERE "{name}" LIKE :pattern LIMIT 1'),
                {"pattern": f"%{number}%"}).first()
            if hit:
                found.append(f"{table}.{name}")
    return found


def figures(now):
    span = Span(now.date() - 500 * DAY, now.date() + DAY)
    return asdict(reports.kpis(reports.Scope(span=span), now))


def test_retention_anonymises_what_expired_and_nothing_else(db_backend, floor, now):
    assert holders(OLD_CALLER) and holders(OLD_CONTACT) and holders("王建国")
    excerpt = db.session.scalars(select(AudioExcerpt)).one()
    audio_file = evidence.excerpt_path(excerpt)
    assert audio_file.is_file()
    before = figures(now)

    counts = privacy.apply_retention(now)
    assert counts == {"tickets": 1, "contacts": 1, "imports": 1, "audio": 1}
    db.session.expire_all()
    for number in (OLD_CALLER, OLD_CONTACT, "王建国"):     # the customer's name too
        assert holders(number) == [], number
    assert "tickets.caller_number" in holders(NEW_CALLER)       # the recent case is kept
    assert "tickets.contact_number" in holders(NEW_CONTACT)
    old = db.session.get(Ticket, floor["old"].id)
    assert (old.caller_number, old.contact_number) == ("138****0001", "139****0002")
    assert old.anonymised_why == "retention" and old.caller_hash
    assert "138****0001" in old.complaint
    sms = db.session.scalars(select(SmsMessage).where(SmsMessage.ticket_id == old.id)).one()
    assert sms.number == "139****0002" and sms.number_hash
    assert not audio_file.exists()
    excerpt = db.session.get(AudioExcerpt, excerpt.id)
    assert excerpt.purged_at is not None and len(excerpt.sha256) == 64
    assert figures(now) == before, "figures are the same before and after"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy_retention")).one()
    assert '"tickets": 1' in entry.detail

    assert privacy.apply_retention(now) == {"tickets": 0, "contacts": 0, "imports": 0,
                                            "audio": 0}


def test_the_full_number_still_finds_an_anonymised_customer(db_backend, floor, now):
    privacy.apply_retention(now)
    found = queue(QueueFilter(q=OLD_CALLER, state="closed"), actor=floor["checker"])
    assert [row.id for row in found] == [floor["old"].id]
    contact = db.session.get(SurveyContact, floor["old_contact"])
    assert contact.phone == "138****0001" and contact.phone_hash
    typed = f"+86 {OLD_CALLER[:3]} {OLD_CALLER[3:7]} {OLD_CALLER[7:]}"
    assert [t.id for t in privacy.find_customer(typed, actor=floor["owner"])["tickets"]] == [
        floor["old"].id]


def test_a_customers_request_anonymises_every_record_at_once(db_backend, floor, make, now):
    owner = make.user(Role.OWNER)
    with pytest.raises(NotAllowed):
        privacy.anonymise_customer(NEW_CALLER, reason="x", actor=floor["checker"], now=now)
    with pytest.raises(FormProblems):
        privacy.anonymise_customer(NEW_CALLER, reason=" ", actor=owner, now=now)
    counts = privacy.anonymise_customer(NEW_CALLER, reason="客户12月5日来电要求删除",
                                        actor=owner, now=now)
    assert counts == {"tickets": 1, "contacts": 1}
    assert holders(NEW_CALLER) == []
    ticket = db.session.get(Ticket, floor["new"].id)
    assert ticket.anonymised_why == "request"
    entry = db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "privacy_request")).one()
    assert NEW_CALLER not in entry.note + entry.detail
    assert holders(OLD_CALLER), "another customer's records are untouched"


def test_the_sweep_applies_retention_once_a_day(db_backend, floor, now):
    assert privacy.daily_retention(now) is not None
    assert privacy.daily_retention(now + timedelta(hours=1)) is None
    assert privacy.daily_retention(now + DAY) == {"tickets": 0, "contacts": 0, "imports": 0,
                                                  "audio": 0}
