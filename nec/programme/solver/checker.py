"""An independent check of a programme against the hard constraints of its instance.

Written apart from the generator on purpose, sharing none of its constraint building: it looks at
the programme the way an organiser would (session by session, room by room, person by person)
and counts every broken hard rule. The benchmark and the tests trust it, not the solver.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .instance import MINUTES_PER_DAY, Assignment, Instance, parse_time

KINDS = (
    "unknown",  # a session or room the instance does not know
    "duplicate",  # a session placed twice
    "missing",  # a session neither placed nor reported unplaced with a reason
    "room_overlap",  # two sessions in one room at once
    "person_overlap",  # a person in two sessions at once
    "availability",  # a person unavailable during their session
    "period",  # outside the opening hours, across a break or across midnight
    "room",  # room too small, of the wrong kind or not accessible
    "pinned",  # a pinned session placed elsewhere
    "plenary",  # another session during a plenary
)


@dataclass(frozen=True)
class Violation:
    kind: str
    message: str
    sessions: tuple[str, ...] = ()


def check(
    instance: Instance, assignments: dict[str, Assignment], unplaced: dict[str, list[str]] | None = None
) -> list[Violation]:
    """Every hard-constraint violation of a programme (an empty list when it is valid)."""
    return _check([(sid, p.room, p.start) for sid, p in assignments.items()], instance, unplaced or {})


def check_output(instance: Instance, data: dict) -> list[Violation]:
    """Check the JSON written by the generator's command line (slots with day, start, room)."""
    rows: list[tuple[str, str, int]] = []
    violations: list[Violation] = []
    days = {d.date: i for i, d in enumerate(instance.days)}
    for n, slot in enumerate(data.get("slots", []), start=1):
        try:
            day = days[date.fromisoformat(slot["day"])]
            rows.append((str(slot["session"]), str(slot["room"]), day * MINUTES_PER_DAY + parse_time(slot["start"])))
        except (KeyError, TypeError, ValueError):
            violations.append(Violation("unknown", f"Ligne {n} du programme illisible : {slot!r}."))
    unplaced = {str(item.get("session")): list(item.get("reasons") or []) for item in data.get("unplaced", [])}
    return violations + _check(rows, instance, unplaced)


def _check(rows: list[tuple[str, str, int]], instance: Instance, unplaced: dict[str, list[str]]) -> list[Violation]:
    sessions = {s.id: s for s in instance.sessions}
    rooms = {r.id: r for r in instance.rooms}
    people = {p.id: p for p in instance.speakers}
    found: list[Violation] = []
    seen: dict[str, tuple[str, int, int]] = {}

    for sid, room_id, start in rows:
        session = sessions.get(sid)
        if session is None or room_id not in rooms:
            found.append(Violation("unknown", f"Session « {sid} » ou salle « {room_id} » inconnue.", (sid,)))
            continue
        if sid in seen:
            found.append(Violation("duplicate", f"La session {sid} est placée deux fois.", (sid,)))
            continue
        end = start + session.duration
        seen[sid] = (room_id, start, end)
        room = rooms[room_id]

        # Opening hours: the whole session inside one day's hours, touching no break.
        day_number, minute = divmod(start, MINUTES_PER_DAY)
        inside = 0 <= day_number < len(instance.days)
        if inside:
            day = instance.days[day_number]
            local_end = minute + session.duration
            inside = day.opens <= minute and local_end <= day.closes
            inside = inside and all(local_end <= b.start or b.end <= minute for b in day.breaks)
        if not inside:
            found.append(Violation("period", f"La session {sid} déborde des horaires ou d'une pause.", (sid,)))

        if room.capacity < session.seats:
            found.append(
                Violation("room", f"La session {sid} ({session.seats} places) est dans une salle trop petite.", (sid,))
            )
        if session.room_kind is not None and room.kind != session.room_kind:
            found.append(Violation("room", f"La session {sid} n'est pas dans le bon type de salle.", (sid,)))
        if session.needs_accessible and not room.accessible:
            found.append(Violation("room", f"La session {sid} est dans une salle non accessible.", (sid,)))

        for person_id in session.speakers:
            person = people.get(person_id)
            if person is None or not person.availability:
                continue
            if not any(w.start <= start and end <= w.end for w in person.availability):
                found.append(
                    Violation("availability", f"{person_id} n'est pas disponible pour la session {sid}.", (sid,))
                )

        pin = session.pin
        if pin is not None and (start != pin.start or (pin.room is not None and room_id != pin.room)):
            found.append(Violation("pinned", f"La session épinglée {sid} a été déplacée.", (sid,)))

    for sid in sessions:
        if sid not in seen and not unplaced.get(sid):
            found.append(Violation("missing", f"La session {sid} n'est ni placée ni expliquée.", (sid,)))

    items = sorted(seen.items(), key=lambda item: item[1][1])
    for i, (a, (room_a, start_a, end_a)) in enumerate(items):
        for b, (room_b, start_b, end_b) in items[i + 1 :]:
            if start_b >= end_a:
                break  # sorted by start: nothing later overlaps a
            if not (start_a < end_b and start_b < end_a):
                continue
            if room_a == room_b:
                found.append(
                    Violation("room_overlap", f"{a} et {b} sont dans la salle {room_a} en même temps.", (a, b))
                )
            for person_id in set(sessions[a].speakers) & set(sessions[b].speakers):
                found.append(Violation("person_overlap", f"{person_id} est dans {a} et {b} en même temps.", (a, b)))
            if sessions[a].format == "plenary" or sessions[b].format == "plenary":
                found.append(Violation("plenary", f"{a} et {b} ont lieu en même temps qu'une plénière.", (a, b)))
    return found


def count_by_kind(violations: list[Violation]) -> dict[str, int]:
    counts = dict.fromkeys(KINDS, 0)
    for violation in violations:
        counts[violation.kind] += 1
    return counts
