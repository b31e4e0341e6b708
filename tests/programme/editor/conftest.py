"""Fixtures of the programme editor's tests."""

import pytest

from tests.programme.small_event import small_event


@pytest.fixture
def small(app):
    """The small event of the generator's tests (two days, two rooms), with an empty draft."""
    return small_event()
