"""建议上报 routes: write (from a criterion's or keyword's tickets, a warning, a note), list,
read, acknowledge and decide (the group head and the site head), print."""
from datetime import date, timedelta

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from blueprints.forms import VersionForm
from blueprints.ui import DECISION_LABELS
from domain.errors import NotFound
from domain.proposals import ADDRESSEES, READERS, WRITERS, Source
from services import feedback as feedback_service
from services import notices as notices_service
from services import proposals as service
from services.clock import utcnow

from . import bp
from .forms import DecisionForm, ProposalForm

MAX_PAGE = 10_000


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _int(raw) -> int | None:
    return int(raw) if raw and str(raw).isdigit() and len(str(raw)) < 12 else None


def _basis(values) -> service.Basis:
    """What the proposal rests on, from the opening link (GET) or the form's hidden fields:
    ?warning=ID, ?note=ID, or ?source=criterion|keyword&key=…&from=…&to=… (local days,
    inclusive). Anything unreadable is a 404, as for a link to nothing."""
    try:
        if (warning_id := _int(values.get("warning"))) is not None:
            return service.basis_of_warning(notices_service.get_warning(warning_id))
        if (note_id := _int(values.get("note"))) is not None:
            feedback_service.get_for_review(note_id, actor=current_user)
            return service.Basis(source=Source.NOTE, note_id=note_id)
    except NotFound:
        abort(404)
    start = _day(values.get("from") or values.get("start"))
    last = _day(values.get("to")) or (_day(values.get("end")) - timedelta(days=1)
                                      if _day(values.get("end")) else None)
    return service.Basis(source=values.get("source") or "", key=(values.get("key") or "")[:64],
                         start=start, end=last + timedelta(days=1) if last else None)


@bp.route("/proposals/new", methods=["GET", "POST"])
@roles(*WRITERS)
def new():
    g.nav_active = "reports"
    basis = _basis(request.form if request.method == "POST" else request.args)
    try:
        figures, tickets = service.draft(basis)
    except NotFound:
        abort(404)
    note = feedback_service.get_for_review(basis.note_id, actor=current_user) \
        if basis.note_id else None
    form = ProposalForm()

    def page(status, _bound=None):
        return render("proposals/new.html", status=status, form=form, basis=basis,
                      figures=figures, tickets=tickets, note=note)

    if request.method == "GET":
        form.source.data, form.key.data = basis.source, basis.key
        form.start.data = basis.start.isoformat() if basis.start else ""
        form.end.data = basis.end.isoformat() if basis.end else ""
        form.warning.data = basis.warning_id or ""
        form.note.data = basis.note_id or ""
        if note is not None:
            form.body.data = note.text
        return page(200)
    return answer(lambda: service.create_proposal(
        basis, title=form.title.data, body=form.body.data, actor=current_user, now=utcnow()),
        page=page, form=form, done=_("Proposal sent to the group head and the site head."),
        back=lambda proposal: url_for("proposals.show", proposal_id=proposal.id))


@bp.route("/proposals")
@roles(*READERS)
def index():
    """建议: newest first; ?show=waiting (the addressee's own), open or all."""
    g.nav_active = "reports"
    waiting_default = current_user.role_enum in ADDRESSEES
    show = request.args.get("show") or ("waiting" if waiting_default else "all")
    show = show if show in ("waiting", "open", "all") else "all"
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    rows, has_more = service.list_proposals(current_user, show=show, page=page)
    return render("proposals/index.html", rows=rows, has_more=has_more, page=page, show=show,
                  addressee=waiting_default)


def _load(proposal_id: int):
    try:
        return service.get_proposal(proposal_id, actor=current_user)
    except NotFound:
        abort(404)


def _page(proposal, *, status=200, decision_form=None):
    mine = next((r for r in proposal.reviews if r.role == current_user.role), None)
    if mine is not None and mine.decided_at is None and decision_form is None:
        decision_form = DecisionForm(formdata=None, labels=DECISION_LABELS,
                                     version=proposal.version)
    return render("proposals/show.html", status=status, proposal=proposal, mine=mine,
                  decision_form=decision_form if mine is not None and mine.decided_at is None
                  else None, figures=proposal.figure_values)


@bp.route("/proposals/<int:proposal_id>")
@roles(*READERS)
def show(proposal_id: int):
    g.nav_active = "reports"
    return _page(_load(proposal_id))


def _page_of(proposal_id: int):
    """The proposal's page as answer() shows it again: with the decision form as posted, or
    every form afresh."""
    def page(status, bound=None):
        return _page(_load(proposal_id), status=status, decision_form=bound)
    return page


@bp.route("/proposals/<int:proposal_id>/acknowledge", methods=["POST"])
@roles(*ADDRESSEES)
def acknowledge(proposal_id: int):
    """签收."""
    _load(proposal_id)
    form = VersionForm()
    return answer(lambda: service.acknowledge(
        proposal_id, actor=current_user, now=utcnow(), version=form.version.data),
        page=_page_of(proposal_id), form=form, done=_("Acknowledged."),
        back=url_for("proposals.show", proposal_id=proposal_id))


@bp.route("/proposals/<int:proposal_id>/decide", methods=["POST"])
@roles(*ADDRESSEES)
def decide(proposal_id: int):
    """批复: adopted, adopted in part, or not adopted, with a note."""
    _load(proposal_id)
    form = DecisionForm(labels=DECISION_LABELS)
    return answer(lambda: service.decide(
        proposal_id, decision=form.decision.data, note=form.note.data, actor=current_user,
        now=utcnow(), version=form.version.data), page=_page_of(proposal_id), form=form,
        done=_("Decision recorded."), back=url_for("proposals.show", proposal_id=proposal_id))


@bp.route("/proposals/<int:proposal_id>/print")
@roles(*READERS)
def sheet(proposal_id: int):
    """建议上报单, print view (A4, signature lines)."""
    proposal = _load(proposal_id)
    return render("proposals/sheet.html", proposal=proposal, figures=proposal.figure_values)
