"""Fixtures of the exports' tests."""

import pytest

from tests.programme.exports.helpers import build_programme


@pytest.fixture
def programme(db, make_event):
    """An event with a released programme (the exports' own, with rooms and speakers to export)."""
    return build_programme(db, make_event)


@pytest.fixture
def limited_client(app):
    """A client of a second application on the same database, with rate limits on (off in TEST_SETTINGS)."""
    from nec import create_app
    from nec.extensions import db, limiter
    from tests.conftest import TEST_SETTINGS, FreshGlobalsClient

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
        yield limited.test_client()
        db.session.remove()
        db.engine.dispose()
    limiter.reset()
    limiter.enabled = was_enabled  # the limiter is shared by every app of the process
