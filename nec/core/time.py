"""Datetimes are stored in UTC and shown in the event's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, available_timezones

from nec.core.db import utcnow

__all__ = ["clock", "is_valid_timezone", "localize", "to_local", "utcnow"]


def localize(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a wall-clock time on a given day in a time zone."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def to_local(instant: datetime, tz_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz_name))


def is_valid_timezone(name: str) -> bool:
    return name in available_timezones()


def clock(at: time | datetime | str, *, french: bool = True) -> str:
    """The one way a wall-clock time is written: 14h30 in French (14:30 in English). Takes a time, a
    datetime already local, or the 'HH:MM' text of a stored report (the `clock` template filter uses it)."""
    if isinstance(at, str):
        at = time.fromisoformat(at)
    elif isinstance(at, datetime):
        at = at.time()
    return f"{at.hour:02d}{'h' if french else ':'}{at.minute:02d}"
