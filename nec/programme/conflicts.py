"""What is wrong with a programme, in the organiser's words: the editor's live warnings.

Unlike `checker.py` (which checks the generator's output against its instance), this looks at the
draft as it is stored, slot by slot, with the event's days, rooms and people, and says each problem
in plain French with the names an organiser knows: the session's title, the room's name, the
person's name. Warnings never block a change: the organiser decides (a speaker may agree to run
late, a room may take a few more chairs). Pure functions over loaded models: no query, no request.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum

from flask_babel import format_date
from flask_babel import gettext as _

from nec.core.time import localize, to_local
from nec.core.web import clock_text
from nec.events.models import Event, EventDay, FormatKind
from nec.programme.models import Slot
from nec.proposals.models import InvitationState, SessionState, SpeakerProfile
from nec.proposals.session_speakers import speaker_count_warning


class Kind(StrEnum):
    """The kinds of warning, in the order the editor lists them."""

    room_overlap = "room_overlap"  # two sessions in one room at once
    person_overlap = "person_overlap"  # a person in two places at once
    availability = "availability"  # outside a speaker's availability
    capacity = "capacity"  # more seats than the room has
    hours = "hours"  # outside the event's days or hours, or over a break
    plenary = "plenary"  # another session during a plenary
    accessibility = "accessibility"  # needs a step-free room and the room is not
    unconfirmed = "unconfirmed"  # not confirmed by its speakers (or no longer taking place)
    lineup = "lineup"  # fewer or more speakers than its format asks (a co-speaker declined)


@dataclass(frozen=True)
class ConflictWarning:
    kind: Kind
    message: str
    session_ids: tuple[int, ...]  # the sessions concerned (the editor marks their cards)


@dataclass(frozen=True)
class Period:
    """A break across all rooms: a slot without a session, or a day's lunch."""

    title: str
    starts_at: datetime
    ends_at: datetime


def day_breaks(event: Event, days: Iterable[EventDay], slots: Iterable[Slot]) -> list[Period]:
    """The breaks of the programme: its slots without a session and each day's lunch."""
    periods = [Period(slot.title, slot.starts_at, slot.ends_at) for slot in slots if slot.session_id is None]
    for day in days:
        if day.lunch_start is not None and day.lunch_end is not None and day.lunch_end > day.lunch_start:
            periods.append(
                Period(
                    _("Déjeuner"),
                    localize(day.date, day.lunch_start, event.timezone),
                    localize(day.date, day.lunch_end, event.timezone),
                )
            )
    return periods


def find(event: Event, slots: Sequence[Slot]) -> list[ConflictWarning]:
    """Every warning about the draft `slots` (sessions with their format, speakers and availabilities loaded)."""
    tz = event.timezone
    placed = [slot for slot in slots if slot.session is not None]
    days = {day.date: day for day in event.days}
    breaks = day_breaks(event, event.days, slots)
    found: list[ConflictWarning] = []

    def when(slot: Slot) -> str:
        start, end = to_local(slot.starts_at, tz), to_local(slot.ends_at, tz)
        return _(
            "%(day)s, %(start)s–%(end)s",
            day=format_date(start.date(), "EEEE d MMMM"),
            start=_clock(start.time()),
            end=_clock(end.time()),
        )

    for slot in placed:
        session = slot.session
        room = slot.room
        title = session.title
        # Outside the event's days or hours, or over a break.
        local_start, local_end = to_local(slot.starts_at, tz), to_local(slot.ends_at, tz)
        day = days.get(local_start.date())
        if day is None:  # a session that runs past midnight overflows its day: the next branch says so
            found.append(
                ConflictWarning(
                    Kind.hours,
                    _(
                        "« %(title)s » a lieu un jour où l'événement n'a pas lieu (%(when)s).",
                        title=title,
                        when=when(slot),
                    ),
                    (session.id,),
                )
            )
        elif local_start.time() < day.opens_at or (local_end.time() > day.closes_at or local_end.date() > day.date):
            found.append(
                ConflictWarning(
                    Kind.hours,
                    _(
                        "« %(title)s » déborde des horaires de la journée, de %(opens)s à %(closes)s (%(when)s).",
                        title=title,
                        opens=_clock(day.opens_at),
                        closes=_clock(day.closes_at),
                        when=when(slot),
                    ),
                    (session.id,),
                )
            )
        for period in breaks:
            if _overlap(slot.starts_at, slot.ends_at, period.starts_at, period.ends_at):
                found.append(
                    ConflictWarning(
                        Kind.hours,
                        _(
                            "« %(title)s » empiète sur la pause « %(pause)s » (%(when)s).",
                            title=title,
                            pause=period.title,
                            when=when(slot),
                        ),
                        (session.id,),
                    )
                )
        # The room.
        if room is None:
            found.append(
                ConflictWarning(Kind.room_overlap, _("« %(title)s » n'a pas de salle.", title=title), (session.id,))
            )
        else:
            if None not in (room.capacity, session.seat_capacity) and session.seat_capacity > room.capacity:
                found.append(
                    ConflictWarning(
                        Kind.capacity,
                        _(
                            "« %(title)s » prévoit %(seats)d places, mais « %(room)s » n'en a que %(capacity)d.",
                            title=title,
                            seats=session.seat_capacity,
                            room=room.name,
                            capacity=room.capacity,
                        ),
                        (session.id,),
                    )
                )
            if session.needs_accessible_room and not room.is_accessible:
                found.append(
                    ConflictWarning(
                        Kind.accessibility,
                        _(
                            "« %(title)s » demande une salle accessible (de plain-pied), et « %(room)s » ne l'est pas.",
                            title=title,
                            room=room.name,
                        ),
                        (session.id,),
                    )
                )
        # Its speakers' availability.
        for person in _people(slot):
            windows = _merged((a.starts_at, a.ends_at) for a in person.availabilities)
            if windows and not any(start <= slot.starts_at and slot.ends_at <= end for start, end in windows):
                found.append(
                    ConflictWarning(
                        Kind.availability,
                        _(
                            "%(name)s n'est pas disponible pendant « %(title)s » (%(when)s).",
                            name=person.full_name,
                            title=title,
                            when=when(slot),
                        ),
                        (session.id,),
                    )
                )
        # Not confirmed, or no longer taking place.
        if session.state == SessionState.accepted:
            found.append(
                ConflictWarning(
                    Kind.unconfirmed,
                    _("« %(title)s » n'est pas encore confirmée par ses intervenant·es.", title=title),
                    (session.id,),
                )
            )
        elif session.state != SessionState.confirmed:
            found.append(
                ConflictWarning(
                    Kind.unconfirmed,
                    _(
                        "« %(title)s » est « %(state)s » : elle ne sera pas publiée, retirez-la du programme.",
                        title=title,
                        state=session.state.title,
                    ),
                    (session.id,),
                )
            )
        # Fewer (or more) speakers than its format asks.
        lineup = speaker_count_warning(session)
        if lineup is not None:
            found.append(
                ConflictWarning(
                    Kind.lineup,
                    _("« %(title)s » — %(rule)s.", title=title, rule=lineup),
                    (session.id,),
                )
            )

    # Pairs of sessions at the same time: same room, same person, or a plenary.
    ordered = sorted(placed, key=lambda slot: (slot.starts_at, slot.id or 0))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.starts_at >= a.ends_at:
                break  # sorted by start: nothing later overlaps a
            pair = (a.session.id, b.session.id)
            if a.room_id is not None and a.room_id == b.room_id:
                found.append(
                    ConflictWarning(
                        Kind.room_overlap,
                        _(
                            "« %(room)s » accueille en même temps « %(first)s » et « %(second)s » (%(when)s).",
                            room=a.room.name,
                            first=a.session.title,
                            second=b.session.title,
                            when=when(b),
                        ),
                        pair,
                    )
                )
            people_b = {person.id for person in _people(b)}
            for person in _people(a):
                if person.id in people_b:
                    found.append(
                        ConflictWarning(
                            Kind.person_overlap,
                            _(
                                "%(name)s est prévu·e à deux endroits en même temps : « %(first)s » et "
                                "« %(second)s » (%(when)s).",
                                name=person.full_name,
                                first=a.session.title,
                                second=b.session.title,
                                when=when(b),
                            ),
                            pair,
                        )
                    )
            for plenary, other in ((a, b), (b, a)):
                if _is_plenary(plenary) and not (_is_plenary(other) and other is a):
                    found.append(
                        ConflictWarning(
                            Kind.plenary,
                            _(
                                "« %(other)s » a lieu pendant la plénière « %(plenary)s » (%(when)s).",
                                other=other.session.title,
                                plenary=plenary.session.title,
                                when=when(other),
                            ),
                            pair,
                        )
                    )
    order = list(Kind)
    return sorted(found, key=lambda w: order.index(w.kind))


def by_session(warnings: Iterable[ConflictWarning]) -> dict[int, list[ConflictWarning]]:
    """The warnings of each session, to mark its card."""
    result: dict[int, list[ConflictWarning]] = defaultdict(list)
    for warning in warnings:
        for session_id in warning.session_ids:
            result[session_id].append(warning)
    return dict(result)


def _people(slot: Slot) -> list[SpeakerProfile]:
    """The people of a slot's session who have not declined it."""
    return [part.speaker for part in slot.session.speakers if part.invitation_state != InvitationState.declined]


def _is_plenary(slot: Slot) -> bool:
    return slot.session is not None and slot.session.format.kind == FormatKind.plenary


def _overlap(start_a: datetime, end_a: datetime, start_b: datetime, end_b: datetime) -> bool:
    return start_a < end_b and start_b < end_a


def _merged(windows: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Availability windows with those that touch or overlap joined (morning and afternoon make a day)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(windows):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _clock(at: time) -> str:
    return clock_text(at)
