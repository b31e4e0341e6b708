"""What changed between two versions of the programme: new sessions, moved ones, cancelled ones.

A release holds exactly what was published (see `publishing.release`: the sessions that no longer
take place are left out of the copy), so comparing the slots of two versions is enough, and the
history of the releases stays the same whatever happens to the sessions afterwards. Breaks (slots
without a session) are not part of the changelog.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot


@dataclass(frozen=True)
class Placement:
    """Where and when a session takes place in one version."""

    session_id: int
    title: str
    room_id: int | None
    room_name: str | None
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class Move:
    """A session present in both versions whose time or room changed."""

    before: Placement
    after: Placement

    @property
    def session_id(self) -> int:
        return self.after.session_id

    @property
    def title(self) -> str:
        return self.after.title

    @property
    def time_changed(self) -> bool:
        return (self.before.starts_at, self.before.ends_at) != (self.after.starts_at, self.after.ends_at)

    @property
    def room_changed(self) -> bool:
        return self.before.room_id != self.after.room_id


@dataclass
class Changelog:
    """The differences, each list in time order (cancelled sessions by their former time)."""

    new: list[Placement] = field(default_factory=list)
    moved: list[Move] = field(default_factory=list)
    cancelled: list[Placement] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.moved or self.cancelled)

    @property
    def changed_session_ids(self) -> set[int]:
        """The sessions whose speakers should hear of the change (new or moved, not cancelled)."""
        return {p.session_id for p in self.new} | {m.session_id for m in self.moved}


def placement(slot: Slot) -> Placement:
    return Placement(
        session_id=slot.session_id,
        title=slot.session.title,
        room_id=slot.room_id,
        room_name=slot.room.name if slot.room is not None else None,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
    )


def compute_changelog(before: Iterable[Slot], after: Iterable[Slot]) -> Changelog:
    """Compare the session slots of two versions (`before` is empty for the first release)."""
    old = {slot.session_id: placement(slot) for slot in before if slot.session_id is not None}
    new = {slot.session_id: placement(slot) for slot in after if slot.session_id is not None}
    changelog = Changelog()
    for session_id, now in new.items():
        was = old.get(session_id)
        if was is None:
            changelog.new.append(now)
        elif (was.starts_at, was.ends_at, was.room_id) != (now.starts_at, now.ends_at, now.room_id):
            changelog.moved.append(Move(before=was, after=now))
    changelog.cancelled = [was for session_id, was in old.items() if session_id not in new]

    def order(p: Placement):
        return (p.starts_at, p.room_name or "", p.title, p.session_id)

    changelog.new.sort(key=order)
    changelog.moved.sort(key=lambda m: order(m.after))
    changelog.cancelled.sort(key=order)
    return changelog


def _slots_query():
    return sa.select(Slot).options(selectinload(Slot.session), selectinload(Slot.room))


def version_slots(version: ScheduleVersion | None) -> list[Slot]:
    """A version's slots with their sessions and rooms (none for no version)."""
    if version is None:
        return []
    return list(db.session.scalars(_slots_query().where(Slot.version_id == version.id)))


def releases(event: Event) -> list[ScheduleVersion]:
    """The event's releases, oldest first."""
    return list(
        db.session.scalars(
            sa.select(ScheduleVersion)
            .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_not(None))
            .order_by(ScheduleVersion.released_at, ScheduleVersion.id)
        )
    )


@dataclass(frozen=True)
class ReleaseEntry:
    """A release and what it changed compared with the release before it."""

    version: ScheduleVersion
    changelog: Changelog
    is_first: bool


def history(event: Event) -> list[ReleaseEntry]:
    """Every release with its changelog, newest first, in a constant number of queries."""
    versions = releases(event)
    if not versions:
        return []
    slots = db.session.scalars(_slots_query().where(Slot.version_id.in_([v.id for v in versions])))
    by_version: dict[int, list[Slot]] = {v.id: [] for v in versions}
    for slot in slots:
        by_version[slot.version_id].append(slot)
    entries = []
    previous: list[Slot] = []
    for index, version in enumerate(versions):
        current = by_version[version.id]
        entries.append(ReleaseEntry(version, compute_changelog(previous, current), is_first=index == 0))
        previous = current
    entries.reverse()
    return entries
