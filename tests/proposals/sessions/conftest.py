"""Fixtures of the organisers' sessions pages, the speakers list, claims, import and export."""

from __future__ import annotations

import pytest

from nec.events.models import Theme
from tests.support.events import nec_event


@pytest.fixture
def event(db, organiser):
    """A published event with its four default formats (Table ronde, Atelier, Intervention, Plénière)."""
    ev = nec_event(organiser)
    db.session.add_all([Theme(event=ev, name="Financer la médiation"), Theme(event=ev, name="Animer un réseau")])
    db.session.commit()
    return ev
