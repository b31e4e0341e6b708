"""An event and its frame: days, rooms (physical or virtual), themes and session formats."""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.core.db import N_, Base, LabelledEnum, TimestampMixin, enum_type

if TYPE_CHECKING:
    from nec.accounts.models import EventRole


class EventFormat(LabelledEnum):
    on_site = "on_site"
    online = "online"
    hybrid = "hybrid"

    __titles__ = {"on_site": N_("Sur place"), "online": N_("En ligne"), "hybrid": N_("Hybride (sur place et en ligne)")}


class RoomKind(LabelledEnum):
    physical = "physical"
    virtual = "virtual"

    __titles__ = {"physical": N_("Salle physique"), "virtual": N_("Salle virtuelle (visioconférence)")}


class FormatKind(LabelledEnum):
    round_table = "round_table"
    workshop = "workshop"
    talk = "talk"
    plenary = "plenary"

    __titles__ = {
        "round_table": N_("Table ronde"),
        "workshop": N_("Atelier"),
        "talk": N_("Intervention"),
        "plenary": N_("Plénière"),
    }


# Default durations in minutes: workshops are the longest (a lesson of the 2021 Sud Charente NEC).
DEFAULT_DURATIONS = {
    FormatKind.round_table: 75,
    FormatKind.workshop: 120,
    FormatKind.talk: 30,
    FormatKind.plenary: 60,
}


class Event(TimestampMixin, Base):
    __tablename__ = "events"
    __table_args__ = (
        sa.CheckConstraint("end_date >= start_date", name="dates_ordered"),
        sa.CheckConstraint("slug <> ''", name="slug_not_empty"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    tagline: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Europe/Paris", server_default="Europe/Paris")
    format: Mapped[EventFormat] = mapped_column(enum_type(EventFormat, "format"), default=EventFormat.on_site)
    venue_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    venue_address: Mapped[str] = mapped_column(sa.String(400), default="", server_default="")
    organiser_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    website: Mapped[str] = mapped_column(sa.String(400), default="", server_default="")
    is_published: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    days: Mapped[list[EventDay]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventDay.date"
    )
    rooms: Mapped[list[Room]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Room.position, Room.id)"
    )
    themes: Mapped[list[Theme]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="(Theme.position, Theme.id)"
    )
    formats: Mapped[list[SessionFormat]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="SessionFormat.id"
    )
    roles: Mapped[list[EventRole]] = relationship(back_populates="event", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventDay(Base):
    """A day of the event with its opening hours and lunch break, in the event's local time."""

    __tablename__ = "event_days"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "date"),
        sa.CheckConstraint("closes_at > opens_at", name="hours_ordered"),
        sa.CheckConstraint(
            "(lunch_start IS NULL AND lunch_end IS NULL) OR "
            "(lunch_start IS NOT NULL AND lunch_end IS NOT NULL AND lunch_end > lunch_start "
            "AND lunch_start >= opens_at AND lunch_end <= closes_at)",
            name="lunch_within_day",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    date: Mapped[date]
    opens_at: Mapped[time] = mapped_column(default=time(9, 0))
    closes_at: Mapped[time] = mapped_column(default=time(17, 30))
    lunch_start: Mapped[time | None]
    lunch_end: Mapped[time | None]

    event: Mapped[Event] = relationship(back_populates="days")


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[RoomKind] = mapped_column(enum_type(RoomKind, "kind"), default=RoomKind.physical)
    capacity: Mapped[int | None]
    accessibility_notes: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Step-free access for wheelchair users: the generator places sessions that need it only here.
    is_accessible: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="rooms")


class Theme(Base):
    """A thematic track of the programme."""

    __tablename__ = "themes"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
        sa.CheckConstraint("colour LIKE '#______'", name="colour_hex"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    colour: Mapped[str] = mapped_column(sa.String(7), default="#1f5f8b", server_default="#1f5f8b")
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship(back_populates="themes")


class SessionFormat(Base):
    """A kind of session offered by an event (table ronde, atelier, ...), with its default duration."""

    __tablename__ = "session_formats"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("default_duration > 0 AND default_duration <= 600", name="duration_range"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FormatKind] = mapped_column(enum_type(FormatKind, "kind"))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    default_duration: Mapped[int]  # minutes

    event: Mapped[Event] = relationship(back_populates="formats")

    @property
    def has_seats(self) -> bool:
        """Workshops have a limited number of seats that participants book."""
        return self.kind == FormatKind.workshop
