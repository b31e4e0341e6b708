"""Released versions of the programme: which one is public, and its slots loaded in a few queries.

The public pages and the exports show only the latest release, never the draft.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import InvitationState, Session, SessionSpeaker, SpeakerProfile


def latest_release(event: Event) -> ScheduleVersion | None:
    """The most recently released version of the event's programme (None before the first release)."""
    return db.session.scalar(
        sa.select(ScheduleVersion)
        .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_not(None))
        .order_by(ScheduleVersion.released_at.desc(), ScheduleVersion.id.desc())
        .limit(1)
    )


def release_slots(version: ScheduleVersion) -> list[Slot]:
    """Every slot of a version in time order, with its room, session, format, theme and speakers.

    A constant number of queries whatever the number of slots (the exports and the public programme
    must not grow one query per session).
    """
    statement = (
        sa.select(Slot)
        .where(Slot.version_id == version.id)
        .options(
            joinedload(Slot.room),
            selectinload(Slot.session).options(
                joinedload(Session.format),
                joinedload(Session.theme),
                selectinload(Session.speakers).joinedload(SessionSpeaker.speaker),
            ),
        )
        .order_by(Slot.starts_at, Slot.ends_at, Slot.id)
    )
    return list(db.session.scalars(statement).unique())


def content_fingerprint(event: Event) -> str:
    """A short digest of what, besides the release, changes the public programme (one query).

    A session cancelled or edited, a speaker who withdraws their consent or declines, must reach
    the clients that revalidate their copy (ETag) before the next release. Renaming a room, a
    theme or a format is not seen here: a client holding a copy sees it with the next release or
    the next change to a session.
    """
    speakers = sa.select(SessionSpeaker.id).join(Session).where(Session.event_id == event.id)
    row = db.session.execute(
        sa.select(
            sa.select(sa.func.max(Session.updated_at)).where(Session.event_id == event.id).scalar_subquery(),
            sa.select(sa.func.max(SpeakerProfile.updated_at))
            .where(SpeakerProfile.event_id == event.id)
            .scalar_subquery(),
            sa.select(sa.func.max(SessionSpeaker.consent_updated_at))
            .where(SessionSpeaker.id.in_(speakers))
            .scalar_subquery(),
            sa.select(sa.func.count())
            .where(
                SessionSpeaker.id.in_(speakers),
                SessionSpeaker.invitation_state == InvitationState.accepted,
            )
            .scalar_subquery(),
        )
    ).one()
    return hashlib.sha256(repr(tuple(row)).encode()).hexdigest()[:12]
