"""服务反馈便签 routes: an agent or lead posts a note and sees what became of theirs; the duty
manager reviews a day's notes (yesterday's by default) and records each one's outcome."""
from datetime import timedelta

from flask import abort, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._actions import answer
from blueprints._htmx import render
from blueprints.ui import parse_day
from domain.errors import NotFound
from domain.notes import AUTHORS, READERS, REVIEWERS
from services import feedback as service
from services.clock import utcnow, work_today

from . import bp
from .forms import NoteForm, ReviewForm


@bp.route("/notes/mine", methods=["GET", "POST"])
@roles(*AUTHORS)
def mine():
    """My notes, newest first, with what became of each; post a new one."""
    g.nav_active = "home"
    form = NoteForm()

    def page(status, _bound=None):
        return render("notes/mine.html", status=status, form=form,
                      rows=service.my_notes(current_user))

    if request.method != "POST":
        return page(200)
    # Posted from here or from the home page (which names itself as the form's `next`).
    return answer(lambda: service.post_note(form.text.data, actor=current_user, now=utcnow()),
                  page=page, form=form, back=url_for("notes.mine"),
                  done=_("Note posted. The duty manager reviews it tomorrow morning."))


def _review_page(day, *, status=200, bad_form=None, bad_id=None):
    today = work_today()
    return render("notes/review.html", status=status, day=day, today=today,
                  rows=service.notes_of_day(day, actor=current_user),
                  prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1),
                  reviewer=current_user.role_enum in REVIEWERS, bad_form=bad_form,
                  bad_id=bad_id)


@bp.route("/notes")
@roles(*READERS)
def review():
    """The morning review: a day's notes (?day=YYYY-MM-DD, yesterday by default)."""
    g.nav_active = "warnings"
    yesterday = work_today() - timedelta(days=1)
    return _review_page(parse_day(request.args.get("day"), yesterday))


@bp.route("/notes/<int:note_id>/review", methods=["POST"])
@roles(*REVIEWERS)
def record(note_id: int):
    """已讨论 / 转为预警 / 不予处理, with an optional remark."""
    g.nav_active = "warnings"
    try:
        note = service.get_for_review(note_id, actor=current_user)
    except NotFound:
        abort(404)
    form = ReviewForm()

    def page(status, bound=None):
        return _review_page(note.day, status=status, bad_form=bound,
                            bad_id=note.id if bound is not None else None)

    return answer(lambda: service.review_note(
        note_id, form.outcome.data, note=form.note.data, actor=current_user, now=utcnow(),
        version=form.version.data), page=page, form=form, done=_("Outcome recorded."),
        back=url_for("notes.review", day=note.day.isoformat(), _anchor=f"note-{note_id}"))
