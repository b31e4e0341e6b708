"""Sessions (programme items), their speakers with a role, speaker profiles and availability."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.accounts.models import User
from nec.core.db import Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_type
from nec.events.models import Event, SessionFormat, Theme


class StructureType(LabelledEnum):
    epn = "epn"
    social_centre = "social_centre"
    local_authority = "local_authority"
    association = "association"
    third_place = "third_place"
    network = "network"
    public_service = "public_service"
    company = "company"
    independent = "independent"
    other = "other"

    __titles__ = {
        "epn": "Espace public numérique / cyberbase",
        "social_centre": "Centre social",
        "local_authority": "Collectivité territoriale",
        "association": "Association",
        "third_place": "Tiers-lieu",
        "network": "Réseau ou hub régional",
        "public_service": "Service public, État, opérateur",
        "company": "Entreprise",
        "independent": "Indépendant·e",
        "other": "Autre",
    }


class SessionState(LabelledEnum):
    draft = "draft"
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    confirmed = "confirmed"
    declined = "declined"
    withdrawn = "withdrawn"
    cancelled = "cancelled"

    __titles__ = {
        "draft": "Brouillon",
        "submitted": "Proposée",
        "accepted": "Acceptée",
        "rejected": "Refusée",
        "confirmed": "Confirmée",
        "declined": "Déclinée par l'intervenant·e",
        "withdrawn": "Retirée",
        "cancelled": "Annulée",
    }


class AttendanceMode(LabelledEnum):
    on_site = "on_site"
    online = "online"
    either = "either"

    __titles__ = {"on_site": "Sur place", "online": "En ligne", "either": "Sur place ou en ligne"}


class Level(LabelledEnum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"

    __titles__ = {"beginner": "Débutant", "intermediate": "Intermédiaire", "advanced": "Confirmé"}


class SpeakerRole(LabelledEnum):
    moderator = "moderator"
    panelist = "panelist"
    facilitator = "facilitator"
    speaker = "speaker"

    __titles__ = {
        "moderator": "Modération",
        "panelist": "Intervenant·e de table ronde",
        "facilitator": "Animation",
        "speaker": "Intervenant·e",
    }


class InvitationState(LabelledEnum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"

    __titles__ = {"invited": "Invité·e", "accepted": "A accepté", "declined": "A décliné"}


class SpeakerProfile(TimestampMixin, Base):
    """A speaker's public profile for one event; may exist before the person has an account."""

    __tablename__ = "speaker_profiles"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "email"),
        sa.UniqueConstraint("event_id", "user_id"),
        sa.CheckConstraint("full_name <> ''", name="name_not_empty"),
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    structure: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    structure_type: Mapped[StructureType] = mapped_column(
        enum_type(StructureType, "structure_type"), default=StructureType.other
    )
    territory: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    photo_path: Mapped[str | None] = mapped_column(sa.String(300))
    publish_consent: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    event: Mapped[Event] = relationship()
    user: Mapped[User | None] = relationship()
    sessions: Mapped[list[SessionSpeaker]] = relationship(back_populates="speaker", cascade="all, delete-orphan")
    availabilities: Mapped[list[Availability]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan", order_by="Availability.starts_at"
    )


class Session(TimestampMixin, Base):
    """A programme item: a round table, a workshop, a talk or a plenary."""

    __tablename__ = "sessions"
    __table_args__ = (
        sa.CheckConstraint("duration > 0 AND duration <= 600", name="duration_range"),
        sa.CheckConstraint("seat_capacity IS NULL OR seat_capacity > 0", name="seat_capacity_positive"),
        sa.CheckConstraint("title <> ''", name="title_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    format_id: Mapped[int] = mapped_column(sa.ForeignKey("session_formats.id", ondelete="RESTRICT"), index=True)
    theme_id: Mapped[int | None] = mapped_column(sa.ForeignKey("themes.id", ondelete="SET NULL"), index=True)
    title: Mapped[str] = mapped_column(sa.String(250))
    summary: Mapped[str] = mapped_column(sa.String(600), default="", server_default="")
    description: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    duration: Mapped[int]  # minutes
    audience: Mapped[str] = mapped_column(sa.String(300), default="", server_default="")
    level: Mapped[Level] = mapped_column(enum_type(Level, "level"), default=Level.beginner)
    language: Mapped[str] = mapped_column(sa.String(8), default="fr", server_default="fr")
    attendance_mode: Mapped[AttendanceMode] = mapped_column(
        enum_type(AttendanceMode, "attendance_mode"), default=AttendanceMode.either
    )
    seat_capacity: Mapped[int | None]
    needs: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    state: Mapped[SessionState] = mapped_column(
        enum_type(SessionState, "state"), default=SessionState.draft, index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    format: Mapped[SessionFormat] = relationship()
    theme: Mapped[Theme | None] = relationship()
    speakers: Mapped[list[SessionSpeaker]] = relationship(
        back_populates="session", cascade="all, delete-orphan", order_by="SessionSpeaker.position"
    )


class SessionSpeaker(Base):
    """A speaker's part in a session, with their role and their consents to recording."""

    __tablename__ = "session_speakers"
    __table_args__ = (sa.UniqueConstraint("session_id", "speaker_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int] = mapped_column(sa.ForeignKey("speaker_profiles.id", ondelete="CASCADE"), index=True)
    role: Mapped[SpeakerRole] = mapped_column(enum_type(SpeakerRole, "role"))
    invitation_state: Mapped[InvitationState] = mapped_column(
        enum_type(InvitationState, "invitation_state"), default=InvitationState.accepted
    )
    position: Mapped[int] = mapped_column(default=0, server_default="0")
    # None: not asked yet. Each consent is separate and revocable (RGPD, droit à l'image).
    recording_consent: Mapped[bool | None]
    replay_consent: Mapped[bool | None]
    consent_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[Session] = relationship(back_populates="speakers")
    speaker: Mapped[SpeakerProfile] = relationship(back_populates="sessions")


class Availability(Base):
    """A period in which a speaker can take part (UTC instants)."""

    __tablename__ = "availabilities"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="period_ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(sa.ForeignKey("speaker_profiles.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    speaker: Mapped[SpeakerProfile] = relationship(back_populates="availabilities")
