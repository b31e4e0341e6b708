"""Helpers of the accounts tests (not fixtures): sign a test client in, read the outbox, follow a mailed link."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa

from nec.core.models import OutboxMessage

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
