"""The speaker's half-days of availability (/<ev>/me/availability)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _

from nec.core.time import localize
from nec.events.models import Event
from nec.extensions import db
from nec.proposals.models import (
    Availability,
    SpeakerProfile,
)

# --- availability --------------------------------------------------------------------------------


@dataclass(frozen=True)
class HalfDay:
    key: str  # "2025-01-28-am": what the form sends back
    day: date
    label: str  # "Matin", "Après-midi"
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC


NOON = time(12, 0)


def half_days(event: Event) -> list[HalfDay]:
    """The mornings and afternoons of the event, from each day's opening hours and lunch break."""
    result = []
    for day in event.days:
        split_start = day.lunch_start or NOON
        split_end = day.lunch_end or NOON
        periods = []
        if day.opens_at < split_start:
            periods.append(("am", _("Matin"), day.opens_at, min(split_start, day.closes_at)))
        if split_end < day.closes_at:
            periods.append(("pm", _("Après-midi"), max(split_end, day.opens_at), day.closes_at))
        for suffix, label, start, end in periods:
            result.append(
                HalfDay(
                    key=f"{day.date.isoformat()}-{suffix}",
                    day=day.date,
                    label=label,
                    starts_at=localize(day.date, start, event.timezone),
                    ends_at=localize(day.date, end, event.timezone),
                )
            )
    return result


def available_keys(profile: SpeakerProfile | None, periods: list[HalfDay]) -> set[str]:
    """The half-days an availability of the speaker covers entirely."""
    if profile is None:
        return set()
    rows = [(a.starts_at, a.ends_at) for a in profile.availabilities]
    return {p.key for p in periods if any(s <= p.starts_at and p.ends_at <= e for s, e in rows)}


def save_availability(profile: SpeakerProfile, event: Event, keys: Iterable[str]) -> list[Availability]:
    """Replace the speaker's availability by the chosen half-days (unknown keys are ignored)."""
    chosen = set(keys)
    periods = [p for p in half_days(event) if p.key in chosen]
    profile.availabilities.clear()
    db.session.flush()
    rows = [Availability(starts_at=p.starts_at, ends_at=p.ends_at) for p in periods]
    profile.availabilities.extend(rows)
    return rows
