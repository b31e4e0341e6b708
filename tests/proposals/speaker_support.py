"""Fixtures and helpers of the speaker tests: an event with an open call, speakers, a proposal.

Imported explicitly by the speaker test modules (not a conftest: other helpers own theirs).
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from nec.core.db import utcnow
from nec.events import services as event_services
from nec.events.models import FormatKind
from nec.proposals.models import Call, CallFormat, Session, SessionState
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.speaker import submission
from nec.proposals.speaker.submission import ProposalData
from tests.support.data import fmt, outbox  # noqa: F401 (re-exported to the tests)
from tests.support.events import nec_event
from tests.support.web import log_out, page_text  # noqa: F401 (re-exported to the tests)


def png_bytes(size=(40, 30), colour=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return out.getvalue()


def make_open_call(db, event, *, closes_in=timedelta(days=10)):
    now = utcnow()
    call = Call(event_id=event.id, opens_at=now - timedelta(days=10), closes_at=now + closes_in)
    call.introduction = "Proposez vos tables rondes et vos ateliers."
    call.formats = [CallFormat(format_id=f.id) for f in event.formats]
    db.session.add(call)
    db.session.commit()
    return call


def close_call(db, call) -> None:
    now = utcnow()
    call.opens_at = now - timedelta(days=20)
    call.closes_at = now - timedelta(days=1)
    for cf in call.formats:
        cf.closes_at = None
    db.session.commit()


def round_table_data(**overrides) -> ProposalData:
    values = dict(
        title="Le métier de médiateur numérique",
        summary="Trois regards sur un métier jeune.",
        description="Une table ronde avec des médiateurs de Charente.",
        own_role="moderator",
        co_speakers=[
            SessionSpeakerData("Paul Panéliste", "paul@example.org", "panelist"),
            SessionSpeakerData("Nadia Intervenante", "Nadia@Example.org", "panelist"),
        ],
    )
    values.update(overrides)
    return ProposalData(**values)


def submit_round_table(db, event, user, **overrides) -> Session:
    session = submission.save_proposal(
        event, user, fmt(event, FormatKind.round_table), round_table_data(**overrides), submit=True
    )
    db.session.commit()
    return session


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
    return make_user("inconnu@example.org", full_name="Inès Inconnue", email_confirmed_at=utcnow())


@pytest.fixture
def submitted(db, event, call, speaker) -> Session:
    """A round table Sophie submitted, moderated by her, with two invited panelists."""
    session = submit_round_table(db, event, speaker)
    assert session.state is SessionState.submitted
    return session
