"""Case library routes: everyone signed in but IT searches and reads; the owner writes cases
from judged tickets and edits them. Customer numbers are masked by the service on save."""
import re

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import hx_redirect, render
from domain.errors import NotFound
from domain.roles import ALL_ROLES, SEES_ALL_HANDED_OVER, Role
from services import cases as service
from services.clock import utcnow
from services.risks import VIEWERS as RISK_VIEWERS

from . import bp
from .forms import CaseEditForm, CaseForm, CaseSearchForm

READERS = tuple(ALL_ROLES - {Role.ADMIN})
MAX_PAGE = 10_000
OPTION_CHARS = 18   # criterion texts are long; the filter's options show their start


# --- helpers the templates use ---------------------------------------------------------------

def highlight(text: str, terms: list[str]) -> Markup:
    """`text`, escaped, with each search term wrapped in <mark>."""
    if not terms:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)),
                         re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out += [escape(text[last:match.start()]),
                Markup("<mark>%s</mark>") % match.group(0)]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def excerpt(case, terms: list[str], width: int = 90) -> str:
    """A line of the case to show under its title: around the first match, else the summary."""
    for name in ("summary", "analysis", "lesson", "handling"):
        text = " ".join(getattr(case, name).split())
        lowered = text.lower()
        hits = [lowered.find(t.lower()) for t in terms if t.lower() in lowered]
        if hits:
            start = max(min(hits) - width // 3, 0)
            piece = text[start:start + width]
            return ("…" if start else "") + piece + ("…" if start + width < len(text) else "")
    text = " ".join(case.summary.split())
    return text[:width] + ("…" if len(text) > width else "")


@bp.app_template_global()
def case_of_ticket(ticket):
    """The library's case written from this ticket, if any (for the ticket page)."""
    return service.case_of_ticket(ticket.id)


@bp.app_template_global()
def may_make_case(ticket) -> bool:
    return current_user.role == Role.OWNER and service.caseable(ticket)


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)


def _criterion_choices(criteria) -> list[tuple[str, str]]:
    retired = _("retired")

    def short(c):
        text = c.text if len(c.text) <= OPTION_CHARS else c.text[:OPTION_CHARS] + "…"
        return f"{c.code} {text}" + ("" if c.active else f" ({retired})")
    return [("", _("All criteria"))] + [(str(c.id), short(c)) for c in criteria]


# --- the library -----------------------------------------------------------------------------

@bp.route("/cases")
@roles(*READERS)
def index():
    """案例库: search as you type (htmx) or with the plain GET form; newest first."""
    g.nav_active = "cases"
    criteria = service.all_criteria()
    form = CaseSearchForm(formdata=request.args)
    form.criterion.choices = _criterion_choices(criteria)
    raw = form.criterion.data or ""
    criterion = int(raw) if raw.isdigit() and len(raw) < 10 else None
    filters = service.CaseFilter(q=form.q.data, criterion=criterion,
                                 archived=bool(form.archived.data))
    page = _page()
    rows, has_more, total = service.search(filters, page=page)
    terms = service.search_terms(form.q.data)
    args = {k: v for k, v in {"q": (form.q.data or "").strip(), "criterion": criterion,
                              "archived": "y" if filters.archived else None}.items() if v}
    return render("cases/index.html", "case_rows", form=form, rows=rows, has_more=has_more,
                  total=total, page=page, args=args, terms=terms, highlight=highlight,
                  excerpt=excerpt, may_see_risks=current_user.role_enum in RISK_VIEWERS)


@bp.route("/cases/<int:case_id>")
@roles(*READERS)
def show(case_id: int):
    g.nav_active = "cases"
    case = _load(case_id)
    return render("cases/show.html", case=case,
                  shows_ticket=current_user.role_enum in SEES_ALL_HANDED_OVER)


def _load(case_id: int):
    try:
        return service.get_case(case_id)
    except NotFound:
        abort(404)


# --- writing cases (the owner) ---------------------------------------------------------------

def _choices_for(selected_ids) -> list:
    """Criteria in use, and any retired one already ticked."""
    selected = set(selected_ids or [])
    return [c for c in service.all_criteria() if c.active or c.id in selected]


def _input(form: CaseForm) -> service.CaseInput:
    return service.CaseInput(
        title=form.title.data, summary=form.summary.data, analysis=form.analysis.data,
        lesson=form.lesson.data, handling=form.handling.data,
        criteria_ids=list(form.criteria.data or []), archived=bool(form.archived.data))


def _form_page(form, *, ticket, case=None, status=200):
    return render("cases/form.html", "case_form", status=status, form=form, ticket=ticket,
                  case=case)


@bp.route("/tickets/<int:ticket_id>/case/new", methods=["GET", "POST"])
@roles(Role.OWNER)
def new(ticket_id: int):
    """转为案例: the owner writes a case from a judged or closed ticket."""
    g.nav_active = "cases"
    try:
        ticket = service.load_ticket(ticket_id, actor=current_user)
    except NotFound:
        abort(404)
    existing = service.case_of_ticket(ticket.id)
    if existing is not None:
        flash(_("This ticket is already a case."), "info")
        return hx_redirect(url_for("cases.show", case_id=existing.id))
    if not service.caseable(ticket):
        flash(_("Only a judged or closed ticket can become a case."), "error")
        return hx_redirect(url_for("tickets.show", ticket_id=ticket.id))
    if request.method == "GET":
        draft = service.draft_for(ticket)
        form = CaseForm(formdata=None, obj=draft, criteria=_choices_for(draft.criteria_ids))
        form.criteria.data = draft.criteria_ids
        return _form_page(form, ticket=ticket)
    form = CaseForm(criteria=_choices_for(request.form.getlist("criteria", type=_int)))
    return answer(lambda: service.create_case(ticket.id, _input(form), actor=current_user,
                                              now=utcnow()),
                  page=lambda status, _bound=None: _form_page(form, ticket=ticket,
                                                              status=status),
                  form=form, done=_("Case saved in the library."),
                  back=lambda case: url_for("cases.show", case_id=case.id))


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@roles(Role.OWNER)
def edit(case_id: int):
    g.nav_active = "cases"
    case = _load(case_id)

    def page(status, bound=None):
        """With the form as posted (422), or as saved now (on GET; and 409: someone saved
        first — their text is shown and nothing of ours was written)."""
        shown = case if bound is not None else _load(case_id)
        if bound is None:
            bound = CaseEditForm(formdata=None, obj=shown,
                             criteria=_choices_for([c.id for c in shown.criteria]))
            bound.criteria.data = [c.id for c in shown.criteria]
        return _form_page(bound, ticket=shown.ticket, case=shown, status=status)

    if request.method == "GET":
        return page(200)
    form = CaseEditForm(criteria=_choices_for(
        [c.id for c in case.criteria] + request.form.getlist("criteria", type=_int)))
    return answer(lambda: service.update_case(case.id, _input(form), actor=current_user,
                                              now=utcnow(), version=form.version.data),
                  page=page, form=form, done=_("Case saved."),
                  back=url_for("cases.show", case_id=case.id))


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else -1
