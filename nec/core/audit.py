"""The audit log: one call per business operation, in the operation's own transaction."""

from __future__ import annotations

from nec.core.models import AuditLogEntry
from nec.extensions import db


def log_action(action: str, *, actor=None, event=None, target=None, **data) -> AuditLogEntry:
    entry = AuditLogEntry(
        action=action,
        actor_id=getattr(actor, "id", None),
        event_id=getattr(event, "id", None),
        target_type=type(target).__name__ if target is not None else "",
        target_id=getattr(target, "id", None),
        data=data,
    )
    db.session.add(entry)
    return entry
