"""Fixtures of the speaker tests: an event with an open call, speakers, a submitted round table."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nec.core.db import utcnow
from nec.events import services as event_services
from nec.proposals.models import Session, SessionState
from tests.proposals.speaker.helpers import make_open_call, submit_round_table
from tests.support.events import nec_event


@pytest.fixture
def event(db, organiser):
    """A published two-day event (in Europe/Paris), with its days and the four default formats."""
    return nec_event(organiser, days_ahead=60)


@pytest.fixture
def call(db, event):
    return make_open_call(db, event)


@pytest.fixture
def other_event(db, organiser):
    start = date.today() + timedelta(days=90)
    ev = event_services.create_event(
        organiser,
        title="NEC Gironde",
        slug="nec-gironde",
        start_date=start,
        end_date=start,
        is_published=True,
    )
    db.session.commit()
    make_open_call(db, ev)
    return ev


@pytest.fixture
def speaker(make_user):
    return make_user("sophie@example.org", full_name="Sophie Submitter", email_confirmed_at=utcnow())


@pytest.fixture
def stranger(make_user):
    """The root `stranger`, with a confirmed address: here they may sign in by link and propose."""
    return make_user("inconnu@example.org", full_name="Inès Inconnue", email_confirmed_at=utcnow())


@pytest.fixture
def submitted(db, event, call, speaker) -> Session:
    """A round table Sophie submitted, moderated by her, with two invited panelists."""
    session = submit_round_table(db, event, speaker)
    assert session.state is SessionState.submitted
    return session
