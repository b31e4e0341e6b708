"""Fixtures of the accounts tests: a second, rate-limited app (helpers are in tests/accounts/helpers.py)."""

from __future__ import annotations

import pytest

from nec import create_app
from nec.extensions import limiter
from tests.conftest import TEST_SETTINGS, FreshGlobalsClient


@pytest.fixture
def limited_app(app):
    """A second application on the same database, with rate limits on (they are off in TEST_SETTINGS)."""
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
        from nec.extensions import db

        db.session.remove()
        db.engine.dispose()
    limiter.reset()
    # The limiter object is shared by every app of the process: switch it off again for the other tests.
    limiter.enabled = was_enabled
