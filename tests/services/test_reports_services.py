"""Every KPI on a small fixed dataset, each expected figure worked out by hand (SQLite and
PostgreSQL: the duration arithmetic differs between them)."""
from datetime import date, timedelta

import pytest

from domain.periods import Period, Span, span_of, weeks_back
from domain.roles import Role
from services import quality, reports
from services import tickets as ticket_service

pytestmark = pytest.mark.postgres

H = timedelta(hours=1)
M = timedelta(minutes=1)


@pytest.fixture
def dataset(make, now):
    """now = Monday 2026-11-23 10:00 in Shanghai.
    T1 (一班): signed after 1 h, claimed 10 min later, judged 成立 (A1) at +3 h, replied by
        phone at +5 h.
    T2 (一班): signed after 3 h (late), claimed 10 min later, judged 不成立 at +4 h, a failed
        call at +4 h, SMS reply at +76 h (late).
    T3 (二班): filed at +1 h, never signed."""
    lead_a, agent_a = make.team_with_lead()
    lead_b, agent_b = make.team_with_lead()
    checker = make.user(Role.CHECKER)
    a1 = [c.id for c in quality.active_criteria() if c.code == "A1"]
    t1 = make.ticket(submitter=agent_a, accused_no="200333")
    t2 = make.ticket(submitter=agent_a, accused_no="200333")
    make.ticket(submitter=agent_b, at=now + H)

    ticket_service.sign_handover(t1.id, actor=lead_a, now=now + H)
    quality.claim(t1.id, actor=checker, now=now + H + 10 * M)
    quality.judge(t1.id, kind="attitude", verdict="established", criteria_ids=a1, basis="录音",
                  actor=checker, now=now + 3 * H)
    quality.log_attempt(t1.id, at=now + 5 * H, reached=True, note="", actor=checker,
                        now=now + 5 * H)
    quality.complete_reply(t1.id, method="phone", note="", actor=checker, now=now + 5 * H)

    ticket_service.sign_handover(t2.id, actor=lead_a, now=now + 3 * H)
    quality.claim(t2.id, actor=checker, now=now + 3 * H + 10 * M)
    quality.judge(t2.id, kind="business", verdict="not_established", criteria_ids=[],
                  basis="录音", actor=checker, now=now + 4 * H)
    quality.log_attempt(t2.id, at=now + 4 * H, reached=False, note="", actor=checker,
                        now=now + 4 * H)
    quality.send_sms(t2.id, kind="reply", text="请致电10010查询", actor=checker,
                     now=now + 76 * H)
    return {"team_a": lead_a.team_id, "team_b": lead_b.team_id, "checker": checker}


WEEK = span_of(Period.WEEK, date(2026, 11, 23))


def test_kpis_of_the_week(db_backend, dataset):
    k = reports.kpis(reports.Scope(span=WEEK))
    assert (k.filed, k.judged, k.established) == (3, 2, 1)
    assert k.established_rate == 0.5
    assert k.by_kind == {"attitude": 1, "business": 1}
    assert [(code, n) for code, _text, n in k.by_criterion] == [("A1", 1)]
    assert (k.reviewed, k.reviewed_on_time, k.review_on_time_rate) == (2, 1, 0.5)
    assert (k.replied, k.replied_on_time, k.reply_on_time_rate) == (2, 1, 0.5)
    assert (k.by_phone, k.sms_fallback) == (1, 1)
    assert (k.appeals, k.overturn_rate, k.votes_closed, k.escalated_customers) == (0, None, 0, 0)
    medians = {name: round(v) for name, v in k.median_minutes.items()}
    assert medians == {"review": 120,         # 60 and 180
                       "claim": 10,           # 10 and 10
                       "judge": 80,           # 110 and 50
                       "reply": 2310}         # 240 and 4380


def test_an_empty_week_has_no_rates(db_backend, dataset):
    k = reports.kpis(reports.Scope(span=span_of(Period.WEEK, date(2026, 11, 16))))
    assert (k.filed, k.established_rate, k.review_on_time_rate) == (0, None, None)
    assert k.median_minutes == {"review": None, "claim": None, "judge": None, "reply": None}


def test_breakdown_by_team_and_checker(db_backend, dataset):
    rows = {r.key: r for r in reports.breakdown(reports.Scope(span=WEEK), "team")}
    a, b = rows[dataset["team_a"]], rows[dataset["team_b"]]
    assert (a.filed, a.judged, a.established, a.reviewed_on_time, a.reviewed) == (2, 2, 1, 1, 2)
    assert (a.replied_on_time, a.replied) == (1, 2)
    assert (b.filed, b.judged, b.established_rate) == (1, 0, None)
    by_checker = reports.breakdown(reports.Scope(span=WEEK), "checker")
    named = [r for r in by_checker if r.key == dataset["checker"].id][0]
    assert (named.label, named.judged) == (dataset["checker"].name, 2)


def test_a_scope_narrows_every_figure(db_backend, dataset):
    k = reports.kpis(reports.Scope(span=WEEK, team_id=dataset["team_b"]))
    assert (k.filed, k.judged, k.reviewed) == (1, 0, 0)


def test_weekly_trend(db_backend, dataset):
    points = reports.trend(weeks_back(date(2026, 11, 25), 2), reports.Scope(span=WEEK))
    assert [(p["span"].start, p["filed"], p["established_rate"]) for p in points] == [
        (date(2026, 11, 16), 0, None), (date(2026, 11, 23), 3, 0.5)]


def test_figure_links_carry_the_scope():
    scope = reports.Scope(span=Span(date(2026, 11, 1), date(2026, 12, 1)), team_id=7)
    assert scope.link(on="judged", verdict="established") == {
        "from": "2026-11-01", "to": "2026-11-30", "team": 7, "on": "judged",
        "verdict": "established"}
