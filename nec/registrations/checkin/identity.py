"""Whose registration a participant's page shows: the signed-in person's registration to the event.

The personal space's own helper (signed-in account, or the personal link remembered in the session)
replaces this one once it exists; the pages here only need "the current registration, or None"."""

from __future__ import annotations

from flask_login import current_user

from nec.events.models import Event
from nec.registrations.models import Registration, RegistrationState
from nec.registrations.services import registration_of_user


def current_registration(event: Event) -> Registration | None:
    registration = registration_of_user(event, current_user)
    if registration is None or registration.state == RegistrationState.pending:
        return None
    return registration
