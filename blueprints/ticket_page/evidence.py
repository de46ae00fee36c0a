"""The evidence section of the ticket and vote pages (templates/evidence/_panel.html): the
recording reference and the audio excerpts, and the forms for those who manage them."""
from flask_babel import gettext as _
from flask_login import current_user

from blueprints.evidence.forms import ExcerptForm, RecordingRefForm
from services import evidence as service


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(n // 1024, 1)} KB"


def excerpt_choices(rows, numbers):
    """The excerpts a new version may replace (those not replaced already)."""
    return [(str(x.id), _("Excerpt %(n)d: %(what)s", n=numbers[x.id], what=x.description))
            for x in rows if x.superseded_at is None]


def evidence_panel(ticket, posted_forms) -> dict:
    """Template global: the evidence section of `ticket` for the signed-in user (who can
    already see the ticket: the page that includes it checked), with a form bound to what was
    posted (`ref_form` or `excerpt_form` in `posted_forms`) shown as it is."""
    rows = service.excerpts(ticket.id)
    numbers = {x.id: n for n, x in enumerate(rows, start=1)}
    ref = service.current_ref(ticket.id)
    manage = service.may_manage(ticket, current_user)
    context = {
        "ref": ref, "ref_url": service.recording_url(ref.reference) if ref else None,
        "excerpts": rows, "numbers": numbers, "size": size_text, "may_manage": manage,
        "max_size": size_text(service.max_bytes()),
        "shown": bool(rows or ref or manage),
    }
    if manage:
        context["ref_form"] = posted_forms.get("ref_form") or RecordingRefForm(
            formdata=None, reference=ref.reference if ref else None)
        context["excerpt_form"] = posted_forms.get("excerpt_form") or ExcerptForm(
            formdata=None, choices=excerpt_choices(rows, numbers))
    return context
