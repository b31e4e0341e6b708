"""What the read-only JSON API says about an event and its released programme: plain dicts.

Public data only: published events, the latest release (never the draft), sessions that still take
place, and the speakers who take part, by name; their structure and biography only with their consent
(`publish_consent`), as on the public pages. The shapes are documented in docs/api.openapi.yaml.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nec.events.models import Event, Room
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.public import services as public
from nec.proposals.models import SpeakerProfile


def _zone(event: Event) -> ZoneInfo:
    try:
        return ZoneInfo(event.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _iso(instant: datetime, tz: ZoneInfo) -> str:
    """ISO 8601 in the event's time zone, with its UTC offset (summer time included)."""
    return instant.astimezone(tz).isoformat(timespec="seconds")


def _date(day: date) -> str:
    return day.isoformat()


def event_summary(event: Event, base_url: str) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "tagline": event.tagline,
        "start_date": _date(event.start_date),
        "end_date": _date(event.end_date),
        "timezone": event.timezone,
        "format": event.format.value,
        "url": f"{base_url}/{event.slug}/",
        "api_url": f"{base_url}/api/v1/events/{event.slug}",
    }


def event_detail(event: Event, version: ScheduleVersion | None, base_url: str) -> dict:
    data = event_summary(event, base_url)
    data.update(
        {
            "description": event.description,
            "venue_name": event.venue_name,
            "venue_address": event.venue_address,
            "organiser_name": event.organiser_name,
            "website": event.website,
            "release": release(version),
            "links": {
                "sessions": f"{base_url}/api/v1/events/{event.slug}/sessions",
                "speakers": f"{base_url}/api/v1/events/{event.slug}/speakers",
                "rooms": f"{base_url}/api/v1/events/{event.slug}/rooms",
                "programme": f"{base_url}/{event.slug}/programme/",
                "ics": f"{base_url}/{event.slug}/schedule.ics",
            },
        }
    )
    return data


def release(version: ScheduleVersion | None) -> dict | None:
    """Which released version the data comes from (None before the first release)."""
    if version is None:
        return None
    return {"name": version.name, "released_at": version.released_at.isoformat(timespec="seconds")}


def sessions(event: Event, version: ScheduleVersion, slots: list[Slot], base_url: str) -> dict:
    """The public sessions of a release in time order (breaks are not sessions)."""
    tz = _zone(event)
    items = []
    for slot in slots:
        session = slot.session
        if session is None or not public.is_public_slot(slot):
            continue
        items.append(
            {
                "id": session.id,
                "title": session.title,
                "summary": session.summary,
                "format": session.format.name,
                "theme": session.theme.name if session.theme else None,
                "language": session.language or None,
                "start": _iso(slot.starts_at, tz),
                "end": _iso(slot.ends_at, tz),
                "room": {"id": slot.room.id, "name": slot.room.name} if slot.room else None,
                "speakers": [
                    {"id": part.speaker.id, "name": part.speaker.full_name, "role": part.role.value}
                    for part in public.named_speakers(session)
                ],
                "url": f"{base_url}/{event.slug}/sessions/{session.id}/",
            }
        )
    return {"release": release(version), "sessions": items}


def _speaker(event: Event, profile: SpeakerProfile, session_ids: list[int], base_url: str) -> dict:
    return {
        "id": profile.id,
        "name": profile.full_name,
        "structure": profile.structure if public.shows_profile(profile) else "",
        "biography": profile.bio if public.shows_profile(profile) else "",
        "sessions": session_ids,
        "url": f"{base_url}/{event.slug}/speakers/{profile.id}/",
    }


def speakers(event: Event, version: ScheduleVersion, slots: list[Slot], base_url: str) -> dict:
    """The named speakers of the release's public sessions, by name, with their sessions' ids."""
    public_slots = [slot for slot in slots if public.is_public_slot(slot)]
    found = public.public_speakers(public_slots)
    return {
        "release": release(version),
        "speakers": [
            _speaker(event, entry.profile, [part.slot.session_id for part in entry.parts], base_url) for entry in found
        ],
    }


def room(item: Room) -> dict:
    return {"id": item.id, "name": item.name, "kind": item.kind.value, "capacity": item.capacity}


def rooms(event: Event) -> dict:
    return {"rooms": [room(item) for item in event.rooms]}
