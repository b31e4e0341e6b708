"""Reminders: before the event (J-7 and J-1 by default, `RegistrationSettings.reminder_days`) to every
confirmed registration, and `workshop_reminder_hours` before each workshop to its seat holders. Each mail
carries the join link (given by the videoconference module through `hooks.register_join_link`; until then
the programme or the session's page), the personal link and an .ics file for the person's calendar.

The `reminders` duty of the worker (nec.core.worker) sends them. Each reminder is sent once, whatever the
number of worker processes and their restarts: an event reminder is claimed by inserting its EventReminder
row (unique per registration and day: INSERT ... ON CONFLICT DO NOTHING), a workshop reminder by a
conditional UPDATE of its seat's `reminded_at`; the mail is queued in the transaction of its claim, so
both are kept or neither.

Only the latest reminder due is sent: someone registered after J-7 gets J-1 alone, and a worker stopped
for days sends the latest one late rather than all of them. Nothing is sent once the event (or the
workshop) has begun, nor to someone who registered (or booked the seat) after the reminder's time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from nec.core import hooks
from nec.core.links import base_url
from nec.core.mail import Attachment
from nec.core.text import clean_text
from nec.core.time import localize
from nec.core.web import datetime_text
from nec.events.models import Event
from nec.extensions import db
from nec.programme.exports import services as exports
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.public.agenda import favourite_ids
from nec.programme.public.services import PUBLIC_STATES
from nec.programme.releases.versions import latest_release, release_slots
from nec.proposals.models import Session
from nec.registrations import seats
from nec.registrations.links import personal_url
from nec.registrations.mail_kinds import ReminderMailKind, event_dates_text, mail_registration
from nec.registrations.models import (
    Attendance,
    EventReminder,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatState,
)

#: An event reminder is due at this time of the day (in the event's time zone), `days_before` its first day.
REMINDER_TIME = time(9, 0)
#: Reminders queued per pass at most (the worker runs the duty again at once after a full pass).
BATCH = 200
MAX_DAYS_BEFORE = 60


# --- when ----------------------------------------------------------------------------------------


def reminder_days(text: str | None) -> list[int]:
    """The days before the event when everyone is reminded ("7,1" → [7, 1]), farthest first; anything
    that is not a whole number of days between 0 and MAX_DAYS_BEFORE is ignored."""
    days = set()
    for part in (text or "").replace(";", ",").replace(" ", ",").split(","):
        if part.strip().isdigit() and 0 <= int(part) <= MAX_DAYS_BEFORE:
            days.add(int(part))
    return sorted(days, reverse=True)


def reminder_due_at(event: Event, days_before: int) -> datetime:
    return localize(event.start_date - timedelta(days=days_before), REMINDER_TIME, event.timezone)


def event_begins(event: Event, version: ScheduleVersion | None) -> datetime:
    """When the event begins: its first released slot, else REMINDER_TIME on its first day."""
    first = None
    if version is not None:
        first = db.session.scalar(sa.select(sa.func.min(Slot.starts_at)).where(Slot.version_id == version.id))
    if first is not None:
        return first if first.tzinfo else first.replace(tzinfo=ZoneInfo("UTC"))
    return localize(event.start_date, REMINDER_TIME, event.timezone)


def due_stage(event: Event, settings: RegistrationSettings, now: datetime, begins: datetime) -> int | None:
    """The latest event reminder due now (its days before the event), or None (none due, or it has begun)."""
    if now >= begins:
        return None
    due = [days for days in reminder_days(settings.reminder_days) if reminder_due_at(event, days) <= now]
    return min(due) if due else None


def _upcoming_events(now: datetime) -> list[tuple[Event, RegistrationSettings]]:
    """Published events taking registrations that have not ended, whose first day is at most
    MAX_DAYS_BEFORE days away (a handful: one query)."""
    today = now.date()
    rows = db.session.execute(
        sa.select(Event, RegistrationSettings)
        .join(RegistrationSettings, RegistrationSettings.event_id == Event.id)
        .where(
            Event.is_published,
            Event.end_date >= today - timedelta(days=1),
            Event.start_date <= today + timedelta(days=MAX_DAYS_BEFORE + 1),
        )
        .order_by(Event.start_date, Event.id)
    )
    return [(event, settings) for event, settings in rows]


# --- claims ----------------------------------------------------------------------------------------


def claim_event_reminder(registration_id: int, days_before: int, now: datetime) -> bool:
    """Record that this reminder is sent; False when it already was (by this or another worker). The
    unique constraint decides: a second worker's insert waits for the first's commit, then does nothing."""
    values = {"registration_id": registration_id, "days_before": days_before, "sent_at": now}
    dialect = db.session.get_bind().dialect.name
    table = EventReminder.__table__  # a plain INSERT (an ORM one would not tell whether a row was added)
    if dialect in ("postgresql", "sqlite"):
        insert = (postgresql if dialect == "postgresql" else sqlite).insert(table)
        statement = insert.values(**values).on_conflict_do_nothing(index_elements=["registration_id", "days_before"])
        return db.session.execute(statement.returning(table.c.id)).scalar() is not None
    try:  # another database: the constraint refuses the second row
        with db.session.begin_nested():
            db.session.execute(sa.insert(table).values(**values))
    except sa.exc.IntegrityError:
        return False
    return True


def claim_workshop_reminder(seat_id: int, now: datetime) -> bool:
    """Mark the seat reminded, if it still is booked and was not reminded yet (a conditional UPDATE)."""
    changed = db.session.execute(
        sa.update(Seat)
        .where(Seat.id == seat_id, Seat.state == SeatState.booked, Seat.reminded_at.is_(None))
        .values(reminded_at=now)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


# --- the duty ----------------------------------------------------------------------------------------


def send_due(now: datetime, limit: int = BATCH) -> int:
    """Queue the reminders due now (event and workshop ones), `limit` at most; returns how many."""
    sent = send_event_reminders(now, limit)
    if sent < limit:
        sent += send_workshop_reminders(now, limit - sent)
    return sent


@dataclass
class _Programme:
    """An event's latest release, loaded once per pass for the .ics files."""

    event: Event
    version: ScheduleVersion | None
    _schedule: exports.ReleasedSchedule | None = field(default=None, init=False)

    def schedule(self) -> exports.ReleasedSchedule | None:
        if self.version is not None and self._schedule is None:
            self._schedule = exports.build_schedule(self.event, self.version, release_slots(self.version), base_url())
        return self._schedule


def send_event_reminders(now: datetime, limit: int = BATCH) -> int:
    sent = 0
    for event, settings in _upcoming_events(now):
        version = latest_release(event)
        stage = due_stage(event, settings, now, event_begins(event, version))
        if stage is None:
            continue
        already = sa.exists().where(
            EventReminder.registration_id == Registration.id, EventReminder.days_before == stage
        )
        candidates = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.state == RegistrationState.confirmed,
                sa.func.coalesce(Registration.confirmed_at, Registration.created_at) <= reminder_due_at(event, stage),
                ~already,
            )
            .order_by(Registration.id)
            .limit(limit - sent)
        ).all()
        programme = _Programme(event, version)
        for registration in candidates:
            if claim_event_reminder(registration.id, stage, now):
                _send_event_reminder(registration, programme, now)
                sent += 1
        if sent >= limit:
            break
    return sent


def send_workshop_reminders(now: datetime, limit: int = BATCH) -> int:
    sent = 0
    for event, settings in _upcoming_events(now):
        hours = settings.workshop_reminder_hours
        version = latest_release(event) if hours > 0 else None
        if version is None:
            continue
        ahead = timedelta(hours=hours)
        slots = db.session.scalars(
            sa.select(Slot)
            .join(Session, Slot.session_id == Session.id)
            .where(
                Slot.version_id == version.id,
                Session.seat_capacity.is_not(None),
                Session.state.in_(PUBLIC_STATES),
                Slot.starts_at > now,
                Slot.starts_at <= now + ahead,
            )
            .order_by(Slot.starts_at, Slot.id)
        ).all()
        programme = _Programme(event, version)
        for slot in slots:
            sent += _remind_holders(slot, slot.starts_at - ahead, programme, now, limit - sent)
            if sent >= limit:
                return sent
    return sent


def _remind_holders(slot: Slot, due: datetime, programme: _Programme, now: datetime, limit: int) -> int:
    holders = db.session.scalars(
        sa.select(Seat)
        .join(Seat.registration)
        .where(
            Seat.session_id == slot.session_id,
            Seat.state == SeatState.booked,
            Seat.reminded_at.is_(None),
            Registration.state == RegistrationState.confirmed,
            sa.func.coalesce(Seat.booked_at, Seat.created_at) <= due,
        )
        .order_by(Seat.id)
        .limit(limit)
    ).all()
    sent = 0
    for seat in holders:
        if claim_workshop_reminder(seat.id, now):
            _send_workshop_reminder(seat, slot, programme)
            sent += 1
    return sent


# --- the mails ----------------------------------------------------------------------------------------


def when_text(event: Event, now: datetime) -> str:
    """How far the event is, from the reader's today in the event's time zone: "demain", "dans 7 jours"."""
    days = (event.start_date - now.astimezone(ZoneInfo(event.timezone)).date()).days
    if days <= 0:
        return _("aujourd'hui")
    if days == 1:
        return _("demain")
    return _("dans %(days)d jours", days=days)


def venue_text(event: Event) -> str:
    place = ", ".join(part.strip() for part in (event.venue_name, event.venue_address) if part and part.strip())
    return place or _("voir la page de l'événement, %(url)s", url=f"{base_url()}/{event.slug}/")


def _agenda_ids(registration: Registration) -> set[int]:
    """The person's "Mon programme": the registration's own (without an account) and the account's."""
    ids = {int(part) for part in registration.agenda_session_ids.replace(" ", ",").split(",") if part.isdigit()}
    if registration.user is not None:
        ids |= favourite_ids(registration.user, registration.event)
    return ids


def _workshops_text(event: Event, registration: Registration, own: list[Seat], programme: _Programme) -> str:
    schedule = programme.schedule()
    starts = {slot.session_id: slot.starts_at for slot in schedule.slots} if schedule else {}
    lines = []
    for seat in sorted(own, key=lambda s: starts.get(s.session_id) or datetime.max.replace(tzinfo=ZoneInfo("UTC"))):
        at = starts.get(seat.session_id)
        when = f", {datetime_text(at, event.timezone)}" if at else ""
        if seat.state == SeatState.waiting:
            state = _("liste d'attente, position %(n)d", n=seats.waiting_position(seat))
            lines.append(f"- « {seat.session.title} »{when} ({state})")
        elif seat.state == SeatState.offered:
            lines.append(f"- « {seat.session.title} »{when} ({_('une place vous est proposée : répondez vite')})")
        else:
            lines.append(f"- « {seat.session.title} »{when}")
    if not lines:
        return _(
            "Vous n'avez pas de place réservée dans un atelier. Il en reste peut-être : voyez votre espace personnel."
        )
    return _("Vos ateliers :") + "\n" + "\n".join(lines)


def _send_event_reminder(registration: Registration, programme: _Programme, now: datetime) -> None:
    event = registration.event
    own = seats.active_seats(registration)
    booked = {seat.session_id for seat in own if seat.state == SeatState.booked}
    calendar = event_calendar(event, programme.schedule(), booked | _agenda_ids(registration), now)
    mail_registration(
        registration,
        ReminderMailKind.event_reminder,
        attachments=[Attachment(f"{event.slug}.ics", "text/calendar", calendar)],
        when=when_text(event, now),
        event_dates=event_dates_text(event),
        attendance=_("sur place") if registration.attendance == Attendance.on_site else _("en ligne"),
        venue=venue_text(event),
        workshops=_workshops_text(event, registration, own, programme),
        join_link=hooks.join_link(registration, None) or f"{base_url()}/{event.slug}/programme/",
        personal_url=personal_url(registration),
    )


def _send_workshop_reminder(seat: Seat, slot: Slot, programme: _Programme) -> None:
    registration, session, event = seat.registration, seat.session, programme.event
    session_url = f"{base_url()}/{event.slug}/sessions/{session.id}/"
    schedule = programme.schedule()
    mine = schedule.only_session(session.id) if schedule else None
    attachments = []
    if mine is not None:
        ics = exports.get_exporter("ics").render(mine)
        attachments.append(Attachment(f"{event.slug}-atelier-{session.id}.ics", "text/calendar", ics.decode()))
    mail_registration(
        registration,
        ReminderMailKind.workshop_reminder,
        attachments=attachments,
        session_title=session.title,
        session_time=datetime_text(slot.starts_at, event.timezone),
        session_room=slot.room.name if slot.room else _("précisée à l'accueil"),
        join_link=hooks.join_link(registration, session.id) or session_url,
        session_url=session_url,
        personal_url=personal_url(registration),
    )


# --- the .ics of an event reminder -----------------------------------------------------------------------


def event_calendar(
    event: Event, schedule: exports.ReleasedSchedule | None, session_ids: set[int], now: datetime
) -> str:
    """The event as whole days, and the person's sessions (booked workshops, "Mon programme") at their
    times in the latest release, as an iCalendar file."""
    calendar = icalendar.Calendar.new(
        prodid=f"-//Numérique en Communs//{exports.GENERATOR_NAME}//FR",
        name=clean_text(event.title, single_line=True),
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    whole = icalendar.Event.new(
        uid=f"{exports.calendar_uid(event)}-event@{event.slug}",
        stamp=now,
        start=event.start_date,
        end=event.end_date + timedelta(days=1),
        summary=clean_text(event.title, single_line=True),
        location=clean_text(", ".join(p for p in (event.venue_name, event.venue_address) if p), single_line=True)
        or None,
        url=f"{base_url()}/{event.slug}/",
    )
    calendar.add_component(whole)
    mine = schedule.only_sessions(session_ids) if schedule is not None and session_ids else None
    if mine is not None:
        for entry in exports.get_exporter("ics").entries(mine):
            calendar.add_component(entry)
        week = timedelta(days=7)  # the time zone's rules around the event only, as in the programme's .ics
        calendar.add_missing_timezones(first_date=event.start_date - week, last_date=event.end_date + week)
    return calendar.to_ical().decode()
