"""Fixtures and helpers of the direct programming and import/export tests.

Imported explicitly by those test modules (not a conftest: other helpers own theirs).
"""

from __future__ import annotations

import pytest

from nec.events.models import Theme
from tests.support import events as shared
from tests.support.data import fmt, outbox  # noqa: F401 (re-exported to the tests)
from tests.support.events import nec_event
from tests.support.web import log_out, page_text  # noqa: F401 (re-exported to the tests)

reviewer = shared.reviewer


@pytest.fixture
def event(db, organiser):
    """A published event with its four default formats (Table ronde, Atelier, Intervention, Plénière)."""
    ev = nec_event(organiser)
    db.session.add_all([Theme(event=ev, name="Financer la médiation"), Theme(event=ev, name="Animer un réseau")])
    db.session.commit()
    return ev
