"""Evidence routes: the recording reference, uploading an excerpt (or its new version), and
playing one. Scope is the ticket's: whoever may not see the ticket gets 404 for its
evidence, by page or by direct URL."""
from flask import abort, flash, g, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import parse_range_header

from blueprints._access import roles
from blueprints._htmx import hx_redirect, render
from blueprints.tickets.views import VIEWERS, load_ticket, show_ticket, translate
from domain.errors import Conflict, InvalidTransition, NotAllowed, NotFound
from domain.roles import QUALITY, Role
from services import evidence as service
from services.clock import utcnow
from services.quality import FormProblems

from . import bp
from .forms import ExcerptForm, RecordingRefForm

MANAGERS = (Role.CHECKER, Role.OWNER)


def allow_large_upload():
    """before_request (registered first): the upload route accepts one file at the evidence
    size limit, for the quality team; every other request keeps MAX_CONTENT_LENGTH."""
    if request.endpoint == "evidence.upload" and request.method == "POST" \
            and current_user.is_authenticated and current_user.role in QUALITY:
        request.max_content_length = service.request_limit()


# --- what the ticket and vote pages show -----------------------------------------------------

def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(n // 1024, 1)} KB"


def _choices(rows, numbers):
    return [(str(x.id), _("Excerpt %(n)d: %(what)s", n=numbers[x.id], what=x.description))
            for x in rows if x.superseded_at is None]


def evidence_panel(ticket) -> dict:
    """Template global: the evidence section of `ticket` for the signed-in user (who can
    already see the ticket: the page that includes it checked)."""
    rows = service.excerpts(ticket.id)
    numbers = {x.id: n for n, x in enumerate(rows, start=1)}
    ref = service.current_ref(ticket.id)
    manage = service.may_manage(ticket, current_user)
    forms = g.get("evidence_forms", {})
    context = {
        "ref": ref, "ref_url": service.recording_url(ref.reference) if ref else None,
        "excerpts": rows, "numbers": numbers, "size": _size, "may_manage": manage,
        "max_size": _size(service.max_bytes()),
        "shown": bool(rows or ref or manage),
    }
    if manage:
        context["ref_form"] = forms.get("ref") or RecordingRefForm(
            formdata=None, reference=ref.reference if ref else None)
        context["excerpt_form"] = forms.get("excerpt") or ExcerptForm(
            formdata=None, choices=_choices(rows, numbers))
    return context


bp.add_app_template_global(evidence_panel, "evidence_panel")


def _page_with_errors(ticket_id: int, name: str, form, exc=None):
    """The ticket page again (422) with the form's messages beside its fields."""
    if exc is not None:
        for field, problem in exc.problems.items():
            message, params = (problem, {}) if isinstance(problem, str) else problem
            target = getattr(form, field)
            target.errors = [*target.errors, _(message, **params)]
    g.evidence_forms = {name: form}
    return show_ticket(load_ticket(ticket_id), status=422)


def _refused(ticket_id: int, exc, status: int = 409):
    """A refused action (409: the state no longer allows it; 403: not this user's): say why
    and show the ticket as it is."""
    flash(translate(exc), "error")
    return show_ticket(load_ticket(ticket_id), status=status)


def _done(ticket_id: int, message: str):
    flash(message, "success")
    return hx_redirect(url_for("tickets.show", ticket_id=ticket_id) + "#evidence")


# --- routes ----------------------------------------------------------------------------------

@bp.route("/tickets/<int:ticket_id>/recording", methods=["POST"])
@roles(*MANAGERS)
def set_recording(ticket_id: int):
    """The call's id in the recording system."""
    load_ticket(ticket_id)
    form = RecordingRefForm()
    if not form.validate():
        return _page_with_errors(ticket_id, "ref", form)
    try:
        service.set_recording_ref(ticket_id, form.reference.data, actor=current_user,
                                  now=utcnow())
    except FormProblems as exc:
        return _page_with_errors(ticket_id, "ref", form, exc)
    except (InvalidTransition, Conflict) as exc:
        return _refused(ticket_id, exc)
    except NotAllowed as exc:
        return _refused(ticket_id, exc, status=403)
    return _done(ticket_id, _("Recording reference saved."))


@bp.route("/tickets/<int:ticket_id>/evidence", methods=["POST"])
@roles(*MANAGERS)
def upload(ticket_id: int):
    """An audio excerpt, new or replacing one. Who may, and in which state, is checked
    before the file is copied into the upload directory, and the copy is made before the
    write transaction starts (a slow upload never holds the database's write lock)."""
    ticket = load_ticket(ticket_id)
    try:
        service.check_may_manage(ticket, current_user)
    except InvalidTransition as exc:
        return _refused(ticket_id, exc)
    except NotAllowed as exc:
        return _refused(ticket_id, exc, status=403)
    request.max_content_length = service.request_limit()
    rows = service.excerpts(ticket.id)
    numbers = {x.id: n for n, x in enumerate(rows, start=1)}
    form = ExcerptForm(choices=_choices(rows, numbers))
    if not form.validate():
        return _page_with_errors(ticket_id, "excerpt", form)
    upload = form.audio.data
    try:
        stored = service.store_audio(upload.stream, original_name=upload.filename or "")
    except FormProblems as exc:
        return _page_with_errors(ticket_id, "excerpt", form, exc)
    except service.TooLarge:
        abort(413)
    replaces = form.replaces_id()
    try:
        service.attach_excerpt(ticket_id, stored, description=form.description.data,
                               replaces_id=replaces, actor=current_user, now=utcnow())
    except FormProblems as exc:
        return _page_with_errors(ticket_id, "excerpt", form, exc)
    except (InvalidTransition, Conflict) as exc:
        return _refused(ticket_id, exc)
    except NotAllowed as exc:
        return _refused(ticket_id, exc, status=403)
    return _done(ticket_id, _("New version of the excerpt added; the earlier one is kept.")
                 if replaces else _("Audio excerpt added."))


def _ignore_unusable_range() -> None:
    """RFC 9110 §14.2: a Range header that cannot be parsed, names another unit or asks for
    several ranges (which we do not serve) is ignored and the whole file is sent; Werkzeug
    would answer 416. A well-formed single range beyond the end still gets 416."""
    header = request.headers.get("Range")
    if header is None:
        return
    parsed = parse_range_header(header)
    if parsed is None or parsed.units != "bytes" or len(parsed.ranges) != 1:
        request.environ.pop("HTTP_RANGE", None)


@bp.route("/tickets/<int:ticket_id>/evidence/<int:excerpt_id>")
@roles(*VIEWERS)
def audio(ticket_id: int, excerpt_id: int):
    """The excerpt's audio, for the page's player (inline, Range requests answered with 206)
    or as a download (?download=1)."""
    try:
        ticket, excerpt, path = service.excerpt_file(ticket_id, excerpt_id, actor=current_user)
    except service.Purged:
        abort(410)
    except NotFound:
        abort(404)
    name = f"{ticket.number}-{excerpt.id}.{excerpt.audio_format}"
    _ignore_unusable_range()
    response = send_file(path, mimetype=service.MEDIA_TYPES[excerpt.audio_format],
                         as_attachment=request.args.get("download") == "1", download_name=name,
                         conditional=True, etag=excerpt.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.errorhandler(413)
def too_large(_e):
    return render("errors/error.html", "error_body", status=413, status_code=413,
                  title=_("Too large"),
                  message=_("An audio excerpt may be at most %(size)s. Cut a shorter excerpt "
                            "and upload it again.", size=_size(service.max_bytes())))
