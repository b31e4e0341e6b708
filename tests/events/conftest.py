"""Fixtures of the events tests: an event created the organiser's way, and its team."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.events import services
from tests.support.web import (
    log_in,
    page_text,  # noqa: F401 (re-exported to the tests)
)


@pytest.fixture
def organiser(make_user):
    return make_user("orga@example.org", full_name="Odile Organisatrice")


@pytest.fixture
def event(db, organiser):
    """A published two-day event made by services.create_event: days, four formats, an organiser."""
    start = date.today() + timedelta(days=30)
    ev = services.create_event(
        organiser,
        title="NEC Sud Charente",
        slug="nec-sud-charente",
        start_date=start,
        end_date=start + timedelta(days=1),
        is_published=True,
    )
    db.session.commit()
    return ev


@pytest.fixture
def reviewer(db, make_user, event):
    user = make_user("relecteur@example.org", full_name="Rémi Relecteur")
    db.session.add(EventRole(event=event, user=user, role=EventRoleKind.reviewer))
    db.session.commit()
    return user


@pytest.fixture
def stranger(make_user):
    return make_user("inconnu@example.org", full_name="Inès Inconnue")


@pytest.fixture
def as_organiser(client, organiser, event):
    log_in(client, organiser)
    return client
