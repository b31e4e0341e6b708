"""Fixtures and helpers of the direct programming and import/export tests.

Imported explicitly by those test modules (not a conftest: other helpers own theirs).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.events import services as event_services
from nec.events.models import Theme
from tests.support.data import fmt, outbox  # noqa: F401 (re-exported to the tests)
from tests.support.web import log_out, page_text  # noqa: F401 (re-exported to the tests)


@pytest.fixture
def organiser(make_user):
    return make_user("orga@example.org", full_name="Odile Organisatrice")


@pytest.fixture
def event(db, organiser):
    """A published event with its four default formats (Table ronde, Atelier, Intervention, Plénière)."""
    start = date.today() + timedelta(days=30)
    ev = event_services.create_event(
        organiser,
        title="NEC Sud Charente",
        slug="nec-sud-charente",
        start_date=start,
        end_date=start + timedelta(days=1),
        is_published=True,
    )
    db.session.add_all([Theme(event=ev, name="Financer la médiation"), Theme(event=ev, name="Animer un réseau")])
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
