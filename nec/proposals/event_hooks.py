"""What the events module asks of proposals (through nec.core.hooks): may a format or a theme go, and
is a person a speaker of an event (they see it before publication)."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from nec.extensions import db
from nec.proposals.models import Session, SpeakerProfile


def format_in_use(fmt) -> str | None:
    used = db.session.scalar(sa.select(sa.func.count(Session.id)).where(Session.format_id == fmt.id))
    if not used:
        return None
    return _(
        "Le format « %(name)s » est utilisé par %(n)d session(s) : changez leur format avant de le supprimer.",
        name=fmt.name,
        n=used,
    )


def release_theme(theme) -> int:
    """Sessions simply lose a deleted theme; returns how many had it."""
    had_it = db.session.scalar(sa.select(sa.func.count(Session.id)).where(Session.theme_id == theme.id)) or 0
    # Explicit rather than left to ON DELETE SET NULL, which SQLite applies only with foreign keys on.
    db.session.execute(
        sa.update(Session).where(Session.theme_id == theme.id).values(theme_id=None),
        execution_options={"synchronize_session": "fetch"},
    )
    return had_it


def is_speaker_of(user, event) -> bool:
    from nec.proposals.speaker.area import is_speaker_of as speaker_of  # the services import much: only when asked

    return speaker_of(user, event)


def speaker_event_ids(user) -> list[int]:
    """The events where the person has a speaker profile (after signing in, they land on one of them)."""
    return list(db.session.scalars(sa.select(SpeakerProfile.event_id).where(SpeakerProfile.user_id == user.id)))
