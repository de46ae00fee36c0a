"""The appeal path. The ballot is a POST whose only field is the choice: it never appears in
a URL, a flash message, a log line or an audit entry."""
from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer, checked
from blueprints._htmx import render
from blueprints.ticket_page import load_ticket, show_ticket
from blueprints.ticket_page.actions import act, page_of
from blueprints.ui import VERDICT_LABELS, localtime
from domain.roles import APPEAL_CHAIN, FILERS, PANELLIST_ROLES, Role
from domain.tickets import Action
from services import appeal_list
from services import panel_people as panel_people_service
from services import appeals as service
from services import objections as objection_service
from services import tickets as ticket_service
from services.clock import utcnow

from . import bp
from .forms import (AppealForm, BallotForm, DeclineObjectionForm, ObjectionForm, PanelForm,
                    RejudgeForm, RulingForm)

#: Who may name a panel side: the appeal chain and the owners, and the deputies who upheld.
NAMERS = tuple(APPEAL_CHAIN | {Role.OWNER, Role.SITE_HEAD})
VOTERS = tuple(PANELLIST_ROLES)
#: Who may re-judge: the owners; a group head or site head as the deputy (domain.appeals).
REJUDGERS = (Role.OWNER, Role.GROUP_HEAD, Role.SITE_HEAD)


def _act(ticket_id, call, success, form_name, form):
    return act(ticket_id, call, success, form=form, form_name=form_name, anchor="appeal")


@bp.route("/tickets/<int:ticket_id>/appeal", methods=["POST"])
@roles(*APPEAL_CHAIN)
def file_appeal(ticket_id: int):
    """提交异议."""
    load_ticket(ticket_id)
    form = AppealForm()
    return _act(ticket_id, lambda: service.file_appeal(
        ticket_id, objection=form.objection.data, actor=current_user, now=utcnow(),
        version=form.version.data, objection_id=form.objection_id.data),
        _("Appeal filed. The whitelist owner re-judges it."), "appeal_form", form)


@bp.route("/tickets/<int:ticket_id>/objection", methods=["POST"])
@roles(*FILERS)
def raise_objection(ticket_id: int):
    """异议申请: the accused agent's points go to the next level of the appeal chain."""
    load_ticket(ticket_id)
    form = ObjectionForm()
    return _act(ticket_id, lambda: objection_service.raise_objection(
        ticket_id, points=form.points.data, actor=current_user, now=utcnow()),
        _("Objection sent. You will be told what is decided."), "objection_form", form)


@bp.route("/tickets/<int:ticket_id>/objections/<int:objection_id>/decline", methods=["POST"])
@roles(*APPEAL_CHAIN)
def decline_objection(ticket_id: int, objection_id: int):
    """Not filing the appeal sheet for an objection, with the reason the agent sees."""
    load_ticket(ticket_id)
    form = DeclineObjectionForm()
    return _act(ticket_id, lambda: objection_service.decline(
        objection_id, reason=form.reason.data, actor=current_user, now=utcnow(),
        ticket_id=ticket_id), _("Objection declined. The agent sees your reason."),
        "decline_form", form)


def _two_steps(ticket, form, form_name: str, action: Action, *, title: str,
               consequence: str, confirm_label: str, summary: list[tuple[str, str]]):
    """The first step of an irreversible decision: the ticket page again when the user goes
    back to change it, else a screen saying what will happen (None once confirmed)."""
    if request.form.get("back"):
        return show_ticket(ticket, **{form_name: form})
    if form.confirmed:
        return None
    if action not in ticket_service.permitted_actions(ticket, current_user):
        return None   # the service refuses it with the reason
    return render("appeals/confirm.html", ticket=ticket, form=form, title=title,
                  consequence=consequence, confirm_label=confirm_label, summary=summary,
                  action=request.path)


@bp.route("/tickets/<int:ticket_id>/rejudge", methods=["POST"])
@roles(*REJUDGERS)
def rejudge(ticket_id: int):
    """维持原判 / 改判, each confirmed on a second screen."""
    ticket = load_ticket(ticket_id)
    form = RejudgeForm()
    invalid = checked(form, page_of(ticket_id, "rejudge_form"))
    if invalid is not None:
        return invalid
    overturn = form.decision.data == "overturn"
    first = _two_steps(
        ticket, form, "rejudge_form", Action.OVERTURN if overturn else Action.UPHOLD,
        title=_("Overturn") if overturn else _("Uphold"),
        consequence=_("The verdict becomes not established. This is final: there is no "
                      "further appeal.") if overturn else
        _("The judgement stands for now and the case goes to an anonymous vote of six "
          "panellists, three named by each side."),
        confirm_label=_("Confirm overturn") if overturn else _("Confirm uphold"),
        summary=[(_("Reason for the decision"), form.reason.data)])
    if first is not None:
        return first
    return _act(ticket_id, lambda: service.rejudge(
        ticket_id, decision=form.decision.data, reason=form.reason.data, actor=current_user,
        now=utcnow(), version=form.version.data), _("Re-judgement recorded."),
        "rejudge_form", form)


@bp.route("/tickets/<int:ticket_id>/panel", methods=["POST"])
@roles(*NAMERS)
def name_panel(ticket_id: int):
    load_ticket(ticket_id)
    form = PanelForm()
    return _act(ticket_id, lambda: service.name_panel(
        ticket_id, employee_nos=form.employee_nos(), actor=current_user, now=utcnow()),
        _("Panellists named."), "panel_form", form)


@bp.route("/tickets/<int:ticket_id>/panel/people")
@roles(*NAMERS)
def panel_people(ticket_id: int):
    """The people picker for naming a panel: a GET search listing matches with role, team
    and why someone cannot sit; the picks so far ride along in the query string, so it
    works without JavaScript."""
    query = request.args.get("q", "")[:50]
    picks = [p.strip() for p in request.args.getlist("pick") if p.strip()][:3]
    candidates = panel_people_service.panel_candidates(ticket_id, query=query,
                                                        actor=current_user)
    ticket = load_ticket(ticket_id)
    form = PanelForm(formdata=None, **{f"member{i}": no for i, no in enumerate(picks, 1)})
    return render("appeals/people.html", "people_results", ticket=ticket, query=query,
                  picks=picks, candidates=candidates, form=form)


@bp.route("/tickets/<int:ticket_id>/rule", methods=["POST"])
@roles(Role.SITE_HEAD, Role.GROUP_HEAD)
def rule(ticket_id: int):
    """裁定, confirmed on a second screen."""
    ticket = load_ticket(ticket_id)
    form = RulingForm()
    invalid = checked(form, page_of(ticket_id, "ruling_form"))
    if invalid is not None:
        return invalid
    verdict = str(VERDICT_LABELS.get(form.verdict.data, ""))
    first = _two_steps(
        ticket, form, "ruling_form", Action.DECIDE, title=_("Rule"),
        consequence=_("The final verdict will be “%(verdict)s”. It cannot be appealed or "
                      "changed.", verdict=verdict),
        confirm_label=_("Confirm ruling"),
        summary=[(_("Ruling"), verdict), (_("Reason for the decision"), form.reason.data)])
    if first is not None:
        return first
    return _act(ticket_id, lambda: service.rule(
        ticket_id, verdict=form.verdict.data, reason=form.reason.data, actor=current_user,
        now=utcnow(), version=form.version.data), _("Ruling recorded; the verdict is final."),
        "ruling_form", form)


def _panel_ticket(ticket_id: int):
    """The ticket, for a panellist of its vote (404 for everyone else)."""
    ticket = load_ticket(ticket_id)
    if ticket.appeal is None or service.has_voted(ticket.appeal, current_user) is None:
        abort(404)
    return ticket


@bp.route("/tickets/<int:ticket_id>/vote", methods=["GET", "POST"])
@roles(*VOTERS)
def vote(ticket_id: int):
    """投票: the appeal sheet, the judgement and its basis, then one ballot."""
    g.nav_active = "votes"
    now = utcnow()
    service.close_due_votes(now)
    ticket = _panel_ticket(ticket_id)
    form = BallotForm()

    def page(status, bound=None):
        shown = load_ticket(ticket_id)
        return render("appeals/vote.html", status=status, ticket=shown, appeal=shown.appeal,
                      form=bound or BallotForm(formdata=None),
                      voted=service.has_voted(shown.appeal, current_user),
                      voted_count=service.voted_count(shown.appeal), now=now)

    if request.method == "GET" or request.form.get("back"):
        return page(200, form)  # back from the second step: the choice kept
    invalid = checked(form, page)
    if invalid is not None:
        return invalid
    if not form.confirmed and service.has_voted(ticket.appeal, current_user) is False:
        # the second step says what happens and casts it
        return render("appeals/confirm.html", ticket=ticket, form=form,
                      title=_("Cast ballot"), confirm_label=_("Confirm my ballot"),
                      consequence=_("Once cast, a ballot cannot be changed. Nobody can "
                                    "see how you voted."),
                      summary=[(_("Your ballot"), str(VERDICT_LABELS[form.choice.data]))],
                      action=url_for("appeals.vote", ticket_id=ticket.id))
    return answer(lambda: service.cast_ballot(ticket.id, choice=form.choice.data,
                                              actor=current_user, now=now),
                  page=page, form=form, done=_("Your ballot is cast."),
                  back=url_for("appeals.vote", ticket_id=ticket.id))


@bp.route("/votes")
@roles(*VOTERS)
def my_votes():
    """Votes waiting for my ballot."""
    g.nav_active = "votes"
    service.close_due_votes(utcnow())
    return render("appeals/votes.html", rows=service.my_open_votes(current_user), now=utcnow())


@bp.route("/tickets/<int:ticket_id>/appeal-sheet")
@roles(*VOTERS)
def sheet(ticket_id: int):
    """内部服务质量判责异议单, print view (A4, signature lines)."""
    ticket = load_ticket(ticket_id)
    if ticket.appeal is None:
        abort(404)
    return render("appeals/sheet.html", ticket=ticket, appeal=ticket.appeal)



@bp.route("/appeals")
@roles(*appeal_list.LISTERS)
def index():
    """判责异议列表: the appeals in the user's scope, filtered by stage."""
    g.nav_active = "appeals"
    stage = request.args.get("stage") or None
    stage = stage if stage in appeal_list.STAGES else None
    return render("appeals/index.html", "appeal_rows",
                  rows=appeal_list.list_appeals(actor=current_user, stage=stage),
                  stage=stage, stages=appeal_list.STAGES, stage_of=appeal_list.stage_of,
                  decided=appeal_list.DECIDED)


@bp.route("/appeals/export.xlsx")
@roles(Role.OWNER, Role.DUTY_MANAGER, Role.GROUP_HEAD, Role.SITE_HEAD)
def export():
    """The appeal sheets as rows of a spreadsheet (内部服务质量判责异议单), newest first."""
    from services.xlsx import xlsx_response
    decisions = {"uphold": _("Uphold"), "overturn": _("Overturn")}
    header = [_("Ticket no."), _("Accused employee no."), _("Appellant"), _("Filed at"),
              _("Objection points"), _("Re-judgement"), _("Re-judged by"),
              _("Reason for the decision"), _("Vote"), _("Site head's ruling"),
              _("Final verdict")]

    def rows():
        for a in service.list_appeals(limit=10_000):
            vote = (f"{a.established_count}:{a.not_established_count}"
                    if a.vote_closed_at else "")
            yield [a.ticket.number, a.ticket.accused_no or "",
                   f"{a.appellant.name} {a.appellant.employee_no}", localtime(a.filed_at),
                   a.objection, str(decisions.get(a.decision, "")),
                   a.rejudged_by.name if a.rejudged_by else "", a.decision_reason, vote,
                   f"{VERDICT_LABELS[a.outcome]} {a.ruling_reason}" if a.ruled_at else "",
                   str(VERDICT_LABELS[a.outcome]) if a.outcome else ""]

    return xlsx_response(_("Appeal sheets"), header, rows(), filename="appeals.xlsx")
