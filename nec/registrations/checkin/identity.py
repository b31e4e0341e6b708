"""Whose registration a participant's page shows: the signed-in account's registration to the event.

The personal space's own helper (signed-in account or personal link remembered in the session) replaces
this one once it exists; the pages here only need "the current registration, or None"."""

from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user

from nec.events.models import Event
from nec.extensions import db
from nec.registrations.models import Registration, RegistrationState


def current_registration(event: Event) -> Registration | None:
    if not current_user.is_authenticated:
        return None
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.user_id == current_user.id,
            Registration.state != RegistrationState.pending,
        )
    )
