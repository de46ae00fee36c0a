"""The forms of the callback cycle's versioned records carry the version their page showed:
giving a callback (the contact), a problem's next step and its regrade (the problem), a
monthly finding (0 while none is recorded). Without it the post is refused (400) and changes
nothing — before, it skipped the "changed since you opened it" check; with a version from
before someone else's change it is refused (409) with the reason, and changes nothing."""
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

import pytest
from sqlalchemy import select

from domain.roles import Role
from extensions import db
from models import AuditEntry
from models.callbacks import ContactProblem, MonthlyFinding
from models.survey import SurveyContact
from services.survey import analysis, assignments, problems, records

from ._support import count, html
from .test_callbacks_views import surveyed
from .test_survey_views import category_id


@dataclass
class Case:
    """One form: where it posts, what it sends beside its version, the record it changes,
    and a change someone else makes meanwhile (the version then no longer matches)."""
    path: str
    data: dict
    version_field: str
    version: int
    other_change: Callable[[], None]
    record: Callable[[], object]


def _problem(checker, now):
    contact_id = surveyed(checker, now)
    records.confirm_review(contact_id, "callback", actor=checker, now=now)
    records.record_callback(contact_id, method="phone", outcome="appended", score=9, reason="",
                            note="已追加事件", grade="important", actor=checker, now=now)
    return db.session.scalar(select(ContactProblem).where(
        ContactProblem.contact_id == contact_id))


def assign(make, now, checker, duty):
    contact_id = surveyed(checker, now)
    first, second = make.user(Role.STAFF), make.user(Role.STAFF, employee_no="200555")
    return Case(f"/survey/assign/{contact_id}", {f"a{contact_id}-caller": str(first.id)},
                f"a{contact_id}-version", db.session.get(SurveyContact, contact_id).version,
                lambda: assignments.assign(contact_id, second.id, actor=duty, now=now),
                lambda: db.session.get(SurveyContact, contact_id).caller_id)


def step(make, now, checker, duty):
    problem = _problem(checker, now)
    return Case(f"/survey/problems/{problem.id}/diagnosis", {f"p{problem.id}-note": "配置错误"},
                f"p{problem.id}-version", problem.version,
                lambda: problems.regrade(problem.id, grade="urgent", reason="", actor=duty,
                                         now=now),
                lambda: db.session.get(ContactProblem, problem.id).diagnosed_at)


def regrade(make, now, checker, duty):
    problem = _problem(checker, now)
    return Case(f"/survey/problems/{problem.id}/grade", {f"g{problem.id}-grade": "urgent"},
                f"g{problem.id}-version", problem.version,
                lambda: problems.record_step(problem.id, "diagnosis", note="配置错误",
                                             actor=duty, now=now),
                lambda: db.session.get(ContactProblem, problem.id).grade)


def finding(make, now, checker, duty):
    """A category of November below the floor (as in test_the_monthly_analysis_page)."""
    later = now + timedelta(days=7)
    contact_id = surveyed(checker, now)
    records.confirm_review(contact_id, "callback", actor=checker, now=later)
    records.record_callback(contact_id, method="phone", outcome="accepted", score=4,
                            reason="差", note="", grade="general", actor=checker, now=later)
    category = category_id("hotline", "服务态度")
    prefix = f"c{category}"
    return Case(f"/survey/analysis/findings?month=2026-11&row={prefix}", {
        f"{prefix}-kind": "category", f"{prefix}-key": "hotline:服务态度",
        f"{prefix}-root_cause": "话术生硬", f"{prefix}-action": "专项培训"},
        f"{prefix}-version", 0,
        lambda: analysis.record_finding(
            analysis.month_of(now.date().replace(day=1)), "category", "hotline:服务态度",
            root_cause="排班不足", action="增加人手", actor=duty, now=later),
        lambda: db.session.scalar(select(MonthlyFinding.root_cause)))


CASES = [assign, step, regrade, finding]


@pytest.fixture
def people(make):
    return make.user(Role.CHECKER), make.user(Role.DUTY_MANAGER)


def _state(case):
    db.session.rollback()  # see what the requests committed
    return case.record(), count(AuditEntry)


@pytest.mark.parametrize("version", [None, "", "abc"], ids=["missing", "empty", "not a number"])
@pytest.mark.parametrize("setup", CASES, ids=[c.__name__ for c in CASES])
def test_without_the_version_the_form_is_refused(client, auth, make, now, people, setup,
                                                 version):
    checker, duty = people
    case = setup(make, now, checker, duty)
    auth.login(duty)
    before = _state(case)
    data = dict(case.data) if version is None else {**case.data, case.version_field: version}
    assert client.post(case.path, data=data).status_code == 400
    assert _state(case) == before


@pytest.mark.parametrize("setup", CASES, ids=[c.__name__ for c in CASES])
def test_a_version_from_before_another_change_is_refused(client, auth, make, now, people,
                                                         setup):
    checker, duty = people
    case = setup(make, now, checker, duty)
    case.other_change()
    auth.login(duty)
    before = _state(case)
    response = client.post(case.path, data={**case.data, case.version_field: case.version})
    assert response.status_code == 409
    assert "页面已显示" in html(response)  # "… the page now shows it"
    assert _state(case) == before


@pytest.mark.parametrize("setup", CASES, ids=[c.__name__ for c in CASES])
def test_with_the_version_the_change_is_made(client, auth, make, now, people, setup):
    """The forms above are otherwise complete: the version alone made the difference."""
    checker, duty = people
    case = setup(make, now, checker, duty)
    auth.login(duty)
    before = _state(case)
    response = client.post(case.path, data={**case.data, case.version_field: case.version})
    assert response.status_code == 303
    assert _state(case)[0] != before[0] and _state(case)[1] > before[1]
