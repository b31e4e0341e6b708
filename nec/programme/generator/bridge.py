"""The bridge between the application and the solver: the event's models to an `Instance`, its result back.

`build_instance(event)` turns the event's models into plain data (an `Instance`): the confirmed and
accepted sessions, the rooms, the days with their hours in the event's time zone, the speakers'
availability, the participants' wishes (workshop seats and favourites), the pinned draft slots and
the last released programme. `generate_draft` solves it and writes the result back into the draft
as slots with UTC instants; released versions are never touched. The runs are in `runs.py`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from nec.core.errors import UserError
from nec.core.time import localize, to_local
from nec.events.models import Event, RoomKind
from nec.extensions import db
from nec.programme import draft as services
from nec.programme.models import Favourite, Slot
from nec.programme.releases import versions as releases
from nec.programme.solver.instance import (
    MINUTES_PER_DAY,
    Assignment,
    Break,
    Day,
    Instance,
    InstanceError,
    Pin,
    SolverRoom,
    SolverSession,
    Speaker,
    Window,
    format_time,
)
from nec.programme.solver.solve import Result, Weights, solve
from nec.proposals.models import AttendanceMode, InvitationState, Session, SessionSpeaker, SessionState, SpeakerProfile
from nec.registrations.models import ACTIVE_STATES, Registration, RegistrationState, Seat

logger = logging.getLogger(__name__)

SCHEDULED_STATES = (SessionState.confirmed, SessionState.accepted)
UNLIMITED_CAPACITY = 100_000  # a room without a capacity (a videoconference without a limit)
DEFAULT_WORKERS = 2

# The soft terms an organiser weighs, with what each one means, in plain French.
TERM_EXPLANATIONS = {
    "unplaced": "placer toutes les sessions (une session non placée coûte bien plus que tout le reste)",
    "wishes": "éviter que les mêmes personnes veuillent assister à deux sessions en même temps",
    "themes": "répartir les thèmes : éviter deux sessions d'un même thème au même moment",
    "density": "limiter le nombre de sessions en parallèle",
    "back_to_back": "laisser une pause aux intervenant·es entre deux sessions",
    "theme_rooms": "garder un thème dans la même salle",
    "changes": "changer le moins possible le programme publié",
}
WEIGHTED_TERMS = ("wishes", "themes", "density", "back_to_back", "theme_rooms", "changes")


class GenerationError(UserError):
    """The generator cannot start or run for this event; each message in French says what to do."""

    def __init__(self, messages: list[str] | str):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__(" ".join(self.messages))


# --- from the models to an instance --------------------------------------------------------------


@dataclass
class Built:
    """An instance and what is needed to turn its result back into slots and a report."""

    instance: Instance
    timezone: str
    session_titles: dict[str, str]
    session_states: dict[str, SessionState]
    room_names: dict[str, str]
    pinned: set[str]  # sessions with a pinned draft slot
    participants: int  # people with at least one wish
    wishes: int  # wanted sessions, all participants together
    previous_name: str | None  # the release the "fewest changes" term compares with
    days: list[date] = field(default_factory=list)

    def minute_of(self, instant: datetime) -> int | None:
        """The instance's absolute minute of a UTC instant, or None outside the event's days."""
        local = to_local(instant, self.timezone)
        if local.date() not in self.days:
            return None
        return self.days.index(local.date()) * MINUTES_PER_DAY + local.hour * 60 + local.minute

    def instant_of(self, day_index: int, minutes: int) -> datetime:
        """The UTC instant of a wall-clock time (minutes from midnight, 1440 at most) of a day."""
        day = self.days[day_index] + timedelta(days=minutes // MINUTES_PER_DAY)
        minutes %= MINUTES_PER_DAY
        return localize(day, time(minutes // 60, minutes % 60), self.timezone)


def _minutes(at: time) -> int:
    return at.hour * 60 + at.minute


def schedulable_sessions(event: Event) -> list[Session]:
    """The sessions the generator places: confirmed and accepted, with speakers and formats loaded."""
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id, Session.state.in_(SCHEDULED_STATES))
            .options(
                selectinload(Session.format),
                selectinload(Session.speakers)
                .selectinload(SessionSpeaker.speaker)
                .selectinload(SpeakerProfile.availabilities),
            )
            .order_by(Session.id)
        )
    )


def build_instance(event: Event) -> Built:
    """The generator's plain data for an event; GenerationError (French) if there is nothing to do."""
    problems = []
    days = list(event.days)
    rooms = list(event.rooms)
    sessions = schedulable_sessions(event)
    if not days:
        problems.append("L'événement n'a aucun jour : vérifiez ses dates dans « L'événement ».")
    if not rooms:
        problems.append("L'événement n'a aucune salle : ajoutez-en dans « Salles ».")
    if not sessions:
        problems.append(
            "Aucune session n'est acceptée ou confirmée : il n'y a rien à placer pour le moment "
            "(décidez des propositions ou programmez des sessions directement)."
        )
    if problems:
        raise GenerationError(problems)

    tz = event.timezone
    built = Built(
        instance=Instance(days=[], rooms=[], sessions=[]),
        timezone=tz,
        session_titles={str(s.id): s.title for s in sessions},
        session_states={str(s.id): s.state for s in sessions},
        room_names={str(r.id): r.name for r in rooms},
        pinned=set(),
        participants=0,
        wishes=0,
        previous_name=None,
        days=[d.date for d in days],
    )
    draft_slots = services.draft_slots(event)

    # Days: opening hours, lunch, and the draft's breaks (slots without a session) as pauses.
    extra_breaks: dict[int, list[Break]] = defaultdict(list)
    for slot in draft_slots:
        if slot.session_id is not None:
            continue
        start = built.minute_of(slot.starts_at)
        end = built.minute_of(slot.ends_at)
        if start is None or end is None or start // MINUTES_PER_DAY != end // MINUTES_PER_DAY:
            continue
        offset = start - start % MINUTES_PER_DAY
        extra_breaks[start // MINUTES_PER_DAY].append(Break(start - offset, end - offset, slot.title))
    plain_days = []
    for index, day in enumerate(days):
        opens, closes = _minutes(day.opens_at), _minutes(day.closes_at)
        breaks = []
        if day.lunch_start is not None and day.lunch_end is not None:
            breaks.append(Break(_minutes(day.lunch_start), _minutes(day.lunch_end), "Déjeuner"))
        for pause in extra_breaks[index]:
            start, end = max(pause.start, opens), min(pause.end, closes)
            if start < end:
                breaks.append(Break(start, end, pause.label))
        plain_days.append(Day(day.date, opens, closes, tuple(sorted(breaks, key=lambda b: b.start))))

    plain_rooms = [
        SolverRoom(
            id=str(room.id),
            capacity=room.capacity or UNLIMITED_CAPACITY,
            name=room.name,
            kind=room.kind.value,
            accessible=room.is_accessible,
        )
        for room in rooms
    ]

    # Speakers: everyone taking part (moderators, panelists, facilitators), unless they declined.
    people: dict[int, SpeakerProfile] = {}
    for session in sessions:
        for part in session.speakers:
            if part.invitation_state != InvitationState.declined:
                people[part.speaker_id] = part.speaker
    plain_speakers = [Speaker(str(person.id), person.full_name, _windows(built, person)) for person in people.values()]

    # Pins: the draft's pinned slots of the sessions to place.
    pins: dict[int, Pin] = {}
    for slot in draft_slots:
        if slot.session_id is None or not slot.is_pinned:
            continue
        start = built.minute_of(slot.starts_at)
        if start is not None:
            pins[slot.session_id] = Pin(start, str(slot.room_id) if slot.room_id is not None else None)
    built.pinned = {str(sid) for sid in pins}

    plain_sessions = []
    for session in sessions:
        plain_sessions.append(
            SolverSession(
                id=str(session.id),
                duration=session.duration,
                format=session.format.kind.value,
                title=session.title,
                theme=str(session.theme_id) if session.theme_id is not None else None,
                speakers=tuple(
                    str(part.speaker_id)
                    for part in session.speakers
                    if part.invitation_state != InvitationState.declined
                ),
                seats=session.seat_capacity or 0,
                room_kind=_room_kind(session.attendance_mode),
                pin=pins.get(session.id),
                needs_accessible=session.needs_accessible_room,
            )
        )

    session_ids = {s.id for s in sessions}
    wishes = _wishes(event, session_ids)
    built.participants = len(wishes)
    built.wishes = sum(len(ids) for ids in wishes.values())
    previous, built.previous_name = _previous(event, built, session_ids, {r.id for r in rooms})

    built.instance = Instance(
        days=plain_days,
        rooms=plain_rooms,
        sessions=plain_sessions,
        speakers=plain_speakers,
        wishes={key: ids for key, ids in wishes.items() if len(ids) > 1},  # one wish cannot clash
        previous=previous,
        name=event.title,
    )
    return built


def _room_kind(mode: AttendanceMode) -> str | None:
    if mode == AttendanceMode.on_site:
        return RoomKind.physical.value
    if mode == AttendanceMode.online:
        return RoomKind.virtual.value
    return None


def _windows(built: Built, person: SpeakerProfile) -> tuple[Window, ...]:
    """A speaker's availability as absolute minutes, cut at each day's midnight (local time).

    No availability at all means "not said yet": available whenever the event is open. Windows
    given only outside the event's days leave an empty window, so that nothing fits.
    """
    if not person.availabilities:
        return ()
    windows = []
    for availability in person.availabilities:
        start = to_local(availability.starts_at, built.timezone).replace(tzinfo=None)
        end = to_local(availability.ends_at, built.timezone).replace(tzinfo=None)
        for index, day in enumerate(built.days):
            midnight = datetime.combine(day, time(0, 0))
            lo, hi = max(start, midnight), min(end, midnight + timedelta(days=1))
            if lo < hi:
                offset = index * MINUTES_PER_DAY
                windows.append(
                    Window(offset + int((lo - midnight).total_seconds() // 60), offset + _ceil_minutes(hi - midnight))
                )
    if not windows:
        return (Window(0, 0),)
    return tuple(sorted(windows, key=lambda w: w.start))


def _ceil_minutes(delta: timedelta) -> int:
    seconds = int(delta.total_seconds())
    return -(-seconds // 60)


def _wishes(event: Event, session_ids: set[int]) -> dict[str, list[str]]:
    """Who wants which sessions: booked and waiting workshop seats, and favourites.

    A registration tied to an account and that account's favourites are one and the same person.
    """
    wanted: dict[str, list[str]] = defaultdict(list)
    seats = db.session.execute(
        sa.select(Registration.id, Registration.user_id, Seat.session_id)
        .join(Seat, Seat.registration_id == Registration.id)
        .where(
            Registration.event_id == event.id,
            Registration.state == RegistrationState.confirmed,
            Seat.state.in_(ACTIVE_STATES),
        )
        .order_by(Seat.id)
    )
    for registration_id, user_id, session_id in seats:
        if session_id in session_ids:
            key = f"u{user_id}" if user_id is not None else f"r{registration_id}"
            wanted[key].append(str(session_id))
    favourites = db.session.execute(
        sa.select(Favourite.user_id, Favourite.session_id)
        .join(Session, Session.id == Favourite.session_id)
        .where(Session.event_id == event.id)
        .order_by(Favourite.id)
    )
    for user_id, session_id in favourites:
        if session_id in session_ids:
            wanted[f"u{user_id}"].append(str(session_id))
    return {key: list(dict.fromkeys(ids)) for key, ids in wanted.items()}


def _previous(
    event: Event, built: Built, session_ids: set[int], room_ids: set[int]
) -> tuple[dict[str, Assignment], str | None]:
    release = releases.latest_release(event)
    if release is None:
        return {}, None
    previous = {}
    for slot in db.session.scalars(sa.select(Slot).where(Slot.version_id == release.id)):
        if slot.session_id not in session_ids or slot.room_id not in room_ids:
            continue
        start = built.minute_of(slot.starts_at)
        if start is not None:
            previous[str(slot.session_id)] = Assignment(str(slot.room_id), start)
    return previous, release.name


# --- from a result back to the draft, and the report ----------------------------------------------


def apply_result(event: Event, built: Built, result: Result) -> None:
    """Replace the draft's slots by the result's (pinned slots and breaks kept)."""
    sessions = {s.id: s for s in built.instance.sessions}
    slots = []
    for sid, assignment in result.assignments.items():
        day_index, start = divmod(assignment.start, MINUTES_PER_DAY)
        slots.append(
            services.NewSlot(
                session_id=int(sid),
                room_id=int(assignment.room),
                starts_at=built.instant_of(day_index, start),
                ends_at=built.instant_of(day_index, start + sessions[sid].duration),
            )
        )
    services.replace_draft_slots(event, slots)


def make_report(built: Built, result: Result) -> dict[str, Any]:
    """What the organiser reads after a run, as JSON: placed and unplaced sessions, costs, times."""
    instance = built.instance
    sessions = {s.id: s for s in instance.sessions}
    placed = []
    for sid, assignment in sorted(result.assignments.items(), key=lambda item: (item[1].start, item[1].room)):
        day = instance.date_of(assignment.start)
        start = assignment.start % MINUTES_PER_DAY
        placed.append(
            {
                "session_id": int(sid),
                "title": built.session_titles[sid],
                "room_id": int(assignment.room),
                "room": built.room_names[assignment.room],
                "date": day.isoformat(),
                "start": format_time(start),
                "end": format_time(start + sessions[sid].duration),
                "pinned": sid in built.pinned,
            }
        )
    unplaced = [
        {"session_id": int(sid), "title": built.session_titles[sid], "reasons": list(reasons)}
        for sid, reasons in sorted(result.unplaced.items(), key=lambda item: built.session_titles[item[0]])
    ]
    return {
        "status": result.status,
        "sessions": len(instance.sessions),
        "placed": placed,
        "unplaced": unplaced,
        "objective": result.objective,
        "counts": dict(result.counts),
        "costs": dict(result.costs),
        "time_to_first": _rounded(result.time_to_first),
        "time_to_best": _rounded(result.time_to_best),
        "wall_time": _rounded(result.wall_time),
        "rooms": [built.room_names[r.id] for r in instance.rooms],
        "participants": built.participants,
        "previous": built.previous_name,
    }


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 2)


def generate_draft(
    event: Event,
    *,
    time_limit: float,
    weights: Weights | None = None,
    workers: int = DEFAULT_WORKERS,
    on_progress=None,
) -> tuple[Built, Result, dict[str, Any]]:
    """Build, solve and write the draft (not committed): the instance, the result and the report."""
    built = build_instance(event)
    try:
        result = solve(
            built.instance,
            time_limit=time_limit,
            workers=workers,
            weights=weights or Weights(),
            on_progress=on_progress,
        )
    except InstanceError as exc:  # the instance the models gave is unusable: say why
        raise GenerationError(exc.messages) from None
    apply_result(event, built, result)
    return built, result, make_report(built, result)


# --- what the organiser's page summarises before a run ----------------------------------------------


@dataclass(frozen=True)
class Overview:
    confirmed: int
    accepted: int
    rooms: int
    days: int
    participants: int
    wishes: int
    pinned: int
    previous: str | None
    problems: list[str]


def overview(event: Event) -> Overview:
    """What a run would schedule, and why it cannot start (if so)."""
    try:
        built = build_instance(event)
    except GenerationError as error:
        return Overview(
            confirmed=0,
            accepted=0,
            rooms=len(event.rooms),
            days=len(event.days),
            participants=0,
            wishes=0,
            pinned=0,
            previous=None,
            problems=error.messages,
        )
    states = list(built.session_states.values())
    return Overview(
        confirmed=states.count(SessionState.confirmed),
        accepted=states.count(SessionState.accepted),
        rooms=len(built.instance.rooms),
        days=len(built.instance.days),
        participants=built.participants,
        wishes=built.wishes,
        pinned=len(built.pinned),
        previous=built.previous_name,
        problems=[],
    )
