"""What the ground floor (core, accounts, events) needs of the feature modules, without importing them.

Each feature module registers its hooks from its package's `__init__.py` (so they are in place as soon as
any of its models is imported, which nec.models and create_app do); the ground floor only iterates them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlalchemy as sa

    from nec.accounts.models import User
    from nec.events.models import Event, Room, SessionFormat, Theme


# --- personal data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalData:
    """One module's part of a person's data: its export sections, its erasure, its retention purge.

    `position` orders the sections in the export (the account's own come first, the mails and the
    audit log last). `export(user)` returns {section: [rows]}; `erase(user_ids)` deletes what belongs to
    these accounts alone and returns files to delete after commit; `holders()` are the columns whose
    rows attach a person to the module (an unconfirmed account with such a row is not purged).
    """

    name: str
    position: int
    export: Callable[[User], dict[str, list[dict[str, Any]]]]
    erase: Callable[[list[int]], list[str]] | None = None
    holders: Callable[[], Iterable[sa.ColumnElement]] | None = None


@dataclass(frozen=True)
class RetentionPurge:
    """What a module deletes or anonymises a year after an event: `run(now, dry_run)` returns a count,
    `label` is the line of the `flask data purge` report (French), `position` orders the lines."""

    name: str
    position: int
    label: str
    run: Callable[[datetime, bool], int]


_personal_data: list[PersonalData] = []
_purges: list[RetentionPurge] = []


def register_personal_data(hook: PersonalData) -> None:
    _register(_personal_data, hook)


def register_purge(hook: RetentionPurge) -> None:
    _register(_purges, hook)


def personal_data_hooks() -> list[PersonalData]:
    return sorted(_personal_data, key=lambda h: h.position)


def purge_hooks() -> list[RetentionPurge]:
    return sorted(_purges, key=lambda h: h.position)


# --- "in use" checks for an event's rooms, themes and formats -----------------------------------------

# A check returns a French sentence saying why the object cannot be deleted, or None when it is free.
RoomInUse = Callable[["Room"], str | None]
FormatInUse = Callable[["SessionFormat"], str | None]
# A theme is never refused: its users lose it; the hook clears it and returns how many had it.
ThemeRelease = Callable[["Theme"], int]

_room_checks: list[RoomInUse] = []
_format_checks: list[FormatInUse] = []
_theme_releases: list[ThemeRelease] = []
# Dates on which the event has something placed (a slot): removing such a day is refused.
_busy_days: list[Callable[..., list]] = []


def register_room_in_use(check: RoomInUse) -> None:
    _register(_room_checks, check)


def register_format_in_use(check: FormatInUse) -> None:
    _register(_format_checks, check)


def register_theme_release(release: ThemeRelease) -> None:
    _register(_theme_releases, release)


def register_busy_days(check: Callable[..., list]) -> None:
    """`check(event, dates)` returns those of `dates` on which something of the event is placed."""
    _register(_busy_days, check)


def room_in_use(room: Room) -> str | None:
    return next((reason for check in _room_checks if (reason := check(room))), None)


def format_in_use(fmt: SessionFormat) -> str | None:
    return next((reason for check in _format_checks if (reason := check(fmt))), None)


def release_theme(theme: Theme) -> int:
    return sum(release(theme) for release in _theme_releases)


def busy_days(event: Event, dates: list) -> list:
    return sorted({d for check in _busy_days for d in check(event, dates)})


# --- who may see an unpublished event -----------------------------------------------------------------

SpeakerCheck = Callable[[Any, "Event"], bool]
_speaker_checks: list[SpeakerCheck] = []


def register_speaker_check(check: SpeakerCheck) -> None:
    """`check(user, event)`: is this person a speaker of the event (they see it before publication)."""
    _register(_speaker_checks, check)


def is_speaker_of(user, event: Event) -> bool:
    return any(check(user, event) for check in _speaker_checks)


def _register(registry: list, hook) -> None:
    """Idempotent: a module imported twice (tests reloading it) does not register twice."""
    key = getattr(hook, "name", None) or (getattr(hook, "__module__", ""), getattr(hook, "__qualname__", ""))
    registry[:] = [h for h in registry if (getattr(h, "name", None) or (h.__module__, h.__qualname__)) != key]
    registry.append(hook)


# --- what a module announces about an event (its home page and its card in the list of events) -----


@dataclass(frozen=True)
class EventNotice:
    """One line about an event for its visitors, in French: "L'appel à participation est clos depuis …".

    `tone` colours its badge (info, success, warning); `link_url` / `link_label`, when given, say what
    the visitor can do next. Shown on the event's home page and on its card in the list of events.
    """

    badge: str
    text: str
    tone: str = "info"
    link_url: str | None = None
    link_label: str | None = None


@dataclass(frozen=True)
class EventNotices:
    """A module's notices: `build(events, now)` returns {event id: [notices]} for all these events at
    once (the list of events asks for all its cards in one call: a few queries, not a few per event)."""

    name: str
    position: int
    build: Callable[[list[Event], datetime], dict[int, list[EventNotice]]]


_event_notices: list[EventNotices] = []


def register_event_notices(hook: EventNotices) -> None:
    _register(_event_notices, hook)


def event_notices(events: list[Event], now: datetime) -> dict[int, list[EventNotice]]:
    """Every module's notices for these events, in `position` order; an event with none is absent."""
    found: dict[int, list[EventNotice]] = {}
    if not events:
        return found
    for hook in sorted(_event_notices, key=lambda h: h.position):
        for event_id, notices in hook.build(events, now).items():
            found.setdefault(event_id, []).extend(notices)
    return found


# --- the organiser's dashboard: what each module says needs doing now ----------------------------------

#: How much an item asks of the organiser, most pressing first.
SEVERITIES = ("action", "warning", "info", "ok")


@dataclass(frozen=True)
class DashboardItem:
    """One line of a dashboard panel, in French: "3 propositions attendent une décision".

    `severity`: "action" (something to do now), "warning" (something wrong to look at), "info" or
    "ok" (nothing to do). `url` / `link_label` lead to the page where it is done; `details` are
    (label, url or None) pairs listed under the line (the sessions or people concerned, a few at most).
    """

    text: str
    severity: str = "info"
    count: int | None = None
    url: str | None = None
    link_label: str | None = None
    details: tuple[tuple[str, str | None], ...] = ()


@dataclass(frozen=True)
class DashboardPanel:
    """A module's part of the dashboard: a title, its lines, and the page where its work is done."""

    name: str
    title: str
    items: tuple[DashboardItem, ...]
    url: str | None = None
    link_label: str | None = None

    @property
    def severity(self) -> str:
        """The most pressing of its items' severities ("ok" for a panel with nothing in it)."""
        return min((item.severity for item in self.items), key=SEVERITIES.index, default="ok")

    @property
    def needs_attention(self) -> bool:
        return self.severity in ("action", "warning")


@dataclass(frozen=True)
class DashboardPanels:
    """`build(event, now)` returns the module's panels for the event, in a few queries whatever the
    event's size (the national event has 300 sessions); `position` orders the modules' panels."""

    name: str
    position: int
    build: Callable[[Event, datetime], list[DashboardPanel]]


_dashboard_panels: list[DashboardPanels] = []


def register_dashboard_panels(hook: DashboardPanels) -> None:
    _register(_dashboard_panels, hook)


def dashboard_panels(event: Event, now: datetime) -> list[DashboardPanel]:
    """Every module's panels: those that need attention first, then the others, each group in the
    modules' order."""
    panels = [panel for hook in sorted(_dashboard_panels, key=lambda h: h.position) for panel in hook.build(event, now)]
    return sorted(panels, key=lambda p: 0 if p.needs_attention else 1)


# --- the events a person takes part in (where they land after signing in) -------------------------------

# `find(user)` returns the ids of the events the person takes part in through the module (a speaker's
# events, those of their personal agenda ...); accounts picks the most relevant one to land on.
PersonEvents = Callable[[Any], Iterable[int]]
_person_events: list[PersonEvents] = []


def register_person_events(find: PersonEvents) -> None:
    _register(_person_events, find)


def person_event_ids(user) -> set[int]:
    return {event_id for find in _person_events for event_id in find(user)}


# --- the worker's periodic duties (`flask worker`) -------------------------------------------------------


@dataclass(frozen=True)
class Duty:
    """Work done again and again by the worker: `run(now)` does one pass and returns how much it did
    (mails sent, offers expired, reminders queued ...), every `every_seconds`.

    A pass must be safe with any number of worker processes on one PostgreSQL (claims by conditional
    UPDATE or a unique constraint, see core.db.claim) and keep nothing in memory that matters: a
    restarted worker runs every duty at once and nothing is done twice. The worker commits after a
    pass and rolls back when it raises. `label` is its line in the worker's output (French, "e-mails
    envoyés : 3"); a pass that did `batch` or more runs again at once (more may be waiting); `position`
    orders the duties of one pass."""

    name: str
    every_seconds: float
    run: Callable[[datetime], int]
    label: str = ""
    position: int = 100
    batch: int = 0


_duties: list[Duty] = []


def register_duty(duty: Duty) -> None:
    _register(_duties, duty)


def duties() -> list[Duty]:
    return sorted(_duties, key=lambda d: (d.position, d.name))


# --- where a participant joins online (the videoconference module fills it) ----------------------------

# `find(registration, session_id)` returns the URL that lets this registered person join the online room of
# that session (None: of the event as a whole), or None when it has none (yet). Reminders put it in their mails.
JoinLink = Callable[[Any, int | None], str | None]
_join_links: list[JoinLink] = []


def register_join_link(find: JoinLink) -> None:
    _register(_join_links, find)


def join_link(registration, session_id: int | None) -> str | None:
    """The first join URL a module gives for this person and session; None while no module gives one."""
    return next((url for find in _join_links if (url := find(registration, session_id))), None)


# --- what a participant can do about a session (the programme and the session pages) -------------------

# `render(event, session_ids, next_url)` returns, per session id, a block for the session's page as a
# template's name and its values (seats left, a button to take or give back a seat); `is_personal()` says whether this
# visitor's pages show their own state (then the programme's pages are not shared from the cache).


@dataclass(frozen=True)
class SessionActions:
    """`state(event)` names what the blocks show to every visitor (seats left): a shared page is kept
    only while it stays the same (one light query)."""

    name: str
    render: Callable[[Event, list[int], str], dict[int, Any]]
    is_personal: Callable[[], bool]
    state: Callable[[Event], str] | None = None


_session_actions: list[SessionActions] = []


def register_session_actions(hook: SessionActions) -> None:
    _register(_session_actions, hook)


def session_actions(event: Event, session_ids: list[int], next_url: str) -> dict[int, list[Any]]:
    """Every module's blocks for these sessions, by session id."""
    blocks: dict[int, list[Any]] = {}
    for hook in _session_actions:
        for session_id, block in hook.render(event, session_ids, next_url).items():
            blocks.setdefault(session_id, []).append(block)
    return blocks


def visitor_is_personal() -> bool:
    return any(hook.is_personal() for hook in _session_actions)


def session_actions_state(event: Event) -> str:
    """What the modules' blocks show to every visitor of the event's pages, as a short text for cache keys."""
    return "-".join(hook.state(event) for hook in _session_actions if hook.state is not None)
