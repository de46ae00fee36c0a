"""Dissatisfied-customer survey and callback (不满意调研与回访, SPEC Part B): one view module per
sub-area, all on this blueprint: queues (the weekly survey and callback queues), contacts (the
contact page and its actions, a contact from a ticket), assignments (回访分配 and 我的回访),
problems (问题跟踪), imports, remedies, kpis (and the exports), ranking (the callers' published
ranking), analysis (月度分析), audits (the owner's sample audit) and config."""
from flask import Blueprint

bp = Blueprint("survey", __name__)

from . import (analysis, assignments, audits, config, contacts, imports, kpis,  # noqa: E402,F401
               problems, queues, ranking, remedies)


@bp.record_once
def _upload_limit_first(state):
    # As for evidence uploads: Flask-WTF's CSRF check parses the body under the 1 MiB
    # MAX_CONTENT_LENGTH before the view runs, so the import's larger limit is set first.
    state.app.before_request_funcs.setdefault(None, []).insert(0, imports.allow_import_upload)
