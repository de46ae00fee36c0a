"""Evidence routes: the recording reference, uploading an excerpt (or its new version), and
playing one. Scope is the ticket's: whoever may not see the ticket gets 404 for its
evidence, by page or by direct URL."""
from flask import abort, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import parse_range_header

from blueprints._access import roles
from blueprints._actions import answer, refuse
from blueprints._htmx import render
from blueprints.ticket_page import VIEWERS, load_ticket
from blueprints.ticket_page.actions import act, page_of
from blueprints.ticket_page.evidence import evidence_panel, excerpt_choices, size_text
from domain.errors import InvalidTransition, NotAllowed, NotFound
from domain.roles import QUALITY, Role
from services import evidence as service
from services.clock import utcnow

from . import bp
from .forms import ExcerptForm, RecordingRefForm

MANAGERS = (Role.CHECKER, Role.OWNER)


def allow_large_upload():
    """before_request (registered first): the upload route accepts one file at the evidence
    size limit, for the quality team; every other request keeps MAX_CONTENT_LENGTH."""
    if request.endpoint == "evidence.upload" and request.method == "POST" \
            and current_user.is_authenticated and current_user.role in QUALITY:
        request.max_content_length = service.request_limit()


@bp.record_once
def _upload_limit_first(state):
    # Flask-WTF's CSRF check reads the form in an application before_request hook, which
    # parses the whole body under the 1 MiB MAX_CONTENT_LENGTH. The upload route's larger
    # limit must therefore be set before that hook runs, not in the view.
    state.app.before_request_funcs.setdefault(None, []).insert(0, allow_large_upload)


bp.add_app_template_global(evidence_panel, "evidence_panel")  # the ticket and vote pages


# --- routes ----------------------------------------------------------------------------------

@bp.route("/tickets/<int:ticket_id>/recording", methods=["POST"])
@roles(*MANAGERS)
def set_recording(ticket_id: int):
    """The call's id in the recording system."""
    load_ticket(ticket_id)
    form = RecordingRefForm()
    return act(ticket_id, lambda: service.set_recording_ref(
        ticket_id, form.reference.data, actor=current_user, now=utcnow()),
        _("Recording reference saved."), form=form, form_name="ref_form", anchor="evidence")


@bp.route("/tickets/<int:ticket_id>/evidence", methods=["POST"])
@roles(*MANAGERS)
def upload(ticket_id: int):
    """An audio excerpt, new or replacing one. Who may, and in which state, is checked
    before the file is copied into the upload directory, and the copy is made before the
    write transaction starts (a slow upload never holds the database's write lock)."""
    ticket = load_ticket(ticket_id)
    page = page_of(ticket_id, "excerpt_form")
    try:
        service.check_may_manage(ticket, current_user)
    except InvalidTransition as exc:
        return refuse(exc, 409, page)
    except NotAllowed as exc:
        return refuse(exc, 403, page)
    request.max_content_length = service.request_limit()
    rows = service.excerpts(ticket.id)
    numbers = {x.id: n for n, x in enumerate(rows, start=1)}
    form = ExcerptForm(choices=excerpt_choices(rows, numbers))

    def attach():
        audio = form.audio.data
        try:
            stored = service.store_audio(audio.stream, original_name=audio.filename or "")
        except service.TooLarge:
            abort(413)
        return service.attach_excerpt(ticket_id, stored, description=form.description.data,
                                      replaces_id=form.replaces_id(), actor=current_user,
                                      now=utcnow())

    def done(_excerpt):
        if form.replaces_id():
            return _("New version of the excerpt added; the earlier one is kept.")
        return _("Audio excerpt added.")

    return answer(attach, page=page, form=form, done=done,
                  back=url_for("tickets.show", ticket_id=ticket_id, _anchor="evidence"))


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
                            "and upload it again.", size=size_text(service.max_bytes())))
