"""Fixtures of the events tests: an event created the organiser's way, and its team."""

from __future__ import annotations

import pytest

from tests.support.events import nec_event
from tests.support.web import log_in


@pytest.fixture
def event(db, organiser):
    """A published two-day event made by services.create_event: days, four formats, an organiser."""
    return nec_event(organiser)


@pytest.fixture
def as_organiser(client, organiser, event):
    log_in(client, organiser)
    return client
