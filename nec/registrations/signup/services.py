"""What registering adds around the core services: the "Mon programme" a browser kept before registering."""

from __future__ import annotations

import sqlalchemy as sa

from nec.extensions import db
from nec.programme.public.agenda import parse_device_ids
from nec.proposals.models import Session
from nec.registrations.models import Registration


def merge_agenda(registration: Registration, raw_ids: str | None) -> int:
    """Add to the registration's "Mon programme" the sessions of its event the browser kept (ids of other
    events or unknown ones are ignored; what it held stays). Returns how many were new."""
    ids = parse_device_ids(raw_ids)
    if not ids:
        return 0
    known = set(
        db.session.scalars(sa.select(Session.id).where(Session.event_id == registration.event_id, Session.id.in_(ids)))
    )
    held = parse_device_ids(registration.agenda_session_ids)
    added = [session_id for session_id in ids if session_id in known and session_id not in held]
    if added:
        registration.agenda_session_ids = ",".join(str(i) for i in [*held, *added])
    return len(added)
