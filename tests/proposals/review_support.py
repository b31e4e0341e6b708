"""Fixtures and helpers of the review tests: an event, reviewers, criteria, proposals built with the models.

Imported explicitly by test_review.py and test_review_views.py (not a conftest: other helpers own theirs).
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.models import OutboxMessage
from nec.events.models import FormatKind, SessionFormat
from nec.proposals.models import Review, ReviewScore
from nec.proposals.review import services as review
from tests.support import events as shared
from tests.support.events import nec_event

# --- factories ------------------------------------------------

reviewer = shared.reviewer


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


def give_review(db, session, reviewer, values: dict, comment: str = "") -> Review:
    """A review written directly with the models (values: criterion -> score)."""
    entry = Review(session_id=session.id, reviewer_id=reviewer.id, comment=comment)
    entry.scores = [ReviewScore(criterion_id=c.id, value=v) for c, v in values.items()]
    db.session.add(entry)
    db.session.commit()
    return entry


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))
