"""Recordings of sessions and the resources (replays, slides, guides) of the library."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.core.db import N_, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_type
from nec.events.models import Event
from nec.proposals.models import Session


class RecordingSource(LabelledEnum):
    webhook = "webhook"
    upload = "upload"
    link = "link"

    __titles__ = {"webhook": N_("Reçu automatiquement"), "upload": N_("Fichier déposé"), "link": N_("Lien")}


class RecordingState(LabelledEnum):
    received = "received"
    processing = "processing"
    ready = "ready"
    published = "published"
    withdrawn = "withdrawn"

    __titles__ = {
        "received": N_("Reçu"),
        "processing": N_("En traitement"),
        "ready": N_("Prêt à publier"),
        "published": N_("Publié"),
        "withdrawn": N_("Retiré"),
    }


class ResourceKind(LabelledEnum):
    replay = "replay"
    slides = "slides"
    guide = "guide"
    document = "document"
    link = "link"

    __titles__ = {
        "replay": N_("Replay"),
        "slides": N_("Support de présentation"),
        "guide": N_("Guide"),
        "document": N_("Document"),
        "link": N_("Lien"),
    }


class Recording(TimestampMixin, Base):
    __tablename__ = "recordings"
    __table_args__ = (
        sa.CheckConstraint("url <> '' OR file_path IS NOT NULL", name="has_media"),
        sa.CheckConstraint("duration_seconds IS NULL OR duration_seconds > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    source: Mapped[RecordingSource] = mapped_column(enum_type(RecordingSource, "source"))
    state: Mapped[RecordingState] = mapped_column(enum_type(RecordingState, "state"), default=RecordingState.received)
    url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    file_path: Mapped[str | None] = mapped_column(sa.String(300))
    content_type: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    size_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    duration_seconds: Mapped[int | None]
    external_id: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship()


class Resource(TimestampMixin, Base):
    """An item of the resource library: a replay, slides, a guide, a document or a link."""

    __tablename__ = "resources"
    __table_args__ = (
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
        sa.CheckConstraint("url <> '' OR file_path IS NOT NULL OR recording_id IS NOT NULL", name="has_content"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="SET NULL"), index=True)
    recording_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recordings.id", ondelete="SET NULL"))
    kind: Mapped[ResourceKind] = mapped_column(enum_type(ResourceKind, "kind"))
    title: Mapped[str] = mapped_column(sa.String(250))
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    file_path: Mapped[str | None] = mapped_column(sa.String(300))
    licence: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    language: Mapped[str] = mapped_column(sa.String(8), default="fr", server_default="fr")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    event: Mapped[Event | None] = relationship()
    session: Mapped[Session | None] = relationship()
    recording: Mapped[Recording | None] = relationship()
