"""Risk register routes: managers read the register and its four-quadrant chart; the owner
and the group head add and edit risks (audited by the service)."""
from datetime import timedelta

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from domain import risks as rules
from domain.errors import NotFound
from services import risks as service
from services.clock import local_today, utcnow

from . import bp
from .chart import quadrant_chart
from .forms import IMPACT_LABELS, PROBABILITY_LABELS, RiskEditForm, RiskForm

QUADRANT_LABELS = {
    rules.Quadrant.PLAN_AHEAD: _l("Plan ahead"),
    rules.Quadrant.FALLBACK_PLAN: _l("Fallback plan"),
    rules.Quadrant.UPDATE_MANUAL: _l("Update the manual"),
    rules.Quadrant.MONITOR: _l("Monitor"),
}
QUADRANT_HINTS = {
    rules.Quadrant.PLAN_AHEAD: _l("Likely and serious: plan the prevention now."),
    rules.Quadrant.FALLBACK_PLAN: _l("Unlikely but serious: have a fallback plan ready."),
    rules.Quadrant.UPDATE_MANUAL: _l("Likely but minor: put the answer in the manual."),
    rules.Quadrant.MONITOR: _l("Unlikely and minor: keep an eye on it."),
}
#: The legend's order: the quadrant that demands most first.
QUADRANT_ORDER = (rules.Quadrant.PLAN_AHEAD, rules.Quadrant.FALLBACK_PLAN,
                  rules.Quadrant.UPDATE_MANUAL, rules.Quadrant.MONITOR)
REVIEW_DAYS = 30  # a new risk's first review, by default


def status_labels() -> dict:
    # A context of their own: "Open" alone is already the verb of the ticket lists (查看).
    return {rules.Status.OPEN: pgettext("risk status", "Open"),
            rules.Status.CLOSED: pgettext("risk status", "Closed")}


@bp.route("/risks")
@roles(*service.VIEWERS)
def index():
    """风险登记: the chart of open risks and the register, overdue reviews marked."""
    g.nav_active = "cases"
    today = local_today()
    risks = service.list_risks()
    rows = [{"risk": r, "quadrant": rules.quadrant(r.probability, r.impact),
             "overdue": rules.review_overdue(r.status, r.review_on, today)} for r in risks]
    open_risks = [r for r in risks if r.status == rules.Status.OPEN]
    overdue = {row["risk"].id for row in rows if row["overdue"]}
    counts = {q: sum(1 for row in rows if row["quadrant"] == q
                     and row["risk"].status == rules.Status.OPEN) for q in QUADRANT_ORDER}
    return render("risks/index.html", rows=rows, chart=quadrant_chart(open_risks, overdue),
                  counts=counts, open_count=len(open_risks), overdue_count=len(overdue),
                  today=today, may_edit=current_user.role_enum in service.EDITORS,
                  **_labels())


def _labels() -> dict:
    return {"quadrant_labels": QUADRANT_LABELS, "quadrant_hints": QUADRANT_HINTS,
            "quadrant_order": QUADRANT_ORDER, "status_labels": status_labels(),
            "probability_labels": PROBABILITY_LABELS, "impact_labels": IMPACT_LABELS}


def _form(risk=None, **kwargs) -> RiskForm:
    owners = service.owner_choices()
    if risk is not None and risk.owner not in owners:
        owners.append(risk.owner)  # a deactivated owner stays visible until replaced
    kind = RiskForm if risk is None else RiskEditForm
    return kind(owners=owners, status_labels=status_labels(), **kwargs)


def _input(form: RiskForm) -> service.RiskInput:
    return service.RiskInput(
        title=form.title.data, description=form.description.data or "",
        probability=form.probability.data, impact=form.impact.data,
        owner_id=form.owner_id.data, review_on=form.review_on.data, status=form.status.data)


def _form_page(form, risk=None, status=200):
    return render("risks/form.html", "risk_form", status=status, form=form, risk=risk,
                  **_labels())


@bp.route("/risks/new", methods=["GET", "POST"])
@roles(*service.EDITORS)
def new():
    g.nav_active = "cases"
    if request.method == "GET":
        form = _form(formdata=None, owner_id=current_user.id, status=rules.Status.OPEN,
                     review_on=local_today() + timedelta(days=REVIEW_DAYS))
        return _form_page(form)
    form = _form()
    return answer(lambda: service.create_risk(_input(form), actor=current_user, now=utcnow()),
                  page=lambda status, _bound=None: _form_page(form, status=status),
                  form=form, done=_("Risk added to the register."),
                  back=url_for("risks.index"))


@bp.route("/risks/<int:risk_id>/edit", methods=["GET", "POST"])
@roles(*service.EDITORS)
def edit(risk_id: int):
    g.nav_active = "cases"
    try:
        risk = service.get_risk(risk_id)
    except NotFound:
        abort(404)

    def page(status, bound=None):
        """With the form as posted (422), or as saved now (on GET; and 409: someone saved
        first)."""
        if bound is not None:
            return _form_page(bound, risk, status=status)
        shown = service.get_risk(risk_id)
        return _form_page(_form(shown, formdata=None, obj=shown), shown, status=status)

    if request.method == "GET":
        return page(200)
    form = _form(risk)
    return answer(lambda: service.update_risk(risk.id, _input(form), actor=current_user,
                                              now=utcnow(), version=form.version.data),
                  page=page, form=form, done=_("Risk saved."),
                  back=url_for("risks.index", _anchor=f"risk-{risk.id}"))
