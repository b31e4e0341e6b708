"""Fixtures and helpers of the review tests: an event, reviewers, criteria, proposals built with the models.

Imported explicitly by test_review.py and test_review_views.py (not a conftest: other helpers own theirs).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.models import OutboxMessage
from nec.events.models import FormatKind, SessionFormat, Theme
from nec.proposals import review
from nec.proposals.models import Review, ReviewScore, Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole
from tests.support import events as shared
from tests.support.events import nec_event

# --- factories ------------------------------------------------

organiser, reviewer = shared.organiser, shared.reviewer


@pytest.fixture
def event(db, organiser):
    return nec_event(organiser)


@pytest.fixture
def second_reviewer(db, make_user, event):
    user = make_user("relectrice@example.org", full_name="Rachida Relectrice")
    db.session.add(EventRole(event_id=event.id, user_id=user.id, role=EventRoleKind.reviewer))
    db.session.commit()
    return user


@pytest.fixture
def criteria(db, event, organiser):
    """Two criteria with different maxima and weights: the example of the proposals page."""
    usefulness = review.add_criterion(event, organiser, name="Utilité", max_score=5, weight=2)
    clarity = review.add_criterion(event, organiser, name="Clarté", max_score=2, weight=1)
    db.session.commit()
    return usefulness, clarity


def format_of(event, kind: FormatKind) -> SessionFormat:
    return next(f for f in event.formats if f.kind == kind)


@pytest.fixture
def make_session(db, event):
    """A proposal built with the models: speakers are (full name, e-mail, structure) triples."""
    counter = iter(range(1, 10_000))

    def factory(
        title: str | None = None,
        *,
        state: SessionState = SessionState.submitted,
        ev=None,
        kind: FormatKind = FormatKind.round_table,
        theme: Theme | None = None,
        speakers=(("Sam Speaker", "sam@example.org", "Centre social du Sud"),),
        submitted_by=None,
        user_of=None,
        commit: bool = True,
    ) -> Session:
        ev = ev or event
        n = next(counter)
        session = Session(
            event_id=ev.id,
            format_id=format_of(ev, kind).id,
            theme_id=theme.id if theme else None,
            title=title or f"Proposition {n}",
            summary="Un résumé",
            description="Une description.",
            duration=75,
            audience="Médiateurs numériques",
            state=state,
            submitted_at=datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=n),
            submitted_by_id=submitted_by.id if submitted_by else None,
        )
        db.session.add(session)
        for position, (name, email, structure) in enumerate(speakers):
            profile = db.session.scalar(
                sa.select(SpeakerProfile).where(SpeakerProfile.event_id == ev.id, SpeakerProfile.email == email)
            )
            if profile is None:
                profile = SpeakerProfile(
                    event_id=ev.id,
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


def give_review(db, session, reviewer, values: dict, comment: str = "") -> Review:
    """A review written directly with the models (values: criterion -> score)."""
    entry = Review(session_id=session.id, reviewer_id=reviewer.id, comment=comment)
    entry.scores = [ReviewScore(criterion_id=c.id, value=v) for c, v in values.items()]
    db.session.add(entry)
    db.session.commit()
    return entry


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
