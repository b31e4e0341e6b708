"""A second application on the test database with rate limits on (they are off in TEST_SETTINGS)."""

from __future__ import annotations

import pytest

from nec import create_app
from nec.extensions import db, limiter
from tests.conftest import TEST_SETTINGS, FreshGlobalsClient


@pytest.fixture
def limited_app(app):
    """A second application on the same database, with rate limits on, counted in memory."""
    was_enabled = limiter.enabled
    limited = create_app(
        {
            **TEST_SETTINGS,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        }
    )
    limited.test_client_class = FreshGlobalsClient
    with limited.app_context():
        yield limited
        db.session.remove()
        db.engine.dispose()
    limiter.reset()
    # The limiter object is shared by every app of the process: switch it off again for the other tests.
    limiter.enabled = was_enabled


@pytest.fixture
def limited_client(limited_app):
    return limited_app.test_client()
