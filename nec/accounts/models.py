"""People who sign in, the single-use tokens sent to them, and their roles per event."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from nec.core.db import N_, Base, LabelledEnum, UTCDateTime, enum_type, utcnow

if TYPE_CHECKING:
    from nec.events.models import Event


class EventRoleKind(LabelledEnum):
    organiser = "organiser"
    reviewer = "reviewer"

    __titles__ = {"organiser": N_("Organisateur ou organisatrice"), "reviewer": N_("Relecteur ou relectrice")}


class LoginTokenPurpose(LabelledEnum):
    magic_link = "magic_link"
    password_reset = "password_reset"  # noqa: S105 (a purpose, not a secret)

    __titles__ = {"magic_link": N_("Lien de connexion"), "password_reset": N_("Réinitialisation du mot de passe")}


class User(UserMixin, Base):
    __tablename__ = "users"
    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower"),
        sa.CheckConstraint("email LIKE '%_@_%'", name="email_shape"),
        sa.CheckConstraint("locale IN ('fr', 'en')", name="locale"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    locale: Mapped[str] = mapped_column(sa.String(5), default="fr", server_default="fr")
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    is_active_account: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped on logout, on a password change or drop, and when a link proves the address of an account
    # nobody had proven: every session and remember cookie carries it (get_id), so all of them end.
    session_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # In the calendar subscription links ("Mon programme"): bumped by "Changer le lien" and when the password
    # changes, not at logout, so that a calendar app keeps its link while its owner signs in and out.
    calendar_version: Mapped[int] = mapped_column(default=1, server_default="1")

    roles: Mapped[list[EventRole]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login: bumping session_version invalidates older sessions
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class LoginToken(Base):
    """One single-use link sent by e-mail; only a hash of its secret is stored."""

    __tablename__ = "login_tokens"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_creation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LoginTokenPurpose] = mapped_column(enum_type(LoginTokenPurpose, "purpose"))
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class EventRole(Base):
    __tablename__ = "event_roles"
    __table_args__ = (sa.UniqueConstraint("event_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[EventRoleKind] = mapped_column(enum_type(EventRoleKind, "role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    event: Mapped[Event] = relationship(back_populates="roles")
