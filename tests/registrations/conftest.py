"""Fixtures of the registrations' tests: `reg`, an event taking registrations with three limited workshops."""

import pytest

from tests.registrations.helpers import build_event


@pytest.fixture
def reg(db, organiser):
    return build_event(organiser)
