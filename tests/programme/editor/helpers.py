"""What the programme editor's tests share: slots put straight into the draft, and the warnings of the draft.

The event itself comes from small_event.small_event: Saturday 28 March 2026 (winter time, UTC+1),
9:00-12:00, and Sunday 29 March 2026 (summer time, UTC+2), 9:00-17:00 with lunch 12:00-13:30; a
"Grande salle" of 80 places and a "Petite salle" of 20.
"""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from nec.core.time import localize
from nec.extensions import db
from nec.programme import conflicts
from nec.programme.draft import get_draft
from nec.programme.editor import services as editor
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session
from tests.programme.small_event import Small


def put(small: Small, session: Session, room: str | None, day: date, start: time, end: time, **kw) -> Slot:
    """Place `session` in the draft, in the room named `room`, from `start` to `end` (local times)."""
    tz = small.event.timezone
    slot = Slot(
        version_id=get_draft(small.event).id,
        session_id=session.id,
        room_id=small.rooms[room].id if room else None,
        starts_at=localize(day, start, tz),
        ends_at=localize(day, end, tz),
        **kw,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def put_break(small: Small, title: str, day: date, start: time, end: time) -> Slot:
    tz = small.event.timezone
    slot = Slot(
        version_id=get_draft(small.event).id,
        title=title,
        starts_at=localize(day, start, tz),
        ends_at=localize(day, end, tz),
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def warnings(small: Small) -> list[conflicts.ConflictWarning]:
    """The warnings of the draft as stored (read again from the database)."""
    db.session.expire_all()
    return conflicts.find(small.event, editor.board_slots(small.event))


def all_slots(event) -> list[tuple]:
    """Every slot of every version of `event`, as plain values (to check that nothing changed)."""
    db.session.expire_all()
    rows = db.session.execute(
        sa.select(Slot.id, Slot.version_id, Slot.session_id, Slot.room_id, Slot.starts_at, Slot.ends_at, Slot.title)
        .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
        .where(ScheduleVersion.event_id == event.id)
        .order_by(Slot.id)
    )
    return [tuple(row) for row in rows]
