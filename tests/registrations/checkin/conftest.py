"""Fixtures of the check-in tests: the small event of tests/registrations/attendance_world.py."""

import pytest

from tests.registrations import attendance_world


@pytest.fixture
def world(db, make_event, organiser):
    return attendance_world.build(db, make_event, organiser)
