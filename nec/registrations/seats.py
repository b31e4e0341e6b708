"""Seats in limited workshops, and their waiting lists.

The database decides who gets a seat: each limited session has one `SeatCounter` row, changed only by
conditional UPDATEs (`taken + 1 WHERE taken < capacity AND waiting = 0`), never counted in Python first.
The UPDATE locks that row until the commit (PostgreSQL) or takes the database's write lock (SQLite), so
whatever follows in the transaction (numbering the waiting list, choosing whom to offer a freed seat)
happens one request at a time per workshop, with any number of app servers and workers.

A freed seat is held for the waiting list: while anybody waits, nobody books directly; the first in ticket
order gets an offer (`offered`, with a deadline before the session starts) that they accept or decline by
the link of their mail. An offer declined, expired (`expire_offers`, a worker duty) or overtaken by the
start passes to the next person at once. A person's own changes are serialised by a no-op UPDATE of their
registration row, so that two requests of the same person cannot book two overlapping workshops."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from nec.core.audit import log_action
from nec.core.errors import UserError
from nec.core.links import base_url
from nec.core.time import to_local
from nec.core.tokens import InvalidLink, sign
from nec.core.web import clock_text, datetime_text
from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.public.services import PUBLIC_STATES
from nec.proposals.models import Session
from nec.registrations.links import personal_url, unsign_pair
from nec.registrations.mail_kinds import RegistrationMailKind, mail_registration
from nec.registrations.models import (
    ACTIVE_STATES,
    HOLDING_STATES,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatCounter,
    SeatState,
)

OFFER_PURPOSE = "registration.offer"
# An offer always closes this long before the session starts, so that the person has time to come.
OFFER_MARGIN = timedelta(minutes=15)
OFFER_LINK_DAYS = 30


class SeatError(UserError):
    """A seat that cannot be taken, left or answered; the message (French) says why and what to do."""


@dataclass(frozen=True)
class Availability:
    capacity: int
    taken: int
    waiting: int

    @property
    def left(self) -> int:
        """Seats anybody may book now: none while people wait (a freed seat is theirs)."""
        return 0 if self.waiting else max(self.capacity - self.taken, 0)

    @property
    def is_full(self) -> bool:
        return self.left == 0


# --- reading ---------------------------------------------------------------------------------------


def availability(session_ids) -> dict[int, Availability]:
    """Seats of each limited session among `session_ids` (one query); unlimited sessions are left out."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Session.id, Session.seat_capacity, SeatCounter.taken, SeatCounter.waiting)
        .outerjoin(SeatCounter, SeatCounter.session_id == Session.id)
        .where(Session.id.in_(ids), Session.seat_capacity.is_not(None))
    )
    return {sid: Availability(capacity, taken or 0, waiting or 0) for sid, capacity, taken, waiting in rows}


def _latest_release(event_id: int):
    return (
        sa.select(ScheduleVersion.id)
        .where(ScheduleVersion.event_id == event_id, ScheduleVersion.released_at.is_not(None))
        .order_by(ScheduleVersion.released_at.desc(), ScheduleVersion.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def published_session(event_id: int, session_id: int) -> tuple[Session, tuple[datetime, datetime]] | None:
    """A session of the event's latest release that still takes place, with its times (one query)."""
    row = db.session.execute(
        sa.select(Session, Slot.starts_at, Slot.ends_at)
        .join(Slot, Slot.session_id == Session.id)
        .where(
            Session.id == session_id,
            Session.event_id == event_id,
            Session.state.in_(PUBLIC_STATES),
            Slot.version_id == _latest_release(event_id),
        )
        .limit(1)
    ).first()
    return (row[0], (row[1], row[2])) if row is not None else None


def session_windows(event_id: int, session_ids) -> dict[int, tuple[datetime, datetime]]:
    """When each of these sessions takes place in the event's latest release (one light query); a session
    not in it, or no longer taking place, is left out."""
    ids = list(session_ids)
    if not ids:
        return {}
    latest = _latest_release(event_id)
    rows = db.session.execute(
        sa.select(Slot.session_id, Slot.starts_at, Slot.ends_at)
        .join(Session, Session.id == Slot.session_id)
        .where(Slot.version_id == latest, Slot.session_id.in_(ids), Session.state.in_(PUBLIC_STATES))
    )
    return {sid: (start, end) for sid, start, end in rows}


def session_window(session: Session) -> tuple[datetime, datetime] | None:
    """When the session takes place in the latest release (None: not in the released programme)."""
    return session_windows(session.event_id, [session.id]).get(session.id)


def active_seats(registration: Registration) -> list[Seat]:
    """The person's seats that still count (booked, offered, waiting), in time order of their sessions."""
    return list(
        db.session.scalars(
            sa.select(Seat)
            .where(Seat.registration_id == registration.id, Seat.state.in_(ACTIVE_STATES))
            .options(joinedload(Seat.session))
            .order_by(Seat.id)
        )
    )


def seat_of(registration: Registration, session: Session) -> Seat | None:
    return db.session.scalar(
        sa.select(Seat).where(Seat.registration_id == registration.id, Seat.session_id == session.id)
    )


def waiting_position(seat: Seat) -> int:
    """1 for the next person to get an offer; 0 when the seat is not waiting."""
    if seat.state != SeatState.waiting:
        return 0
    ahead = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Seat)
        .where(Seat.session_id == seat.session_id, Seat.state == SeatState.waiting, Seat.ticket < seat.ticket)
    )
    return (ahead or 0) + 1


def booked_holders(session: Session) -> list[Seat]:
    """Who holds a seat (booked or offered), by name."""
    return list(
        db.session.scalars(
            sa.select(Seat)
            .join(Seat.registration)
            .where(Seat.session_id == session.id, Seat.state.in_(HOLDING_STATES))
            .options(joinedload(Seat.registration))
            .order_by(Registration.full_name, Seat.id)
        )
    )


# --- locks -----------------------------------------------------------------------------------------


def _lock_person(registration: Registration) -> None:
    """A no-op UPDATE of the registration's row: the same person's seat changes happen one at a time."""
    db.session.execute(
        sa.update(Registration)
        .where(Registration.id == registration.id)
        .values(state=Registration.state)
        .execution_options(synchronize_session=False)
    )


def _ensure_counter(session_id: int) -> None:
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.session.execute(insert(SeatCounter).values(session_id=session_id).on_conflict_do_nothing())


def _counter_update(session_id: int, *where, **values) -> bool:
    changed = db.session.execute(
        sa.update(SeatCounter)
        .where(SeatCounter.session_id == session_id, *where)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return changed.rowcount == 1


def _capacity(session_id: int):
    return sa.select(Session.seat_capacity).where(Session.id == session_id).scalar_subquery()


# --- taking and leaving ----------------------------------------------------------------------------


def _check_bookable(
    registration: Registration, session: Session, now: datetime, window: tuple[datetime, datetime] | None
) -> tuple[datetime, datetime]:
    if session.event_id != registration.event_id:
        raise SeatError(_("Cet atelier n'appartient pas à cet événement."))
    if registration.state != RegistrationState.confirmed:
        raise SeatError(_("Confirmez d'abord votre inscription à l'événement (le lien est dans votre e-mail)."))
    if session.seat_capacity is None:
        raise SeatError(_("Cette session est en accès libre : il n'y a pas de place à réserver."))
    window = window or session_window(session)
    if window is None:
        raise SeatError(_("Cet atelier n'est pas au programme publié."))
    if now >= window[0]:
        raise SeatError(_("Cet atelier a déjà commencé : il n'est plus possible de réserver une place."))
    return window


def _check_overlap(
    registration: Registration, session: Session, window: tuple[datetime, datetime], mine: list[Seat]
) -> None:
    others = [seat for seat in mine if seat.session_id != session.id and seat.state in ACTIVE_STATES]
    windows = session_windows(registration.event_id, [seat.session_id for seat in others])
    for seat in others:
        other = windows.get(seat.session_id)
        if other is not None and other[0] < window[1] and window[0] < other[1]:
            tz = registration.event.timezone
            raise SeatError(
                _(
                    "Vous avez déjà une place (ou une place en liste d'attente) à l'atelier « %(title)s », "
                    "au même moment (%(start)s–%(end)s). Libérez-la d'abord pour choisir celui-ci.",
                    title=seat.session.title,
                    start=clock_text(to_local(other[0], tz)),
                    end=clock_text(to_local(other[1], tz)),
                )
            )


def _take_counter(session_id: int) -> tuple[bool, int]:
    """(booked, ticket): a seat when one is free and nobody waits, else a place at the end of the waiting
    list; each decided by one conditional UPDATE of the counter, which returns the ticket it gave.

    The waiting list's UPDATE has the opposite condition, so a request never waits while a seat is free:
    when the counter changed between the two statements (or does not exist yet), both change nothing and
    the pair is tried again on the committed row."""
    capacity = _capacity(session_id)
    book = (
        sa.update(SeatCounter)
        .where(SeatCounter.session_id == session_id, SeatCounter.waiting == 0, SeatCounter.taken < capacity)
        .values(taken=SeatCounter.taken + 1, last_ticket=SeatCounter.last_ticket + 1)
        .returning(SeatCounter.last_ticket)
        .execution_options(synchronize_session=False)
    )
    wait = (
        sa.update(SeatCounter)
        .where(SeatCounter.session_id == session_id, sa.or_(SeatCounter.waiting > 0, SeatCounter.taken >= capacity))
        .values(waiting=SeatCounter.waiting + 1, last_ticket=SeatCounter.last_ticket + 1)
        .returning(SeatCounter.last_ticket)
        .execution_options(synchronize_session=False)
    )
    for _attempt in range(5):
        ticket = db.session.execute(book).scalar()
        if ticket is not None:
            return True, ticket
        ticket = db.session.execute(wait).scalar()
        if ticket is not None:
            return False, ticket
        _ensure_counter(session_id)  # the workshop's first seat: its counter row is made once
    raise SeatError(_("Trop de demandes à la fois pour cet atelier : réessayez dans un instant."))


def take_seat(
    registration: Registration,
    session: Session,
    now: datetime,
    actor=None,
    *,
    window: tuple[datetime, datetime] | None = None,
) -> Seat:
    """Book a seat, or a place on the waiting list when the workshop is full or people already wait.

    Taking a seat one already has (a double click) changes nothing and returns it. `window`: the session's
    times when the caller has just read them (session_window)."""
    window = _check_bookable(registration, session, now, window)
    _lock_person(registration)
    mine = list(
        db.session.scalars(
            sa.select(Seat).where(Seat.registration_id == registration.id).options(joinedload(Seat.session))
        )
    )
    seat = next((s for s in mine if s.session_id == session.id), None)
    if seat is not None and seat.state in ACTIVE_STATES:
        return seat
    _check_overlap(registration, session, window, mine)
    booked, ticket = _take_counter(session.id)
    if seat is None:
        seat = Seat(registration_id=registration.id, session_id=session.id)
        db.session.add(seat)
    seat.state = SeatState.booked if booked else SeatState.waiting
    seat.ticket = ticket
    seat.created_at = now
    seat.booked_at = now if booked else None
    seat.offered_at = seat.offer_expires_at = seat.ended_at = seat.reminded_at = None
    db.session.flush()
    if actor is not None:
        log_action("seat.taken", actor=actor, event=registration.event, target=seat, state=seat.state.value)
    return seat


def leave(registration: Registration, session: Session, now: datetime, actor=None) -> Seat | None:
    """Give back a seat (or a place on the waiting list); a freed seat goes to the waiting list at once.
    None when the person had nothing there (a second click)."""
    _lock_person(registration)
    seat = seat_of(registration, session)
    if seat is None or seat.state not in ACTIVE_STATES:
        return None
    _end(seat, SeatState.cancelled, now)
    if actor is not None:
        log_action("seat.cancelled", actor=actor, event=registration.event, target=seat)
    return seat


def release_all(registration: Registration, now: datetime) -> int:
    """Give back every seat of a registration (it is cancelled or erased); returns how many."""
    _lock_person(registration)
    seats = active_seats(registration)
    for seat in seats:
        _end(seat, SeatState.cancelled, now)
    return len(seats)


def move_seat(registration: Registration, from_session: Session, to_session: Session, actor, now: datetime) -> Seat:
    """An organiser moves a participant from one workshop to another: the old seat is freed (and offered to
    its waiting list), the new one taken (or a place on its waiting list when it is full)."""
    if from_session.id == to_session.id:
        raise SeatError(_("Choisissez un autre atelier que celui où la personne a déjà sa place."))
    if leave(registration, from_session, now) is None:
        raise SeatError(_("Cette personne n'a pas de place dans l'atelier « %(title)s ».", title=from_session.title))
    seat = take_seat(registration, to_session, now)
    log_action(
        "seat.moved",
        actor=actor,
        event=registration.event,
        target=seat,
        from_session=from_session.id,
        state=seat.state.value,
    )
    return seat


def _end(seat: Seat, state: SeatState, now: datetime) -> bool:
    """End a seat that is still `seat.state`, fixing the counters; a freed seat goes to the waiting list.
    False when another request ended it first."""
    was = seat.state
    changed = db.session.execute(
        sa.update(Seat)
        .where(Seat.id == seat.id, Seat.state == was)
        .values(state=state, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        db.session.refresh(seat)
        return False
    if was == SeatState.waiting:
        _counter_update(seat.session_id, SeatCounter.waiting > 0, waiting=SeatCounter.waiting - 1)
    else:
        _counter_update(seat.session_id, SeatCounter.taken > 0, taken=SeatCounter.taken - 1)
    db.session.refresh(seat)
    if was in HOLDING_STATES:
        promote(seat.session, now)
    return True


# --- the waiting list ------------------------------------------------------------------------------


def _offer_hours(event_id: int) -> int:
    hours = db.session.scalar(
        sa.select(RegistrationSettings.offer_hours).where(RegistrationSettings.event_id == event_id)
    )
    return hours or 48


def promote(session: Session, now: datetime) -> list[Seat]:
    """Offer every free seat of the session to the next people waiting, in ticket order, while it has not
    started. The counter's UPDATE (taken + 1, waiting - 1) comes first: it locks the counter, so the
    choice of the next person is made by one request at a time."""
    window = session_window(session)
    if window is None:
        return []
    deadline = min(now + timedelta(hours=_offer_hours(session.event_id)), window[0] - OFFER_MARGIN)
    if deadline <= now:
        return []  # too late: no offer once the session starts (or is about to)
    offered = []
    while _counter_update(
        session.id,
        SeatCounter.waiting > 0,
        SeatCounter.taken < _capacity(session.id),
        taken=SeatCounter.taken + 1,
        waiting=SeatCounter.waiting - 1,
    ):
        seat = db.session.scalar(
            sa.select(Seat)
            .where(Seat.session_id == session.id, Seat.state == SeatState.waiting)
            .order_by(Seat.ticket)
            .limit(1)
        )
        if seat is None:  # the counter said someone waits, the rows say no: trust the rows
            _counter_update(session.id, taken=SeatCounter.taken - 1, waiting=0)
            break
        seat.state = SeatState.offered
        seat.offered_at = now
        seat.offer_expires_at = deadline
        db.session.flush()
        _send_offer(seat, window[0])
        offered.append(seat)
    return offered


def offer_token(seat: Seat) -> str:
    return sign([seat.id, seat.ticket], OFFER_PURPOSE)


def offer_url(seat: Seat) -> str:
    return f"{base_url()}/{seat.session.event.slug}/me/offers/{offer_token(seat)}"


def seat_from_offer_token(event: Event, token: str) -> Seat:
    """The seat an offer link is about; InvalidLink when altered, or about an older place in the list."""
    seat_id, ticket = unsign_pair(token, OFFER_PURPOSE, OFFER_LINK_DAYS * 86400)
    seat = db.session.get(Seat, seat_id)
    if seat is None or seat.ticket != ticket or seat.session.event_id != event.id:
        raise InvalidLink(_("Ce lien ne correspond plus à une place proposée. Ouvrez votre espace personnel."))
    return seat


def _send_offer(seat: Seat, starts_at: datetime) -> None:
    registration = seat.registration
    tz = seat.session.event.timezone
    mail_registration(
        registration,
        RegistrationMailKind.seat_offer,
        session_title=seat.session.title,
        session_time=datetime_text(starts_at, tz),
        offer_url=offer_url(seat),
        offer_deadline=datetime_text(seat.offer_expires_at, tz),
        personal_url=personal_url(registration),
    )


def accept_offer(seat: Seat, now: datetime) -> Seat:
    """Take the seat held for this person, before its deadline; accepting twice changes nothing."""
    if seat.state == SeatState.booked:
        return seat
    changed = db.session.execute(
        sa.update(Seat)
        .where(Seat.id == seat.id, Seat.state == SeatState.offered, Seat.offer_expires_at > now)
        .values(state=SeatState.booked, booked_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(seat)
    if changed.rowcount != 1:
        raise SeatError(
            _(
                "Cette place n'est plus disponible pour vous : le délai pour répondre est passé, ou vous l'avez "
                "déjà refusée. Elle a été proposée à la personne suivante."
            )
        )
    return seat


def decline_offer(seat: Seat, now: datetime) -> bool:
    """Leave the seat to the next person, who gets the offer at once; False when it was no longer offered."""
    return seat.state == SeatState.offered and _end(seat, SeatState.declined, now)


def expire_offers(now: datetime, limit: int = 200) -> int:
    """Offers past their deadline pass to the next person (a worker duty; several workers may run it at once:
    each offer is ended by one conditional UPDATE, so by exactly one of them)."""
    due = list(
        db.session.scalars(
            sa.select(Seat)
            .where(Seat.state == SeatState.offered, Seat.offer_expires_at <= now)
            .order_by(Seat.offer_expires_at)
            .limit(limit)
        )
    )
    return sum(1 for seat in due if _end(seat, SeatState.expired, now))
