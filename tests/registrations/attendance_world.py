"""A small event for the check-in and certificate tests: a released programme (a limited workshop, a round
table, a talk the next day), an organiser, and registrations in each state. Built with the models."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from nec.accounts.models import EventRole, EventRoleKind
from nec.events.models import FormatKind, Room, SessionFormat
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session, SessionState
from nec.registrations.models import Attendance, Registration, RegistrationState, Seat, SeatState

PARIS = ZoneInfo("Europe/Paris")


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


@dataclass
class AttendanceWorld:
    event: object
    day_one: date
    sessions: dict[str, Session]
    slots: dict[str, Slot]
    people: dict[str, Registration]


def build(db, make_event, organiser, *, start: date | None = None, participant_user=None) -> AttendanceWorld:
    """Day one: 9h00 the round table (room A), 9h00 the workshop of 2 seats (room B); day two 14h00 the talk.
    People: Camille (confirmed, on site, the workshop's seat booked), Hélène (confirmed, online, waiting for the
    workshop), Paul (pending), Zoé (cancelled), Bastien (confirmed, on site, no seat)."""
    day_one = start or date.today() + timedelta(days=30)
    user_id = participant_user.id if participant_user is not None else None  # read before building: no autoflush
    event = make_event(start_date=day_one, days=2, timezone="Europe/Paris", title="NEC de Charente",
                       organiser_name="Association NEC Charente", venue_name="Salle des fêtes de Cognac")  # fmt: skip
    db.session.add(EventRole(event=event, user=organiser, role=EventRoleKind.organiser))
    rooms = [Room(event=event, name="Salle A", position=1), Room(event=event, name="Salle B", position=2)]
    formats = {
        "table": SessionFormat(event=event, kind=FormatKind.round_table, name="Table ronde", default_duration=60),
        "workshop": SessionFormat(event=event, kind=FormatKind.workshop, name="Atelier", default_duration=120),
        "talk": SessionFormat(event=event, kind=FormatKind.talk, name="Intervention", default_duration=30),
    }

    def session(title, fmt, **kw):
        return Session(event=event, title=title, format=formats[fmt], duration=60, state=SessionState.confirmed,
                       summary=f"Résumé de {title}", **kw)  # fmt: skip

    sessions = {
        "table": session("Le métier de médiateur numérique", "table"),
        "workshop": session("Fabriquer son tiers-lieu", "workshop", seat_capacity=2),
        "talk": session("Financer l'inclusion numérique", "talk"),
    }
    day_two = day_one + timedelta(days=1)
    release = ScheduleVersion(event=event, name="v1", released_at=paris(day_one, 8) - timedelta(days=20))
    slots = {
        "table": Slot(version=release, session=sessions["table"], room=rooms[0],
                      starts_at=paris(day_one, 9), ends_at=paris(day_one, 10, 30)),
        "workshop": Slot(version=release, session=sessions["workshop"], room=rooms[1],
                         starts_at=paris(day_one, 9), ends_at=paris(day_one, 11)),
        "talk": Slot(version=release, session=sessions["talk"], room=rooms[0],
                     starts_at=paris(day_two, 14), ends_at=paris(day_two, 14, 45)),
    }  # fmt: skip

    def person(name, email, state=RegistrationState.confirmed, attendance=Attendance.on_site, **kw):
        return Registration(event=event, full_name=name, email=email, state=state, attendance=attendance,
                            structure=kw.pop("structure", "Centre social de Cognac"), **kw)  # fmt: skip

    people = {
        "camille": person("Camille Martin", "camille@example.org", user_id=user_id),
        "helene": person("Hélène Dubois", "helene@example.org", attendance=Attendance.online,
                         structure="EPN de Jarnac"),
        "paul": person("Paul Attente", "paul@example.org", state=RegistrationState.pending),
        "zoe": person("Zoé Partie", "zoe@example.org", state=RegistrationState.cancelled,
                      cancelled_at=paris(day_one, 8) - timedelta(days=3)),
        "bastien": person("Bastien Sans-Place", "bastien@example.org"),
    }  # fmt: skip
    db.session.add_all([*rooms, *formats.values(), *sessions.values(), release, *slots.values(), *people.values()])
    db.session.flush()
    db.session.add_all(
        [
            Seat(registration=people["camille"], session=sessions["workshop"], state=SeatState.booked, ticket=1),
            Seat(registration=people["helene"], session=sessions["workshop"], state=SeatState.waiting, ticket=2),
        ]
    )
    db.session.commit()
    return AttendanceWorld(event, day_one, sessions, slots, people)
