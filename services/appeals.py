"""Appeals and the anonymous panel vote (SPEC §3, §7): file, re-judge, name the panel, vote,
close the vote, and the site head's ruling. Ballot secrecy: a ballot flips the voter's
`submitted` flag and adds one sealed ballot (domain.ballots) in a row tied to nobody, in one
transaction; no running count exists. At close the ballots are opened, counted and deleted,
and only the counts are kept. The choice goes nowhere else — not into the audit log, the
application log or a URL."""
import secrets
from datetime import datetime

from flask import current_app
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import joinedload

from domain import appeals as rules
from domain import ballots as sealing
from domain import tickets as ticket_rules
from domain.appeals import Decision, Side, Tally
from domain.errors import N_, Conflict, InvalidTransition, NotAllowed
from domain.judgement import Verdict
from domain.roles import PANELLIST_ROLES, Role
from domain.text import required_text
from domain.tickets import Action, State
from models import Appeal, Ballot, PanelMember, Ticket, User

from . import audit, chain, objections, settings
from .alerts import alert, users_with_role
from .db import checkpoint_wal, db, read_memo, write_transaction
from .quality import FormProblems
from .tickets import flush_guarded, load_visible, move



def appeal_open(ticket: Ticket, now: datetime) -> bool:
    """An established verdict, within its window, never appealed before."""
    return (ticket.state == State.JUDGED and ticket.verdict == Verdict.ESTABLISHED
            and ticket.appeal is None and ticket.appeal_until is not None
            and now < ticket.appeal_until)


def file_appeal(ticket_id: int, *, objection: str, actor: User, now: datetime,
                version: int | None = None, objection_id: int | None = None) -> Appeal:
    """提交异议: the accused agent's lead, a duty manager or the group head files the sheet —
    of their own accord, or on the agent's objection request (`objection_id`)."""
    objection = required_text(objection, "objection",
                      N_("State the objection points about the recording."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.appeal is not None:
            raise InvalidTransition(N_("This ticket has already been appealed."))
        if ticket.state == State.JUDGED and not appeal_open(ticket, now):
            raise InvalidTransition(N_("Only an established verdict can be appealed, within "
                                       "the appeal window."))
        before, after = move(ticket, Action.APPEAL, actor, version)
        appeal = Appeal(ticket=ticket, appellant_id=actor.id, filed_at=now, objection=objection)
        db.session.add(appeal)
        objections.settle_on_appeal(ticket, objection_id=objection_id, actor=actor, now=now)
        flush_guarded()
        alert(waiting_on(ticket), "appeal", ticket=ticket, now=now)
        audit.record(Action.APPEAL, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, note=objection)
    return appeal


def rejudge(ticket_id: int, *, decision: str, reason: str, actor: User, now: datetime,
            version: int | None = None) -> Ticket:
    """The owner overturns (改判: not established, final) or upholds (维持原判: panel vote)."""
    if decision not in set(Decision):
        raise FormProblems({"decision": N_("Choose to uphold or to overturn.")})
    reason = required_text(reason, "reason", N_("Give the reason for the re-judgement."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        action = Action.OVERTURN if decision == Decision.OVERTURN else Action.UPHOLD
        if ticket.judgement is not None and ticket.judgement.judged_by_id == actor.id \
                and ticket.state == State.APPEALED:
            raise NotAllowed(N_("You judged this ticket: another owner, or the deputy, "
                                "re-judges it."))
        before, after = move(ticket, action, actor, version)
        appeal = ticket.appeal
        appeal.rejudged_by_id, appeal.rejudged_at = actor.id, now
        appeal.decision, appeal.decision_reason = decision, reason
        if decision == Decision.OVERTURN:
            _finalise(ticket, Verdict.NOT_ESTABLISHED, now)
        flush_guarded()
        audit.record(action, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, note=reason)
    return ticket


def _finalise(ticket: Ticket, verdict: str, now: datetime) -> None:
    """The final verdict: in force on the ticket, no further appeal; the ticket then closes
    once its reply record is complete."""
    ticket.verdict = verdict
    ticket.appeal.outcome = verdict
    ticket.appeal_until = now


def _excluded(ticket: Ticket) -> set[int]:
    """The accused agent and the checker who judged may not sit."""
    excluded = set()
    if ticket.judgement is not None:
        excluded.add(ticket.judgement.judged_by_id)
    if ticket.accused_no:
        accused = db.session.scalar(select(User.id).where(User.employee_no == ticket.accused_no))
        if accused is not None:
            excluded.add(accused)
    return excluded


def side_of(ticket: Ticket, actor: User, people: rules.People | None = None) -> Side | None:
    """Which side of the panel this user names, if any (domain.appeals: the appellant, the
    owners and whoever upheld; their stand-ins when they are gone)."""
    appeal = ticket.appeal
    if appeal is None:
        return None
    people = people or chain.people()
    if actor.id in rules.appellant_side_namers(people, appellant=appeal.appellant_id,
                                               appellant_active=appeal.appellant.active):
        return Side.APPELLANT
    if actor.id in rules.judging_side_namers(people, rejudged_by=appeal.rejudged_by_id):
        return Side.JUDGING
    return None


def name_panel(ticket_id: int, *, employee_nos: list[str], actor: User,
               now: datetime) -> Ticket:
    """Each side names three panellists; when both have, the vote opens."""
    nos = [(n or "").strip() for n in employee_nos]
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        if ticket.state != State.PANEL:
            raise InvalidTransition("This ticket is now “%(state)s”; the action no longer "
                                    "applies.", state=ticket.state)
        side = side_of(ticket, actor)
        if side is None:
            raise NotAllowed(N_("Only the appellant and the owner name panellists."))
        appeal = ticket.appeal
        if any(m.side == side for m in appeal.members):
            raise InvalidTransition(N_("Your side has already named its panellists."))
        users = {u.employee_no: u for u in db.session.scalars(
            select(User).where(User.employee_no.in_(nos)))}
        unknown = [n for n in nos if n and n not in users]
        if unknown:
            raise FormProblems({"members": (N_("No such employee no.: %(nos)s"),
                                            {"nos": "、".join(unknown)})})
        named = [users[n].id for n in nos if n]
        eligible = {u.id for u in users.values()
                    if u.active and u.role in PANELLIST_ROLES}
        problem = rules.panel_problems(
            named, other_side={m.user_id for m in appeal.members}, excluded=_excluded(ticket),
            eligible=eligible)
        if problem:
            raise FormProblems({"members": problem})
        for user_id in named:
            db.session.add(PanelMember(appeal=appeal, user_id=user_id, side=side,
                                       named_by_id=actor.id, submitted=False))
        db.session.flush()
        audit.record("name_panel", actor=actor, now=now, ticket=ticket,
                     detail={"side": side, "members": nos})
        if len(appeal.members) == 2 * rules.PANEL_SIDE_SIZE:
            _open_vote(ticket, now)
    return ticket


def ballot_key() -> bytes:
    """The key ballots are sealed with: never stored in the database (config: BALLOT_KEY,
    else derived from SECRET_KEY)."""
    return sealing.derive_key(current_app.config["SECRET_KEY"],
                              current_app.config.get("BALLOT_KEY"))


def _open_vote(ticket: Ticket, now: datetime) -> None:
    before, after = ticket.state, ticket_rules.automatic_next(State(ticket.state),
                                                              Action.OPEN_VOTE)
    ticket.state = after
    appeal = ticket.appeal
    appeal.vote_opened_at = now
    appeal.vote_deadline = rules.vote_deadline(now, settings.limits().vote_hours)
    appeal.ballot_key_id = sealing.fingerprint(ballot_key())
    alert([m.user_id for m in appeal.members], "vote", ticket=ticket, now=now)
    flush_guarded()
    audit.record(Action.OPEN_VOTE, actor=None, now=now, ticket=ticket, from_state=before,
                 to_state=after)


def cast_ballot(ticket_id: int, *, choice: str, actor: User, now: datetime) -> None:
    """投票: one ballot per panellist, never changed, sealed in a row tied to nobody."""
    if choice not in set(Verdict):
        raise FormProblems({"choice": N_("Choose established or not established.")})
    key = ballot_key()
    with write_transaction():
        ticket = db.session.get(Ticket, ticket_id)
        appeal = ticket.appeal if ticket is not None else None
        if appeal is None or actor.id not in {m.user_id for m in appeal.members}:
            raise NotAllowed(N_("You are not on this panel."))
        if ticket.state != State.VOTING or now >= appeal.vote_deadline:
            raise InvalidTransition(N_("This vote is closed."))
        flipped = db.session.execute(
            update(PanelMember)
            .where(PanelMember.appeal_id == appeal.id, PanelMember.user_id == actor.id,
                   PanelMember.submitted.is_(False))
            .values(submitted=True)
            .execution_options(synchronize_session=False)).rowcount
        if flipped != 1:
            raise Conflict(N_("You have already voted. A ballot cannot be changed."))
        db.session.execute(Ballot.__table__.insert().values(
            id=secrets.token_hex(16), appeal_id=appeal.id,
            sealed=sealing.seal(key, appeal.id, choice)))
        audit.record("ballot", actor=actor, now=now, ticket=ticket)
        voted = db.session.scalar(select(func.count()).where(
            PanelMember.appeal_id == appeal.id, PanelMember.submitted.is_(True)))
        if voted >= len(appeal.members):
            _close_vote(ticket, now)
    checkpoint_wal()


def _count_ballots(appeal: Appeal) -> Tally | None:
    """Open and count the vote's ballots; None when they cannot be (another key, or rows
    that do not match the voters). The ballots are deleted either way."""
    sealed = list(db.session.scalars(select(Ballot.sealed).where(Ballot.appeal_id == appeal.id)))
    voted = db.session.scalar(select(func.count()).where(
        PanelMember.appeal_id == appeal.id, PanelMember.submitted.is_(True)))
    db.session.execute(delete(Ballot).where(Ballot.appeal_id == appeal.id)
                       .execution_options(synchronize_session=False))
    key = ballot_key()
    if appeal.ballot_key_id != sealing.fingerprint(key):
        return None
    try:
        return sealing.count(key, appeal.id, sealed, voted=voted)
    except sealing.Unreadable:
        return None


def _close_vote(ticket: Ticket, now: datetime) -> None:
    appeal = ticket.appeal
    tally = _count_ballots(appeal)
    appeal.vote_closed_at = now
    before = ticket.state
    if tally is None:
        # Never a silent close with wrong counts: the site head rules, as on a tie, and the
        # people who can find out why (the key was changed) are told.
        appeal.ballots_unreadable = True
        ticket.state = ticket_rules.automatic_next(State(ticket.state), Action.ESCALATE_TIE)
        alert(users_with_role(Role.OWNER, Role.ADMIN) + list(waiting_on(ticket)),
              "ballots_unreadable", ticket=ticket, now=now)
        flush_guarded()
        audit.record(Action.ESCALATE_TIE, actor=None, now=now, ticket=ticket,
                     from_state=before, to_state=ticket.state,
                     detail={"ballots_unreadable": True})
        return
    appeal.established_count, appeal.not_established_count = tally.established, \
        tally.not_established
    outcome = tally.outcome()
    action = Action.CLOSE_VOTE if outcome else Action.ESCALATE_TIE
    ticket.state = ticket_rules.automatic_next(State(ticket.state), action)
    if outcome:
        _finalise(ticket, outcome, now)
    else:
        alert(waiting_on(ticket), "tie", ticket=ticket, now=now)
    flush_guarded()
    audit.record(action, actor=None, now=now, ticket=ticket, from_state=before,
                 to_state=ticket.state,
                 detail={"established": tally.established,
                         "not_established": tally.not_established})


def close_due_votes(now: datetime) -> int:
    """Close votes whose deadline has passed (sweep, and on read)."""
    ids = list(db.session.scalars(
        select(Ticket.id).join(Appeal).where(Ticket.state == State.VOTING,
                                             Appeal.vote_deadline <= now)))
    closed = 0
    for ticket_id in ids:
        try:
            with write_transaction():
                ticket = db.session.get(Ticket, ticket_id)
                if ticket.state == State.VOTING and ticket.appeal.vote_deadline <= now:
                    _close_vote(ticket, now)
                    closed += 1
        except Conflict:
            continue
    if closed:
        checkpoint_wal()
    return closed


def rule(ticket_id: int, *, verdict: str, reason: str, actor: User, now: datetime,
         version: int | None = None) -> Ticket:
    """裁定: the site head decides a tie or a vote without ballots; final."""
    if verdict not in set(Verdict):
        raise FormProblems({"verdict": N_("Choose established or not established.")})
    reason = required_text(reason, "reason", N_("Give the reason for the ruling."))
    with write_transaction():
        ticket = load_visible(ticket_id, actor)
        before, after = move(ticket, Action.DECIDE, actor, version)
        appeal = ticket.appeal
        appeal.ruled_by_id, appeal.ruled_at, appeal.ruling_reason = actor.id, now, reason
        _finalise(ticket, verdict, now)
        flush_guarded()
        audit.record(Action.DECIDE, actor=actor, now=now, ticket=ticket, from_state=before,
                     to_state=after, note=reason, detail={"verdict": verdict})
    return ticket


# --- reading -------------------------------------------------------------------------------

def voted_count(appeal: Appeal) -> int:
    return sum(1 for m in appeal.members if m.submitted)


def has_voted(appeal: Appeal, user: User) -> bool | None:
    """None when the user is not on the panel."""
    for member in appeal.members:
        if member.user_id == user.id:
            return member.submitted
    return None


_members, _appeals, _tickets = (PanelMember.__table__, Appeal.__table__, Ticket.__table__)


def _pending_votes(user_id):
    return (select(func.count()).select_from(
        _members.join(_appeals, _appeals.c.id == _members.c.appeal_id)
        .join(_tickets, _tickets.c.id == _appeals.c.ticket_id))
        .where(_members.c.user_id == user_id, _members.c.submitted.is_(False),
               _tickets.c.state == State.VOTING.value))


#: Built once: the menu shows this count on every page (building the ORM statement cost
#: more than running it, as for the bell's count).
_PENDING_VOTES = _pending_votes(bindparam("user_id"))
#: The same count as a column of the statement that loads the signed-in user (app.py).
PENDING_VOTES_OF_USER = _pending_votes(User.id).scalar_subquery()


def remember_vote_count(user_id: int, count: int) -> None:
    """Keep the count read with the signed-in user for the rest of the request (until the
    request writes anything: services.db.read_memo)."""
    read_memo()[("votes", user_id)] = count


def pending_vote_count(user: User) -> int:
    """Ballots waiting for this user: the badge beside 投票 in the menu."""
    known = read_memo().get(("votes", user.id))
    if known is not None:
        return known
    return db.session.connection().scalar(_PENDING_VOTES, {"user_id": user.id}) or 0


def my_open_votes(user: User) -> list[Ticket]:
    return list(db.session.scalars(
        select(Ticket).join(Appeal).join(PanelMember)
        .where(PanelMember.user_id == user.id, PanelMember.submitted.is_(False),
               Ticket.state == State.VOTING)
        .order_by(Appeal.vote_deadline)))


def waiting_on(ticket: Ticket, people: rules.People | None = None) -> frozenset[int]:
    """Everyone who may act now on this ticket's appeal. Never empty while the appeal waits
    for a person (re-judging, naming the panel, ruling); a vote closes itself at its
    deadline, so it waits on the panellists who have not voted."""
    appeal, state = ticket.appeal, ticket.state
    if appeal is None:
        return frozenset()
    people = people or chain.people()
    if state == State.APPEALED:
        return rules.rejudgers(people, deputy=chain.deputy_id(),
                               judge=ticket.judgement.judged_by_id if ticket.judgement else None)
    if state == State.PANEL:
        named = {m.side for m in appeal.members}
        waiting = set()
        if Side.APPELLANT not in named:
            waiting |= rules.appellant_side_namers(people, appellant=appeal.appellant_id,
                                                   appellant_active=appeal.appellant.active)
        if Side.JUDGING not in named:
            waiting |= rules.judging_side_namers(people, rejudged_by=appeal.rejudged_by_id)
        return frozenset(waiting)
    if state == State.VOTING:
        return frozenset(m.user_id for m in appeal.members
                         if not m.submitted and m.user.active)
    if state == State.ESCALATED:
        return rules.rulers(people)
    return frozenset()


#: Who may ever be asked to act on an appeal: nobody else needs to look.
_APPEAL_ACTORS = frozenset({Role.TEAM_LEAD, Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD,
                            Role.SITE_HEAD})


def waiting_for(user: User) -> list[Ticket]:
    """Appeal work waiting for this user: re-judging, naming panellists, ruling."""
    if user.role_enum not in _APPEAL_ACTORS:
        return []
    rows = list(db.session.scalars(
        select(Ticket).join(Appeal)
        .options(joinedload(Ticket.appeal).joinedload(Appeal.appellant))
        .where(Ticket.state.in_([State.APPEALED, State.PANEL, State.ESCALATED]))
        .order_by(Appeal.filed_at)))
    if not rows:
        return []
    people = chain.people()
    return [ticket for ticket in rows if user.id in waiting_on(ticket, people)]


def list_appeals(limit: int = 500) -> list[Appeal]:
    return list(db.session.scalars(
        select(Appeal).options(joinedload(Appeal.ticket), joinedload(Appeal.appellant))
        .order_by(Appeal.filed_at.desc()).limit(limit)))

