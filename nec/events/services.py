"""Events and their frame: creation and edits by organisers, lookups for the public pages."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from nec.events.models import Event
from nec.extensions import db


def get_event_by_slug(slug: str) -> Event | None:
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def list_public_events(today: date) -> tuple[list[Event], list[Event]]:
    """Published events: upcoming (soonest first), then past (latest first)."""
    events = db.session.scalars(sa.select(Event).where(Event.is_published.is_(True))).all()
    upcoming = sorted((e for e in events if e.end_date >= today), key=lambda e: e.start_date)
    past = sorted((e for e in events if e.end_date < today), key=lambda e: e.start_date, reverse=True)
    return upcoming, past
