"""What the registrations' tests share: an event taking registrations, with a released programme of three
limited workshops (two at the same time) and a round table, and a way to make confirmed participants."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from nec.core.db import utcnow
from nec.events.models import Event, EventFormat, FormatKind, Room
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session, SessionState
from nec.registrations import services
from nec.registrations.models import Attendance, Registration, RegistrationSettings
from tests.support.events import nec_event


@dataclass
class RegEvent:
    event: Event
    a: Session  # 2 seats, day one 10:00–11:30
    b: Session  # 2 seats, day one 10:30–12:00 (overlaps a)
    c: Session  # 3 seats, day one 14:00–15:30
    table: Session  # no seat limit
    release: ScheduleVersion

    def start_of(self, session: Session) -> datetime:
        return next(slot.starts_at for slot in self.release.slots if slot.session_id == session.id)


def build_event(organiser, **settings) -> RegEvent:
    event = nec_event(organiser, format=EventFormat.hybrid)
    formats = {f.kind: f for f in event.formats}
    room = Room(event=event, name="Salle Aliénor", position=1)
    day = datetime.combine(event.start_date, datetime.min.time(), tzinfo=UTC)

    def session(title, capacity, kind=FormatKind.workshop):
        return Session(
            event=event, title=title, format=formats[kind], duration=90, state=SessionState.confirmed,
            seat_capacity=capacity, summary=f"Résumé de {title}",
        )  # fmt: skip

    a, b, c = session("Atelier A", 2), session("Atelier B", 2), session("Atelier C", 3)
    table = session("Table ronde", None, FormatKind.round_table)
    release = ScheduleVersion(event=event, name="v1", released_at=utcnow() - timedelta(days=1))
    release.slots = [
        Slot(session=a, room=room, starts_at=day + timedelta(hours=9), ends_at=day + timedelta(hours=10, minutes=30)),
        Slot(session=b, starts_at=day + timedelta(hours=9, minutes=30), ends_at=day + timedelta(hours=11)),
        Slot(session=c, room=room, starts_at=day + timedelta(hours=13), ends_at=day + timedelta(hours=14, minutes=30)),
        Slot(session=table, room=room, starts_at=day + timedelta(hours=15), ends_at=day + timedelta(hours=16)),
    ]
    db.session.add_all([room, a, b, c, table, release])
    db.session.add(RegistrationSettings(event=event, is_open=True, **settings))
    db.session.commit()
    return RegEvent(event, a, b, c, table, release)


def participant(reg: RegEvent, email: str, *, attendance=Attendance.on_site, **data) -> Registration:
    """A registration made by the form and confirmed by its link; committed."""
    now = utcnow()
    values = {"full_name": email.split("@")[0].replace(".", " ").title(), "email": email, "attendance": attendance}
    registration = services.register(reg.event, services.RegistrationData(**{**values, **data}), now)
    db.session.commit()
    token = services.confirmation_url(registration).rpartition("/")[2]
    services.confirm(reg.event, token, now)
    db.session.commit()
    return registration
