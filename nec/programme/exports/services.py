"""Exports of a released programme: frab XML, frab JSON (c3voc schemas), iCalendar and PDF.

Exporters are small classes in a registry (as in pretalx): each knows its name, its media type,
its file extension and how to render a released schedule. Adding a format is adding a class.

What goes out, and why:
- only the slots of a RELEASED version with a session (breaks are not sessions, the draft is private)
  that still takes place (a session cancelled since the release is left out, as on the public pages);
- identifiers that never change: a session's guid is a uuid5 of the event's slug and the session's
  id, so apps that imported an earlier export recognise the same session in the next one;
- times in the event's time zone with their UTC offset (summer time included), durations as HH:MM;
- every speaker taking part, by name, as on the public pages; their details (biography, structure,
  the address of their page's presentation) only with their consent (`public.shows_profile`), since
  a public export is copied by third-party apps and cannot be recalled;
- "recording opt-out" when any speaker of the session refused the recording.

The PDF (to print or send) follows the same rules, shows the breaks too, and is written in the
language of the request; WeasyPrint renders it and is imported only then (see PdfExporter).
"""

from __future__ import annotations

import json
import re
import uuid
import xml.etree.ElementTree as ET
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import icalendar
from flask import current_app, render_template
from flask_babel import gettext as _

from nec.core.slugs import slugify
from nec.core.text import clean_text, without_control
from nec.events.models import Event, Room, RoomKind
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.public.services import by_day, is_public_slot, named_speakers, shows_profile
from nec.proposals.models import InvitationState, Session, SessionSpeaker

GENERATOR_NAME = "NEC"
# Bumped when the exporters change what they write, so that HTTP caches (ETag) are renewed.
EXPORT_REVISION = "1"
# The grid the programme is built on, in minutes (frab's "timeslot_duration").
TIMESLOT_MINUTES = 15
# Fixed for ever: every guid of every export derives from it (changing it changes all guids).
GUID_NAMESPACE = uuid.UUID("5b0f4c2e-8a1d-5d3e-9c61-2f7e0a4b6d18")
JSON_SCHEMA_URL = "https://c3voc.de/schedule/schema.json"

_HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_XML_TRACK_SLUG = re.compile(r"^[a-z][a-z0-9-]+$")
_JSON_SLUG = re.compile(r"^[a-z0-9_-]+[a-z0-9]$")
_JSON_TIME_ZONE = re.compile(r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$")


# --- the released schedule, as the exporters see it ---------------------------------------------------


@dataclass(frozen=True)
class ScheduleDay:
    index: int  # from 1
    date: date
    starts_at: datetime  # local, aware
    ends_at: datetime
    rooms: list[tuple[str, Room | None, list[Slot]]]  # (room name, room, its slots that day)


@dataclass(frozen=True)
class ReleasedSchedule:
    """A released version with its session slots (the breaks apart) and where its pages live."""

    event: Event
    version: ScheduleVersion
    slots: list[Slot]
    base_url: str  # NEC_BASE_URL, without a trailing slash
    session_id: int | None = None  # set when reduced to one session
    breaks: list[Slot] = field(default_factory=list)  # slots without a session (only the PDF shows them)
    tz: ZoneInfo = field(init=False)

    def __post_init__(self) -> None:
        try:
            tz = ZoneInfo(self.event.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = ZoneInfo("UTC")
        object.__setattr__(self, "tz", tz)

    def only_session(self, session_id: int) -> ReleasedSchedule | None:
        """The same schedule reduced to one session's slot (None if it is not in this release)."""
        reduced = self.only_sessions({session_id})
        return replace(reduced, session_id=session_id) if reduced else None

    def only_sessions(self, session_ids: set[int]) -> ReleasedSchedule | None:
        """The same schedule reduced to these sessions' slots, without breaks (None if none is in it)."""
        slots = [slot for slot in self.slots if slot.session_id in session_ids]
        return replace(self, slots=slots, breaks=[]) if slots else None

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.tz)

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"


def build_schedule(event: Event, version: ScheduleVersion, slots: list[Slot], base_url: str) -> ReleasedSchedule:
    """The release's sessions as the public pages show them: a session cancelled, withdrawn or
    declined since the release is left out at once, as on the programme page."""
    sessions_only = [slot for slot in slots if slot.session is not None and is_public_slot(slot)]
    breaks = [slot for slot in slots if slot.session is None]
    return ReleasedSchedule(
        event=event, version=version, slots=sessions_only, base_url=base_url.rstrip("/"), breaks=breaks
    )


# --- identifiers, names and helpers shared by the formats -----------------------------------------------


def session_guid(event: Event, session_id: int) -> uuid.UUID:
    return uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/sessions/{session_id}")


def room_guid(event: Event, room_id: int | None) -> uuid.UUID:
    return uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/rooms/{room_id or 'none'}")


def person_guid(event: Event, speaker_id: int) -> uuid.UUID:
    return uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/speakers/{speaker_id}")


def calendar_uid(event: Event, session_id: int | None = None) -> uuid.UUID:
    """The calendar's own UID (RFC 7986): the same from one export to the next."""
    scope = f"sessions/{session_id}" if session_id is not None else "programme"
    return uuid.uuid5(GUID_NAMESPACE, f"{event.slug}/calendars/{scope}")


def conference_acronym(event: Event) -> str:
    """The event's slug in the shape both schemas accept: no hyphen (JSON), at least 4 characters."""
    acronym = event.slug.replace("-", "_")
    return acronym.ljust(4, "_")


def session_slug(event: Event, session: Session) -> str:
    """`<acronym>-<id>-<title>`, ASCII, as frab and pretalx write it."""
    title = slugify(session.title, max_length=60) or "session"
    return f"{conference_acronym(event)}-{session.id}-{title}"


def session_url(schedule: ReleasedSchedule, session: Session) -> str:
    return schedule.url(f"/{schedule.event.slug}/sessions/{session.id}/")


def speaker_url(schedule: ReleasedSchedule, speaker_id: int) -> str:
    return schedule.url(f"/{schedule.event.slug}/speakers/{speaker_id}/")


def public_speakers(session: Session) -> list[SessionSpeaker]:
    """The speakers an export names (everyone taking part), in the session's order."""
    return named_speakers(session)


def recording_optout(session: Session) -> bool:
    """True as soon as one speaker taking part refused the recording."""
    return any(
        part.recording_consent is False
        for part in session.speakers
        if part.invitation_state == InvitationState.accepted
    )


def hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_minutes(slot: Slot) -> int:
    return int((slot.ends_at - slot.starts_at).total_seconds() // 60)


def unplaced_room_name() -> str:
    return _("Salle à préciser")


def schedule_days(schedule: ReleasedSchedule) -> list[ScheduleDay]:
    """The event's days (and any day a slot falls on), each with its hours and its rooms' slots.

    Every room of the event is listed every day, in the event's order, so that apps show steady
    columns; a session whose room was deleted goes under "Salle à préciser".
    """
    event, tz = schedule.event, schedule.tz
    by_date: dict[date, list[Slot]] = {}
    for slot in schedule.slots:
        by_date.setdefault(schedule.local(slot.starts_at).date(), []).append(slot)
    hours = {day.date: (day.opens_at, day.closes_at) for day in event.days}
    dates = sorted(set(hours) | set(by_date))
    if not dates:
        dates = [event.start_date + timedelta(days=n) for n in range((event.end_date - event.start_date).days + 1)]

    days = []
    for index, day in enumerate(dates, start=1):
        slots = by_date.get(day, [])
        starts = [schedule.local(slot.starts_at) for slot in slots]
        ends = [schedule.local(slot.ends_at) for slot in slots]
        if day in hours:
            opens, closes = hours[day]
            starts.append(datetime.combine(day, opens, tzinfo=tz))
            ends.append(datetime.combine(day, closes, tzinfo=tz))
        if not starts:
            starts.append(datetime.combine(day, time(0, 0), tzinfo=tz))
            ends.append(datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=tz))
        # Normalise the offsets (a wall-clock time built with tzinfo= carries the right one already).
        starts_at = min(starts).astimezone(tz)
        ends_at = max(ends).astimezone(tz)

        rooms: list[tuple[str, Room | None, list[Slot]]] = [
            (room.name, room, [s for s in slots if s.room_id == room.id]) for room in event.rooms
        ]
        known = {room.id for room in event.rooms}
        unplaced = [s for s in slots if s.room_id not in known]
        if unplaced:
            same_name = next((entry for entry in rooms if entry[0] == unplaced_room_name()), None)
            if same_name is not None:  # a real room already bears that name: one column, in time order
                same_name[2].extend(unplaced)
                same_name[2].sort(key=lambda s: (s.starts_at, s.id))
            else:
                rooms.append((unplaced_room_name(), None, unplaced))
        days.append(ScheduleDay(index, day, starts_at, ends_at, rooms))
    return days


def _clean(text: str | None) -> str:
    """Without the characters XML 1.0 does not allow (pasted text sometimes carries them)."""
    return without_control(text or "")


def _iso(instant: datetime) -> str:
    return instant.isoformat(timespec="seconds")


# --- the registry -------------------------------------------------------------------------------------


class ExportUnavailable(Exception):
    """This server lacks what the format needs (the PDF: WeasyPrint and the Pango library)."""


class Exporter(ABC):
    """One export format of a released schedule: subclasses set name, media type, extension and render."""

    name: str
    media_type: str
    extension: str
    charset: str | None = "utf-8"  # None for a binary format
    localised = False  # True when the file is written in the visitor's language (its ETag names it)

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset={self.charset}" if self.charset else self.media_type

    def filename(self, event: Event) -> str:
        return f"{event.slug}-schedule.{self.extension}"

    @abstractmethod
    def render(self, schedule: ReleasedSchedule) -> bytes: ...


EXPORTERS: dict[str, Exporter] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    EXPORTERS[cls.name] = cls()
    return cls


def get_exporter(name: str) -> Exporter:
    return EXPORTERS[name]


# --- frab XML -----------------------------------------------------------------------------------------


@register
class FrabXmlExporter(Exporter):
    """schedule.xml, valid against the c3voc XSD."""

    name = "xml"
    media_type = "application/xml"
    extension = "xml"

    def render(self, schedule: ReleasedSchedule) -> bytes:
        event = schedule.event
        root = ET.Element("schedule")
        ET.SubElement(root, "generator", name=GENERATOR_NAME, version=EXPORT_REVISION)
        _text(root, "url", schedule.url(f"/{event.slug}/schedule.xml"))
        _text(root, "version", schedule.version.name or "")
        days = schedule_days(schedule)
        self._conference(root, schedule, days)
        for day in days:
            day_element = ET.SubElement(
                root,
                "day",
                index=str(day.index),
                date=day.date.isoformat(),
                start=_iso(day.starts_at),
                end=_iso(day.ends_at),
            )
            for room_name, room, slots in day.rooms:
                room_element = ET.SubElement(
                    day_element, "room", name=_clean(room_name), guid=str(room_guid(event, room and room.id))
                )
                for slot in slots:
                    self._session(room_element, schedule, slot, room_name)
        ET.indent(root)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

    def _conference(self, root: ET.Element, schedule: ReleasedSchedule, days: list[ScheduleDay]) -> None:
        event = schedule.event
        conference = ET.SubElement(root, "conference")
        _text(conference, "title", event.title)
        _text(conference, "acronym", conference_acronym(event))
        _text(conference, "start", days[0].date.isoformat())
        _text(conference, "end", days[-1].date.isoformat())
        _text(conference, "days", str(len(days)))
        _text(conference, "timeslot_duration", hhmm(TIMESLOT_MINUTES))
        _text(conference, "base_url", schedule.url("/"))
        _text(conference, "url", _conference_url(schedule))
        _text(conference, "time_zone_name", event.timezone)
        for theme in event.themes:
            attributes = {"name": _clean(theme.name)}
            if _HEX_COLOUR.match(theme.colour or ""):
                attributes["color"] = theme.colour.lower()
            slug = slugify(theme.name)
            if _XML_TRACK_SLUG.match(slug):
                attributes["slug"] = slug
            _text(conference, "track", theme.name, **attributes)

    def _session(self, parent: ET.Element, schedule: ReleasedSchedule, slot: Slot, room_name: str) -> None:
        event, session = schedule.event, slot.session
        element = ET.SubElement(parent, "event", id=str(session.id), guid=str(session_guid(event, session.id)))
        start = schedule.local(slot.starts_at)
        _text(element, "room", room_name)
        _text(element, "title", session.title)
        _text(element, "subtitle", "")
        _text(element, "type", session.format.name)
        _text(element, "date", _iso(start))
        _text(element, "start", start.strftime("%H:%M"))
        _text(element, "duration", hhmm(slot_minutes(slot)))
        _text(element, "abstract", session.summary)
        _text(element, "slug", session_slug(event, session))
        _text(element, "track", session.theme.name if session.theme else "")
        persons = ET.SubElement(element, "persons")
        for part in public_speakers(session):
            _text(
                persons,
                "person",
                part.speaker.full_name,
                id=str(part.speaker.id),
                guid=str(person_guid(event, part.speaker.id)),
            )
        _text(element, "language", session.language)
        _text(element, "description", session.description)
        recording = ET.SubElement(element, "recording")
        _text(recording, "license", "")
        _text(recording, "optout", "true" if recording_optout(session) else "false")
        _text(element, "url", session_url(schedule, session))


def _text(parent: ET.Element, tag: str, text: str | None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = _clean(text)
    return element


def _conference_url(schedule: ReleasedSchedule) -> str:
    website = schedule.event.website or ""
    if re.match(r"^https?://\S+$", website):
        return website
    return schedule.url(f"/{schedule.event.slug}/")


# --- frab JSON ----------------------------------------------------------------------------------------


@register
class FrabJsonExporter(Exporter):
    """schedule.json, valid against the c3voc JSON schema."""

    name = "json"
    media_type = "application/json"
    extension = "json"

    def render(self, schedule: ReleasedSchedule) -> bytes:
        return (json.dumps(self.document(schedule), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def document(self, schedule: ReleasedSchedule) -> dict:
        event = schedule.event
        days = schedule_days(schedule)
        conference: dict = {
            "acronym": conference_acronym(event),
            "title": event.title,
            "start": days[0].date.isoformat(),
            "end": days[-1].date.isoformat(),
            "daysCount": len(days),
            "timeslot_duration": hhmm(TIMESLOT_MINUTES),
            "url": _conference_url(schedule),
        }
        if event.description:
            conference["description"] = event.description
        if _JSON_TIME_ZONE.match(event.timezone):
            conference["time_zone_name"] = event.timezone
        conference["tracks"] = [self._track(theme) for theme in event.themes]
        conference["rooms"] = [self._room(event, room) for room in event.rooms]
        if any(room is None for day in days for _name, room, _slots in day.rooms):
            conference["rooms"].append({"name": unplaced_room_name(), "guid": str(room_guid(event, None))})
        conference["days"] = [
            {
                "index": day.index,
                "date": day.date.isoformat(),
                "day_start": _iso(day.starts_at),
                "day_end": _iso(day.ends_at),
                "rooms": {
                    name: [self._session(schedule, slot, name) for slot in slots] for name, _room, slots in day.rooms
                },
            }
            for day in days
        ]
        return {
            "$schema": JSON_SCHEMA_URL,
            "generator": {"name": GENERATOR_NAME, "version": EXPORT_REVISION},
            "schedule": {
                "url": schedule.url(f"/{event.slug}/schedule.json"),
                "version": schedule.version.name or "",
                "base_url": schedule.url("/"),
                "conference": conference,
            },
        }

    @staticmethod
    def _track(theme) -> dict:
        track = {"name": theme.name}
        slug = slugify(theme.name)
        if _JSON_SLUG.match(slug):
            track["slug"] = slug
        if _HEX_COLOUR.match(theme.colour or ""):
            track["color"] = theme.colour.lower()
        return track

    @staticmethod
    def _room(event: Event, room: Room) -> dict:
        data: dict = {"name": room.name, "guid": str(room_guid(event, room.id))}
        slug = slugify(room.name)
        if _JSON_SLUG.match(slug):
            data["slug"] = slug
        if room.kind == RoomKind.virtual:
            data["type"] = "online"
        if room.capacity:
            data["capacity"] = room.capacity
        return data

    @staticmethod
    def _session(schedule: ReleasedSchedule, slot: Slot, room_name: str) -> dict:
        event, session = schedule.event, slot.session
        start = schedule.local(slot.starts_at)
        return {
            "guid": str(session_guid(event, session.id)),
            "id": session.id,
            "date": _iso(start),
            "start": start.strftime("%H:%M"),
            "end": _iso(schedule.local(slot.ends_at)),
            "duration": hhmm(slot_minutes(slot)),
            "room": room_name,
            "slug": session_slug(event, session),
            "url": session_url(schedule, session),
            "title": session.title,
            "subtitle": "",
            "track": session.theme.name if session.theme else None,
            "type": session.format.name,
            "language": session.language or None,
            "abstract": session.summary,
            "description": session.description,
            "do_not_record": recording_optout(session),
            "persons": [
                {
                    "guid": str(person_guid(event, part.speaker.id)),
                    "id": part.speaker.id,
                    "name": part.speaker.full_name,
                    "url": speaker_url(schedule, part.speaker.id),
                    "biography": (part.speaker.bio or None) if shows_profile(part.speaker) else None,
                }
                for part in public_speakers(session)
            ],
            "links": [],
        }


# --- iCalendar ----------------------------------------------------------------------------------------


@register
class ICalExporter(Exporter):
    """schedule.ics: one VEVENT per session slot, in the event's time zone (with its VTIMEZONE)."""

    name = "ics"
    media_type = "text/calendar"
    extension = "ics"

    def render(self, schedule: ReleasedSchedule) -> bytes:
        event = schedule.event
        calendar = icalendar.Calendar.new(
            prodid=f"-//Numérique en Communs//{GENERATOR_NAME}//FR",
            name=clean_text(event.title),
            method="PUBLISH",
            calscale="GREGORIAN",
            url=schedule.url(f"/{event.slug}/"),
            uid=calendar_uid(event, schedule.session_id),
        )
        calendar.add("x-wr-timezone", schedule.tz.key)
        for entry in self.entries(schedule):
            calendar.add_component(entry)
        # The time zone's rules around the event only (not since 1970): a short file, the same offsets.
        dates = [event.start_date, event.end_date] + [schedule.local(slot.starts_at).date() for slot in schedule.slots]
        calendar.add_missing_timezones(
            first_date=min(dates) - timedelta(days=7), last_date=max(dates) + timedelta(days=7)
        )
        return calendar.to_ical()

    def entries(self, schedule: ReleasedSchedule) -> Iterator[icalendar.Event]:
        event, stamp = schedule.event, schedule.version.released_at
        for slot in schedule.slots:
            session = slot.session
            categories = [session.format.name] + ([session.theme.name] if session.theme else [])
            # Texts without control characters: iCalendar allows none but tab, and a lone CR breaks the line.
            entry = icalendar.Event.new(
                uid=f"{session_guid(event, session.id)}@{event.slug}",
                stamp=stamp,
                start=schedule.local(slot.starts_at),
                end=schedule.local(slot.ends_at),
                summary=clean_text(session.title, single_line=True),
                location=clean_text(slot.room.name if slot.room else unplaced_room_name(), single_line=True),
                description=clean_text(_ics_description(session)),
                url=session_url(schedule, session),
                categories=[clean_text(name, single_line=True) for name in categories],
            )
            yield entry


def _ics_description(session: Session) -> str:
    parts = [session.summary.strip()]
    names = ", ".join(part.speaker.full_name for part in public_speakers(session))
    if names:
        parts.append(_("Avec : %(names)s", names=names))
    parts.append(session.description.strip())
    return "\n\n".join(part for part in parts if part)


# --- PDF ----------------------------------------------------------------------------------------------

PDF_STYLESHEET = "css/programme-pdf.css"  # under the static folder, read from disk (never fetched)


@register
class PdfExporter(Exporter):
    """schedule.pdf: the programme to print or send, day by day, on A4 pages (HTML and CSS through
    WeasyPrint). WeasyPrint is imported here only, so that a server without Pango still starts: the
    PDF alone is then unavailable (ExportUnavailable)."""

    name = "pdf"
    media_type = "application/pdf"
    extension = "pdf"
    charset = None
    localised = True

    def render(self, schedule: ReleasedSchedule) -> bytes:
        try:
            from weasyprint import CSS, HTML
            from weasyprint.urls import URLFetcher
        except (ImportError, OSError) as error:  # OSError: the Pango library cannot be loaded
            raise ExportUnavailable(f"WeasyPrint cannot run: {error}") from error

        html = render_template("programme/exports/pdf/programme.html", **self.context(schedule))
        # Nothing is fetched while rendering: no network, no file (the stylesheets are given as text).
        fetcher = URLFetcher(allowed_protocols=())
        stylesheets = [
            CSS(string=_pdf_stylesheet(), url_fetcher=fetcher),
            CSS(string=_pdf_margins(schedule), url_fetcher=fetcher),
        ]
        document = HTML(string=html, base_url=schedule.url("/"), url_fetcher=fetcher)
        return document.write_pdf(stylesheets=stylesheets)

    @staticmethod
    def context(schedule: ReleasedSchedule) -> dict:
        """What the template needs: the event, the release, and its days with slots by start time."""
        event = schedule.event
        return {
            "event": event,
            "version": schedule.version,
            "tz": schedule.tz.key,
            "days": by_day([*schedule.slots, *schedule.breaks], schedule.tz.key),
            "programme_url": schedule.url(f"/{event.slug}/programme/"),
            "speaker_names": _speaker_names,
        }


def _speaker_names(session: Session) -> str:
    """ "Alice Durand (EPN de Barbezieux), Chloé Moreau": the speakers who agreed to be named."""
    return ", ".join(
        f"{part.speaker.full_name} ({part.speaker.structure})"
        if part.speaker.structure and shows_profile(part.speaker)
        else part.speaker.full_name
        for part in public_speakers(session)
    )


def _pdf_stylesheet() -> str:
    return (Path(current_app.static_folder) / PDF_STYLESHEET).read_text(encoding="utf-8")


def _pdf_margins(schedule: ReleasedSchedule) -> str:
    """The page footer: the online programme's address, and "Page 2 sur 5" in the visitor's language."""
    marker = "\x00"
    text = _("Page %(page)s sur %(pages)s", page=f"{marker}page{marker}", pages=f"{marker}pages{marker}")
    pieces = []
    for index, piece in enumerate(text.split(marker)):
        if index % 2:  # between two markers: a counter's name
            pieces.append(f"counter({piece})" if piece in ("page", "pages") else _css_string(piece))
        elif piece:
            pieces.append(_css_string(piece))
    address = _css_string(schedule.url(f"/{schedule.event.slug}/programme/"))
    return f"@page {{ @bottom-left {{ content: {address}; }} @bottom-right {{ content: {' '.join(pieces)}; }} }}"


def _css_string(text: str) -> str:
    """A CSS string literal holding `text` as it is (quotes, backslashes and line breaks escaped)."""
    escaped = "".join(c if c.isprintable() and c not in '"\\<' else f"\\{ord(c):x} " for c in text)
    return f'"{escaped}"'
