"""The draft programme: one draft per event, the only version the generator and the editor write into.

The generator and the programme editor only ever write into the draft; a released version
(`released_at` set) is never changed here. Functions add to `db.session`; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot


@dataclass(frozen=True)
class NewSlot:
    """A session placed by the generator: room and instants (aware, any time zone)."""

    session_id: int
    room_id: int | None
    starts_at: datetime
    ends_at: datetime


def find_draft(event: Event) -> ScheduleVersion | None:
    """The event's draft if it has one (nothing created)."""
    return db.session.scalar(
        sa.select(ScheduleVersion).where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_(None))
    )


def get_draft(event: Event) -> ScheduleVersion:
    """The event's single draft, created (and flushed) when it does not exist yet."""
    draft = find_draft(event)
    if draft is None:
        draft = ScheduleVersion(event_id=event.id)
        db.session.add(draft)
        db.session.flush()
    return draft


def draft_slots(event: Event) -> list[Slot]:
    """The draft's slots with their sessions and rooms, in time order (none if there is no draft)."""
    return list(
        db.session.scalars(
            sa.select(Slot)
            .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
            .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_(None))
            .options(selectinload(Slot.session), selectinload(Slot.room))
            .order_by(Slot.starts_at, Slot.room_id, Slot.id)
        )
    )


def replace_draft_slots(event: Event, slots: list[NewSlot]) -> ScheduleVersion:
    """Put `slots` in the draft instead of its sessions' slots.

    Kept as they are: pinned slots (the organiser fixed them) and breaks (slots without a session).
    A new slot for a session that already has a pinned slot is ignored, the pin wins, except that a
    slot pinned to a time without a room gets the room chosen for it.
    """
    draft = get_draft(event)
    kept = list(
        db.session.scalars(
            sa.select(Slot).where(
                Slot.version_id == draft.id, sa.or_(Slot.is_pinned.is_(True), Slot.session_id.is_(None))
            )
        )
    )
    kept_ids = [slot.id for slot in kept]
    pinned = {slot.session_id: slot for slot in kept if slot.session_id is not None}
    # "fetch": the deleted slots leave the session too (SQLite may reuse their ids at once).
    db.session.execute(
        sa.delete(Slot).where(Slot.version_id == draft.id, Slot.id.not_in(kept_ids)),
        execution_options={"synchronize_session": "fetch"},
    )
    db.session.expire(draft, ["slots"])
    for slot in slots:
        if slot.session_id in pinned:
            fixed = pinned[slot.session_id]
            if fixed.room_id is None and fixed.starts_at == slot.starts_at:
                fixed.room_id = slot.room_id
            continue
        db.session.add(
            Slot(
                version_id=draft.id,
                session_id=slot.session_id,
                room_id=slot.room_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
            )
        )
    db.session.flush()
    return draft
