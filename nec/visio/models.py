"""Videoconference rooms: one per virtual room or per session, with its provider and lifecycle."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.core.db import N_, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_type
from nec.events.models import Event, Room
from nec.proposals.models import Session


class VisioProvider(LabelledEnum):
    jitsi = "jitsi"
    jaas = "jaas"
    link = "link"

    __titles__ = {"jitsi": N_("Jitsi Meet"), "jaas": N_("Jitsi as a Service (8x8)"), "link": N_("Lien externe")}


class VisioRoomState(LabelledEnum):
    planned = "planned"
    open = "open"
    closed = "closed"

    __titles__ = {"planned": N_("Prévue"), "open": N_("Ouverte"), "closed": N_("Fermée")}


class VisioRoom(TimestampMixin, Base):
    __tablename__ = "visio_rooms"
    __table_args__ = (
        sa.UniqueConstraint("provider", "room_name"),
        sa.CheckConstraint("room_id IS NOT NULL OR session_id IS NOT NULL", name="attached"),
        sa.CheckConstraint("provider <> 'link' OR url <> ''", name="link_has_url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    provider: Mapped[VisioProvider] = mapped_column(enum_type(VisioProvider, "provider"), default=VisioProvider.jitsi)
    room_name: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    state: Mapped[VisioRoomState] = mapped_column(enum_type(VisioRoomState, "state"), default=VisioRoomState.planned)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    room: Mapped[Room | None] = relationship()
    session: Mapped[Session | None] = relationship()
