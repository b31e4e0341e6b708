"""Helpers for the accounts tests: sign a test client in, read the outbox, a rate-limited app."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from nec import create_app
from nec.core.models import OutboxMessage
from nec.extensions import limiter
from tests.conftest import TEST_SETTINGS, FreshGlobalsClient

PASSWORD = "une phrase assez longue"


def sign_in(client, user) -> None:
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True


def outbox(db) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def link_in(message: OutboxMessage, path_prefix: str) -> str:
    """The first link of the mail whose path starts with `path_prefix`, as a path (with its query)."""
    for url in re.findall(r"https?://\S+", message.body_text):
        parts = urlsplit(url)
        if parts.path.startswith(path_prefix):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    raise AssertionError(f"no link to {path_prefix} in: {message.body_text}")


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
