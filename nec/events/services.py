"""Events and their frame: creation and edits by organisers, lookups for the public pages.

Every change is a plain function that adds to db.session and writes the audit log; the caller
(a view, a command, a test) commits once. A change that cannot be made raises SetupError before
touching anything, with a French message that says what to do.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from nec.accounts.models import EventRole, EventRoleKind, User
from nec.core import hooks
from nec.core.audit import log_action
from nec.core.errors import UserError
from nec.core.slugs import RESERVED_SLUGS, SLUG_PATTERN, slugify
from nec.core.text import CONTROL_CHARACTERS
from nec.core.time import is_valid_timezone
from nec.events.models import (
    DEFAULT_DURATIONS,
    Event,
    EventDay,
    EventFormat,
    FormatKind,
    Room,
    RoomKind,
    SessionFormat,
    Theme,
)
from nec.extensions import db

DEFAULT_OPENS_AT = time(9, 0)
DEFAULT_CLOSES_AT = time(17, 30)
DEFAULT_LUNCH_START = time(12, 30)
DEFAULT_LUNCH_END = time(14, 0)
# A typo in a year must not create thousands of days.
MAX_EVENT_DAYS = 31
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")

# The fields of an event an organiser edits (everything but the slug, checked on its own).
EVENT_DETAIL_FIELDS = (
    "title",
    "tagline",
    "description",
    "start_date",
    "end_date",
    "timezone",
    "format",
    "venue_name",
    "venue_address",
    "organiser_name",
    "contact_email",
    "website",
    "is_published",
)


class SetupError(UserError):
    """A change that cannot be made; `message` (French) says why and what to do, `field` where."""


# --- lookups -----------------------------------------------------------------------------------


def get_event_by_slug(slug: str) -> Event | None:
    """None for an address no event has; a control character (NUL) never reaches PostgreSQL, which refuses it."""
    if CONTROL_CHARACTERS.search(slug):
        return None
    return db.session.scalar(sa.select(Event).where(Event.slug == slug))


def list_public_events(today: date) -> tuple[list[Event], list[Event]]:
    """Published events: upcoming (soonest first), then past (latest first)."""
    events = db.session.scalars(sa.select(Event).where(Event.is_published.is_(True))).all()
    upcoming = sorted((e for e in events if e.end_date >= today), key=lambda e: e.start_date)
    past = sorted((e for e in events if e.end_date < today), key=lambda e: e.start_date, reverse=True)
    return upcoming, past


def can_create_events(user) -> bool:
    """Platform administrators, and people who already organise an event, may create one."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    query = sa.select(EventRole.id).where(EventRole.user_id == user.id, EventRole.role == EventRoleKind.organiser)
    return db.session.scalar(query.limit(1)) is not None


def list_managed_events(user) -> list[Event]:
    """The events a person organises (every event for an administrator), published or not, latest first."""
    if user is None or not user.is_authenticated:
        return []
    query = sa.select(Event).order_by(Event.start_date.desc(), Event.id.desc())
    if not user.is_admin:
        query = query.where(
            Event.id.in_(
                sa.select(EventRole.event_id).where(
                    EventRole.user_id == user.id, EventRole.role == EventRoleKind.organiser
                )
            )
        )
    return list(db.session.scalars(query))


def dashboard_counts(event: Event) -> dict[str, int]:
    """How many days, rooms, themes and formats the event has, in one query."""

    def count(model) -> sa.ScalarSelect:
        return sa.select(sa.func.count(model.id)).where(model.event_id == event.id).scalar_subquery()

    row = db.session.execute(
        sa.select(
            count(EventDay).label("days"),
            count(Room).label("rooms"),
            count(Theme).label("themes"),
            count(SessionFormat).label("formats"),
        )
    ).one()
    return dict(row._mapping)


def list_days(event: Event) -> list[EventDay]:
    return list(db.session.scalars(sa.select(EventDay).where(EventDay.event_id == event.id).order_by(EventDay.date)))


def list_rooms(event: Event) -> list[Room]:
    query = sa.select(Room).where(Room.event_id == event.id).order_by(Room.position, Room.id)
    return list(db.session.scalars(query))


def list_themes(event: Event) -> list[Theme]:
    query = sa.select(Theme).where(Theme.event_id == event.id).order_by(Theme.position, Theme.id)
    return list(db.session.scalars(query))


def list_formats(event: Event) -> list[SessionFormat]:
    query = sa.select(SessionFormat).where(SessionFormat.event_id == event.id).order_by(SessionFormat.id)
    return list(db.session.scalars(query))


def get_day(event: Event, day_id: int) -> EventDay | None:
    return _get_owned(EventDay, event, day_id)


def get_room(event: Event, room_id: int) -> Room | None:
    return _get_owned(Room, event, room_id)


def get_theme(event: Event, theme_id: int) -> Theme | None:
    return _get_owned(Theme, event, theme_id)


def get_format(event: Event, format_id: int) -> SessionFormat | None:
    return _get_owned(SessionFormat, event, format_id)


def _get_owned(model, event: Event, obj_id: int):
    return db.session.scalar(sa.select(model).where(model.id == obj_id, model.event_id == event.id))


# --- the event -----------------------------------------------------------------------------------


def check_event_slug(slug: str, event: Event | None = None) -> None:
    """Refuse a slug that is malformed, reserved by the site or used by another event."""
    if not slug:
        raise SetupError(_("Indiquez l'adresse de l'événement (par exemple nec-sud-charente-2025)."), "slug")
    if len(slug) > 80:
        raise SetupError(_("L'adresse de l'événement ne doit pas dépasser 80 caractères."), "slug")
    if not SLUG_PATTERN.match(slug):
        raise SetupError(
            _(
                "L'adresse ne peut contenir que des lettres minuscules sans accent, des chiffres et des "
                "tirets entre les mots (par exemple nec-sud-charente-2025)."
            ),
            "slug",
        )
    if slug in RESERVED_SLUGS:
        raise SetupError(
            _("L'adresse « %(slug)s » est réservée par le site. Choisissez-en une autre.", slug=slug), "slug"
        )
    query = sa.select(Event.id).where(Event.slug == slug)
    if event is not None and event.id is not None:
        query = query.where(Event.id != event.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise SetupError(
            _("L'adresse « %(slug)s » est déjà utilisée par un autre événement. Choisissez-en une autre.", slug=slug),
            "slug",
        )


def propose_slug(title: str) -> str:
    """A free slug made from the title: nec-sud-charente, else nec-sud-charente-2, -3, ..."""
    base = slugify(title, max_length=72) or "evenement"
    if base in RESERVED_SLUGS:
        base = f"{base}-nec"
    candidate, n = base, 1
    while db.session.scalar(sa.select(Event.id).where(Event.slug == candidate).limit(1)) is not None:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _check_event_details(details: dict[str, Any]) -> None:
    if not (details.get("title") or "").strip():
        raise SetupError(_("Indiquez le titre de l'événement."), "title")
    start, end = details.get("start_date"), details.get("end_date")
    if start is None or end is None:
        raise SetupError(_("Indiquez les dates de début et de fin."), "start_date" if start is None else "end_date")
    if end < start:
        raise SetupError(_("La date de fin doit être le même jour que la date de début, ou après."), "end_date")
    if (end - start).days + 1 > MAX_EVENT_DAYS:
        raise SetupError(
            _("Un événement dure au plus %(n)d jours. Vérifiez les dates (et l'année).", n=MAX_EVENT_DAYS),
            "end_date",
        )
    tz = details.get("timezone") or "Europe/Paris"
    if not is_valid_timezone(tz):
        raise SetupError(
            _("Ce fuseau horaire n'est pas reconnu. Écrivez-le comme « Europe/Paris » ou « America/Cayenne »."),
            "timezone",
        )


def _dates(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


def _new_day(event: Event, day: date) -> EventDay:
    return EventDay(
        event=event,
        date=day,
        opens_at=DEFAULT_OPENS_AT,
        closes_at=DEFAULT_CLOSES_AT,
        lunch_start=DEFAULT_LUNCH_START,
        lunch_end=DEFAULT_LUNCH_END,
    )


def create_event(creator: User, *, slug: str | None = None, **details: Any) -> Event:
    """A new event with its days, the four default formats, and its creator as organiser."""
    details = {k: v for k, v in details.items() if k in EVENT_DETAIL_FIELDS}
    details.setdefault("timezone", "Europe/Paris")
    details.setdefault("format", EventFormat.on_site)
    details.setdefault("is_published", False)
    _check_event_details(details)
    details["title"] = details["title"].strip()
    slug = (slug or "").strip() or propose_slug(details["title"])
    check_event_slug(slug)

    event = Event(slug=slug, **details)
    db.session.add(event)
    for day in _dates(event.start_date, event.end_date):
        db.session.add(_new_day(event, day))
    for kind in FormatKind:
        db.session.add(
            SessionFormat(
                event=event, kind=kind, name=kind._titles()[kind.value], default_duration=DEFAULT_DURATIONS[kind]
            )
        )
    db.session.add(EventRole(event=event, user=creator, role=EventRoleKind.organiser))
    db.session.flush()
    log_action("event.created", actor=creator, event=event, target=event, slug=event.slug)
    return event


def update_event(event: Event, actor: User, *, slug: str | None = None, **details: Any) -> Event:
    """Change the event's details; new dates add their days, removed dates must have no slot."""
    details = {k: v for k, v in details.items() if k in EVENT_DETAIL_FIELDS}
    merged = {f: details.get(f, getattr(event, f)) for f in EVENT_DETAIL_FIELDS}
    _check_event_details(merged)
    merged["title"] = merged["title"].strip()
    new_slug = (slug or "").strip() if slug is not None else event.slug
    if new_slug != event.slug:
        check_event_slug(new_slug, event)

    wanted = set(_dates(merged["start_date"], merged["end_date"]))
    existing = {day.date: day for day in list_days(event)}
    removed = sorted(d for d in existing if d not in wanted)
    busy = hooks.busy_days(event, removed)
    if busy:
        from flask_babel import format_date

        raise SetupError(
            _(
                "Des créneaux du programme sont placés le %(days)s : déplacez-les ou retirez-les du programme "
                "avant de retirer ce jour de l'événement.",
                days=", ".join(format_date(d, "full") for d in busy),
            ),
            "start_date" if busy[0] < merged["start_date"] else "end_date",
        )

    changed = sorted(f for f in EVENT_DETAIL_FIELDS if merged[f] != getattr(event, f))
    if new_slug != event.slug:
        changed.append("slug")
        event.slug = new_slug
    for field in EVENT_DETAIL_FIELDS:
        setattr(event, field, merged[field])
    for d in removed:
        db.session.delete(existing[d])
    added = sorted(wanted - set(existing))
    for d in added:
        db.session.add(_new_day(event, d))
    log_action(
        "event.updated",
        actor=actor,
        event=event,
        target=event,
        fields=changed,
        days_added=[d.isoformat() for d in added],
        days_removed=[d.isoformat() for d in removed],
    )
    return event


# --- days ----------------------------------------------------------------------------------------


def update_day(
    day: EventDay,
    actor: User,
    *,
    opens_at: time,
    closes_at: time,
    lunch_start: time | None,
    lunch_end: time | None,
) -> EventDay:
    if opens_at is None or closes_at is None:
        raise SetupError(_("Indiquez l'heure d'ouverture et l'heure de fermeture."), "opens_at")
    if closes_at <= opens_at:
        raise SetupError(_("L'heure de fermeture doit être après l'heure d'ouverture."), "closes_at")
    if (lunch_start is None) != (lunch_end is None):
        raise SetupError(
            _("Indiquez le début et la fin de la pause déjeuner, ou laissez les deux vides s'il n'y en a pas."),
            "lunch_start" if lunch_start is None else "lunch_end",
        )
    if lunch_start is not None and lunch_end is not None:
        if lunch_end <= lunch_start:
            raise SetupError(_("La fin de la pause déjeuner doit être après son début."), "lunch_end")
        if lunch_start < opens_at or lunch_end > closes_at:
            raise SetupError(
                _("La pause déjeuner doit se tenir entre l'heure d'ouverture et l'heure de fermeture."),
                "lunch_start",
            )
    day.opens_at, day.closes_at = opens_at, closes_at
    day.lunch_start, day.lunch_end = lunch_start, lunch_end
    log_action(
        "event_day.updated",
        actor=actor,
        event=day.event,
        target=day,
        date=day.date.isoformat(),
        opens_at=opens_at.isoformat(),
        closes_at=closes_at.isoformat(),
        lunch=[lunch_start.isoformat(), lunch_end.isoformat()] if lunch_start and lunch_end else None,
    )
    return day


# --- names, positions -------------------------------------------------------------------------


def _check_name(model, event: Event, name: str, obj=None, *, taken_message: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SetupError(_("Indiquez un nom."), "name")
    query = sa.select(model.id).where(model.event_id == event.id, sa.func.lower(model.name) == name.lower())
    if obj is not None and obj.id is not None:
        query = query.where(model.id != obj.id)
    if db.session.scalar(query.limit(1)) is not None:
        raise SetupError(taken_message % {"name": name}, "name")
    return name


def _next_position(model, event: Event) -> int:
    current = db.session.scalar(sa.select(sa.func.max(model.position)).where(model.event_id == event.id))
    return (current if current is not None else -1) + 1


def _move(model, obj, direction: str) -> bool:
    """Swap obj with its neighbour (up or down) and number every position 0..n-1; False at an end."""
    siblings = list(
        db.session.scalars(sa.select(model).where(model.event_id == obj.event_id).order_by(model.position, model.id))
    )
    index = siblings.index(obj)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings):
        if sibling.position != position:
            sibling.position = position
    return True


# --- rooms ---------------------------------------------------------------------------------------


def _room_fields(
    event: Event, room: Room | None, name: str, kind, capacity, accessibility_notes, is_accessible
) -> dict:
    name = _check_name(
        Room, event, name, room, taken_message=_("Une salle s'appelle déjà « %(name)s ». Choisissez un autre nom.")
    )
    if capacity is not None and capacity <= 0:
        raise SetupError(_("La capacité doit être un nombre de places supérieur à zéro, ou vide."), "capacity")
    return {
        "name": name,
        "kind": RoomKind(kind),
        "capacity": capacity,
        "accessibility_notes": (accessibility_notes or "").strip(),
        "is_accessible": bool(is_accessible),
    }


def add_room(
    event: Event,
    actor: User,
    *,
    name: str,
    kind=RoomKind.physical,
    capacity=None,
    accessibility_notes="",
    is_accessible=True,
) -> Room:
    fields = _room_fields(event, None, name, kind, capacity, accessibility_notes, is_accessible)
    room = Room(event=event, position=_next_position(Room, event), **fields)
    db.session.add(room)
    db.session.flush()
    log_action("room.created", actor=actor, event=event, target=room, name=room.name)
    return room


def update_room(
    room: Room, actor: User, *, name: str, kind, capacity=None, accessibility_notes="", is_accessible=True
) -> Room:
    fields = _room_fields(room.event, room, name, kind, capacity, accessibility_notes, is_accessible)
    for key, value in fields.items():
        setattr(room, key, value)
    log_action("room.updated", actor=actor, event=room.event, target=room, name=room.name)
    return room


def delete_room(room: Room, actor: User) -> None:
    reason = hooks.room_in_use(room)
    if reason:
        raise SetupError(reason)
    log_action("room.deleted", actor=actor, event=room.event, target=room, name=room.name)
    db.session.delete(room)


def move_room(room: Room, actor: User, direction: str) -> bool:
    moved = _move(Room, room, direction)
    if moved:
        log_action("room.moved", actor=actor, event=room.event, target=room, direction=direction)
    return moved


# --- themes --------------------------------------------------------------------------------------


def _theme_fields(event: Event, theme: Theme | None, name: str, description: str, colour: str) -> dict:
    name = _check_name(
        Theme, event, name, theme, taken_message=_("Un thème s'appelle déjà « %(name)s ». Choisissez un autre nom.")
    )
    colour = (colour or "").strip()
    if not COLOUR_PATTERN.match(colour):
        raise SetupError(_("Choisissez une couleur (au format #1f5f8b)."), "colour")
    return {"name": name, "description": (description or "").strip(), "colour": colour.lower()}


def add_theme(event: Event, actor: User, *, name: str, description: str = "", colour: str = "#1f5f8b") -> Theme:
    fields = _theme_fields(event, None, name, description, colour)
    theme = Theme(event=event, position=_next_position(Theme, event), **fields)
    db.session.add(theme)
    db.session.flush()
    log_action("theme.created", actor=actor, event=event, target=theme, name=theme.name)
    return theme


def update_theme(theme: Theme, actor: User, *, name: str, description: str = "", colour: str = "#1f5f8b") -> Theme:
    fields = _theme_fields(theme.event, theme, name, description, colour)
    for key, value in fields.items():
        setattr(theme, key, value)
    log_action("theme.updated", actor=actor, event=theme.event, target=theme, name=theme.name)
    return theme


def delete_theme(theme: Theme, actor: User) -> int:
    """Delete a theme; its sessions simply lose their theme. Returns how many sessions had it."""
    had_it = hooks.release_theme(theme)
    log_action("theme.deleted", actor=actor, event=theme.event, target=theme, name=theme.name, sessions=had_it)
    db.session.delete(theme)
    return had_it


def move_theme(theme: Theme, actor: User, direction: str) -> bool:
    moved = _move(Theme, theme, direction)
    if moved:
        log_action("theme.moved", actor=actor, event=theme.event, target=theme, direction=direction)
    return moved


# --- session formats -----------------------------------------------------------------------------


def _format_fields(event: Event, fmt: SessionFormat | None, kind, name, description, default_duration) -> dict:
    name = _check_name(
        SessionFormat,
        event,
        name,
        fmt,
        taken_message=_("Un format s'appelle déjà « %(name)s ». Choisissez un autre nom."),
    )
    if default_duration is None or not 1 <= default_duration <= 600:
        raise SetupError(_("La durée doit être un nombre de minutes entre 1 et 600."), "default_duration")
    return {
        "kind": FormatKind(kind),
        "name": name,
        "description": (description or "").strip(),
        "default_duration": default_duration,
    }


def add_format(
    event: Event, actor: User, *, kind, name: str, description: str = "", default_duration: int
) -> SessionFormat:
    fields = _format_fields(event, None, kind, name, description, default_duration)
    fmt = SessionFormat(event=event, **fields)
    db.session.add(fmt)
    db.session.flush()
    log_action("session_format.created", actor=actor, event=event, target=fmt, name=fmt.name)
    return fmt


def update_format(
    fmt: SessionFormat, actor: User, *, kind, name: str, description: str = "", default_duration: int
) -> SessionFormat:
    fields = _format_fields(fmt.event, fmt, kind, name, description, default_duration)
    for key, value in fields.items():
        setattr(fmt, key, value)
    log_action("session_format.updated", actor=actor, event=fmt.event, target=fmt, name=fmt.name)
    return fmt


def delete_format(fmt: SessionFormat, actor: User) -> None:
    reason = hooks.format_in_use(fmt)
    if reason:
        raise SetupError(reason)
    log_action("session_format.deleted", actor=actor, event=fmt.event, target=fmt, name=fmt.name)
    db.session.delete(fmt)
