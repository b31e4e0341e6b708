"""Fixtures of the generator's tests: a small event with its organiser, and runs that end with the test."""

from __future__ import annotations

import pytest

from nec.programme.generator import runs
from tests.programme.small_event import small_event


@pytest.fixture
def small(organiser):
    return small_event(organiser, slug="nec-gen")


@pytest.fixture
def wait_for_runs():
    """Runs launched in background threads end before the test's database is emptied."""
    yield runs.wait_for
    runs.wait_for_all(timeout=120)


@pytest.fixture
def worker_mode(app, monkeypatch):
    """Runs are computed by `flask programme work` processes (NEC_GENERATOR_WORKER), not by the web process."""
    monkeypatch.setitem(app.config, "NEC_GENERATOR_WORKER", True)
    return app
