"""Cross-cutting tables: the mail outbox, the audit log, mail wordings and the rate-limit counters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from nec.core.db import N_, Base, LabelledEnum, UTCDateTime, enum_type, utcnow


class OutboxState(LabelledEnum):
    pending = "pending"
    sending = "sending"
    sent = "sent"
    failed = "failed"

    __titles__ = {
        "pending": N_("En attente"),
        "sending": N_("En cours d'envoi"),
        "sent": N_("Envoyé"),
        "failed": N_("Échec"),
    }


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the action that causes it."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        sa.CheckConstraint("attempts >= 0", name="attempts_positive"),
        sa.CheckConstraint("to_address LIKE '%_@_%'", name="to_address_shape"),
        sa.Index("ix_mail_outbox_due", "state", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(254))
    to_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    reply_to: Mapped[str] = mapped_column(sa.String(254), default="", server_default="")
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The Message-ID header, fixed when queued: one message, one identity, whatever the retries.
    message_id: Mapped[str] = mapped_column(sa.String(200), unique=True)
    template: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # Files sent with the message (small text files, such as a speaker's .ics): a list of
    # {"filename", "media_type", "content"}; NULL for none.
    attachments: Mapped[list | None] = mapped_column(sa.JSON)
    state: Mapped[OutboxState] = mapped_column(enum_type(OutboxState, "state"), default=OutboxState.pending)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.Text, default="", server_default="")


class AuditLogEntry(Base):
    """Who did what to which object, for organisers and for accountability."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    action: Mapped[str] = mapped_column(sa.String(100))
    target_type: Mapped[str] = mapped_column(sa.String(50), default="", server_default="")
    target_id: Mapped[int | None]
    data: Mapped[dict] = mapped_column(sa.JSON, default=dict)


class MailKindType(sa.TypeDecorator):
    """A mail kind as a string, checked against the kinds the modules declare (core.mail_templates):
    the database holds no list of them, so a new module adds its kinds without a migration."""

    impl = sa.String(50)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        from nec.core.mail_templates import mail_kind

        return mail_kind(str(value)).value  # KeyError: a kind no module declares

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        from nec.core.mail_templates import mail_kind

        try:
            return mail_kind(value)
        except KeyError:  # a kind whose module is gone: the row still reads
            return value


class MailTemplate(Base):
    """An organiser's wording of one kind of e-mail for their event, with {placeholders}.

    Without a row, the platform's default wording for that kind is used.
    """

    __tablename__ = "mail_templates"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "kind"),
        sa.CheckConstraint("subject <> ''", name="subject_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(MailKindType())
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class RateLimitCounter(Base):
    """One rate-limit counter (fixed window) shared by every process on the database: nec.core.ratelimit.

    `key` is Flask-Limiter's key (the limit, the client address or the submitted address), `expires_at` the
    end of its window in seconds since the epoch; a counter past its window is reset or deleted."""

    __tablename__ = "rate_limit_counters"
    __table_args__ = (sa.CheckConstraint("count >= 0", name="count_positive"),)

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    expires_at: Mapped[float] = mapped_column(sa.Double, index=True)
    count: Mapped[int] = mapped_column(default=0)
