"""Small instances for the generator's tests, written as the JSON an organiser would give."""

from __future__ import annotations

import copy
from typing import Any

from nec.programme.solver.instance import Instance, instance_from_dict

THURSDAY = "2021-01-28"
FRIDAY = "2021-01-29"


def data(**overrides: Any) -> dict[str, Any]:
    """One Thursday from 9:00 to 12:00, one room of 50 places, no sessions yet."""
    base: dict[str, Any] = {
        "grid": 15,
        "days": [{"date": THURSDAY, "opens": "09:00", "closes": "12:00", "breaks": []}],
        "rooms": [{"id": "A", "name": "Salle A", "capacity": 50}],
        "speakers": [],
        "sessions": [],
        "wishes": {},
    }
    base.update(copy.deepcopy(overrides))
    return base


def instance(**overrides: Any) -> Instance:
    return instance_from_dict(data(**overrides))


def session(sid: str, duration: int = 60, **fields: Any) -> dict[str, Any]:
    return {"id": sid, "title": f"Session {sid}", "duration": duration, **fields}


def minute(hhmm: str, day: int = 0) -> int:
    hours, minutes = hhmm.split(":")
    return day * 1440 + int(hours) * 60 + int(minutes)
