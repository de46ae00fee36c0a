"""The ticket lifecycle under random action sequences (SECURITY.md: the lifecycle is enforced
on the server). Hypothesis drives the services — submit, return, resubmit, sign, claim,
return to the lead, confirm the return, judge, log a call, record the reply, sweep with a
moved clock — as random people of every role, and after every step checks:

- every ticket's state is in domain.tickets.State and reachable through TRANSITIONS;
- every state change has exactly one audit entry, whose from/to match the change, and the
  entries of a ticket form one unbroken chain ending at its current state;
- a refused action changes nothing (state, version, audit trail);
- an accepted move is one the domain allows (`may`), to the state TRANSITIONS names;
- no ticket is lost or duplicated (the same form posted twice is one ticket) and numbers are
  unique;
- no appeal waits for nobody: every ticket that is appealed, waiting for its panel or for a
  ruling is in the waiting list of at least one active person who may act on it — while
  owners, site heads, duty managers and a group head come and go, and owners judge too.

Small and fast on SQLite: 60 examples of up to 30 steps."""
import os
import shutil
import tempfile
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)
from sqlalchemy import select

from domain import tickets as rules
from domain.errors import DomainError
from domain.roles import Role
from domain.tickets import TRANSITIONS, Action, State
from extensions import db
from models import AuditEntry, Criterion, Ticket, User
from services import appeals, quality
from services import tickets as ticket_service
from tests.conftest import make_app
from tests.factories import Factory

START = datetime(2026, 11, 23, 2, 0, 0)


def reachable_states() -> set[State]:
    found, frontier = set(), {None}
    while frontier:
        found |= {s for s in frontier if s is not None}
        frontier = {after for (before, _), after in TRANSITIONS.items()
                    if before in frontier} - found
    return found


REACHABLE = reachable_states()


@pytest.fixture(scope="module")
def people_template(sqlite_template, tmp_path_factory):
    """A migrated database with two teams and one or more people of every role, built once;
    every example starts from a copy."""
    path = tmp_path_factory.mktemp("lifecycle") / "people.sqlite3"
    shutil.copy(sqlite_template, path)
    app = make_app(f"sqlite:///{path}")
    with app.app_context():
        make = Factory(START - timedelta(days=1))
        lead_a, staff_a1 = make.team_with_lead()
        staff_a2 = make.user(Role.STAFF, team=staff_a1.team.name)
        lead_b, staff_b = make.team_with_lead()
        people = [lead_a, staff_a1, staff_a2, lead_b, staff_b] + [make.user(role) for role in (
            Role.CHECKER, Role.CHECKER, Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD,
            Role.SITE_HEAD, Role.ADMIN, Role.GROUP_HEAD, Role.STAFF, Role.STAFF)]
        ids = {person.id: person.role for person in people}
        accused = ["180123", "110234", "990001", staff_b.employee_no, staff_a1.employee_no]
        db.session.remove()
        db.engine.dispose()
    return path, ids, accused


@pytest.fixture
def scratch(tmp_path):
    """Where each example's database lives: in memory-backed /dev/shm when there is one
    (this test checks rules, not durability, and runs hundreds of fsyncs), else tmp_path."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        folder = Path(tempfile.mkdtemp(prefix="zikong-lifecycle-", dir=shm))
        yield folder
        shutil.rmtree(folder, ignore_errors=True)
    else:
        yield tmp_path


def test_ticket_lifecycle_state_machine(people_template, scratch):
    template, roles_by_id, accused_numbers = people_template
    user_ids = list(roles_by_id)
    # the owner claims and judges too: then only someone else may re-judge
    checkers = [i for i, role in roles_by_id.items() if role in (Role.CHECKER, Role.OWNER)]
    # who comes and goes: the owner, the site head, the duty manager, the first group head
    # (the second group head stays, so someone is always left to act)
    comers = [next(i for i, role in roles_by_id.items() if role == wanted)
              for wanted in (Role.OWNER, Role.SITE_HEAD, Role.DUTY_MANAGER, Role.GROUP_HEAD)]
    panellists = [i for i, role in roles_by_id.items() if role != Role.ADMIN]
    filers = [i for i, role in roles_by_id.items() if role in (Role.STAFF, Role.TEAM_LEAD)]
    path = scratch / "lifecycle.sqlite3"
    app = make_app(f"sqlite:///{path}")

    class Lifecycle(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            db.session.remove()
            db.engine.dispose()
            for suffix in ("-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
            shutil.copy(template, path)
            self.now = START
            self.ticket_ids: list[int] = []
            self.keys: dict[str, tuple[int, int]] = {}  # idempotency key -> (actor, ticket)
            self.changes = 0  # state changes the services reported
            self.criteria = {kind: list(db.session.scalars(
                select(Criterion.id).where(Criterion.kind == kind, Criterion.active)))
                for kind in ("business", "attitude")}

        # --- helpers ------------------------------------------------------------------
        def person(self, index: int, natural: int | None = None) -> User:
            """Mostly (index < 60 of 100) the person who would naturally act, else anyone."""
            if natural is not None and index < 60:
                return db.session.get(User, natural)
            return db.session.get(User, user_ids[index % len(user_ids)])

        @staticmethod
        def lead_of(ticket: Ticket) -> int | None:
            return ticket.team.lead_id if ticket.team is not None else None

        @staticmethod
        def a_checker(index: int) -> int:
            return checkers[index % len(checkers)]

        def tick(self, minutes: int = 7) -> datetime:
            self.now += timedelta(minutes=minutes)
            return self.now

        @staticmethod
        def snapshot(ticket_id: int):
            db.session.rollback()
            ticket = db.session.get(Ticket, ticket_id)
            trail = db.session.scalars(select(AuditEntry.id)
                                       .where(AuditEntry.ticket_id == ticket_id)).all()
            return ticket.state, ticket.version, len(trail)

        def attempt(self, ticket: Ticket, actor: User, call, action: Action | None = None,
                    version_choice: int = 0):
            """Run one service call; check what it did against the domain's table."""
            before = self.snapshot(ticket.id)
            db.session.rollback()
            ticket, actor = db.session.get(Ticket, ticket.id), db.session.get(User, actor.id)
            allowed = action is not None and rules.can_view(
                actor.actor(), ticket_service.facts(ticket)) and rules.may(
                action, actor.actor(), ticket_service.facts(ticket))
            # 0-1: no version sent, 2-3: the version on the page, 4: a stale page
            version_choice = (0, 0, 1, 1, 2)[version_choice]
            version = (None, ticket.version, ticket.version - 1)[version_choice]
            try:
                call(ticket.id, actor, version)
            except DomainError:
                assert self.snapshot(ticket.id) == before, "a refused action changed the ticket"
                return False
            after = self.snapshot(ticket.id)
            if action is None:  # a record that is not a move: state unchanged, one entry more
                assert after[0] == before[0] and after[2] == before[2] + 1
                return True
            assert allowed, f"{actor.role} did {action} on a {before[0]} ticket"
            assert after[0] == TRANSITIONS[(State(before[0]), action)]
            assert version_choice != 2, "a stale version was accepted"
            self.changes += 1
            event(f"accepted: {action}")  # see --hypothesis-show-statistics
            return True

        # --- rules --------------------------------------------------------------------
        # `who` and `which` are 0..99: below 60 the natural actor and a ticket in a state the
        # action applies to; otherwise anyone and any ticket (mostly refused moves).
        def pick(self, which: int, *states) -> Ticket:
            tickets = [db.session.get(Ticket, i) for i in self.ticket_ids]
            fitting = [t for t in tickets if t.state in states]
            if which < 60 and fitting:
                return fitting[which % len(fitting)]
            return tickets[which % len(tickets)]

        def handler(self, ticket: Ticket, which: int) -> int:
            return ticket.checker_id or self.a_checker(which)

        @initialize(first=st.integers(0, 59), second=st.integers(0, 59))
        def two_tickets(self, first, second):
            """Every run starts with two tickets filed by agents or leads."""
            self.submit(first, first, 0)
            self.submit(second, second, 0)

        @rule(who=st.integers(0, 99), accused=st.integers(0, 99), key=st.integers(0, 9))
        def submit(self, who, accused, key):
            actor = self.person(who, filers[who % len(filers)])
            number = accused_numbers[accused % len(accused_numbers)]
            # key 0-7: a fresh form; 8-9: an earlier form posted again (a double click)
            existing = list(self.keys)
            idem = existing[key % len(existing)] if key > 7 and existing else uuid.uuid4().hex
            count_before = len(self.ticket_ids)
            try:
                ticket = ticket_service.submit_ticket(
                    Factory(self.now).ticket_input(accused_no=number), actor=actor,
                    now=self.tick(), idempotency_key=idem)
            except DomainError:
                assert actor.role not in ("staff", "team_lead") or idem in self.keys
                return
            assert actor.role in ("staff", "team_lead")
            if idem in self.keys:
                assert self.keys[idem] == (actor.id, ticket.id), "a double submit made two"
                assert len(self.ticket_ids) == count_before
            else:
                assert ticket.id not in self.ticket_ids
                self.keys[idem] = (actor.id, ticket.id)
                self.ticket_ids.append(ticket.id)
                self.changes += 1
                event("accepted: submit")

        def return_to_staff(self, who, which, version):
            ticket = self.pick(which, State.SUBMITTED)
            self.attempt(ticket, self.person(who, self.lead_of(ticket)),
                         lambda t, a, v: ticket_service.return_to_staff(
                             t, actor=a, now=self.tick(), elements=["demand"], note="请补充",
                             version=v), Action.RETURN_TO_STAFF, version)

        def resubmit(self, who, which, version):
            ticket = self.pick(which, State.RETURNED_TO_STAFF)
            data = Factory(self.now).ticket_input(demand="已补充", accused_no=ticket.accused_no)
            self.attempt(ticket, self.person(who, ticket.submitter_id),
                         lambda t, a, v: ticket_service.resubmit_ticket(
                             t, data, actor=a, now=self.tick(), version=v),
                         Action.RESUBMIT, version)

        def sign(self, who, which, version):
            ticket = self.pick(which, State.SUBMITTED)
            self.attempt(ticket, self.person(who, self.lead_of(ticket)),
                         lambda t, a, v: ticket_service.sign_handover(
                             t, actor=a, now=self.tick(), version=v), Action.SIGN, version)

        def claim(self, who, which, version):
            ticket = self.pick(which, State.HANDED_OVER)
            self.attempt(ticket, self.person(who, self.handler(ticket, which)),
                         lambda t, a, v: quality.claim(t, actor=a, now=self.tick(), version=v),
                         Action.CLAIM, version)

        def return_to_lead(self, who, which, reason, version):
            ticket = self.pick(which, State.VERIFYING)
            self.attempt(ticket, self.person(who, self.handler(ticket, which)),
                         lambda t, a, v: quality.return_to_lead(
                             t, reason=reason, remarks="退回", actor=a, now=self.tick(),
                             version=v), Action.RETURN_TO_LEAD, version)

        def confirm_return(self, who, which, version):
            ticket = self.pick(which, State.RETURNED_TO_LEAD)
            self.attempt(ticket, self.person(who, self.lead_of(ticket)),
                         lambda t, a, v: quality.confirm_return(
                             t, actor=a, now=self.tick(), version=v),
                         Action.CONFIRM_RETURN, version)

        def judge(self, who, which, kind, verdict, ticked, version):
            ticket = self.pick(which, State.VERIFYING)
            criteria = self.criteria[kind][:ticked]
            self.attempt(ticket, self.person(who, self.handler(ticket, which)),
                         lambda t, a, v: quality.judge(
                             t, kind=kind, verdict=verdict, criteria_ids=criteria,
                             basis="录音核实", actor=a, now=self.tick(), version=v),
                         Action.JUDGE, version)

        def log_attempt(self, who, which, reached):
            ticket = self.pick(which, State.VERIFYING, State.JUDGED)
            self.attempt(ticket, self.person(who, self.handler(ticket, which)),
                         lambda t, a, v: quality.log_attempt(
                             t, at=self.now, reached=reached, note="", actor=a,
                             now=self.tick()))

        def complete_reply(self, who, which, method):
            ticket = self.pick(which, State.VERIFYING, State.JUDGED)
            self.attempt(ticket, self.person(who, self.handler(ticket, which)),
                         lambda t, a, v: quality.complete_reply(
                             t, method=method, note="已电话说明", actor=a, now=self.tick()))

        @precondition(lambda self: self.ticket_ids)
        @rule(action=st.sampled_from(["return_to_staff", "resubmit", "sign", "claim",
                                      "return_to_lead", "confirm_return", "judge",
                                      "log_attempt", "complete_reply"]),
              who=st.integers(0, 99), which=st.integers(0, 99), version=st.integers(0, 4),
              data=st.data())
        def act(self, action, who, which, version, data):
            """Any action, on any ticket, by anyone: mostly refused, sometimes accepted."""
            extra = {
                "return_to_lead": lambda: [data.draw(st.sampled_from(["R1", "R2"]))],
                "judge": lambda: [data.draw(st.sampled_from(["business", "attitude"])),
                                  data.draw(st.sampled_from(["established",
                                                             "not_established"])),
                                  data.draw(st.integers(0, 2))],
                "log_attempt": lambda: [data.draw(st.booleans())],
                "complete_reply": lambda: [data.draw(st.sampled_from(["phone", "other"]))],
            }.get(action, lambda: [])()
            recorded = action in ("log_attempt", "complete_reply")
            getattr(self, action)(who, which, *extra, *([] if recorded else [version]))

        @precondition(lambda self: self.ticket_ids)
        @rule(which=st.integers(0, 59), choice=st.integers(0, 3))
        def progress(self, which, choice):
            """The natural next move of a ticket by the right person (still checked like any
            other), so that sequences of 25 steps reach judging, replying and closing."""
            ticket = self.pick(which, *REACHABLE)
            state = ticket.state
            if state == State.SUBMITTED:
                (self.sign if choice else self.return_to_staff)(0, which, 2)
            elif state == State.RETURNED_TO_STAFF:
                self.resubmit(0, which, 2)
            elif state == State.HANDED_OVER:
                self.claim(0, which, 2)
            elif state == State.RETURNED_TO_LEAD:
                self.confirm_return(0, which, 2)
            elif state == State.VERIFYING and choice == 0:
                self.return_to_lead(0, which, "R1", 2)
            elif state == State.VERIFYING:
                self.judge(0, which, "attitude", ("not_established", "established")[choice % 2],
                           choice - 1, 2)
            elif state == State.JUDGED and ticket.verdict == "established" \
                    and ticket.appeal is None and choice < 2:
                self.appeal(0, which, 2)
            elif state == State.APPEALED:
                self.rejudge(0, which, choice == 0)
            elif state in (State.PANEL, State.VOTING):
                self.panel_and_vote(which, [bool(choice & 1), True, False, bool(choice & 2),
                                            True, False])
            elif state == State.ESCALATED:
                self.rule_on_tie(0, which, bool(choice & 1))
            elif state == State.JUDGED and ticket.reply_done_at is not None:
                self.sweep(80)
            elif state == State.JUDGED:
                (self.complete_reply(0, which, "other") if choice > 1
                 else self.log_attempt(0, which, True))

        @precondition(lambda self: self.ticket_ids)
        @rule(hours=st.sampled_from([1, 24, 80, 200]))
        def sweep(self, hours):
            closed = quality.close_due(self.tick(hours * 60))
            self.changes += closed
            if closed:
                event("accepted: close")

        # --- the appeal path -----------------------------------------------------------
        def waiting(self, ticket: Ticket) -> list[int]:
            return sorted(appeals.waiting_on(ticket))

        @rule(by=st.integers(0, len(checkers) - 1), accused=st.integers(0, 99))
        def an_established_verdict(self, by, accused):
            """A ticket taken straight to an established verdict by its natural people (the
            judge is a checker or the owner), so that runs reach the appeal path."""
            self.submit(0, accused, 0)
            ticket_id = self.ticket_ids[-1]
            ticket = db.session.get(Ticket, ticket_id)
            lead = db.session.get(User, self.lead_of(ticket))
            judge = db.session.get(User, checkers[by])
            try:
                ticket_service.sign_handover(ticket_id, actor=lead, now=self.tick())
                self.changes += 1
                quality.claim(ticket_id, actor=judge, now=self.tick())
                self.changes += 1
                quality.judge(ticket_id, kind="attitude", verdict="established",
                              criteria_ids=self.criteria["attitude"][:1], basis="录音核实",
                              actor=judge, now=self.tick())
                self.changes += 1
            except DomainError:
                pass   # e.g. not accepted for this employee no., or the judge is the accused

        @precondition(lambda self: self.ticket_ids)
        @rule(who=st.integers(0, 99), which=st.integers(0, 99), version=st.integers(0, 4))
        def appeal(self, who, which, version):
            ticket = self.pick(which, State.JUDGED)
            natural = comers[2 + which % 2]   # the duty manager or a group head
            self.attempt(ticket, self.person(who, natural),
                         lambda t, a, v: appeals.file_appeal(
                             t, objection="录音01:20处有异议", actor=a, now=self.tick(),
                             version=v), Action.APPEAL, version)

        @precondition(lambda self: self.ticket_ids)
        @rule(who=st.integers(0, 99), which=st.integers(0, 99), overturn=st.booleans())
        def rejudge(self, who, which, overturn):
            ticket = self.pick(which, State.APPEALED)
            waiting = self.waiting(ticket) if ticket.state == State.APPEALED else []
            self.attempt(ticket, self.person(who, waiting[0] if waiting else None),
                         lambda t, a, v: appeals.rejudge(
                             t, decision="overturn" if overturn else "uphold", reason="复审",
                             actor=a, now=self.tick(), version=v),
                         Action.OVERTURN if overturn else Action.UPHOLD, 2)

        @precondition(lambda self: self.ticket_ids)
        @rule(which=st.integers(0, 59), choices=st.lists(st.booleans(), min_size=6,
                                                          max_size=6))
        def panel_and_vote(self, which, choices):
            """Each side names its three (by whoever may now), then all six vote; the vote
            opens and closes by itself (automatic moves, audited like any other)."""
            ticket = self.pick(which, State.PANEL, State.VOTING)
            before = ticket.state
            if ticket.state == State.PANEL:
                for namer in self.waiting(ticket):
                    db.session.rollback()
                    ticket = db.session.get(Ticket, ticket.id)
                    if ticket.state != State.PANEL:
                        break
                    taken = {m.user_id for m in ticket.appeal.members} | {
                        ticket.judgement.judged_by_id}
                    accused = db.session.scalar(select(User.id).where(
                        User.employee_no == ticket.accused_no))
                    free = [db.session.get(User, i) for i in panellists
                            if i not in taken and i != accused and i != namer
                            and db.session.get(User, i).active][:3]
                    try:
                        appeals.name_panel(ticket.id, employee_nos=[u.employee_no for u in free],
                                           actor=db.session.get(User, namer), now=self.tick())
                    except DomainError:
                        pass
            db.session.rollback()
            ticket = db.session.get(Ticket, ticket.id)
            if ticket.state == State.VOTING:
                for member, choice in zip(list(ticket.appeal.members), choices, strict=False):
                    try:
                        appeals.cast_ballot(ticket.id, actor=db.session.get(User, member.user_id),
                                            choice="established" if choice else "not_established",
                                            now=self.tick(1))
                    except DomainError:
                        pass
            db.session.rollback()
            after = db.session.get(Ticket, ticket.id).state
            opened = before == State.PANEL and after != State.PANEL
            closed = before in (State.PANEL, State.VOTING) and after in (State.JUDGED,
                                                                        State.ESCALATED)
            self.changes += opened + closed
            if after != before:
                event(f"accepted: panel/vote to {after}")

        @precondition(lambda self: self.ticket_ids)
        @rule(who=st.integers(0, 99), which=st.integers(0, 99), established=st.booleans())
        def rule_on_tie(self, who, which, established):
            ticket = self.pick(which, State.ESCALATED)
            waiting = self.waiting(ticket) if ticket.state == State.ESCALATED else []
            self.attempt(ticket, self.person(who, waiting[0] if waiting else None),
                         lambda t, a, v: appeals.rule(
                             t, verdict="established" if established else "not_established",
                             reason="裁定", actor=a, now=self.tick(), version=v),
                         Action.DECIDE, 2)

        @rule(which=st.integers(0, 3))
        def come_or_go(self, which):
            """One of the owner, the site head, the duty manager or a group head leaves (is
            deactivated) or comes back."""
            db.session.rollback()
            person = db.session.get(User, comers[which])
            person.active = not person.active
            db.session.commit()

        # --- invariants ---------------------------------------------------------------
        @invariant()
        def every_ticket_is_whole(self):
            db.session.rollback()
            tickets = db.session.scalars(select(Ticket).order_by(Ticket.id)).all()
            assert [t.id for t in tickets] == sorted(self.ticket_ids), "ticket lost or added"
            numbers = [t.number for t in tickets]
            assert len(set(numbers)) == len(numbers)
            moves = db.session.scalars(select(AuditEntry).where(AuditEntry.to_state.is_not(None))
                                       .order_by(AuditEntry.id)).all()
            assert len(moves) == self.changes, "a state change without exactly one entry"
            for ticket in tickets:
                assert ticket.state in set(State) and State(ticket.state) in REACHABLE
                trail = [m for m in moves if m.ticket_id == ticket.id]
                previous = None
                for entry in trail:
                    assert entry.from_state == previous
                    before = State(previous) if previous else None
                    assert TRANSITIONS.get((before, Action(entry.action))) == entry.to_state
                    previous = entry.to_state
                assert previous == ticket.state

        @invariant()
        def no_appeal_waits_for_nobody(self):
            db.session.rollback()
            active = db.session.scalars(select(User).where(User.active.is_(True))).all()
            waiting = [t for t in db.session.scalars(select(Ticket)) if t.state in (
                State.APPEALED, State.PANEL, State.ESCALATED)]
            for ticket in waiting:
                holders = [u.id for u in active if ticket in appeals.waiting_for(u)]
                assert holders, f"a {ticket.state} appeal is in nobody's waiting list"

    with app.app_context():
        run_state_machine_as_test(Lifecycle, settings=settings(
            max_examples=60, stateful_step_count=30, deadline=None, database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
        db.session.remove()
        db.engine.dispose()
