"""What the personal space shows and changes: the seats with their times and waiting positions, the
agenda, the calendar feed, the data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nec.core.tokens import InvalidLink
from nec.events.models import Event
from nec.programme.exports import subscriptions
from nec.programme.models import Slot
from nec.programme.public import services as public
from nec.programme.public.agenda import favourite_ids, parse_device_ids
from nec.programme.releases.versions import latest_release
from nec.registrations import seats
from nec.registrations.links import personal_token, registration_from_token
from nec.registrations.models import Registration, Seat, SeatState


@dataclass
class SeatLine:
    seat: Seat
    starts_at: datetime | None
    ends_at: datetime | None
    position: int  # 1 = next to get an offer; 0 when not waiting

    @property
    def is_offer(self) -> bool:
        return self.seat.state == SeatState.offered


def seat_lines(registration: Registration) -> list[SeatLine]:
    """The person's seats that still count, in time order, with their waiting positions."""
    mine = seats.active_seats(registration)
    windows = seats.session_windows(registration.event_id, [seat.session_id for seat in mine])
    lines = [
        SeatLine(seat, *(windows.get(seat.session_id) or (None, None)), seats.waiting_position(seat)) for seat in mine
    ]
    return sorted(lines, key=lambda line: (line.starts_at is None, line.starts_at or datetime.min, line.seat.id))


def agenda_ids(registration: Registration) -> set[int]:
    """The sessions of the person's "Mon programme": those chosen in the browser, their account's
    favourites, and their seats."""
    ids = set(parse_device_ids(registration.agenda_session_ids))
    if registration.user is not None:
        ids |= favourite_ids(registration.user, registration.event)
    return ids | {seat.session_id for seat in seats.active_seats(registration)}


def agenda_slots(registration: Registration) -> list[Slot]:
    """Those sessions in the latest release, in time order (none before the first release)."""
    version = latest_release(registration.event)
    if version is None:
        return []
    wanted = agenda_ids(registration)
    return [slot for slot in public.public_slots(version) if slot.session_id in wanted]


def calendar_token(registration: Registration) -> str:
    """The calendar feed's address carries the personal token: revoking the links ends the feed too."""
    return personal_token(registration)


def calendar(event: Event, token: str, base_url: str) -> bytes | None:
    """The registration's agenda as iCalendar; None when the link is altered or revoked."""
    try:
        registration = registration_from_token(event, token)
    except InvalidLink:
        return None
    return subscriptions.agenda_calendar(event, agenda_ids(registration), f"registration/{registration.id}", base_url)
