"""Factories every test folder may use: sessions and slots built with the models (registered by tests/conftest.py).

A factory takes what the test cares about and fills the rest with plausible values; the event defaults to the
test's own `event` fixture, looked up only when the test does not pass one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nec.events.models import FormatKind, Room
from nec.extensions import db
from nec.proposals.models import Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole
from tests.support.data import fmt


@pytest.fixture
def organiser(make_user):
    """The organiser of the tests' events (events made with tests.support.events.nec_event give them the role)."""
    return make_user("orga@example.org", full_name="Odile Organisatrice")


@pytest.fixture
def make_session(request):
    """A session built with the models; speakers are (full name, e-mail, structure), profiles reused by e-mail."""
    counter = iter(range(1, 10_000))

    def factory(
        title: str | None = None,
        *,
        ev=None,
        state: SessionState = SessionState.submitted,
        kind: FormatKind = FormatKind.round_table,
        theme=None,
        duration: int = 75,
        speakers=(("Sam Speaker", "sam@example.org", "Centre social du Sud"),),
        submitted_by=None,
        user_of=None,
        commit: bool = True,
        **fields,
    ) -> Session:
        event = ev if ev is not None else request.getfixturevalue("event")
        n = next(counter)
        values = {
            "summary": "Un résumé",
            "description": "Une description.",
            "audience": "Médiateurs numériques",
            "submitted_at": datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
            **fields,
        }
        session = Session(
            event_id=event.id,
            format_id=fmt(event, kind).id,
            theme_id=theme.id if theme else None,
            title=title or f"Proposition {n}",
            duration=duration,
            state=state,
            submitted_by_id=submitted_by.id if submitted_by else None,
            **values,
        )
        db.session.add(session)
        for position, (name, email, structure) in enumerate(speakers):
            profile = db.session.scalar(
                sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id, SpeakerProfile.email == email)
            )
            if profile is None:
                profile = SpeakerProfile(
                    event_id=event.id,
                    full_name=name,
                    email=email,
                    structure=structure,
                    user_id=user_of.id if (user_of and position == 0) else None,
                )
                db.session.add(profile)
            session.speakers.append(SessionSpeaker(speaker=profile, role=SpeakerRole.panelist, position=position))
        if commit:
            db.session.commit()
        return session

    return factory


@pytest.fixture
def make_slot():
    """A slot of the event's draft (or of `version`): a session, or a break when `title` is given and no session."""
    from nec.programme.draft import get_draft
    from nec.programme.models import Slot

    def factory(
        session: Session | None,
        starts_at: datetime,
        ends_at: datetime | None = None,
        *,
        room: Room | None = None,
        version=None,
        event=None,
        commit: bool = True,
        **fields,
    ):
        event = event or session.event
        slot = Slot(
            version_id=(version or get_draft(event)).id,
            session_id=session.id if session else None,
            room_id=room.id if room else None,
            starts_at=starts_at,
            ends_at=ends_at or starts_at + timedelta(minutes=session.duration),
            **fields,
        )
        db.session.add(slot)
        if commit:
            db.session.commit()
        return slot

    return factory
