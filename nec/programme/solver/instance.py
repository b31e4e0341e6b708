"""The programme generator's input as plain data: sessions, rooms, days, speakers and wishes.

Independent of Flask and of the database: the application turns its models into an `Instance`,
the command line reads one from a JSON file (format documented in docs/generator-instance.md).
Times inside an instance are whole minutes counted from midnight of the first day: minute
`day_index * 1440 + hours * 60 + minutes`. Validation messages are in French, for organisers.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

MINUTES_PER_DAY = 24 * 60
FORMATS = ("round_table", "workshop", "talk", "plenary")
ROOM_KINDS = ("physical", "virtual")
FORMAT_LABELS = {"round_table": "table ronde", "workshop": "atelier", "talk": "intervention", "plenary": "plénière"}
ROOM_KIND_LABELS = {"physical": "physique", "virtual": "en ligne"}
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_FRENCH_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_FRENCH_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


class InstanceError(ValueError):
    """An instance that cannot be used, with every problem found, each in plain French."""

    def __init__(self, messages: list[str]):
        self.messages = list(messages)
        super().__init__("\n".join(self.messages))


@dataclass(frozen=True)
class Break:
    """A pause inside a day (lunch, coffee) during which no session runs."""

    start: int  # minutes from midnight of that day
    end: int
    label: str = ""


@dataclass(frozen=True)
class Day:
    date: date
    opens: int  # minutes from midnight
    closes: int
    breaks: tuple[Break, ...] = ()


@dataclass(frozen=True)
class SolverRoom:
    id: str
    capacity: int
    name: str = ""
    kind: str = "physical"  # physical or virtual
    accessible: bool = True

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class Window:
    """A span of absolute minutes [start, end)."""

    start: int
    end: int


@dataclass(frozen=True)
class Speaker:
    """Any person who takes part in a session: speaker, moderator, panelist, facilitator."""

    id: str
    name: str = ""
    availability: tuple[Window, ...] = ()  # empty: available whenever the event is open

    @property
    def label(self) -> str:
        return self.name or self.id

    def is_available(self, start: int, end: int) -> bool:
        if not self.availability:
            return True
        return any(w.start <= start and end <= w.end for w in self.availability)


@dataclass(frozen=True)
class Pin:
    """A session fixed by the organiser: at `start` (absolute minute), in `room` if given."""

    start: int
    room: str | None = None


@dataclass(frozen=True)
class SolverSession:
    id: str
    duration: int  # minutes
    format: str = "talk"
    title: str = ""
    theme: str | None = None
    speakers: tuple[str, ...] = ()
    seats: int = 0  # smallest room capacity it needs (a workshop's seats, a talk's expected audience)
    room_kind: str | None = None  # physical, virtual, or None for either
    needs_accessible: bool = False
    pin: Pin | None = None

    @property
    def label(self) -> str:
        return f"« {self.title} »" if self.title else f"la session {self.id}"

    @property
    def is_plenary(self) -> bool:
        return self.format == "plenary"


@dataclass(frozen=True)
class Assignment:
    """Where and when a session takes place: a room id and a start in absolute minutes."""

    room: str
    start: int


@dataclass
class Instance:
    days: list[Day]
    rooms: list[SolverRoom]
    sessions: list[SolverSession]
    speakers: list[Speaker] = field(default_factory=list)
    wishes: dict[str, list[str]] = field(default_factory=dict)  # participant id -> wanted session ids
    grid: int = 15  # minutes between two possible start times
    previous: dict[str, Assignment] = field(default_factory=dict)  # the last released programme
    name: str = ""

    def __post_init__(self) -> None:
        self._sessions = {s.id: s for s in self.sessions}
        self._rooms = {r.id: r for r in self.rooms}
        self._speakers = {p.id: p for p in self.speakers}

    # --- look-ups ------------------------------------------------------------------------------

    def session(self, session_id: str) -> SolverSession:
        return self._sessions[session_id]

    def room(self, room_id: str) -> SolverRoom:
        return self._rooms[room_id]

    def speaker(self, speaker_id: str) -> Speaker:
        return self._speakers.get(speaker_id) or Speaker(speaker_id)

    def periods(self) -> list[Window]:
        """The spans in which sessions may run: each day's opening hours less its breaks."""
        periods = []
        for index, day in enumerate(self.days):
            offset = index * MINUTES_PER_DAY
            cursor = day.opens
            for pause in sorted(day.breaks, key=lambda b: b.start):
                if pause.start > cursor:
                    periods.append(Window(offset + cursor, offset + min(pause.start, day.closes)))
                cursor = max(cursor, pause.end)
            if day.closes > cursor:
                periods.append(Window(offset + cursor, offset + day.closes))
        return periods

    # --- times ---------------------------------------------------------------------------------

    def minute(self, day: date, hhmm: str) -> int:
        return self.day_index(day) * MINUTES_PER_DAY + parse_time(hhmm)

    def day_index(self, day: date) -> int:
        for index, d in enumerate(self.days):
            if d.date == day:
                return index
        raise KeyError(day)

    def date_of(self, minute: int) -> date:
        return self.days[minute // MINUTES_PER_DAY].date

    def datetime_of(self, minute: int) -> datetime:
        """The naive local date and time of an absolute minute (the event's time zone)."""
        day = self.date_of(minute)
        return datetime(day.year, day.month, day.day) + timedelta(minutes=minute % MINUTES_PER_DAY)

    def describe_minute(self, minute: int) -> str:
        """'jeudi 28 janvier à 9 h 30'."""
        return f"{french_date(self.date_of(minute))} à {french_time(minute % MINUTES_PER_DAY)}"

    def describe_window(self, start: int, end: int) -> str:
        """'le jeudi 28 janvier de 9 h à 12 h'."""
        if start // MINUTES_PER_DAY != (end - 1) // MINUTES_PER_DAY:
            return f"du {self.describe_minute(start)} au {self.describe_minute(end)}"
        day = french_date(self.date_of(start))
        return f"le {day} de {french_time(start % MINUTES_PER_DAY)} à {french_time(end % MINUTES_PER_DAY)}"

    # --- JSON ----------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        def clock(minute: int) -> str:
            return format_time(minute % MINUTES_PER_DAY)

        def day_of(minute: int) -> str:
            return self.date_of(minute).isoformat()

        data: dict[str, Any] = {}
        if self.name:
            data["name"] = self.name
        data["grid"] = self.grid
        data["days"] = [
            {
                "date": d.date.isoformat(),
                "opens": format_time(d.opens),
                "closes": format_time(d.closes),
                "breaks": [
                    {"start": format_time(b.start), "end": format_time(b.end), "label": b.label} for b in d.breaks
                ],
            }
            for d in self.days
        ]
        data["rooms"] = [
            {"id": r.id, "name": r.name, "capacity": r.capacity, "kind": r.kind, "accessible": r.accessible}
            for r in self.rooms
        ]
        data["speakers"] = [
            {
                "id": p.id,
                "name": p.name,
                "availability": [
                    {"day": day_of(w.start), "start": clock(w.start), "end": _clock_end(w.start, w.end)}
                    for w in p.availability
                ],
            }
            for p in self.speakers
        ]
        sessions = []
        for s in self.sessions:
            item: dict[str, Any] = {"id": s.id, "title": s.title, "duration": s.duration, "format": s.format}
            item["theme"] = s.theme
            item["speakers"] = list(s.speakers)
            item["seats"] = s.seats
            item["room_kind"] = s.room_kind
            item["needs_accessible"] = s.needs_accessible
            if s.pin is not None:
                item["pinned"] = {"day": day_of(s.pin.start), "start": clock(s.pin.start), "room": s.pin.room}
            sessions.append(item)
        data["sessions"] = sessions
        data["wishes"] = {participant: list(ids) for participant, ids in self.wishes.items()}
        if self.previous:
            data["previous"] = [
                {"session": sid, "room": p.room, "day": day_of(p.start), "start": clock(p.start)}
                for sid, p in self.previous.items()
            ]
        return data

    def to_json(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _clock_end(start: int, end: int) -> str:
    """An availability that ends at midnight is written 24:00 on its own day."""
    if end - (start - start % MINUTES_PER_DAY) == MINUTES_PER_DAY:
        return "24:00"
    return format_time(end % MINUTES_PER_DAY)


# --- time helpers ------------------------------------------------------------------------------


def parse_time(text: str) -> int:
    if text == "24:00":
        return MINUTES_PER_DAY
    match = _TIME.match(text)
    if match is None:
        raise ValueError(text)
    return int(match.group(1)) * 60 + int(match.group(2))


def format_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def french_time(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def french_date(day: date) -> str:
    return f"{_FRENCH_DAYS[day.weekday()]} {day.day} {_FRENCH_MONTHS[day.month - 1]}"


def french_duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


# --- reading and validating JSON -----------------------------------------------------------------


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file; raises InstanceError with French messages."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise InstanceError([f"Impossible de lire le fichier {path} : {exc.strerror or exc}."]) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InstanceError(
            [f"Le fichier {path} n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno}) : {exc.msg}."]
        ) from None
    return instance_from_dict(data)


def instance_from_dict(data: Any) -> Instance:
    """Build an Instance from parsed JSON, collecting every problem before raising InstanceError."""
    return _Reader().read(data)


class _Reader:
    def __init__(self) -> None:
        self.errors: list[str] = []
        self.named_sessions: set[str] = set()  # ids given, valid or not: wishes are checked against them

    def error(self, message: str) -> None:
        self.errors.append(message)

    # small typed getters: each records a French message and returns None when the value is wrong

    def text(self, obj: dict, key: str, where: str, *, required: bool = True, default: str = "") -> str | None:
        value = obj.get(key)
        if value is None:
            if required:
                self.error(f"{where} : le champ « {key} » est obligatoire.")
                return None
            return default
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or (required and not value.strip()):
            self.error(f"{where} : « {key} » doit être un texte non vide.")
            return None
        return value

    def integer(self, obj: dict, key: str, where: str, *, minimum: int, default: int | None = None) -> int | None:
        value = obj.get(key, default)
        if value is None:
            self.error(f"{where} : le champ « {key} » est obligatoire.")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{where} : « {key} » doit être un nombre entier (reçu : {value!r}).")
            return None
        if value < minimum:
            self.error(f"{where} : « {key} » doit valoir au moins {minimum} (reçu : {value}).")
            return None
        return value

    def boolean(self, obj: dict, key: str, where: str, default: bool) -> bool:
        value = obj.get(key, default)
        if not isinstance(value, bool):
            self.error(f"{where} : « {key} » doit valoir true ou false (reçu : {value!r}).")
            return default
        return value

    def clock(self, obj: dict, key: str, where: str) -> int | None:
        value = obj.get(key)
        if value is None:
            self.error(f"{where} : le champ « {key} » est obligatoire (une heure comme « 09:30 »).")
            return None
        try:
            return parse_time(value) if isinstance(value, str) else parse_time("")
        except ValueError:
            self.error(f"{where} : « {key} » doit être une heure comme « 09:30 » (reçu : {value!r}).")
            return None

    def day(self, obj: dict, key: str, where: str) -> date | None:
        value = obj.get(key)
        try:
            return date.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.error(f"{where} : « {key} » doit être une date comme « 2021-01-28 » (reçu : {value!r}).")
            return None

    def items(self, data: dict, key: str, *, required: bool) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.error(f"Le champ « {key} » est obligatoire (une liste).")
            return []
        if not isinstance(value, list):
            self.error(f"Le champ « {key} » doit être une liste.")
            return []
        return value

    def objects(self, data: dict, key: str, label: str, *, required: bool) -> list[tuple[str, dict]]:
        result = []
        for n, item in enumerate(self.items(data, key, required=required), start=1):
            if not isinstance(item, dict):
                self.error(f"{label} n° {n} : un objet JSON est attendu ({{ ... }}).")
                continue
            result.append((f"{label} n° {n}" + (f" ({item['id']})" if isinstance(item.get("id"), str) else ""), item))
        return result

    # the sections

    def read(self, data: Any) -> Instance:
        if not isinstance(data, dict):
            raise InstanceError(["Le fichier doit contenir un objet JSON ({ ... }) avec days, rooms et sessions."])
        grid = self.integer(data, "grid", "Grille horaire", minimum=1, default=15) or 15
        if grid > 240:
            self.error("Grille horaire : « grid » est en minutes et ne peut dépasser 240.")
        days = self.read_days(data)
        day_index = {d.date: i for i, d in enumerate(days)}
        rooms = self.read_rooms(data)
        speakers = self.read_speakers(data, day_index)
        speaker_ids = {p.id for p in speakers}
        room_ids = {r.id for r in rooms}
        sessions = self.read_sessions(data, day_index, speaker_ids, room_ids)
        session_ids = {s.id for s in sessions}
        wishes = self.read_wishes(data, session_ids)
        previous = self.read_previous(data, day_index, session_ids, room_ids)
        name = data.get("name", "")
        if not isinstance(name, str):
            self.error("« name » doit être un texte.")
            name = ""
        if self.errors:
            raise InstanceError(self.errors)
        # Speakers named by sessions but not described are always available.
        known = {p.id for p in speakers}
        for s in sessions:
            for pid in s.speakers:
                if pid not in known:
                    speakers.append(Speaker(pid))
                    known.add(pid)
        return Instance(
            days=days,
            rooms=rooms,
            sessions=sessions,
            speakers=speakers,
            wishes=wishes,
            grid=grid,
            previous=previous,
            name=name,
        )

    def read_days(self, data: dict) -> list[Day]:
        days: list[Day] = []
        entries = self.objects(data, "days", "Jour", required=True)
        if not entries and "days" in data and isinstance(data["days"], list):
            self.error("Il faut au moins un jour dans « days ».")
        seen: set[date] = set()
        for where, item in entries:
            day = self.day(item, "date", where)
            opens = self.clock(item, "opens", where)
            closes = self.clock(item, "closes", where)
            if day is None or opens is None or closes is None:
                continue
            where = f"Jour du {day.isoformat()}"
            if day in seen:
                self.error(f"{where} : ce jour apparaît deux fois.")
                continue
            seen.add(day)
            if closes <= opens:
                self.error(f"{where} : l'heure de fermeture ({format_time(closes)}) doit suivre l'ouverture.")
                continue
            breaks = []
            for n, pause in enumerate(item.get("breaks") or [], start=1):
                if not isinstance(pause, dict):
                    self.error(f"{where}, pause n° {n} : un objet avec start et end est attendu.")
                    continue
                start = self.clock(pause, "start", f"{where}, pause n° {n}")
                end = self.clock(pause, "end", f"{where}, pause n° {n}")
                if start is None or end is None:
                    continue
                if end < start:  # a zero-length break only separates two periods
                    self.error(f"{where}, pause n° {n} : la fin ({format_time(end)}) doit suivre le début.")
                    continue
                label = pause.get("label", "")
                breaks.append(Break(start, end, label if isinstance(label, str) else ""))
            days.append(Day(day, opens, closes, tuple(sorted(breaks, key=lambda b: b.start))))
        if [d.date for d in days] != sorted(d.date for d in days):
            self.error("Les jours doivent être donnés dans l'ordre chronologique.")
        return days

    def read_rooms(self, data: dict) -> list[SolverRoom]:
        rooms = []
        entries = self.objects(data, "rooms", "Salle", required=True)
        if not entries and isinstance(data.get("rooms"), list):
            self.error("Il faut au moins une salle dans « rooms ».")
        seen: set[str] = set()
        for where, item in entries:
            room_id = self.text(item, "id", where)
            capacity = self.integer(item, "capacity", where, minimum=1)
            kind = item.get("kind", "physical")
            if kind not in ROOM_KINDS:
                self.error(f"{where} : « kind » doit valoir « physical » (sur place) ou « virtual » (en ligne).")
                kind = None
            accessible = self.boolean(item, "accessible", where, True)
            name = self.text(item, "name", where, required=False) or ""
            if room_id is None or capacity is None or kind is None:
                continue
            if room_id in seen:
                self.error(f"{where} : l'identifiant « {room_id} » est déjà pris par une autre salle.")
                continue
            seen.add(room_id)
            rooms.append(SolverRoom(room_id, capacity, name, kind, accessible))
        return rooms

    def window(self, item: dict, where: str, day_index: dict[date, int]) -> Window | None:
        day = self.day(item, "day", where)
        start = self.clock(item, "start", where)
        end = self.clock(item, "end", where)
        if day is None or start is None or end is None:
            return None
        if day not in day_index:
            self.error(f"{where} : le {day.isoformat()} n'est pas un jour de l'événement.")
            return None
        if end <= start:
            self.error(f"{where} : la fin ({format_time(end)}) doit suivre le début ({format_time(start)}).")
            return None
        offset = day_index[day] * MINUTES_PER_DAY
        return Window(offset + start, offset + end)

    def read_speakers(self, data: dict, day_index: dict[date, int]) -> list[Speaker]:
        speakers = []
        seen: set[str] = set()
        for where, item in self.objects(data, "speakers", "Intervenant·e", required=False):
            speaker_id = self.text(item, "id", where)
            name = self.text(item, "name", where, required=False) or ""
            windows = []
            availability = item.get("availability") or []
            if not isinstance(availability, list):
                self.error(f"{where} : « availability » doit être une liste de créneaux.")
                availability = []
            for n, entry in enumerate(availability, start=1):
                if not isinstance(entry, dict):
                    self.error(f"{where}, disponibilité n° {n} : un objet avec day, start et end est attendu.")
                    continue
                window = self.window(entry, f"{where}, disponibilité n° {n}", day_index)
                if window is not None:
                    windows.append(window)
            if speaker_id is None:
                continue
            if speaker_id in seen:
                self.error(f"{where} : l'identifiant « {speaker_id} » est déjà pris par une autre personne.")
                continue
            seen.add(speaker_id)
            speakers.append(Speaker(speaker_id, name, tuple(sorted(windows, key=lambda w: w.start))))
        return speakers

    def read_sessions(
        self, data: dict, day_index: dict[date, int], speaker_ids: set[str], room_ids: set[str]
    ) -> list[SolverSession]:
        sessions = []
        seen: set[str] = set()
        for where, item in self.objects(data, "sessions", "Session", required=True):
            session_id = self.text(item, "id", where)
            if session_id is not None:
                self.named_sessions.add(session_id)
            duration = self.integer(item, "duration", where, minimum=1)
            fmt = item.get("format", "talk")
            if fmt not in FORMATS:
                self.error(f"{where} : « format » doit valoir round_table, workshop, talk ou plenary (reçu : {fmt!r}).")
                fmt = None
            title = self.text(item, "title", where, required=False) or ""
            theme = item.get("theme")
            if theme is not None and not isinstance(theme, str | int):
                self.error(f"{where} : « theme » doit être un texte (ou null).")
                theme = None
            seats = self.integer(item, "seats", where, minimum=0, default=0)
            room_kind = item.get("room_kind")
            if room_kind is not None and room_kind not in ROOM_KINDS:
                self.error(f"{where} : « room_kind » doit valoir « physical », « virtual » ou null (l'un ou l'autre).")
                room_kind = None
            needs_accessible = self.boolean(item, "needs_accessible", where, False)
            people = item.get("speakers", [])
            if not isinstance(people, list) or not all(isinstance(p, str | int) for p in people):
                self.error(f"{where} : « speakers » doit être une liste d'identifiants de personnes.")
                people = []
            people = [str(p) for p in people]
            if len(set(people)) != len(people):
                self.error(f"{where} : une même personne est citée deux fois dans « speakers ».")
            if speaker_ids:
                for person in people:
                    if person not in speaker_ids:
                        self.error(f"{where} : la personne « {person} » n'est pas dans la liste « speakers ».")
            pin = None
            pinned = item.get("pinned")
            if pinned is not None:
                if not isinstance(pinned, dict):
                    self.error(f"{where} : « pinned » doit être un objet avec day, start et, si besoin, room.")
                else:
                    day = self.day(pinned, "day", f"{where}, épinglage")
                    start = self.clock(pinned, "start", f"{where}, épinglage")
                    room = pinned.get("room")
                    if room is not None and room not in room_ids:
                        self.error(f"{where}, épinglage : la salle « {room} » n'existe pas.")
                    elif day is not None and start is not None:
                        if day not in day_index:
                            self.error(f"{where}, épinglage : le {day.isoformat()} n'est pas un jour de l'événement.")
                        else:
                            pin = Pin(day_index[day] * MINUTES_PER_DAY + start, room)
            if session_id is None or duration is None or fmt is None or seats is None:
                continue
            if session_id in seen:
                self.error(f"{where} : l'identifiant « {session_id} » est déjà pris par une autre session.")
                continue
            seen.add(session_id)
            sessions.append(
                SolverSession(
                    id=session_id,
                    duration=duration,
                    format=fmt,
                    title=title,
                    theme=None if theme is None else str(theme),
                    speakers=tuple(people),
                    seats=seats,
                    room_kind=room_kind,
                    needs_accessible=needs_accessible,
                    pin=pin,
                )
            )
        return sessions

    def read_wishes(self, data: dict, session_ids: set[str]) -> dict[str, list[str]]:
        wishes = data.get("wishes") or {}
        if not isinstance(wishes, dict):
            self.error("« wishes » doit être un objet : identifiant de participant·e -> liste de sessions.")
            return {}
        result = {}
        unknown: set[str] = set()
        for participant, ids in wishes.items():
            if not isinstance(ids, list) or not all(isinstance(i, str | int) for i in ids):
                self.error(f"Souhaits de « {participant} » : une liste d'identifiants de sessions est attendue.")
                continue
            ids = list(dict.fromkeys(str(i) for i in ids))
            unknown.update(i for i in ids if i not in self.named_sessions)
            result[str(participant)] = ids
        if unknown:
            names = ", ".join(sorted(unknown)[:5]) + (" ..." if len(unknown) > 5 else "")
            self.error(f"Souhaits : {len(unknown)} session(s) inconnue(s) ({names}).")
        return result

    def read_previous(
        self, data: dict, day_index: dict[date, int], session_ids: set[str], room_ids: set[str]
    ) -> dict[str, Assignment]:
        previous = {}
        for where, item in self.objects(data, "previous", "Programme précédent, ligne", required=False):
            session_id = self.text(item, "session", where)
            room = self.text(item, "room", where)
            day = self.day(item, "day", where)
            start = self.clock(item, "start", where)
            if session_id is None or room is None or day is None or start is None:
                continue
            if session_id not in session_ids:
                continue  # a session withdrawn since the release: nothing to keep
            if room not in room_ids:
                self.error(f"{where} : la salle « {room} » n'existe pas.")
                continue
            if day not in day_index:
                self.error(f"{where} : le {day.isoformat()} n'est pas un jour de l'événement.")
                continue
            previous[session_id] = Assignment(room, day_index[day] * MINUTES_PER_DAY + start)
        return previous
