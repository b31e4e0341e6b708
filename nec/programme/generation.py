"""The bridge between the application and the programme generator, and the generator runs.

`build_instance(event)` turns the event's models into plain data (an `Instance`): the confirmed and
accepted sessions, the rooms, the days with their hours in the event's time zone, the speakers'
availability, the participants' wishes (workshop seats and favourites), the pinned draft slots and
the last released programme. `generate_draft` solves it and writes the result back into the draft
as slots with UTC instants; released versions are never touched.

A *run* (`GeneratorRun`) is one generation started by an organiser: `start_run` records it (queued).
By default `launch` computes it in a background thread of the web process; with NEC_GENERATOR_WORKER
the request only queues it and a `flask programme work` process claims it (`claim_next`, see
`generator_worker.py`). Either way the progress is written into the database so that every app server
shows the same page, and a run is claimed by an atomic conditional UPDATE (`claim_run`), so exactly one
process computes it. At most one run per event is active (a partial unique index guarantees it); a
run whose process died is seen as failed once it is older than its time limit plus
`STALE_AFTER_SECONDS`, and, under a worker deployment, a run no worker claimed within
`QUEUED_STALE_AFTER_SECONDS` is given up.
"""

from __future__ import annotations

import logging
import threading
import time as clock
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.orm import selectinload

from nec.core.db import claim, utcnow
from nec.core.time import localize, to_local
from nec.events.models import Event, Room, RoomKind
from nec.extensions import db
from nec.programme import draft as services
from nec.programme.generator import TERMS, Progress, Result, Weights, solve
from nec.programme.instance import (
    MINUTES_PER_DAY,
    Break,
    Day,
    Instance,
    InstanceError,
    Pin,
    Placement,
    Speaker,
    Window,
    format_time,
)
from nec.programme.instance import Room as PlainRoom
from nec.programme.instance import Session as PlainSession
from nec.programme.models import ACTIVE_RUN_STATES, Favourite, GeneratorRun, RunState, ScheduleVersion, Slot
from nec.programme.releases import services as publishing
from nec.programme.releases import versions as releases
from nec.proposals.models import AttendanceMode, InvitationState, Session, SessionSpeaker, SessionState, SpeakerProfile
from nec.registrations.models import Registration, RegistrationState, Seat

logger = logging.getLogger(__name__)

SCHEDULED_STATES = (SessionState.confirmed, SessionState.accepted)
UNLIMITED_CAPACITY = 100_000  # a room without a capacity (a videoconference without a limit)
STALE_AFTER_SECONDS = 60  # beyond its time limit, an active run with no news is a dead process's
# Worker deployments (NEC_GENERATOR_WORKER): an idle worker claims a run within seconds, so a run still
# queued after a minute means that no worker runs (or all are busy); after half an hour it is given up
# so that it no longer blocks the event.
QUEUED_WITHOUT_WORKER_SECONDS = 60
QUEUED_STALE_AFTER_SECONDS = 30 * 60
PROGRESS_EVERY_SECONDS = 1.0
DEFAULT_WORKERS = 2
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 5, 300

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


class GenerationError(Exception):
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
    draft_slots = _draft_slots(event)

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
        PlainRoom(
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
            PlainSession(
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


def _draft_slots(event: Event) -> list[Slot]:
    return list(
        db.session.scalars(
            sa.select(Slot)
            .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
            .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_(None))
        )
    )


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
        .where(Registration.event_id == event.id, Registration.state == RegistrationState.confirmed)
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
) -> tuple[dict[str, Placement], str | None]:
    release = releases.latest_release(event)
    if release is None:
        return {}, None
    previous = {}
    for slot in db.session.scalars(sa.select(Slot).where(Slot.version_id == release.id)):
        if slot.session_id not in session_ids or slot.room_id not in room_ids:
            continue
        start = built.minute_of(slot.starts_at)
        if start is not None:
            previous[str(slot.session_id)] = Placement(str(slot.room_id), start)
    return previous, release.name


# --- from a result back to the draft, and the report ----------------------------------------------


def apply_result(event: Event, built: Built, result: Result) -> None:
    """Replace the draft's slots by the result's (pinned slots and breaks kept)."""
    sessions = {s.id: s for s in built.instance.sessions}
    slots = []
    for sid, placement in result.placements.items():
        day_index, start = divmod(placement.start, MINUTES_PER_DAY)
        slots.append(
            services.NewSlot(
                session_id=int(sid),
                room_id=int(placement.room),
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
    for sid, placement in sorted(result.placements.items(), key=lambda item: (item[1].start, item[1].room)):
        day = instance.date_of(placement.start)
        start = placement.start % MINUTES_PER_DAY
        placed.append(
            {
                "session_id": int(sid),
                "title": built.session_titles[sid],
                "room_id": int(placement.room),
                "room": built.room_names[placement.room],
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


# --- runs ----------------------------------------------------------------------------------------


def default_weights(event: Event) -> Weights:
    """The weights of the event's last run, or the generator's defaults."""
    last = db.session.scalar(
        sa.select(GeneratorRun).where(GeneratorRun.event_id == event.id).order_by(GeneratorRun.id.desc()).limit(1)
    )
    if last is not None:
        try:
            return Weights.from_dict(last.weights)
        except InstanceError:
            pass
    return Weights()


def uses_worker() -> bool:
    """True when runs are computed by `flask programme work` processes (NEC_GENERATOR_WORKER), not by a
    thread of the web process that received the request."""
    return bool(current_app.config.get("NEC_GENERATOR_WORKER", False))


def is_stale(run: GeneratorRun, now: datetime | None = None) -> bool:
    """An active run older than its time limit plus a margin: its process is gone. Under a worker
    deployment a queued run waits for a worker, for QUEUED_STALE_AFTER_SECONDS at most."""
    if run.state not in ACTIVE_RUN_STATES:
        return False
    now = now or utcnow()
    if run.state == RunState.queued and uses_worker():
        return now - run.created_at > timedelta(seconds=QUEUED_STALE_AFTER_SECONDS)
    since = run.started_at or run.created_at
    return now - since > timedelta(seconds=run.time_limit + STALE_AFTER_SECONDS)


def effective_state(run: GeneratorRun, now: datetime | None = None) -> RunState:
    return RunState.failed if is_stale(run, now) else run.state


STALE_MESSAGE = (
    "La génération s'est interrompue sans terminer (le serveur a sans doute redémarré). "
    "Le brouillon du programme n'a pas été modifié : relancez-la."
)
NEVER_CLAIMED_MESSAGE = (
    f"Aucun processus de calcul n'a pris en charge cette génération en {QUEUED_STALE_AFTER_SECONDS // 60} minutes. "
    "Le brouillon du programme n'a pas été modifié. Demandez à l'administrateur ou l'administratrice de la "
    "plateforme de démarrer le processus de calcul (commande « flask programme work --loop »), puis relancez "
    "la génération."
)


def stale_message(run: GeneratorRun) -> str:
    """Why a stale run (see `is_stale`) is seen as failed, in French."""
    return NEVER_CLAIMED_MESSAGE if run.state == RunState.queued and uses_worker() else STALE_MESSAGE


def queue_status(run: GeneratorRun, now: datetime | None = None) -> str | None:
    """Where a queued run stands under a worker deployment, for its page (None otherwise):
    "waiting" (a worker takes it within seconds), "busy" (queued for a while, other runs are being
    computed) or "no_worker" (queued for a while and nothing is being computed: no worker runs)."""
    if run.state != RunState.queued or not uses_worker():
        return None
    now = now or utcnow()
    if now - run.created_at <= timedelta(seconds=QUEUED_WITHOUT_WORKER_SECONDS):
        return "waiting"
    running = db.session.scalars(sa.select(GeneratorRun).where(GeneratorRun.state == RunState.running))
    return "busy" if any(not is_stale(other, now) for other in running) else "no_worker"


def fail_stale_runs(event: Event, now: datetime | None = None) -> int:
    """Record as failed the event's active runs whose process died; the number of runs changed."""
    now = now or utcnow()
    count = 0
    for run in db.session.scalars(
        sa.select(GeneratorRun).where(GeneratorRun.event_id == event.id, GeneratorRun.state.in_(ACTIVE_RUN_STATES))
    ):
        if is_stale(run, now):
            run.error = stale_message(run)
            run.state = RunState.failed
            run.finished_at = now
            count += 1
    db.session.flush()
    return count


def active_run(event: Event) -> GeneratorRun | None:
    return db.session.scalar(
        sa.select(GeneratorRun)
        .where(GeneratorRun.event_id == event.id, GeneratorRun.state.in_(ACTIVE_RUN_STATES))
        .order_by(GeneratorRun.id.desc())
        .limit(1)
    )


def busy_message(run: GeneratorRun) -> str:
    return (
        f"Une génération est déjà en cours pour cet événement (n° {run.id}) : attendez qu'elle se termine "
        f"(au plus {run.time_limit} secondes) avant d'en lancer une autre."
    )


def list_runs(event: Event, limit: int = 10) -> list[GeneratorRun]:
    return list(
        db.session.scalars(
            sa.select(GeneratorRun)
            .where(GeneratorRun.event_id == event.id)
            .order_by(GeneratorRun.id.desc())
            .limit(limit)
            .options(selectinload(GeneratorRun.created_by))
        )
    )


def get_run(event: Event, run_id: int) -> GeneratorRun | None:
    run = db.session.get(GeneratorRun, run_id)
    return run if run is not None and run.event_id == event.id else None


def validate_time_limit(time_limit: Any) -> int:
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int)
        or not (MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT)
    ):
        raise GenerationError(
            f"La durée de recherche doit être un nombre entier de secondes entre {MIN_TIME_LIMIT} et {MAX_TIME_LIMIT}."
        )
    return time_limit


def start_run(event: Event, user, weights: Weights, time_limit: int, *, check_limit: bool = True) -> GeneratorRun:
    """Record a queued run (flushed, not committed); GenerationError if one is already active or
    if the event has nothing to schedule. The caller commits, then calls `launch` or `execute_run`,
    or, under a worker deployment (`uses_worker`), leaves the run to `flask programme work`.

    Two organisers clicking at the same moment: the database's partial unique index refuses the
    second at the flush or at the commit (IntegrityError); the caller then says a run is active.
    """
    if check_limit:
        validate_time_limit(time_limit)
    elif time_limit < 1:
        raise GenerationError("La durée de recherche doit être d'au moins une seconde.")
    fail_stale_runs(event)
    current = active_run(event)
    if current is not None:
        raise GenerationError(busy_message(current))
    build_instance(event)  # refuse now, with its reasons, what could not run
    run = GeneratorRun(
        event_id=event.id,
        created_by_id=getattr(user, "id", None),
        weights=weights.to_dict(),
        time_limit=time_limit,
        state=RunState.queued,
        progress={},
    )
    db.session.add(run)
    db.session.flush()
    return run


class _ProgressWriter:
    """Writes a run's progress from the solver's thread, at most once per PROGRESS_EVERY_SECONDS.

    It uses its own connection (the solver's thread has no application context, and the run's
    session must stay free), committing each update so that every app server sees it.
    """

    def __init__(self, engine: sa.Engine, run_id: int):
        self.engine = engine
        self.run_id = run_id
        self.last_write = 0.0
        self.lock = threading.Lock()

    def __call__(self, progress: Progress) -> None:
        now = clock.monotonic()
        with self.lock:
            if now - self.last_write < PROGRESS_EVERY_SECONDS:
                return
            self.last_write = now
        values = {
            "objective": progress.objective,
            "elapsed": round(progress.elapsed, 2),
            "solutions": progress.solutions,
            "placed": progress.placed,
            "unplaced": progress.unplaced,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.update(GeneratorRun.__table__)
                    .where(GeneratorRun.__table__.c.id == self.run_id)
                    .values(progress=values)
                )
        except sa.exc.SQLAlchemyError:  # progress is a comfort: never stop the solver for it
            logger.exception("generator run %s: progress not written", self.run_id)


def _claim(conn: sa.Connection, run_id: int, now: datetime) -> bool:
    return claim(conn, GeneratorRun.__table__, run_id, RunState.queued, state=RunState.running, started_at=now)


def claim_run(run_id: int, now: datetime | None = None) -> bool:
    """Move one queued run to running, in its own committed transaction. The conditional UPDATE is the
    claim: of several processes trying at once, exactly one gets True."""
    with db.engine.begin() as conn:
        return _claim(conn, run_id, now or utcnow())


def claim_next(now: datetime | None = None) -> int | None:
    """Claim the oldest queued run (a worker's job) and return its id, or None when none is waiting.

    Runs queued longer than QUEUED_STALE_AFTER_SECONDS are left alone: their page already says they
    were given up. On PostgreSQL the candidate is first locked with SKIP LOCKED so that workers do not
    queue behind each other; the conditional UPDATE stays the claim.
    """
    now = now or utcnow()
    table = GeneratorRun.__table__
    waiting = sa.and_(
        table.c.state == RunState.queued,
        table.c.created_at >= now - timedelta(seconds=QUEUED_STALE_AFTER_SECONDS),
    )
    with db.engine.begin() as conn:
        for _ in range(10):  # a lost race moves on to the next candidate
            query = sa.select(table.c.id).where(waiting).order_by(table.c.created_at, table.c.id).limit(1)
            if conn.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            candidate = conn.execute(query).scalar()
            if candidate is None:
                return None
            if _claim(conn, candidate, now):
                return candidate
    return None


def abandon_run(run_id: int, message: str, now: datetime | None = None) -> bool:
    """Record as failed, with `message`, a running run whose process gives up (a worker being stopped).

    Committed at once, in its own transaction. False if the run had already ended. The computation's
    outcome is only written while the run is still running (`compute_run`), so an abandoned run
    never changes the draft.
    """
    table = GeneratorRun.__table__
    with db.engine.begin() as conn:
        abandoned = conn.execute(
            sa.update(table)
            .where(table.c.id == run_id, table.c.state == RunState.running)
            .values(state=RunState.failed, finished_at=now or utcnow(), error=message)
        )
    return abandoned.rowcount == 1


def execute_run(run_id: int, *, workers: int = DEFAULT_WORKERS) -> tuple[Built, Result] | None:
    """Claim a queued run, compute it and record its outcome (commits). None if it was not queued any
    more (another process claimed it), or if it failed (the run then says why)."""
    if not claim_run(run_id):
        return None
    return compute_run(run_id, workers=workers)


def compute_run(run_id: int, *, workers: int = DEFAULT_WORKERS) -> tuple[Built, Result] | None:
    """Compute a run this process has claimed and record its outcome (commits); None if it failed.

    The new draft and the "finished" state are committed together, and only while the run is still
    running: a run declared dead or abandoned meanwhile keeps its error and the draft stays as it was.
    """
    run = db.session.get(GeneratorRun, run_id)
    event = run.event
    try:
        weights = Weights.from_dict(run.weights)
        writer = _ProgressWriter(db.engine, run_id)
        built, result, report = generate_draft(
            event, time_limit=run.time_limit, weights=weights, workers=workers, on_progress=writer
        )
        last = {
            "objective": result.objective,
            "elapsed": round(result.wall_time, 2),
            "solutions": result.stats.get("solutions", 0),
            "placed": len(result.placements),
            "unplaced": len(result.unplaced),
        }
        finished = db.session.execute(
            sa.update(GeneratorRun)
            .where(GeneratorRun.id == run_id, GeneratorRun.state == RunState.running)
            .values(state=RunState.finished, finished_at=utcnow(), progress=last, report=report),
            execution_options={"synchronize_session": False},
        )
        if finished.rowcount != 1:  # declared dead or abandoned meanwhile: its report would mislead
            db.session.rollback()
            return None
        db.session.commit()
        return built, result
    except Exception as exc:  # whatever happened, the organiser must see the run end
        db.session.rollback()
        if isinstance(exc, GenerationError | InstanceError):
            message = " ".join(exc.messages)
        else:
            logger.exception("generator run %s failed", run_id)
            message = (
                "La génération a échoué à cause d'une erreur inattendue. Le brouillon du programme n'a pas été "
                "modifié. Réessayez ; si cela se reproduit, signalez-le à l'équipe technique "
                f"(erreur : {type(exc).__name__})."
            )
        db.session.execute(
            sa.update(GeneratorRun)
            .where(GeneratorRun.id == run_id, GeneratorRun.state == RunState.running)
            .values(state=RunState.failed, finished_at=utcnow(), error=message),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        return None


_threads: dict[int, threading.Thread] = {}


def launch(app: Flask, run_id: int, *, workers: int = DEFAULT_WORKERS) -> threading.Thread:
    """Compute a committed, queued run in a daemon thread of this process, with its own app context
    (hence its own database session)."""

    def target() -> None:
        with app.app_context():
            execute_run(run_id, workers=workers)

    thread = threading.Thread(target=target, name=f"nec-generator-run-{run_id}", daemon=True)
    _threads[run_id] = thread
    thread.start()
    return thread


def wait_for(run_id: int, timeout: float | None = None) -> bool:
    """Wait for a run launched by this process (tests, the command line); True once it has ended."""
    thread = _threads.get(run_id)
    if thread is None:
        return True
    thread.join(timeout)
    if thread.is_alive():
        return False
    _threads.pop(run_id, None)
    return True


def wait_for_all(timeout: float | None = None) -> None:
    """Wait for every run this process launched (tests end with it)."""
    for run_id in list(_threads):
        wait_for(run_id, timeout)


# --- the demo event -------------------------------------------------------------------------------


def generate_demo_programme(
    event: Event,
    organiser,
    *,
    released_at: datetime,
    pins: tuple[tuple[Session, Room | None, datetime], ...] = (),
    name: str = "v1",
) -> ScheduleVersion:
    """Generate the demo's draft (one solver thread, a short time: repeatable) and release it.

    `pins` fix sessions at a time, in a room or not (the generator then chooses it), as an organiser
    would pin the opening and the closing. A finished run is recorded too, so that the organiser's generator page
    shows its report. Not committed: the demo loader commits everything at once.
    """
    draft = services.get_draft(event)
    for session, room, starts_at in pins:
        db.session.add(
            Slot(
                version_id=draft.id,
                session_id=session.id,
                room_id=room.id if room is not None else None,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=session.duration),
                is_pinned=True,
            )
        )
    db.session.flush()
    weights = Weights()
    time_limit = 2
    _built, result, report = generate_draft(event, time_limit=time_limit / 2, weights=weights, workers=1)
    db.session.add(
        GeneratorRun(
            event_id=event.id,
            created_by_id=getattr(organiser, "id", None),
            created_at=released_at - timedelta(minutes=5),
            started_at=released_at - timedelta(minutes=5),
            finished_at=released_at - timedelta(minutes=5) + timedelta(seconds=result.wall_time),
            state=RunState.finished,
            weights=weights.to_dict(),
            time_limit=time_limit,
            progress={
                "objective": result.objective,
                "elapsed": round(result.wall_time, 2),
                "solutions": result.stats.get("solutions", 0),
                "placed": len(result.placements),
                "unplaced": len(result.unplaced),
            },
            report=report,
        )
    )
    published = publishing.release(
        event, name, "Programme généré automatiquement puis publié.", None, False, at=released_at
    )
    return published.version


__all__ = [
    "MAX_TIME_LIMIT",
    "MIN_TIME_LIMIT",
    "TERMS",
    "TERM_EXPLANATIONS",
    "WEIGHTED_TERMS",
    "Built",
    "GenerationError",
    "Overview",
    "abandon_run",
    "apply_result",
    "build_instance",
    "claim_next",
    "claim_run",
    "compute_run",
    "execute_run",
    "generate_draft",
    "launch",
    "make_report",
    "overview",
    "queue_status",
    "stale_message",
    "start_run",
    "uses_worker",
]
