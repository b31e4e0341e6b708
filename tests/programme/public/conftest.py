"""Fixtures of the public programme's tests."""

import pytest

from nec.programme.public.cache import page_cache
from tests.programme.public.helpers import build_programme


@pytest.fixture(autouse=True)
def empty_cache(app):
    """The application lives for the whole test run: each test starts with an empty page cache."""
    page_cache().clear()
    yield
    page_cache().clear()


@pytest.fixture
def prog(db, make_event):
    """An event with a released programme and a draft."""
    return build_programme(db, make_event)
