"""Recording evidence (录音证据): the recording-system reference of a ticket's call and audio
excerpts, played in the ticket and vote pages."""
from flask import Blueprint

bp = Blueprint("evidence", __name__)

from . import views  # noqa: E402


@bp.record_once
def _upload_limit_first(state):
    # Flask-WTF's CSRF check reads the form in an application before_request hook, which
    # parses the whole body under the 1 MiB MAX_CONTENT_LENGTH. The upload route's larger
    # limit must therefore be set before that hook runs, not in the view.
    state.app.before_request_funcs.setdefault(None, []).insert(0, views.allow_large_upload)
