"""Absolute links for e-mails and feeds."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app


def base_url() -> str:
    """NEC_BASE_URL without its trailing slash, to put before a path built by url_for."""
    return current_app.config["NEC_BASE_URL"].rstrip("/")


def external_url(endpoint: str, **values) -> str:
    """An absolute link built from NEC_BASE_URL (never from the request's Host header)."""
    base = urlsplit(current_app.config["NEC_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)
