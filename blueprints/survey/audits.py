"""回访记录抽检: the owner draws callback records at random and marks each accurate or not."""
from datetime import timedelta

from flask import g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from domain.periods import Period, Span, span_of
from domain.survey import MAY, Task
from services.clock import local_today, utcnow
from services.survey import audits as service

from . import bp
from .forms import DrawForm, MarkForm, yes_no


@bp.route("/survey/audits", methods=["GET", "POST"])
@roles(*MAY[Task.AUDIT])
def audits():
    """回访记录抽检: draw N callback records at random and mark each accurate or not."""
    g.nav_active = "survey_kpis"
    month = span_of(Period.MONTH, local_today())
    form = DrawForm(start=month.start, end=month.last_day, size=10)

    def page(status=200, _bound=None):
        return render("survey/audits.html", form=form, status=status,
                      samples=service.sample_audits(actor=current_user),
                      last_day=lambda s: (s.period_end - timedelta(days=1)).isoformat())

    if request.method != "POST":
        return page()

    def draw():
        start, end = sorted((form.start.data, form.end.data))
        return service.draw_sample(Span(start, end + timedelta(days=1)), form.size.data,
                                   actor=current_user, now=utcnow())

    return answer(draw, page=page, form=form,
                  done=lambda sample: _("%(n)d records drawn.", n=sample.size),
                  back=lambda sample: url_for("survey.audit_sample", audit_id=sample.id))


def _sample_page(audit_id: int, status: int = 200, forms=None):
    g.nav_active = "survey_kpis"
    sample = service.get_sample(audit_id, actor=current_user)
    forms = forms or {}
    for item in sample.items:
        forms.setdefault(item.id, MarkForm(
            formdata=None, prefix=f"i{item.id}",
            accurate=None if item.accurate is None else ("yes" if item.accurate else "no"),
            note=item.note))
    return render("survey/audit.html", sample=sample, forms=forms, status=status,
                  last_day=Span(sample.period_start, sample.period_end).last_day)


@bp.route("/survey/audits/<int:audit_id>")
@roles(*MAY[Task.AUDIT])
def audit_sample(audit_id: int):
    return _sample_page(audit_id)


@bp.route("/survey/audit-items/<int:item_id>", methods=["POST"])
@roles(*MAY[Task.AUDIT])
def mark_item(item_id: int):
    audit_id = service.get_item(item_id, actor=current_user).audit_id
    form = MarkForm(prefix=f"i{item_id}")

    def page(status, bound=None):
        return _sample_page(audit_id, status, {item_id: bound} if bound is not None else None)

    return answer(lambda: service.mark_item(item_id, accurate=yes_no(form.accurate.data),
                                            note=form.note.data, actor=current_user,
                                            now=utcnow()),
                  page=page, form=form,
                  back=url_for("survey.audit_sample", audit_id=audit_id,
                               _anchor=f"item-{item_id}"))
