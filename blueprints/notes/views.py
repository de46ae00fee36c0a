"""服务反馈便签 routes: an agent or lead posts a note and sees what became of theirs; the duty
manager reviews a day's notes (yesterday's by default) and records each one's outcome."""
from datetime import timedelta

from flask import abort, flash, g, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from blueprints._access import roles
from blueprints._htmx import hx_redirect, render
from blueprints._actions import translate
from blueprints.forms import add_problems
from blueprints.ui import parse_day
from domain.errors import Conflict, FormProblems, InvalidTransition, NotAllowed, NotFound
from domain.notes import AUTHORS, READERS, REVIEWERS
from services import feedback as service
from services.clock import local_today, utcnow

from . import bp
from .forms import NoteForm, ReviewForm


@bp.route("/notes/mine", methods=["GET", "POST"])
@roles(*AUTHORS)
def mine():
    """My notes, newest first, with what became of each; post a new one."""
    g.nav_active = "home"
    form = NoteForm()
    if request.method == "POST" and form.validate():
        try:
            service.post_note(form.text.data, actor=current_user, now=utcnow())
        except FormProblems as exc:
            add_problems(form, exc)
        else:
            flash(_("Note posted. The duty manager reviews it tomorrow morning."), "success")
            return hx_redirect(url_for("main.home") if form.next.data == "home"
                               else url_for("notes.mine"))
    return render("notes/mine.html", status=422 if form.errors else 200, form=form,
                  rows=service.my_notes(current_user))


def _review_page(day, *, status=200, bad_form=None, bad_id=None):
    today = local_today()
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
    yesterday = local_today() - timedelta(days=1)
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
    if not form.validate():
        return _review_page(note.day, status=422, bad_form=form, bad_id=note.id)
    try:
        service.review_note(note_id, form.outcome.data, note=form.note.data,
                            actor=current_user, now=utcnow(), version=form.version.data)
    except FormProblems as exc:
        add_problems(form, exc)
        return _review_page(note.day, status=422, bad_form=form, bad_id=note.id)
    except (InvalidTransition, Conflict, NotAllowed) as exc:
        flash(translate(exc), "error")
        return _review_page(note.day, status=409)
    flash(_("Outcome recorded."), "success")
    return hx_redirect(url_for("notes.review", day=note.day.isoformat()) + f"#note-{note_id}")
