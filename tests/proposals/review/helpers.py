"""Helpers of the review tests (not fixtures): reviews written with the models, the outbox in order."""

from __future__ import annotations

import sqlalchemy as sa

from nec.core.models import OutboxMessage
from nec.events.models import FormatKind, SessionFormat
from nec.proposals.models import Review, ReviewScore


def format_of(event, kind: FormatKind) -> SessionFormat:
    return next(f for f in event.formats if f.kind == kind)


def give_review(db, session, reviewer, values: dict, comment: str = "") -> Review:
    """A review written directly with the models (values: criterion -> score)."""
    entry = Review(session_id=session.id, reviewer_id=reviewer.id, comment=comment)
    entry.scores = [ReviewScore(criterion_id=c.id, value=v) for c, v in values.items()]
    db.session.add(entry)
    db.session.commit()
    return entry


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
