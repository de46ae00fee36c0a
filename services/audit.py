"""Writing the audit log, always inside the caller's transaction."""
import json
from datetime import datetime

from models import AuditEntry

from .db import db


def record(action: str, *, actor, now: datetime, ticket=None, from_state=None, to_state=None,
           note: str = "", detail: dict | None = None) -> AuditEntry:
    entry = AuditEntry(
        at=now, actor_id=getattr(actor, "id", None), action=action,
        ticket_id=getattr(ticket, "id", None), from_state=from_state, to_state=to_state,
        note=note, detail=json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else "")
    db.session.add(entry)
    return entry
