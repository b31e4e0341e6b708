"""Fixtures of the exports' tests."""

import pytest

from tests.programme.exports.helpers import build_programme


@pytest.fixture
def programme(db, make_event):
    """An event with a released programme (the exports' own, with rooms and speakers to export)."""
    return build_programme(db, make_event)
