"""Plain helpers of the generator's tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import sqlalchemy as sa

from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import GeneratorRun


def runs_of(event: Event) -> list[GeneratorRun]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(GeneratorRun).where(GeneratorRun.event_id == event.id)))


# The generator's form, filled as an organiser would (weights, then the time limit in seconds).
GENERATOR_FORM = {
    "wishes": "1",
    "themes": "2",
    "density": "1",
    "max_parallel": "",
    "back_to_back": "5",
    "min_break": "15",
    "theme_rooms": "3",
    "changes": "20",
    "time_limit": "5",
}
