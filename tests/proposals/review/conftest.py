"""Fixtures of the review tests: a second reviewer and two criteria (the event comes from tests/proposals)."""

from __future__ import annotations

import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.proposals.review import services as review


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
