"""Fixtures of the call tests: an event on fixed dates in 2030 (the deadlines are checked to the minute)."""

from __future__ import annotations

from datetime import date

import pytest

from nec.events import services as event_services
from tests.support.web import log_in


@pytest.fixture
def event(db, organiser):
    ev = event_services.create_event(
        organiser,
        title="NEC Sud Charente",
        slug="nec-sud-charente",
        start_date=date(2030, 4, 2),
        end_date=date(2030, 4, 3),
        is_published=True,
    )
    db.session.commit()
    return ev


@pytest.fixture
def as_organiser(client, organiser, event):
    log_in(client, organiser)
    return client
