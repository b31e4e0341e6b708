"""A small event for the programme's tests (generator, editor, conflicts, grid): sessions, speakers, rooms.

Two days in Europe/Paris around the switch to summer time: Saturday 28 March 2026 in winter time
(UTC+1) and Sunday 29 March 2026, when the clocks go forward at 2:00 (UTC+2 from then on), so that
the same local hours are different UTC instants on the two days.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.time import localize
from nec.events.models import DEFAULT_DURATIONS, Event, EventDay, FormatKind, Room, RoomKind, SessionFormat, Theme
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import (
    AttendanceMode,
    Availability,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)

PARIS = "Europe/Paris"
WINTER = date(2026, 3, 28)  # UTC+1
SUMMER = date(2026, 3, 29)  # UTC+2 from 3:00 local time


@dataclass
class Small:
    event: Event
    rooms: dict[str, Room]
    formats: dict[FormatKind, SessionFormat]
    themes: dict[str, Theme]
    speakers: dict[str, SpeakerProfile] = field(default_factory=dict)


def small_event(organiser=None, *, slug: str | None = None, timezone: str = PARIS) -> Small:
    """Saturday 9:00-12:00; Sunday 9:00-17:00 with lunch 12:00-13:30; a large and a small room."""
    event = Event(
        slug=slug or f"nec-{uuid.uuid4().hex[:8]}",
        title="NEC de test",
        start_date=WINTER,
        end_date=SUMMER,
        timezone=timezone,
        is_published=True,
    )
    event.days = [
        EventDay(date=WINTER, opens_at=time(9, 0), closes_at=time(12, 0)),
        EventDay(
            date=SUMMER, opens_at=time(9, 0), closes_at=time(17, 0), lunch_start=time(12, 0), lunch_end=time(13, 30)
        ),
    ]
    event.rooms = [
        Room(name="Grande salle", kind=RoomKind.physical, capacity=80, position=0),
        Room(name="Petite salle", kind=RoomKind.physical, capacity=20, position=1),
    ]
    event.themes = [Theme(name="Financer", position=0), Theme(name="Animer un réseau", position=1)]
    event.formats = [
        SessionFormat(kind=kind, name=kind._titles()[kind.value], default_duration=DEFAULT_DURATIONS[kind])
        for kind in FormatKind
    ]
    db.session.add(event)
    if organiser is not None:
        db.session.add(EventRole(event=event, user=organiser, role=EventRoleKind.organiser))
    db.session.commit()
    return Small(
        event=event,
        rooms={r.name: r for r in event.rooms},
        formats={f.kind: f for f in event.formats},
        themes={t.name: t for t in event.themes},
    )


def add_speaker(small: Small, name: str, availability=()) -> SpeakerProfile:
    """availability: (day, start, end) local times of the event; none means "has not said"."""
    speaker = SpeakerProfile(event=small.event, full_name=name, email=f"{uuid.uuid4().hex[:8]}@example.org".lower())
    tz = small.event.timezone
    speaker.availabilities = [
        Availability(starts_at=localize(day, start, tz), ends_at=localize(day, end, tz))
        for day, start, end in availability
    ]
    db.session.add(speaker)
    db.session.commit()
    small.speakers[name] = speaker
    return speaker


def add_session(
    small: Small,
    title: str,
    *,
    kind: FormatKind = FormatKind.talk,
    duration: int = 60,
    state: SessionState = SessionState.confirmed,
    speakers=(),
    seats: int | None = None,
    theme: str | None = None,
    mode: AttendanceMode = AttendanceMode.either,
) -> Session:
    session = Session(
        event=small.event,
        format=small.formats[kind],
        title=title,
        duration=duration,
        state=state,
        seat_capacity=seats,
        theme=small.themes[theme] if theme else None,
        attendance_mode=mode,
    )
    for position, person in enumerate(speakers):
        role = {FormatKind.workshop: SpeakerRole.facilitator, FormatKind.round_table: SpeakerRole.panelist}.get(
            kind, SpeakerRole.speaker
        )
        session.speakers.append(SessionSpeaker(speaker=person, role=role, position=position))
    db.session.add(session)
    db.session.commit()
    return session


def local(instant: datetime, tz: str = PARIS) -> tuple[date, time]:
    from nec.core.time import to_local

    value = to_local(instant, tz)
    return value.date(), value.time().replace(tzinfo=None)


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def draft_slots(event: Event) -> list[Slot]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Slot)
            .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
            .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_(None))
            .order_by(Slot.starts_at, Slot.id)
        )
    )
