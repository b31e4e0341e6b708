"""Helpers of the speaker tests (not fixtures): an open call, a round table's data and its submission, a PNG."""

from __future__ import annotations

import io
from datetime import timedelta

from nec.core.db import utcnow
from nec.events.models import FormatKind
from nec.proposals.models import Call, CallFormat, Session
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.speaker import submission
from nec.proposals.speaker.submission import ProposalData
from tests.support.data import fmt


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
