"""Every survey use case checks its actor itself, whatever the view checked: called by each
role, the roles not listed here get NotAllowed and the database is unchanged; the others get
past the check (to NotFound for the missing record, a form problem, or the work done). A
contact cannot be made from a ticket the actor may not see."""
import inspect
import io
from datetime import date

import pytest
from sqlalchemy import func, select

from domain.errors import NotAllowed, NotFound
from domain.periods import Span
from domain.roles import Role
from extensions import db
from models import AuditEntry
from models.survey import SurveyContact
from services.survey import (analysis, assignments, audits, config, contacts, imports, kpis,
                            problems, queues, ranking, records, remedies)

R = Role
QUALITY = {R.CHECKER, R.OWNER}
MANAGERS = {R.OWNER, R.GROUP_HEAD, R.SITE_HEAD, R.DUTY_MANAGER}
CALLERS = QUALITY | {R.STAFF, R.TEAM_LEAD}
ASSIGNERS = {R.DUTY_MANAGER, R.OWNER}
FLOOR = set(Role) - {R.ADMIN}
MISSING = 999999
NOVEMBER = Span(date(2026, 11, 1), date(2026, 12, 1))
TODAY = date(2026, 11, 23)


def csv():
    return io.BytesIO("客户电话,渠道,接触时间,工号,问题摘要,满意度\n"
                      "13812345678,热线,2026-11-16 09:30,200101,态度差,3\n".encode())


#: use case → (the roles that may call it, a call with the actor `a` at `now`)
USE_CASES = {
    config.save_settings: ({R.ADMIN, R.OWNER}, lambda a, now: config.save_settings(
        holidays=[], workdays=[], threshold=8, actor=a, now=now)),
    config.save_callback_settings: ({R.ADMIN, R.OWNER}, lambda a, now:
                                    config.save_callback_settings(
                                        limits={}, recorded="记录", goodbye="再见", floor=80,
                                        actor=a, now=now)),
    config.save_category: ({R.ADMIN, R.OWNER}, lambda a, now: config.save_category(
        channel="qq", name="其它", script="话术", active=True, actor=a, now=now)),
    contacts.get_contact: (CALLERS | {R.DUTY_MANAGER},
                           lambda a, now: contacts.get_contact(MISSING, actor=a)),
    contacts.contact_for_ticket: (CALLERS | {R.DUTY_MANAGER},
                                  lambda a, now: contacts.contact_for_ticket(MISSING, actor=a)),
    contacts.create_from_ticket: (QUALITY, lambda a, now: contacts.create_from_ticket(
        MISSING, actor=a, now=now)),
    contacts.set_marks: (QUALITY, lambda a, now: contacts.set_marks(
        MISSING, needs_survey=True, needs_callback=None, actor=a, now=now)),
    contacts.reveal_phone: (CALLERS, lambda a, now: contacts.reveal_phone(
        MISSING, actor=a, now=now)),
    records.confirm_review: (QUALITY, lambda a, now: records.confirm_review(
        MISSING, "survey", actor=a, now=now)),
    records.record_survey: (QUALITY, lambda a, now: records.record_survey(
        MISSING, resolved=True, category_id=1, unresolved_issue="", needs_callback=False,
        actor=a, now=now)),
    records.hold_callback: (CALLERS, lambda a, now: records.hold_callback(
        MISSING, note="等待业务方", actor=a, now=now)),
    records.chase: (CALLERS, lambda a, now: records.chase(MISSING, actor=a, now=now)),
    records.release_hold: (CALLERS, lambda a, now: records.release_hold(
        MISSING, result="已退费", actor=a, now=now)),
    records.record_callback: (CALLERS, lambda a, now: records.record_callback(
        MISSING, method="phone", outcome="satisfied", score=9, reason="", note="", actor=a,
        now=now)),
    remedies.remedy_tasks: ({R.DUTY_MANAGER, R.OWNER},
                            lambda a, now: remedies.remedy_tasks(actor=a)),
    remedies.get_remedy: ({R.DUTY_MANAGER, R.OWNER},
                          lambda a, now: remedies.get_remedy(MISSING, actor=a)),
    remedies.remedy_step: ({R.DUTY_MANAGER}, lambda a, now: remedies.remedy_step(
        MISSING, "contacted", note="已致电", actor=a, now=now)),
    queues.survey_queue: (QUALITY, lambda a, now: queues.survey_queue(
        TODAY, queues.ContactFilter(), actor=a)),
    queues.callback_queue: (QUALITY, lambda a, now: queues.callback_queue(
        TODAY, queues.ContactFilter(), actor=a)),
    queues.queue_counts: (QUALITY, lambda a, now: queues.queue_counts(TODAY, actor=a)),
    audits.draw_sample: ({R.OWNER}, lambda a, now: audits.draw_sample(
        NOVEMBER, 5, actor=a, now=now)),
    audits.sample_audits: ({R.OWNER}, lambda a, now: audits.sample_audits(actor=a)),
    audits.get_sample: ({R.OWNER}, lambda a, now: audits.get_sample(MISSING, actor=a)),
    audits.get_item: ({R.OWNER}, lambda a, now: audits.get_item(MISSING, actor=a)),
    audits.mark_item: ({R.OWNER}, lambda a, now: audits.mark_item(
        MISSING, accurate=True, note="", actor=a, now=now)),
    kpis.kpi_counts: (MANAGERS, lambda a, now: kpis.kpi_counts(NOVEMBER, "agent", actor=a)),
    kpis.kpis: (MANAGERS, lambda a, now: kpis.kpis(NOVEMBER, actor=a)),
    kpis.breakdown: (MANAGERS, lambda a, now: kpis.breakdown(NOVEMBER, "team", actor=a)),
    kpis.trend: (MANAGERS, lambda a, now: kpis.trend([NOVEMBER], actor=a)),
    kpis.qq_causes: (MANAGERS, lambda a, now: kpis.qq_causes(NOVEMBER, actor=a)),
    kpis.qq_cause_trend: (MANAGERS, lambda a, now: kpis.qq_cause_trend(
        [NOVEMBER], ["专业知识"], actor=a)),
    kpis.records: (QUALITY | MANAGERS, lambda a, now: kpis.records(NOVEMBER, actor=a)),
    imports.stage: (QUALITY, lambda a, now: imports.stage(csv(), "a.csv", actor=a, now=now)),
    imports.get_batch: (QUALITY, lambda a, now: imports.get_batch(MISSING, actor=a)),
    imports.confirm: (QUALITY, lambda a, now: imports.confirm(MISSING, actor=a, now=now)),
    assignments.callers: (ASSIGNERS, lambda a, now: assignments.callers(actor=a)),
    assignments.week_callbacks: (ASSIGNERS, lambda a, now: assignments.week_callbacks(
        TODAY, actor=a)),
    assignments.holdings: (ASSIGNERS, lambda a, now: assignments.holdings(TODAY, actor=a)),
    assignments.areas: (ASSIGNERS, lambda a, now: assignments.areas(TODAY, actor=a)),
    assignments.assign: (ASSIGNERS, lambda a, now: assignments.assign(
        MISSING, a.id, actor=a, now=now)),
    assignments.assign_count: (ASSIGNERS, lambda a, now: assignments.assign_count(
        a.id, 3, TODAY, actor=a, now=now)),
    assignments.assign_area: (ASSIGNERS, lambda a, now: assignments.assign_area(
        "福田", a.id, TODAY, actor=a, now=now)),
    assignments.my_callbacks: (CALLERS, lambda a, now: assignments.my_callbacks(
        TODAY, actor=a)),
    problems.open_problems: (QUALITY | {R.DUTY_MANAGER},
                             lambda a, now: problems.open_problems(actor=a)),
    problems.get_problem: (QUALITY | {R.DUTY_MANAGER},
                           lambda a, now: problems.get_problem(MISSING, actor=a)),
    problems.contact_of: (CALLERS | {R.DUTY_MANAGER},
                          lambda a, now: problems.contact_of(MISSING, actor=a)),
    problems.record_step: (QUALITY | {R.DUTY_MANAGER}, lambda a, now: problems.record_step(
        MISSING, "diagnosis", note="已诊断", actor=a, now=now)),
    problems.regrade: (QUALITY | {R.DUTY_MANAGER}, lambda a, now: problems.regrade(
        MISSING, grade="urgent", reason="", actor=a, now=now)),
    ranking.ranking: (MANAGERS, lambda a, now: ranking.ranking(NOVEMBER, actor=a)),
    ranking.publish: (ASSIGNERS, lambda a, now: ranking.publish(
        NOVEMBER, announce=False, actor=a, now=now)),
    ranking.published_months: (FLOOR, lambda a, now: ranking.published_months(actor=a)),
    ranking.publication: (FLOOR, lambda a, now: ranking.publication(None, actor=a)),
    analysis.analysis: (MANAGERS, lambda a, now: analysis.analysis(NOVEMBER, actor=a,
                                                                   now=now)),
    analysis.record_finding: ({R.DUTY_MANAGER}, lambda a, now: analysis.record_finding(
        NOVEMBER, "step", "plan", root_cause="人手不足", action="增派值班", actor=a, now=now)),
    analysis.record_training: ({R.DUTY_MANAGER, R.OWNER}, lambda a, now:
                               analysis.record_training(1, topic="话术", day=TODAY,
                                                        attendees="200101", actor=a, now=now)),
}


def audit_count():
    db.session.rollback()
    return db.session.scalar(select(func.count(AuditEntry.id)))


def test_every_use_case_with_an_actor_is_in_the_table():
    """A new use case of the survey area joins the table (and so this matrix)."""
    found = {function for module in (analysis, assignments, audits, config, contacts, imports,
                                     kpis, problems, queues, ranking, records, remedies)
             for name, function in inspect.getmembers(module, inspect.isfunction)
             if function.__module__ == module.__name__ and not name.startswith("_")
             and "actor" in inspect.signature(function).parameters}
    assert found - set(USE_CASES) == set()


@pytest.mark.parametrize("use_case", list(USE_CASES), ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_each_use_case_checks_the_role_itself(app, make, now, use_case):
    allowed, call = USE_CASES[use_case]
    for role in Role:
        actor = make.user(role)
        before = audit_count()
        if role in allowed:
            try:
                call(actor, now)
            except NotAllowed:
                pytest.fail(f"{role} may call {use_case.__name__}")
            except Exception:  # noqa: S110  past the check: NotFound, a form problem…
                pass
        else:
            with pytest.raises(NotAllowed):
                call(actor, now)
            assert audit_count() == before, role


def test_a_contact_is_not_made_from_a_ticket_the_actor_cannot_see(app, make, now):
    """A ticket not yet signed over is its team's alone: the quality team gets NotFound."""
    submitted = make.ticket()
    checker = make.user(Role.CHECKER)
    with pytest.raises(NotFound):
        contacts.create_from_ticket(submitted.id, actor=checker, now=now)
    db.session.rollback()
    assert db.session.scalar(select(func.count(SurveyContact.id))) == 0
    handed_over = make.ticket("handed_over")
    contact, created = contacts.create_from_ticket(handed_over.id, actor=checker, now=now)
    assert created and contact.ticket_id == handed_over.id
