"""Schedule versions (one draft per event, then named releases) and the slots that place sessions."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.accounts.models import User
from nec.core.db import N_, Base, LabelledEnum, UTCDateTime, enum_type, utcnow
from nec.events.models import Event, Room
from nec.proposals.models import Session


class ScheduleVersion(Base):
    """The draft (released_at is NULL) or a frozen, named release of an event's programme."""

    __tablename__ = "schedule_versions"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint(
            "(released_at IS NULL AND name IS NULL) OR (released_at IS NOT NULL AND name IS NOT NULL)",
            name="release_named",
        ),
        # Exactly one draft per event.
        sa.Index(
            "uq_schedule_versions_one_draft",
            "event_id",
            unique=True,
            sqlite_where=sa.text("released_at IS NULL"),
            postgresql_where=sa.text("released_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(120))
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    slots: Mapped[list[Slot]] = relationship(
        back_populates="version", cascade="all, delete-orphan", order_by="Slot.starts_at"
    )

    @property
    def is_draft(self) -> bool:
        return self.released_at is None


class Slot(Base):
    """Places a session in a room at a time; without a session it is a break across all rooms."""

    __tablename__ = "slots"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="period_ordered"),
        sa.CheckConstraint("session_id IS NOT NULL OR title <> ''", name="break_has_title"),
        sa.UniqueConstraint("version_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("schedule_versions.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("rooms.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    title: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    is_pinned: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    version: Mapped[ScheduleVersion] = relationship(back_populates="slots")
    session: Mapped[Session | None] = relationship()
    room: Mapped[Room | None] = relationship()


class Favourite(Base):
    """A session a person wants to attend: their personal agenda and the generator's wishes."""

    __tablename__ = "favourites"
    __table_args__ = (sa.UniqueConstraint("user_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RunState(LabelledEnum):
    queued = "queued"
    running = "running"
    finished = "finished"
    failed = "failed"

    __titles__ = {
        "queued": N_("En attente"),
        "running": N_("En cours"),
        "finished": N_("Terminée"),
        "failed": N_("Échouée"),
    }


ACTIVE_RUN_STATES = (RunState.queued, RunState.running)


class GeneratorRun(Base):
    """One run of the programme generator: its settings, its progress while it runs, its report.

    Everything a page shows lives here, in the database, so that any app server can show a run
    that another one is computing. At most one run per event is queued or running at a time.
    """

    __tablename__ = "generator_runs"
    __table_args__ = (
        sa.CheckConstraint("time_limit > 0", name="time_limit_positive"),
        sa.Index(
            "uq_generator_runs_one_active",
            "event_id",
            unique=True,
            sqlite_where=sa.text("state IN ('queued', 'running')"),
            postgresql_where=sa.text("state IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[RunState] = mapped_column(enum_type(RunState, "state"), default=RunState.queued)
    weights: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    time_limit: Mapped[int]  # seconds
    # Best objective so far, elapsed seconds, solutions found: written while the solver runs.
    progress: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Placed and unplaced sessions (with the reasons in French), each term's cost, the status.
    report: Mapped[dict | None] = mapped_column(sa.JSON)
    error: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    event: Mapped[Event] = relationship()
    created_by: Mapped[User | None] = relationship()


class DeviceAgenda(Base):
    """The calendar subscription of a visitor without an account: the sessions their device keeps, behind a
    random link. Only a hash of the link's secret is stored, and no personal data (no name, no address)."""

    __tablename__ = "device_agendas"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The chosen sessions' ids, "12,5,7" (public sessions of the event only, kept in the visitor's order).
    session_ids: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
