"""The seat block of a limited workshop on the session page: seats left, and the participant's button."""

from __future__ import annotations

import sqlalchemy as sa
from flask import session

from nec.core.db import utcnow
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.models import Session
from nec.registrations import seats, services
from nec.registrations.me.identity import SESSION_KEY, current_registration, event_settings
from nec.registrations.models import RegistrationState, SeatCounter


def render(event: Event, session_ids: list[int], next_url: str) -> dict[int, tuple[str, dict]]:
    """Per limited session: the block's template and its values (the programme's pages include it). A
    few queries whatever the number of sessions."""
    if not session_ids or event_settings(event) is None:  # no registrations: the page says the capacity
        return {}
    found = seats.availability(session_ids)
    if not found:
        return {}
    registration = current_registration(event)
    mine = {seat.session_id: seat for seat in seats.active_seats(registration)} if registration is not None else {}
    window = services.registration_window(event, utcnow())
    workshops = {session_id: db.session.get(Session, session_id) for session_id in found}  # loaded by the page
    confirmed = registration is not None and registration.state == RegistrationState.confirmed
    blocks = {}
    for session_id, availability in found.items():
        seat = mine.get(session_id)
        blocks[session_id] = (
            "registrations/me/_seat_block.html",
            dict(
                workshop=workshops[session_id],
                availability=availability,
                registration=registration,
                confirmed=confirmed,
                seat=seat,
                position=seats.waiting_position(seat) if seat is not None else 0,
                window=window,
                next_url=next_url,
            ),
        )
    return blocks


def is_personal() -> bool:
    return bool(session.get(SESSION_KEY))


def state(event: Event) -> str:
    """The event's seat counters in one light query: a seat taken raises last_ticket, a seat given back
    lowers taken or waiting, so any change of the seats left changes this text."""
    if event_settings(event) is None:
        return ""
    row = db.session.execute(
        sa.select(
            sa.func.coalesce(sa.func.sum(SeatCounter.last_ticket), 0),
            sa.func.coalesce(sa.func.sum(SeatCounter.taken), 0),
            sa.func.coalesce(sa.func.sum(SeatCounter.waiting), 0),
        )
        .join(Session, Session.id == SeatCounter.session_id)
        .where(Session.event_id == event.id)
    ).one()
    return "s{}.{}.{}".format(*row)
