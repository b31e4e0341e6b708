"""Datetimes are stored in UTC and shown in the event's time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, available_timezones

from nec.core.db import utcnow

__all__ = ["is_valid_timezone", "localize", "to_local", "utcnow"]


def localize(day: date, at: time, tz_name: str) -> datetime:
    """The UTC instant of a wall-clock time on a given day in a time zone."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def to_local(instant: datetime, tz_name: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz_name))


def is_valid_timezone(name: str) -> bool:
    return name in available_timezones()
