"""Participants' registrations to an event and their seats in limited workshops."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.accounts.models import User
from nec.core.db import N_, Base, LabelledEnum, UTCDateTime, enum_type, utcnow
from nec.events.models import Event
from nec.proposals.models import Session, StructureType


class RegistrationState(LabelledEnum):
    confirmed = "confirmed"
    cancelled = "cancelled"

    __titles__ = {"confirmed": N_("Confirmée"), "cancelled": N_("Annulée")}


class Attendance(LabelledEnum):
    on_site = "on_site"
    online = "online"

    __titles__ = {"on_site": N_("Sur place"), "online": N_("En ligne")}


class SeatState(LabelledEnum):
    booked = "booked"
    waiting = "waiting"

    __titles__ = {"booked": N_("Place réservée"), "waiting": N_("Liste d'attente")}


class Registration(Base):
    """A participant's place at the event."""

    __tablename__ = "registrations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.CheckConstraint("full_name <> ''", name="name_not_empty"),
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
    territory: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    attendance: Mapped[Attendance] = mapped_column(enum_type(Attendance, "attendance"), default=Attendance.on_site)
    state: Mapped[RegistrationState] = mapped_column(
        enum_type(RegistrationState, "state"), default=RegistrationState.confirmed
    )
    accessibility_needs: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Separate consents (RGPD): each one asked on its own, none required to register.
    consent_news: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    consent_share_with_partners: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
    seats: Mapped[list[Seat]] = relationship(back_populates="registration", cascade="all, delete-orphan")


class Seat(Base):
    """A place in a limited workshop, booked or on the waiting list (ordered by created_at)."""

    __tablename__ = "seats"
    __table_args__ = (sa.UniqueConstraint("registration_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    state: Mapped[SeatState] = mapped_column(enum_type(SeatState, "state"), default=SeatState.booked)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration] = relationship(back_populates="seats")
    session: Mapped[Session] = relationship()
