"""Small lookups shared by the tests."""

from __future__ import annotations

import sqlalchemy as sa

from nec.core.models import OutboxMessage
from nec.events.models import FormatKind, SessionFormat
from nec.extensions import db


def fmt(event, kind: FormatKind) -> SessionFormat:
    """The event's session format of this kind."""
    return next(f for f in event.formats if f.kind == kind)


def outbox() -> list[OutboxMessage]:
    """Every queued message, oldest first."""
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
