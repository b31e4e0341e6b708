"""Fixtures of the organisers' registration pages: `reg` (from tests/registrations/conftest.py), signed in
as its organiser, and `people`, a few confirmed participants with seats and a waiting list."""

from __future__ import annotations

import pytest

from nec.core.db import utcnow
from nec.extensions import db
from nec.proposals.models import StructureType
from nec.registrations import seats
from nec.registrations.models import Attendance
from tests.registrations.helpers import participant
from tests.support.web import log_in


@pytest.fixture
def orga_client(client, organiser, reg):
    log_in(client, organiser)
    return client


@pytest.fixture
def people(reg):
    """Anne (on site, Charente, EPN) and Bruno (online, Gironde, CCAS) hold the two seats of workshop A;
    Chloé (on site, no postcode, other) waits for it."""
    anne = participant(reg, "anne@example.org", postcode="16000", commune="Angoulême", structure="EPN d'Angoulême",
                       structure_type=StructureType.epn)  # fmt: skip
    bruno = participant(reg, "bruno@example.org", attendance=Attendance.online, postcode="33000",
                        structure="CCAS de Bordeaux", structure_type=StructureType.ccas)  # fmt: skip
    chloe = participant(reg, "chloe@example.org")
    now = utcnow()
    for person in (anne, bruno, chloe):
        seats.take_seat(person, reg.a, now)
    db.session.commit()
    return {"anne": anne, "bruno": bruno, "chloe": chloe}
