"""The programme editor: the organiser places sessions by hand, adds breaks, and sees the warnings.

Every change goes to the draft only (`draft.get_draft`); the public pages and the exports show
the latest release until the organiser publishes again. A session placed by hand is pinned unless
the organiser says otherwise, so the generator keeps it where it was put. Warnings (`conflicts.py`)
never block a change. Functions add to `db.session`; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from nec.core.audit import log_action
from nec.core.errors import UserError
from nec.core.time import localize, to_local
from nec.events.models import Event, EventDay, Room
from nec.extensions import db
from nec.programme import conflicts
from nec.programme.draft import get_draft
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session, SessionSpeaker, SessionState, SpeakerProfile

# The sessions an organiser may place: those that take place (or will, once confirmed).
PLACEABLE_STATES = (SessionState.accepted, SessionState.confirmed)
# The grid of the editor's lists of times, in minutes.
STEP_MINUTES = 15
MAX_BREAK_TITLE = 200


class EditorError(UserError):
    """A change of the programme that cannot be made (French message)."""


@dataclass
class Board:
    """The draft as the editor shows it: its slots, the sessions still to place and the warnings."""

    event: Event
    slots: list[Slot]
    unscheduled: list[Session]
    warnings: list[conflicts.ConflictWarning]
    by_session: dict[int, list[conflicts.ConflictWarning]] = field(default_factory=dict)

    @property
    def breaks(self) -> list[Slot]:
        return [slot for slot in self.slots if slot.session_id is None]

    def slots_on(self, day: date) -> list[Slot]:
        return [slot for slot in self.slots if to_local(slot.starts_at, self.event.timezone).date() == day]


def _session_options():
    return (
        joinedload(Session.format),
        joinedload(Session.theme),
        selectinload(Session.speakers).joinedload(SessionSpeaker.speaker).selectinload(SpeakerProfile.availabilities),
    )


def board_slots(event: Event) -> list[Slot]:
    """The draft's slots with everything the warnings need, in time order (a constant number of queries)."""
    statement = (
        sa.select(Slot)
        .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
        .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_(None))
        .options(joinedload(Slot.room), selectinload(Slot.session).options(*_session_options()))
        .order_by(Slot.starts_at, Slot.ends_at, Slot.id)
    )
    return list(db.session.scalars(statement).unique())


def unscheduled_sessions(event: Event, slots: list[Slot]) -> list[Session]:
    """Accepted and confirmed sessions that are not in the draft, by title."""
    placed = {slot.session_id for slot in slots if slot.session_id is not None}
    statement = (
        sa.select(Session)
        .where(Session.event_id == event.id, Session.state.in_(PLACEABLE_STATES))
        .options(*_session_options())
        .order_by(Session.title, Session.id)
    )
    return [session for session in db.session.scalars(statement).unique() if session.id not in placed]


def session_warnings(event: Event, session_id: int) -> list[conflicts.ConflictWarning]:
    """The draft's warnings that concern one session (its card, its place page, the answer to a drop)."""
    return conflicts.by_session(conflicts.find(event, board_slots(event))).get(session_id, [])


def load_board(event: Event) -> Board:
    slots = board_slots(event)
    warnings = conflicts.find(event, slots)
    return Board(event, slots, unscheduled_sessions(event, slots), warnings, conflicts.by_session(warnings))


# --- reading what the organiser chose ----------------------------------------------------------------


def event_day(event: Event, on: date | None) -> EventDay:
    day = next((d for d in event.days if d.date == on), None)
    if day is None:
        raise EditorError(_("Choisissez un des jours de l'événement."), "day")
    return day


def event_room(event: Event, room_id: int | None) -> Room:
    room = next((r for r in event.rooms if r.id == room_id), None)
    if room is None:
        raise EditorError(_("Choisissez une des salles de l'événement."), "room")
    return room


def parse_clock(value: str | None, field: str = "start") -> time:
    """A time of day written HH:MM (what the lists and the grid send); `field` is where to show the error."""
    try:
        hours, minutes = (value or "").strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise EditorError(_("L'heure doit s'écrire comme 14:30."), field) from None


def parse_local(event: Event, value: str | None) -> tuple[EventDay, datetime]:
    """A day and a time sent as 2021-01-28T14:30 (the grid's cells): the event's day and the UTC instant."""
    text = (value or "").strip()
    try:
        local = datetime.strptime(text, "%Y-%m-%dT%H:%M")
    except ValueError:
        raise EditorError(_("Le jour et l'heure doivent s'écrire comme 2021-01-28T14:30."), "start") from None
    day = event_day(event, local.date())
    return day, localize(day.date, local.time(), event.timezone)


def time_choices(event: Event, keep: list[time] = ()) -> list[time]:
    """The times the lists offer: every STEP_MINUTES from the earliest opening to the latest closing."""
    opens = min((day.opens_at for day in event.days), default=time(9, 0))
    closes = max((day.closes_at for day in event.days), default=time(18, 0))
    start = datetime.combine(date.min, opens)
    start -= timedelta(minutes=start.minute % STEP_MINUTES)
    end = datetime.combine(date.min, closes)
    times = set(keep)
    moment = start
    while moment <= end:
        times.add(moment.time())
        moment += timedelta(minutes=STEP_MINUTES)
    return sorted(times)


# --- changes ----------------------------------------------------------------------------------------


def event_session(event: Event, session_id: int) -> Session | None:
    """A session of the event for the editor; a draft is its author's alone (None, as if absent)."""
    return db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.event_id == event.id, Session.state != SessionState.draft)
        .options(*_session_options())
    )


def draft_slot_of(event: Event, session_id: int) -> Slot | None:
    return db.session.scalar(
        sa.select(Slot)
        .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
        .where(
            ScheduleVersion.event_id == event.id,
            ScheduleVersion.released_at.is_(None),
            Slot.session_id == session_id,
        )
    )


def _check_placeable(session: Session) -> None:
    if session.state not in PLACEABLE_STATES:
        raise EditorError(
            _(
                "« %(title)s » est « %(state)s » : seules les sessions acceptées ou confirmées "
                "peuvent être placées dans le programme.",
                title=session.title,
                state=session.state.title,
            )
        )


def place_session(
    event: Event, session: Session, room: Room, starts_at: datetime, pinned: bool = True, *, actor=None
) -> Slot:
    """Put a session in a room at a time in the draft (moving it if it is already there), in the audit log."""
    _check_placeable(session)
    if room.event_id != event.id:
        raise EditorError(_("Choisissez une des salles de l'événement."), "room")
    draft = get_draft(event)
    slot = draft_slot_of(event, session.id)
    if slot is None:
        slot = Slot(version_id=draft.id, session_id=session.id)
        db.session.add(slot)
    slot.room_id = room.id
    slot.starts_at = starts_at
    slot.ends_at = starts_at + timedelta(minutes=session.duration)
    slot.is_pinned = pinned
    db.session.flush()
    log_action("programme.session_placed", actor=actor, event=event, target=session, room=room.id)
    return slot


def unschedule(event: Event, session: Session, *, actor=None) -> None:
    """Take a session out of the draft (it goes back to the sessions to place)."""
    slot = draft_slot_of(event, session.id)
    if slot is None:
        raise EditorError(_("« %(title)s » n'est pas dans le programme.", title=session.title))
    db.session.delete(slot)
    db.session.flush()
    log_action("programme.session_unscheduled", actor=actor, event=event, target=session)


def preview(event: Event, session: Session, room: Room, starts_at: datetime) -> list[conflicts.ConflictWarning]:
    """The warnings about `session` if it were put there, without changing anything."""
    slots = [slot for slot in board_slots(event) if slot.session_id != session.id]
    candidate = Slot(session_id=session.id, room_id=room.id, starts_at=starts_at)
    candidate.ends_at = starts_at + timedelta(minutes=session.duration)
    # Transient: set the objects by their attributes' state without adding the slot to the session.
    sa.orm.attributes.set_committed_value(candidate, "session", session)
    sa.orm.attributes.set_committed_value(candidate, "room", room)
    return [w for w in conflicts.find(event, [*slots, candidate]) if session.id in w.session_ids]


def event_break(event: Event, break_id: int) -> Slot | None:
    return db.session.scalar(
        sa.select(Slot)
        .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
        .where(
            Slot.id == break_id,
            Slot.session_id.is_(None),
            ScheduleVersion.event_id == event.id,
            ScheduleVersion.released_at.is_(None),
        )
    )


def save_break(
    event: Event, slot: Slot | None, day: EventDay, start: time, end: time, title: str, *, actor=None
) -> Slot:
    """Add (slot None) or change a break across all rooms of the draft."""
    title = " ".join((title or "").split())
    if not title:
        raise EditorError(_("Donnez un nom à la pause, par exemple « Pause café »."), "title")
    if len(title) > MAX_BREAK_TITLE:
        raise EditorError(_("Le nom de la pause est trop long (200 caractères au plus)."), "title")
    if end <= start:
        raise EditorError(_("La fin de la pause doit venir après son début."), "end")
    if slot is None:
        slot = Slot(version_id=get_draft(event).id, session_id=None, room_id=None)
        db.session.add(slot)
    slot.title = title
    slot.starts_at = localize(day.date, start, event.timezone)
    slot.ends_at = localize(day.date, end, event.timezone)
    db.session.flush()
    log_action("programme.break_saved", actor=actor, event=event, target=slot)
    return slot


def delete_break(event: Event, slot: Slot, *, actor=None) -> None:
    log_action("programme.break_deleted", actor=actor, event=event, target=slot)
    db.session.delete(slot)
    db.session.flush()
