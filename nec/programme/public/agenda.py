"""A person's agenda: the sessions they marked as favourites, in time order, with their clashes.

A signed-in person's favourites are kept in the database (the generator also reads them as wishes);
an anonymous visitor's stay on their device (static/js/agenda.js) and reach the server only as a
list of ids in the address of the "Mon programme" page. Functions add to db.session; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nec.accounts.models import User
from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import Favourite, Slot
from nec.proposals.models import Session

MAX_DEVICE_FAVOURITES = 200


def favourite_ids(user: User | None, event: Event) -> set[int]:
    """The ids of the event's sessions the person marked (none for an anonymous visitor)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        db.session.scalars(
            sa.select(Favourite.session_id)
            .join(Session, Favourite.session_id == Session.id)
            .where(Favourite.user_id == user.id, Session.event_id == event.id)
        )
    )


def add_favourite(user: User, session: Session) -> bool:
    """Mark a session; True if it was not marked yet. Safe when two requests race (unique pair)."""
    exists = db.session.scalar(
        sa.select(Favourite.id).where(Favourite.user_id == user.id, Favourite.session_id == session.id)
    )
    if exists is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(Favourite(user_id=user.id, session_id=session.id))
    except IntegrityError:  # another request of the same person added it in the meantime
        return False
    return True


def remove_favourite(user: User, session_id: int) -> bool:
    """Unmark a session (whatever has become of it); True if it was marked."""
    result = db.session.execute(
        sa.delete(Favourite).where(Favourite.user_id == user.id, Favourite.session_id == session_id),
        execution_options={"synchronize_session": False},
    )
    return bool(result.rowcount)


def parse_device_ids(raw: str | None) -> list[int]:
    """The ids an anonymous visitor's device sent ("12,5,7"); anything else is ignored."""
    ids: list[int] = []
    for piece in (raw or "").split(","):
        piece = piece.strip()
        if piece.isdigit() and len(piece) < 12 and int(piece) not in ids:
            ids.append(int(piece))
        if len(ids) >= MAX_DEVICE_FAVOURITES:
            break
    return ids


@dataclass
class AgendaEntry:
    """A favourite session in the released programme, with the favourites that overlap it."""

    slot: Slot
    clashes: list[Slot] = field(default_factory=list)


def overlaps(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def build_agenda(slots: list[Slot], session_ids: set[int]) -> list[AgendaEntry]:
    """The marked sessions among `slots` (the public programme), in time order, each with its clashes."""
    chosen = sorted(
        (slot for slot in slots if slot.session_id is not None and slot.session_id in session_ids),
        key=lambda s: (s.starts_at, s.ends_at, s.id),
    )
    entries = [AgendaEntry(slot) for slot in chosen]
    for i, entry in enumerate(entries):
        for other in entries[i + 1 :]:
            if other.slot.starts_at >= entry.slot.ends_at:
                break  # sorted by start: nothing later can overlap this one
            if overlaps(entry.slot, other.slot):
                entry.clashes.append(other.slot)
                other.clashes.append(entry.slot)
    for entry in entries:
        entry.clashes.sort(key=lambda s: (s.starts_at, s.id))
    return entries


def merge_device_favourites(user: User, ids: list[int], public_session_ids: set[int]) -> int:
    """Add to the person's favourites the sessions an anonymous visit kept on their device, once they
    sign in or sign up; ids not in the public programme of the event (unknown, of another event, no
    longer public) are ignored, and the favourites kept before stay. Idempotent: returns how many were new."""
    added = 0
    for session_id in ids[:MAX_DEVICE_FAVOURITES]:
        if session_id in public_session_ids:
            session = db.session.get(Session, session_id)
            if session is not None and add_favourite(user, session):
                added += 1
    return added
