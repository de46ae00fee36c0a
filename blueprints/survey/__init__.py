"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B): import, the weekly
survey and callback queues, the contact page, remedy tasks, the owner's sample audit, KPIs."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

from blueprints.ui import ACTION_LABELS, ALERT_LABELS

bp = Blueprint("survey", __name__)

# The shared label tables learn this area's words (the bell and the ticket timeline).
ALERT_LABELS["remedy"] = _l("A remedy task for a dissatisfied customer")
ACTION_LABELS.update({
    "survey_contact_from_ticket": _l("Made a dissatisfied contact"),
})

from . import views  # noqa: E402


@bp.record_once
def _upload_limit_first(state):
    # As for evidence uploads: Flask-WTF's CSRF check parses the body under the 1 MiB
    # MAX_CONTENT_LENGTH before the view runs, so the import's larger limit is set first.
    state.app.before_request_funcs.setdefault(None, []).insert(0, views.allow_import_upload)
