"""Fixtures shared by every proposals feature: the event of the proposals tests (its reviewer is a root fixture).

A feature whose tests need another event (more days, themes, fixed dates) overrides `event` in its own
conftest.py; `organiser`, `make_session`, `make_user` and `stranger` come from the root fixtures.
"""

from __future__ import annotations

import pytest

from tests.support.events import nec_event


@pytest.fixture
def event(db, organiser):
    """A published event organised by Odile Organisatrice, with the four default formats."""
    return nec_event(organiser)
