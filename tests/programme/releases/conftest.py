"""Fixtures of the releases' tests: a released programme whose first release is two days old."""

from datetime import timedelta

import pytest

from nec.core.db import utcnow
from tests.programme.public.helpers import build_programme


@pytest.fixture
def programme(db, make_event):
    built = build_programme(db, make_event, slug="nec-publier")
    built.release.released_at = utcnow() - timedelta(days=2)  # v1 was released before today's releases
    db.session.commit()
    return built
