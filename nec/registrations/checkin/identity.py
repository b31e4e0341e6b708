"""Whose registration a participant's check-in pages show: the personal space's person (the personal link
remembered in the session, or the signed-in account's registration), once confirmed or cancelled (a
registration still waiting for its link has no code yet)."""

from __future__ import annotations

from nec.events.models import Event
from nec.registrations.me import identity
from nec.registrations.models import Registration, RegistrationState


def current_registration(event: Event) -> Registration | None:
    registration = identity.current_registration(event)
    if registration is None or registration.state == RegistrationState.pending:
        return None
    return registration
