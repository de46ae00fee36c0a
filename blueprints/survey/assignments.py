"""回访分配: the duty manager gives the week's callbacks to named callers — one by one (and
again to someone else), by count or by area — and sees who holds what; 我的回访: each
caller's own callbacks."""
from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from blueprints.ui import label
from domain.survey import MAY, Task, callback_window_opens
from services.clock import local_today, utcnow
from services.survey import assignments as service
from services.survey.records import is_held

from . import bp
from .forms import AreaForm, AssignForm, CountForm


def _show() -> str:
    return "unassigned" if request.args.get("show") == "unassigned" else "all"


def _choices(callers) -> list:
    return [("", _("Choose a caller"))] + [
        (str(u.id), f"{u.name} {u.employee_no} · {label('role', u.role)}") for u in callers]


def _assign_page(status: int = 200, forms: dict | None = None):
    g.nav_active = "assign"
    forms = forms or {}
    today, actor = local_today(), current_user
    choices = _choices(service.callers(actor=actor))
    count_form = forms.get("count") or CountForm(formdata=None)
    area_form = forms.get("area") or AreaForm(formdata=None)
    areas = service.areas(today, actor=actor)
    area_form.area.choices = [(a, f"{a or _('No area given')} ({n})") for a, n in areas]
    count_form.caller.choices = area_form.caller.choices = choices
    rows = service.week_callbacks(today, actor=actor, show=_show())
    row_forms = {}
    for c in rows:
        form = forms.get(c.id) or AssignForm(formdata=None, prefix=f"a{c.id}",
                                             caller=str(c.caller_id or ""), version=c.version)
        form.caller.choices = choices
        row_forms[c.id] = form
    return render("survey/assign.html", status=status, rows=rows, row_forms=row_forms,
                  count_form=count_form, area_form=area_form, areas=areas, today=today,
                  week_end=service.week_end(today), show=_show(), is_held=is_held,
                  holdings=service.holdings(today, actor=actor))


def _given(n: int) -> str:
    return _("%(n)d callbacks given.", n=n)


@bp.route("/survey/assign")
@roles(*MAY[Task.ASSIGN])
def assign():
    """回访分配: the week's callbacks with who holds each, and the ways to give them."""
    return _assign_page()


@bp.route("/survey/assign/<int:contact_id>", methods=["POST"])
@roles(*MAY[Task.ASSIGN])
def assign_one(contact_id: int):
    """Give one callback to a caller, or to another caller."""
    form = AssignForm(prefix=f"a{contact_id}")
    form.caller.choices = _choices(service.callers(actor=current_user))
    return answer(lambda: service.assign(contact_id, form.caller.data, actor=current_user,
                                         now=utcnow(), version=form.version.data),
                  page=lambda status, bound=None: _assign_page(status, {contact_id: bound}
                                                             if bound is not None else {}),
                  form=form, done=_("Callback given."),
                  back=url_for("survey.assign", show=_show(), _anchor=f"contact-{contact_id}"))


@bp.route("/survey/assign/count", methods=["POST"])
@roles(*MAY[Task.ASSIGN])
def assign_count():
    """Give a caller a number of the week's callbacks nobody holds, the earliest due first."""
    form = CountForm()
    form.caller.choices = _choices(service.callers(actor=current_user))
    return answer(lambda: service.assign_count(form.caller.data, form.count.data,
                                               local_today(), actor=current_user,
                                               now=utcnow()),
                  page=lambda status, _bound=None: _assign_page(status, {"count": form}),
                  form=form, done=_given, back=url_for("survey.assign"))


@bp.route("/survey/assign/area", methods=["POST"])
@roles(*MAY[Task.ASSIGN])
def assign_area():
    """Give a caller every callback of the week nobody holds in one area."""
    form = AreaForm()
    form.caller.choices = _choices(service.callers(actor=current_user))
    form.area.choices = [(a, a) for a, _n in service.areas(local_today(), actor=current_user)]
    return answer(lambda: service.assign_area(form.area.data or "", form.caller.data,
                                              local_today(), actor=current_user,
                                              now=utcnow()),
                  page=lambda status, _bound=None: _assign_page(status, {"area": form}),
                  form=form, done=_given, back=url_for("survey.assign"))


@bp.route("/survey/mine")
@roles(*MAY[Task.CALL])
def mine():
    """我的回访: the callbacks given to me, open ones first by due day; ?show=done."""
    g.nav_active = "my_callbacks"
    show = "done" if request.args.get("show") == "done" else "open"
    today = local_today()
    return render("survey/mine.html", rows=service.my_callbacks(today, actor=current_user,
                                                                show=show),
                  show=show, today=today, now=utcnow(), is_held=is_held,
                  opens_on=callback_window_opens)
