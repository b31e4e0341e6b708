"""The seat block of a limited workshop on the session page: seats left, and the participant's button."""

from __future__ import annotations

from flask import session

from nec.core.db import utcnow
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.models import Session
from nec.registrations import seats, services
from nec.registrations.me.identity import SESSION_KEY, current_registration
from nec.registrations.models import RegistrationState


def render(event: Event, session_ids: list[int], next_url: str) -> dict[int, tuple[str, dict]]:
    """Per limited session: the block's template and its values (the session page includes it)."""
    found = seats.availability(session_ids)
    if not found:
        return {}
    registration = current_registration(event)
    window = services.registration_window(event, utcnow())
    blocks = {}
    for session_id, availability in found.items():
        workshop = db.session.get(Session, session_id)
        seat = seats.seat_of(registration, workshop) if registration is not None else None
        if seat is not None and seat.state not in seats.ACTIVE_STATES:
            seat = None
        blocks[session_id] = (
            "registrations/me/_seat_block.html",
            dict(
                workshop=workshop,
                availability=availability,
                registration=registration,
                confirmed=registration is not None and registration.state == RegistrationState.confirmed,
                seat=seat,
                position=seats.waiting_position(seat) if seat is not None else 0,
                window=window,
                next_url=next_url,
            ),
        )
    return blocks


def is_personal() -> bool:
    return bool(session.get(SESSION_KEY))
