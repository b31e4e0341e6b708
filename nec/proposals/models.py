"""Sessions (programme items), their speakers with a role, speaker profiles and availability."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.accounts.models import User
from nec.core.db import N_, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_type
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
    library = "library"
    france_services = "france_services"
    ccas = "ccas"
    employment = "employment"
    training = "training"
    education = "education"
    other = "other"

    __titles__ = {
        "epn": N_("Espace public numérique / cyberbase"),
        "social_centre": N_("Centre social"),
        "local_authority": N_("Collectivité territoriale"),
        "association": N_("Association"),
        "third_place": N_("Tiers-lieu"),
        "network": N_("Réseau ou hub régional"),
        "public_service": N_("Service public, État, opérateur"),
        "company": N_("Entreprise"),
        "independent": N_("Indépendant·e"),
        "library": N_("Médiathèque, bibliothèque"),
        "france_services": N_("France Services, point d'accès aux droits"),
        "ccas": N_("CCAS ou CIAS"),
        "employment": N_("Emploi et insertion (France Travail, mission locale…)"),
        "training": N_("Organisme de formation"),
        "education": N_("École, collège, lycée, université"),
        "other": N_("Autre"),
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
        "draft": N_("Brouillon"),
        "submitted": N_("Proposée"),
        "accepted": N_("Acceptée"),
        "rejected": N_("Refusée"),
        "confirmed": N_("Confirmée"),
        "declined": N_("Déclinée par l'intervenant·e"),
        "withdrawn": N_("Retirée"),
        "cancelled": N_("Annulée"),
    }


class AttendanceMode(LabelledEnum):
    on_site = "on_site"
    online = "online"
    either = "either"

    __titles__ = {"on_site": N_("Sur place"), "online": N_("En ligne"), "either": N_("Sur place ou en ligne")}


class Level(LabelledEnum):
    beginner = "beginner"
    intermediate = "intermediate"
    advanced = "advanced"

    __titles__ = {"beginner": N_("Débutant"), "intermediate": N_("Intermédiaire"), "advanced": N_("Confirmé")}


class SpeakerRole(LabelledEnum):
    moderator = "moderator"
    panelist = "panelist"
    facilitator = "facilitator"
    speaker = "speaker"

    __titles__ = {
        "moderator": N_("Modération"),
        "panelist": N_("Intervenant·e de table ronde"),
        "facilitator": N_("Animation"),
        "speaker": N_("Intervenant·e"),
    }


class InvitationState(LabelledEnum):
    invited = "invited"
    accepted = "accepted"
    declined = "declined"

    __titles__ = {"invited": N_("Invité·e"), "accepted": N_("A accepté"), "declined": N_("A décliné")}


class Decision(LabelledEnum):
    accept = "accept"
    reject = "reject"

    __titles__ = {"accept": N_("Accepter"), "reject": N_("Refuser")}


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
    # A speaker or the audience needs a step-free room (wheelchair access).
    needs_accessible_room: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    state: Mapped[SessionState] = mapped_column(
        enum_type(SessionState, "state"), default=SessionState.draft, index=True
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who proposed it (None for sessions the organisers programmed directly).
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A decision prepared by the organisers, applied (with its e-mails) in one go later.
    staged_decision: Mapped[Decision | None] = mapped_column(enum_type(Decision, "staged_decision"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    format: Mapped[SessionFormat] = relationship()
    theme: Mapped[Theme | None] = relationship()
    submitted_by: Mapped[User | None] = relationship()
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


# --- the call for sessions -----------------------------------------------------------------------


class QuestionTarget(LabelledEnum):
    proposal = "proposal"
    speaker = "speaker"

    __titles__ = {"proposal": N_("Posée pour chaque proposition"), "speaker": N_("Posée à chaque intervenant·e")}


class QuestionKind(LabelledEnum):
    short_text = "short_text"
    long_text = "long_text"
    choice = "choice"
    multiple_choice = "multiple_choice"
    yes_no = "yes_no"

    __titles__ = {
        "short_text": N_("Texte court"),
        "long_text": N_("Texte long"),
        "choice": N_("Choix unique"),
        "multiple_choice": N_("Choix multiples"),
        "yes_no": N_("Oui / non"),
    }


class Call(TimestampMixin, Base):
    """An event's call for sessions: when it is open, how proposals are reviewed."""

    __tablename__ = "calls"
    __table_args__ = (
        sa.UniqueConstraint("event_id"),
        sa.CheckConstraint("closes_at IS NULL OR opens_at IS NULL OR closes_at > opens_at", name="period_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    introduction: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Reviewers do not see who proposed (names, structures) when the review is blind.
    blind_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A reviewer sees the others' reviews only once they have written their own.
    reviews_visible_after_own: Mapped[bool] = mapped_column(default=True, server_default=sa.true())

    event: Mapped[Event] = relationship()
    formats: Mapped[list[CallFormat]] = relationship(back_populates="call", cascade="all, delete-orphan")


class CallFormat(Base):
    """A format offered by the call, with its own closing date when it differs from the call's."""

    __tablename__ = "call_formats"
    __table_args__ = (sa.UniqueConstraint("call_id", "format_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[int] = mapped_column(sa.ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    format_id: Mapped[int] = mapped_column(sa.ForeignKey("session_formats.id", ondelete="CASCADE"), index=True)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    call: Mapped[Call] = relationship(back_populates="formats")
    format: Mapped[SessionFormat] = relationship()


class Question(Base):
    """A custom question of the call, asked of each proposal or of each speaker."""

    __tablename__ = "questions"
    __table_args__ = (sa.CheckConstraint("label <> ''", name="label_not_empty"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    target: Mapped[QuestionTarget] = mapped_column(enum_type(QuestionTarget, "target"))
    kind: Mapped[QuestionKind] = mapped_column(enum_type(QuestionKind, "kind"))
    label: Mapped[str] = mapped_column(sa.String(300))
    help_text: Mapped[str] = mapped_column(sa.String(600), default="", server_default="")
    choices: Mapped[list] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Asked only for proposals of this format (None: every format).
    format_id: Mapped[int | None] = mapped_column(sa.ForeignKey("session_formats.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship()
    format: Mapped[SessionFormat | None] = relationship()


class Answer(Base):
    """A proposal's or a speaker's answer to a custom question (text, a choice, choices or yes/no)."""

    __tablename__ = "answers"
    __table_args__ = (
        sa.UniqueConstraint("question_id", "session_id"),
        sa.UniqueConstraint("question_id", "speaker_id"),
        sa.CheckConstraint("(session_id IS NULL) <> (speaker_id IS NULL)", name="one_owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    speaker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("speaker_profiles.id", ondelete="CASCADE"), index=True)
    value: Mapped[object] = mapped_column(sa.JSON)

    question: Mapped[Question] = relationship()


# --- review --------------------------------------------------------------------------------------


class ReviewCriterion(Base):
    """A criterion reviewers score, from 0 to max_score, counted with its weight."""

    __tablename__ = "review_criteria"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "name"),
        sa.CheckConstraint("max_score BETWEEN 1 AND 10", name="max_score_range"),
        sa.CheckConstraint("weight > 0 AND weight <= 10", name="weight_range"),
        sa.CheckConstraint("name <> ''", name="name_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(600), default="", server_default="")
    max_score: Mapped[int] = mapped_column(default=5, server_default="5")
    weight: Mapped[int] = mapped_column(default=1, server_default="1")
    position: Mapped[int] = mapped_column(default=0, server_default="0")


class Review(TimestampMixin, Base):
    """One reviewer's review of one proposal: a score per criterion and a comment."""

    __tablename__ = "reviews"
    __table_args__ = (sa.UniqueConstraint("session_id", "reviewer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("sessions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    session: Mapped[Session] = relationship()
    reviewer: Mapped[User] = relationship()
    scores: Mapped[list[ReviewScore]] = relationship(back_populates="review", cascade="all, delete-orphan")


class ReviewScore(Base):
    __tablename__ = "review_scores"
    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint("value >= 0", name="value_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    criterion_id: Mapped[int] = mapped_column(sa.ForeignKey("review_criteria.id", ondelete="CASCADE"), index=True)
    value: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[ReviewCriterion] = relationship()
