"""Importing last week's dissatisfied contacts: the upload (with its own size limit), the
preview that names every bad row, and the import of the good rows."""
from flask import abort, current_app, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer, on_page, translate
from blueprints._htmx import hx_redirect, render
from blueprints.forms import EmptyForm
from domain import survey as rules
from domain.survey import MAY, Task
from services.clock import utcnow
from services.survey import imports as service

from . import bp
from .forms import UploadForm

IMPORT_MAX_BYTES = 5 * 1024 * 1024


def import_limit() -> int:
    return int(current_app.config.get("SURVEY_IMPORT_MAX_BYTES", IMPORT_MAX_BYTES))


def allow_import_upload():
    """before_request (registered first): the import accepts one file up to its own limit,
    for the quality team; every other request keeps MAX_CONTENT_LENGTH."""
    if request.endpoint == "survey.upload" and request.method == "POST" \
            and current_user.is_authenticated and current_user.role in MAY[Task.WORK]:
        request.max_content_length = import_limit()


def _size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


@bp.route("/survey/import", methods=["GET", "POST"])
@roles(*MAY[Task.WORK])
def upload():
    """Upload a CSV/XLSX of last week's dissatisfied contacts; the preview follows."""
    g.nav_active = "survey"
    form = UploadForm()

    def page(status=200):
        return render("survey/import.html", "import_form", status=status, form=form,
                      header=service.TEMPLATE_HEADER, hotline=rules.HOTLINE_WORD,
                      area_header=service.AREA_HEADER,
                      max_size=_size_text(import_limit()),
                      max_rows=service.MAX_ROWS)

    if request.method != "POST":
        return page()
    if not form.validate():
        return page(422)

    upload_file = form.file.data
    return on_page(lambda: service.stage(upload_file.stream, upload_file.filename,
                                         actor=current_user, now=utcnow()),
                   done=lambda batch: hx_redirect(url_for("survey.preview", batch_id=batch.id)),
                   page=page, form=form)


def _problem_text(item) -> str:
    message, params = item
    return _(message, **params)


@bp.route("/survey/imports/<int:batch_id>")
@roles(*MAY[Task.WORK])
def preview(batch_id: int):
    g.nav_active = "survey"
    batch = service.get_batch(batch_id, actor=current_user)
    good = service.good_count(batch)
    return render("survey/preview.html", batch=batch, problems=service.problems_of(batch),
                  good=good, new=max(good - batch.known_rows, 0), problem_text=_problem_text,
                  form=EmptyForm(formdata=None))


@bp.route("/survey/imports/<int:batch_id>/confirm", methods=["POST"])
@roles(*MAY[Task.WORK])
def confirm_import(batch_id: int):
    if not EmptyForm().validate():
        abort(400)
    back = url_for("survey.preview", batch_id=batch_id)

    def done(added):
        flash(_("Imported %(n)d dissatisfied contacts.", n=added), "success")
        return hx_redirect(back)

    def refused(exc, _status):
        flash(translate(exc), "error")
        return hx_redirect(back)

    return answer(lambda: service.confirm(batch_id, actor=current_user, now=utcnow()),
                  done=done, refused=refused, invalid=lambda exc: refused(exc, 409))
