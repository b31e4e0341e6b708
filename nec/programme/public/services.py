"""The released programme as the public pages show it: which sessions, filters, days, speakers.

Only the latest release is ever shown, never the draft, and within it only sessions that still take
place (accepted or confirmed): a session cancelled, withdrawn or declined after the release disappears
from the public pages without waiting for a new release (within NEC_PAGE_CACHE_CHECK_SECONDS for the
cached pages of anonymous visitors, see cache.py).

Every speaker taking part is named (their name, beside their sessions, here and in the exports); the
profile form asks them whether their profile's details (structure, territory, photo, presentation)
are published too: `shows_profile`. The photo is shown (and served, see `public_views.speaker_photo`)
only with that consent. Everything here works on slots loaded by `release_slots` (a constant number
of queries) and never touches the request.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload

from nec.events.models import Room, SessionFormat, Theme
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.releases.versions import release_slots
from nec.proposals.models import InvitationState, Session, SessionSpeaker, SessionState, SpeakerProfile

# The states of a session that still takes place: only these appear on public pages.
PUBLIC_STATES = (SessionState.accepted, SessionState.confirmed)

MAX_SEARCH_LENGTH = 200


# --- which slots are public ---------------------------------------------------------------------


def is_public_slot(slot: Slot) -> bool:
    """A break (no session) or a session that still takes place."""
    return slot.session is None or slot.session.state in PUBLIC_STATES


def public_slots(version: ScheduleVersion) -> list[Slot]:
    """The release's slots a visitor may see, in time order (a constant number of queries)."""
    return [slot for slot in release_slots(version) if is_public_slot(slot)]


def released_slot(version: ScheduleVersion, session_id: int) -> Slot | None:
    """The slot of one session in a release, if that session is public there (2 queries)."""
    return db.session.scalar(
        sa.select(Slot)
        .join(Session, Slot.session_id == Session.id)
        .where(
            Slot.version_id == version.id,
            Slot.session_id == session_id,
            Session.event_id == version.event_id,
            Session.state.in_(PUBLIC_STATES),
        )
        .options(
            joinedload(Slot.room),
            joinedload(Slot.session).options(
                joinedload(Session.format),
                joinedload(Session.theme),
                selectinload(Session.speakers).joinedload(SessionSpeaker.speaker),
            ),
        )
        .limit(1)
    )


def taking_part(session: Session) -> list[SessionSpeaker]:
    """The speakers who accepted to take part, in the session's order."""
    return [part for part in session.speakers if part.invitation_state == InvitationState.accepted]


def named_speakers(session: Session) -> list[SessionSpeaker]:
    """The speakers a public page or an export names: everyone taking part, consent or not (their name
    only; see `shows_profile` for the rest)."""
    return taking_part(session)


def shows_profile(profile: SpeakerProfile) -> bool:
    """Whether the public pages and exports show a speaker's details (structure, territory, photo,
    presentation) beside their name: only with the consent asked on their profile form."""
    return bool(profile.publish_consent)


# --- filters and search --------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgrammeFilters:
    """What a visitor asked for in the programme's filter form (all optional)."""

    day: date | None = None
    theme_id: int | None = None
    format_id: int | None = None
    room_id: int | None = None
    text: str = ""

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.day, self.theme_id, self.format_id, self.room_id)) or bool(self.text)


@dataclass(frozen=True)
class FilterOptions:
    """The choices offered by the filter form: only what the programme really contains."""

    days: list[date]
    themes: list[Theme]
    formats: list[SessionFormat]
    rooms: list[Room]


def _known_id(raw: str | None, known: Iterable[int]) -> tuple[int | None, bool]:
    """(the id, whether it was usable): an empty value is simply "no filter"."""
    raw = (raw or "").strip()
    if not raw:
        return None, True
    if raw.isdigit() and len(raw) < 12 and int(raw) in set(known):
        return int(raw), True
    return None, False


def parse_filters(args: Mapping[str, str], options: FilterOptions) -> tuple[ProgrammeFilters, list[str]]:
    """Read the filter form's values; what cannot be used is dropped with a French message.

    A filter that no longer matches the programme (an old bookmark, a changed address) shows the whole
    list for that criterion instead of an error page.
    """
    messages: list[str] = []

    day: date | None = None
    raw_day = (args.get("day") or "").strip()
    if raw_day:
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            day = None
        if day not in options.days:
            day = None
            messages.append(_("Ce jour ne fait pas partie du programme : tous les jours sont affichés."))

    def pick(name: str, known: Iterable[int], message: str) -> int | None:
        value, usable = _known_id(args.get(name), known)
        if not usable:
            messages.append(message)
        return value

    theme_id = pick(
        "theme",
        (t.id for t in options.themes),
        _("Ce thème ne fait pas partie du programme : tous les thèmes sont affichés."),
    )
    format_id = pick(
        "format",
        (f.id for f in options.formats),
        _("Ce format ne fait pas partie du programme : tous les formats sont affichés."),
    )
    room_id = pick(
        "room",
        (r.id for r in options.rooms),
        _("Cette salle ne fait pas partie du programme : toutes les salles sont affichées."),
    )

    text = " ".join((args.get("q") or "").split())
    if len(text) > MAX_SEARCH_LENGTH:
        text = text[:MAX_SEARCH_LENGTH]
        messages.append(_("La recherche était trop longue : seuls ses 200 premiers caractères sont utilisés."))
    return ProgrammeFilters(day, theme_id, format_id, room_id, text), messages


def filter_options(slots: list[Slot], tz_name: str) -> FilterOptions:
    """Days, themes, formats and rooms that appear among the programme's sessions."""
    tz = ZoneInfo(tz_name)
    days: set[date] = set()
    themes: dict[int, Theme] = {}
    formats: dict[int, SessionFormat] = {}
    rooms: dict[int, Room] = {}
    for slot in slots:
        days.add(slot.starts_at.astimezone(tz).date())
        if slot.session is None:
            continue
        if slot.session.theme is not None:
            themes[slot.session.theme.id] = slot.session.theme
        formats[slot.session.format.id] = slot.session.format
        if slot.room is not None:
            rooms[slot.room.id] = slot.room
    return FilterOptions(
        days=sorted(days),
        themes=sorted(themes.values(), key=lambda t: (t.position, t.id)),
        formats=sorted(formats.values(), key=lambda f: (fold(f.name), f.id)),
        rooms=sorted(rooms.values(), key=lambda r: (r.position, r.id)),
    )


def fold(text: str) -> str:
    """Lower case without accents, for a search where « Médiation » finds « mediation »."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _searchable(session: Session) -> str:
    names = " ".join(part.speaker.full_name for part in named_speakers(session))
    return fold(f"{session.title} {session.summary} {names}")


def apply_filters(slots: list[Slot], filters: ProgrammeFilters, tz_name: str) -> list[Slot]:
    """The slots that match every criterion; breaks are kept only while nothing is filtered."""
    if not filters.active:
        return list(slots)
    tz = ZoneInfo(tz_name)
    words = fold(filters.text).split()
    kept = []
    for slot in slots:
        session = slot.session
        if session is None:
            continue
        if filters.day is not None and slot.starts_at.astimezone(tz).date() != filters.day:
            continue
        if filters.theme_id is not None and session.theme_id != filters.theme_id:
            continue
        if filters.format_id is not None and session.format_id != filters.format_id:
            continue
        if filters.room_id is not None and slot.room_id != filters.room_id:
            continue
        if words:
            haystack = _searchable(session)
            if not all(word in haystack for word in words):
                continue
        kept.append(slot)
    return kept


# --- the programme by day and time ---------------------------------------------------------------


@dataclass
class TimeGroup:
    """The slots that start at the same time (local)."""

    starts_at: datetime
    slots: list[Slot] = field(default_factory=list)


@dataclass
class ProgrammeDay:
    day: date
    groups: list[TimeGroup] = field(default_factory=list)

    @property
    def slot_count(self) -> int:
        return sum(1 for group in self.groups for slot in group.slots if slot.session is not None)


def by_day(slots: list[Slot], tz_name: str) -> list[ProgrammeDay]:
    """Days in order, each with its slots grouped by start time, rooms in the event's order."""
    tz = ZoneInfo(tz_name)
    ordered = sorted(
        slots,
        key=lambda s: (
            s.starts_at,
            s.session is not None,  # a break across all rooms first
            (s.room.position, s.room.id) if s.room is not None else (1 << 30, 0),
            s.id,
        ),
    )
    days: list[ProgrammeDay] = []
    for slot in ordered:
        local = slot.starts_at.astimezone(tz)
        if not days or days[-1].day != local.date():
            days.append(ProgrammeDay(local.date()))
        groups = days[-1].groups
        if not groups or groups[-1].starts_at != local:
            groups.append(TimeGroup(local))
        groups[-1].slots.append(slot)
    return days


# --- speakers ------------------------------------------------------------------------------------


@dataclass
class SpeakerPart:
    """One of a speaker's sessions: where and when, and their part in it (role)."""

    slot: Slot
    session_speaker: SessionSpeaker


@dataclass
class PublicSpeaker:
    """A speaker of the public programme, with their sessions in the release."""

    profile: SpeakerProfile
    parts: list[SpeakerPart] = field(default_factory=list)


def public_speakers(slots: list[Slot]) -> list[PublicSpeaker]:
    """Every named speaker of the public programme, by name (accents ignored), sessions in time order."""
    found: dict[int, PublicSpeaker] = {}
    for slot in slots:
        if slot.session is None:
            continue
        for part in named_speakers(slot.session):
            entry = found.setdefault(part.speaker_id, PublicSpeaker(part.speaker))
            entry.parts.append(SpeakerPart(slot, part))
    for entry in found.values():
        entry.parts.sort(key=lambda p: (p.slot.starts_at, p.slot.id))
    return sorted(found.values(), key=lambda s: (fold(s.profile.full_name), s.profile.id))


def public_speaker(slots: list[Slot], speaker_id: int) -> PublicSpeaker | None:
    return next((s for s in public_speakers(slots) if s.profile.id == speaker_id), None)


def public_speaker_ids(slots: list[Slot]) -> frozenset[int]:
    """The ids of the speakers the public pages present (the rule of `public_speakers`)."""
    return frozenset(entry.profile.id for entry in public_speakers(slots))
