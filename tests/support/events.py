"""The event most tests of the events and proposals modules work on, and its organiser and reviewer.

Fixtures: import them into a test module or a support module (`from tests.support.events import
organiser, reviewer`) next to an `event` fixture built with `nec_event`; a module that needs another
event (more days, its own themes) keeps its own `event` fixture.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.events import services as event_services
from nec.events.models import Event
from nec.extensions import db


def nec_event(organiser, *, days_ahead: int = 30, **fields) -> Event:
    """A published two-day "NEC Sud Charente" made by events.services.create_event (days, the four
    default formats, the organiser's role), `days_ahead` days from today; committed."""
    start = date.today() + timedelta(days=days_ahead)
    values = {
        "title": "NEC Sud Charente",
        "slug": "nec-sud-charente",
        "start_date": start,
        "end_date": start + timedelta(days=1),
        "is_published": True,
        **fields,
    }
    event = event_services.create_event(organiser, **values)
    db.session.commit()
    return event


@pytest.fixture
def reviewer(db, make_user, event):
    user = make_user("relecteur@example.org", full_name="Rémi Relecteur")
    db.session.add(EventRole(event_id=event.id, user_id=user.id, role=EventRoleKind.reviewer))
    db.session.commit()
    return user
