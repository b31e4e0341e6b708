"""Helpers for the test client's requests."""

from __future__ import annotations

from flask import g


def log_in(client, user) -> None:
    """Sign `user` in for the next requests of `client`, as Flask-Login's session would."""
    g.pop("_login_user", None)  # forget who the last request of this test was
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True
