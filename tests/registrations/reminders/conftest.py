"""Fixtures of the reminders' tests (the parent folder's `reg` is the event): a real SMTP server for delivery."""

import pytest


@pytest.fixture
def smtp_app(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", smtp_server.url)
    return app
