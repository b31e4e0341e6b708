"""Check-in on site: a participant seen at the door or at a session, found by the QR code's secret or by
name, recorded once whoever scans twice and whenever two phones scan at the same moment.

The door is `Registration.checked_in_at`, set by a conditional UPDATE (only while it is empty); a session
is one `CheckIn` row per person and session, whose unique constraint decides between two scans. Either
way a second scan answers with the first one's time ("déjà enregistré·e à 9h02") and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from nec.core.audit import log_action
from nec.core.errors import UserError
from nec.core.text import fold
from nec.core.time import to_local
from nec.core.web import clock_text
from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import Slot
from nec.programme.public.services import public_slots
from nec.programme.releases.versions import latest_release
from nec.proposals.models import Session
from nec.registrations.models import (
    UNAMBIGUOUS_ALPHABET,
    Attendance,
    CheckIn,
    Registration,
    RegistrationState,
    Seat,
    SeatState,
)
from nec.registrations.seats import booked_holders

SEARCH_LIMIT = 30
MAX_QUERY_LENGTH = 200
SECRET_PATTERN = re.compile(f"[{UNAMBIGUOUS_ALPHABET}]{{32}}")


class CheckInError(UserError):
    """A scan or a search that cannot record anyone; the message says what to do instead."""


@dataclass(frozen=True)
class Outcome:
    """What a scan did: recorded now, or already recorded at `at` (then nothing changed)."""

    registration: Registration
    session: Session | None  # None: the door
    at: datetime
    already: bool
    warnings: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Counts:
    """Live figures of one check-in list: people expected (None when nobody is listed in advance) and present."""

    expected: int | None
    present: int

    @property
    def missing(self) -> int | None:
        return None if self.expected is None else max(self.expected - self.present, 0)


# --- finding the person -------------------------------------------------------------------------------------


def secret_from_scan(text: str) -> str:
    """The secret in what a scanner read or a person typed: the code itself (spaces, dashes and capitals
    forgiven) or the check-in address the QR code carries (`...?code=<secret>`)."""
    text = (text or "").strip()
    if "://" in text:
        codes = parse_qs(urlsplit(text).query).get("code", [""])
        text = codes[0]
    return re.sub(r"[\s-]", "", text).lower()


def registration_by_secret(event: Event, scanned: str) -> Registration:
    secret = secret_from_scan(scanned)
    if not secret:
        raise CheckInError(_("Scannez un code ou saisissez-le, ou cherchez la personne par son nom."), field="code")
    registration = None
    if SECRET_PATTERN.fullmatch(secret):
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.event_id == event.id, Registration.checkin_secret == secret)
        )
    if registration is None:
        raise CheckInError(
            _(
                "Ce code ne correspond à aucune inscription à cet événement. Vérifiez qu'il s'agit du bon "
                "événement, ou cherchez la personne par son nom."
            ),
            field="code",
        )
    return registration


def registration_of_event(event: Event, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise CheckInError(_("Cette inscription n'existe pas ou plus. Cherchez la personne par son nom."))
    return registration


def session_of_event(event: Event, session_id: int | None) -> Session | None:
    """The session a check-in list is for (None: the door); only a session of the published programme."""
    if session_id is None:
        return None
    version = latest_release(event)
    released = version is not None and db.session.scalar(
        sa.select(Slot.id).where(Slot.version_id == version.id, Slot.session_id == session_id).limit(1)
    )
    if not released:
        raise CheckInError(_("Cette session ne figure pas dans le programme publié : choisissez-en une autre."))
    return db.session.get(Session, session_id)


def checkin_slots(event: Event) -> list[Slot]:
    """The published sessions, in time order: the lists an organiser may check people in for."""
    version = latest_release(event)
    if version is None:
        return []
    return [slot for slot in public_slots(version) if slot.session is not None]


def checkin_days(event: Event) -> list[list[Slot]]:
    """The published sessions grouped by local day, for the list selector."""
    days: dict = {}
    for slot in checkin_slots(event):
        days.setdefault(to_local(slot.starts_at, event.timezone).date(), []).append(slot)
    return list(days.values())


def search(event: Event, query: str, limit: int = SEARCH_LIMIT) -> list[Registration]:
    """Registrations whose name, e-mail or structure contains every word of `query`, accents and capitals
    ignored ("helene" finds Hélène): a phone's keyboard types neither. Cancelled ones are left out."""
    words = fold(query[:MAX_QUERY_LENGTH]).split()
    if not words:
        return []
    rows = db.session.execute(
        sa.select(Registration.id, Registration.full_name, Registration.email, Registration.structure).where(
            Registration.event_id == event.id, Registration.state != RegistrationState.cancelled
        )
    ).all()
    found = [row for row in rows if all(word in fold(f"{row[1]} {row[2]} {row[3]}") for word in words)]
    found.sort(key=lambda row: (fold(row[1]), row[0]))
    ids = [row[0] for row in found[:limit]]
    if not ids:
        return []
    registrations = {r.id: r for r in db.session.scalars(sa.select(Registration).where(Registration.id.in_(ids)))}
    return [registrations[i] for i in ids]


# --- checking in ----------------------------------------------------------------------------------------------


def _admissible(registration: Registration, event: Event) -> None:
    if registration.state == RegistrationState.pending:
        raise CheckInError(
            _(
                "%(name)s n'a pas confirmé son inscription (le lien reçu par e-mail n'a pas été suivi) : "
                "elle ne compte pas encore. Inscrivez la personne depuis la liste des participant·es.",
                name=registration.full_name,
            )
        )
    if registration.state == RegistrationState.cancelled:
        when = registration.cancelled_at
        raise CheckInError(
            _(
                "L'inscription de %(name)s a été annulée le %(day)s. Inscrivez de nouveau la personne si elle "
                "est bien attendue.",
                name=registration.full_name,
                day=to_local(when, event.timezone).strftime("%d/%m/%Y") if when else "?",
            )
        )


def check_in(event: Event, registration: Registration, now: datetime, actor, session: Session | None = None) -> Outcome:
    """Record the person at the door, or at `session` (which implies the door). Idempotent: a second call,
    even at the same moment from another phone, records nothing and returns the first time."""
    _admissible(registration, event)
    at_door = _check_in_at_door(registration, now, actor)
    if session is None:
        warnings = ()
        if registration.attendance == Attendance.online:
            warnings = (_("Cette personne s'était inscrite pour suivre l'événement en ligne."),)
        return Outcome(registration, None, at_door[0], already=at_door[1], warnings=warnings)
    at, already = _check_in_at_session(registration, session, now, actor)
    return Outcome(registration, session, at, already=already, warnings=_seat_warnings(registration, session))


def _check_in_at_door(registration: Registration, now: datetime, actor) -> tuple[datetime, bool]:
    """(the arrival time, whether it was already recorded): only one UPDATE of concurrent ones changes the row
    (PostgreSQL re-reads the condition once the other has committed)."""
    changed = db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=now, checked_in_by_id=getattr(actor, "id", None))
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.refresh(registration, ["checked_in_at", "checked_in_by_id"])
    return registration.checked_in_at, changed == 0


def _check_in_at_session(registration: Registration, session: Session, now: datetime, actor) -> tuple[datetime, bool]:
    """One row per person and session: the unique constraint refuses the second scan's row (inside a
    savepoint, so the rest of the action stands), and the first row's time is returned."""
    try:
        with db.session.begin_nested():
            db.session.add(
                CheckIn(
                    registration_id=registration.id,
                    session_id=session.id,
                    checked_in_at=now,
                    checked_in_by_id=getattr(actor, "id", None),
                )
            )
        return now, False
    except IntegrityError:
        first = db.session.scalar(
            sa.select(CheckIn.checked_in_at).where(
                CheckIn.registration_id == registration.id, CheckIn.session_id == session.id
            )
        )
        return first, True


def _seat_warnings(registration: Registration, session: Session) -> tuple[str, ...]:
    if session.seat_capacity is None:
        return ()
    seat = db.session.scalar(
        sa.select(Seat).where(Seat.registration_id == registration.id, Seat.session_id == session.id)
    )
    if seat is not None and seat.state == SeatState.booked:
        return ()
    if seat is not None and seat.state in (SeatState.waiting, SeatState.offered):
        return (_("Attention : cette personne était sur la liste d'attente de cet atelier, sans place réservée."),)
    return (_("Attention : cette personne n'avait pas de place réservée dans cet atelier."),)


def undo(event: Event, registration: Registration, now: datetime, actor, session: Session | None = None) -> None:
    """Take back a check-in made by mistake (the wrong line tapped). At the door it also takes back the
    person's sessions: someone not arrived attended nothing. Logged, since the record disappears."""
    if session is None:
        if registration.checked_in_at is None:
            raise CheckInError(_("L'arrivée de %(name)s n'était pas enregistrée.", name=registration.full_name))
        was = registration.checked_in_at
        registration.checked_in_at = None
        registration.checked_in_by_id = None
        db.session.execute(sa.delete(CheckIn).where(CheckIn.registration_id == registration.id))
    else:
        row = db.session.scalar(
            sa.select(CheckIn).where(CheckIn.registration_id == registration.id, CheckIn.session_id == session.id)
        )
        if row is None:
            raise CheckInError(
                _("La présence de %(name)s à cette session n'était pas enregistrée.", name=registration.full_name)
            )
        was = row.checked_in_at
        db.session.delete(row)
    log_action(
        "registration.checkin_undone",
        actor=actor,
        event=event,
        target=registration,
        session_id=session.id if session else None,
        checked_in_at=was.isoformat(),
        undone_at=now.isoformat(),
    )


# --- what the page shows ----------------------------------------------------------------------------------------


def counts(event: Event, session: Session | None = None) -> Counts:
    """At the door: confirmed on-site registrations and those arrived (whatever their mode). At a limited
    workshop: the booked seats and the people seen there; at another session, only those seen."""
    if session is None:
        confirmed = sa.and_(Registration.event_id == event.id, Registration.state == RegistrationState.confirmed)
        expected, present = db.session.execute(
            sa.select(
                sa.func.count().filter(Registration.attendance == Attendance.on_site),
                sa.func.count(Registration.checked_in_at),
            ).where(confirmed)
        ).one()
        return Counts(expected, present)
    present = db.session.scalar(sa.select(sa.func.count()).where(CheckIn.session_id == session.id))
    if session.seat_capacity is None:
        return Counts(None, present)
    booked = db.session.scalar(
        sa.select(sa.func.count()).where(Seat.session_id == session.id, Seat.state == SeatState.booked)
    )
    return Counts(booked, present)


def expected_people(session: Session | None) -> list[Registration]:
    """The people holding a seat in a limited workshop, by name: its list to tick (none for other lists)."""
    if session is None or session.seat_capacity is None:
        return []
    return [seat.registration for seat in booked_holders(session)]


def present_ids(registrations: list[Registration], session: Session | None) -> dict[int, datetime]:
    """{registration id: check-in time} among `registrations`, for the list (one query)."""
    if session is None:
        return {r.id: r.checked_in_at for r in registrations if r.checked_in_at is not None}
    if not registrations:
        return {}
    rows = db.session.execute(
        sa.select(CheckIn.registration_id, CheckIn.checked_in_at).where(
            CheckIn.session_id == session.id, CheckIn.registration_id.in_([r.id for r in registrations])
        )
    ).all()
    return dict(rows)


def outcome_message(outcome: Outcome, tz_name: str, now: datetime) -> str:
    """ "Camille Martin : arrivée enregistrée." or "Camille Martin : déjà enregistré·e à 9h02" (with the
    day when it was another day), in the page's language."""
    local = to_local(outcome.at, tz_name)
    name = outcome.registration.full_name
    if not outcome.already:
        if outcome.session is None:
            return _("%(name)s : arrivée enregistrée.", name=name)
        return _("%(name)s : présence à la session enregistrée.", name=name)
    if local.date() != to_local(now, tz_name).date():
        return _(
            "%(name)s : déjà enregistré·e le %(day)s à %(time)s.",
            name=name,
            day=local.strftime("%d/%m"),
            time=clock_text(local),
        )
    return _("%(name)s : déjà enregistré·e à %(time)s.", name=name, time=clock_text(local))
