"""Participants' registrations to an event, their seats in limited workshops, the waiting lists and the
check-ins.

Capacity is decided by the database: `RegistrationSettings` keeps the event's per-mode counters and
`SeatCounter` each limited session's, both changed by conditional UPDATEs (see services.py and seats.py)."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.accounts.models import User
from nec.core.db import N_, Base, LabelledEnum, UTCDateTime, enum_type, utcnow
from nec.events.models import Event
from nec.proposals.models import Session, StructureType


class RegistrationState(LabelledEnum):
    pending = "pending"  # waiting for the e-mailed confirmation link (double opt-in)
    confirmed = "confirmed"
    cancelled = "cancelled"

    __titles__ = {
        "pending": N_("En attente de confirmation"),
        "confirmed": N_("Confirmée"),
        "cancelled": N_("Annulée"),
    }


class Attendance(LabelledEnum):
    on_site = "on_site"
    online = "online"

    __titles__ = {"on_site": N_("Sur place"), "online": N_("En ligne")}


class SeatState(LabelledEnum):
    booked = "booked"
    waiting = "waiting"
    offered = "offered"  # a freed seat held for this person until offer_expires_at
    cancelled = "cancelled"  # given back by the person, or by the organisers
    declined = "declined"  # an offer refused
    expired = "expired"  # an offer left unanswered, or overtaken by the session's start

    __titles__ = {
        "booked": N_("Place réservée"),
        "waiting": N_("Liste d'attente"),
        "offered": N_("Place proposée"),
        "cancelled": N_("Annulée"),
        "declined": N_("Proposition refusée"),
        "expired": N_("Proposition expirée"),
    }


# Look-alike-free (no 0/o, 1/l/i): a secret read aloud or typed from a printout is still right.
UNAMBIGUOUS_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def new_checkin_secret() -> str:
    """32 random characters (about 158 bits) for a check-in QR code: it names nobody and cannot be guessed."""
    return "".join(secrets.choice(UNAMBIGUOUS_ALPHABET) for _ in range(32))


# The states that hold one of the workshop's seats, and those still in the queue.
HOLDING_STATES = (SeatState.booked, SeatState.offered)
ACTIVE_STATES = (SeatState.booked, SeatState.offered, SeatState.waiting)


class RegistrationSettings(Base):
    """How an event takes registrations, and its per-mode counters of confirmed registrations.

    No row, or `is_open` false: the event takes no registration."""

    __tablename__ = "registration_settings"
    __table_args__ = (
        sa.CheckConstraint("on_site_capacity IS NULL OR on_site_capacity >= 0", name="on_site_capacity_positive"),
        sa.CheckConstraint("online_capacity IS NULL OR online_capacity >= 0", name="online_capacity_positive"),
        sa.CheckConstraint("on_site_taken >= 0 AND online_taken >= 0", name="taken_positive"),
        sa.CheckConstraint("offer_hours >= 1", name="offer_hours_positive"),
        sa.CheckConstraint("pending_hours >= 1", name="pending_hours_positive"),
        sa.CheckConstraint("retention_days >= 30", name="retention_days_minimum"),
    )

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    is_open: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # None: no limit. The venue limits the on-site seats; online may be limited or not.
    on_site_capacity: Mapped[int | None]
    online_capacity: Mapped[int | None]
    # Confirmed registrations per mode, changed only by conditional UPDATEs (services.py).
    on_site_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    online_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    # A waiting-list offer stays open this long (always closing before the session starts).
    offer_hours: Mapped[int] = mapped_column(default=48, server_default="48")
    # An unconfirmed registration is deleted after this long.
    pending_hours: Mapped[int] = mapped_column(default=48, server_default="48")
    # Days before the event when every participant is reminded, e.g. "7,1".
    reminder_days: Mapped[str] = mapped_column(sa.String(40), default="7,1", server_default="7,1")
    # Hours before each workshop when its seat holders are reminded (0: none).
    workshop_reminder_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    # Registrations are anonymised this many days after the event's end.
    retention_days: Mapped[int] = mapped_column(default=365, server_default="365")

    event: Mapped[Event] = relationship()


class Registration(Base):
    """A participant's place at the event."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.CheckConstraint("full_name <> ''", name="name_not_empty"),
        sa.CheckConstraint("accessibility_needs = '' OR consent_accessibility", name="needs_need_consent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    structure: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    structure_type: Mapped[StructureType] = mapped_column(
        enum_type(StructureType, "structure_type"), default=StructureType.other
    )
    commune: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    postcode: Mapped[str] = mapped_column(sa.String(5), default="", server_default="")
    # Derived from the postcode ("16", "2A", "971"); empty when unknown.
    department: Mapped[str] = mapped_column(sa.String(3), default="", server_default="", index=True)
    attendance: Mapped[Attendance] = mapped_column(enum_type(Attendance, "attendance"), default=Attendance.on_site)
    state: Mapped[RegistrationState] = mapped_column(
        enum_type(RegistrationState, "state"), default=RegistrationState.pending, index=True
    )
    # Health data (RGPD art. 9): kept only with its own explicit consent.
    consent_accessibility: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Separate consents (RGPD): each one asked on its own, unticked, none required to register.
    consent_news: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    consent_image: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    language: Mapped[str] = mapped_column(sa.String(8), default="fr", server_default="fr")
    # "My programme" of a registration without an account (an account keeps its own favourites).
    agenda_session_ids: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The check-in QR code carries this random secret, never an id.
    checkin_secret: Mapped[str] = mapped_column(sa.String(40), unique=True, default=new_checkin_secret)
    # Personal links carry this number: raising it revokes every link already sent.
    link_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An unconfirmed registration is deleted once this has passed.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    seats: Mapped[list[Seat]] = relationship(back_populates="registration", cascade="all, delete-orphan")


class SeatCounter(Base):
    """A limited session's seats held (booked or offered) and people waiting: the row the conditional UPDATEs
    of seats.py change, so that the database decides who gets the last seat. `last_ticket` numbers the
    arrivals: the waiting list is served in ticket order."""

    __tablename__ = "seat_counters"
    __table_args__ = (sa.CheckConstraint("taken >= 0 AND waiting >= 0", name="counts_positive"),)

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True)
    taken: Mapped[int] = mapped_column(default=0, server_default="0")
    waiting: Mapped[int] = mapped_column(default=0, server_default="0")
    last_ticket: Mapped[int] = mapped_column(default=0, server_default="0")

    session: Mapped[Session] = relationship()


class Seat(Base):
    """A person's place in a limited workshop: booked, waiting (in `ticket` order), offered, or ended."""

    __tablename__ = "seats"
    __table_args__ = (
        sa.UniqueConstraint("registration_id", "session_id"),
        sa.Index("ix_seats_session_state_ticket", "session_id", "state", "ticket"),
        sa.CheckConstraint("state <> 'offered' OR offer_expires_at IS NOT NULL", name="offer_has_deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    state: Mapped[SeatState] = mapped_column(enum_type(SeatState, "state"), default=SeatState.booked)
    ticket: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    booked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Sent reminders, so that a second worker pass sends none again.
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="seats")
    session: Mapped[Session] = relationship()


class CheckIn(Base):
    """A participant seen at a session (scanned or found by name): one row per person and session, so a
    second scan answers "déjà enregistré·e" with the first time. The door is Registration.checked_in_at."""

    __tablename__ = "check_ins"
    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    checked_in_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    registration: Mapped[Registration] = relationship()
    session: Mapped[Session] = relationship()


class EventReminder(Base):
    """An event-wide reminder already sent to a registration ("7" days before, "1"...), so that several
    worker processes and restarts never send it twice (the unique constraint decides)."""

    __tablename__ = "event_reminders"
    __table_args__ = (sa.UniqueConstraint("registration_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    days_before: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
