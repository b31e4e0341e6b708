"""Helpers for the test client's requests."""

from __future__ import annotations

import html

from flask import g


def log_in(client, user) -> None:
    """Sign `user` in for the next requests of `client`, as Flask-Login's session would."""
    g.pop("_login_user", None)  # forget who the last request of this test was
    with client.session_transaction() as s:
        s["_user_id"] = user.get_id()
        s["_fresh"] = True


def log_out(client) -> None:
    g.pop("_login_user", None)
    with client.session_transaction() as s:
        s.clear()


def page_text(response) -> str:
    """The page's HTML with entities decoded, so that tests read French as people do (l'événement)."""
    return html.unescape(response.get_data(as_text=True))
