"""What the export tests share: the c3voc schema validators and a small event with released programmes.

The schemas live beside the repository, in ../shared/schemas/ (NEC_SCHEMAS_DIR overrides the place).
They are not copied into the repository (third-party files under their own licence).
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from lxml import etree

from nec.events.models import EventDay, FormatKind, Room, RoomKind, SessionFormat, Theme
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import InvitationState, Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole

PARIS = ZoneInfo("Europe/Paris")
# The event spans the change to summer time in France (Sunday 28 March 2027 at 2:00).
WINTER_DAY = date(2027, 3, 27)
SUMMER_DAY = date(2027, 3, 28)


# --- the validators -----------------------------------------------------------------------------------


def schemas_dir() -> Path:
    configured = os.environ.get("NEC_SCHEMAS_DIR")
    path = Path(configured) if configured else Path(__file__).resolve().parents[4] / "shared" / "schemas"
    if not (path / "c3voc-schedule.xml.xsd").is_file():
        pytest.fail(f"The c3voc schemas are missing from {path} (set NEC_SCHEMAS_DIR to their folder).")
    return path


@cache
def _xml_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(schemas_dir() / "c3voc-schedule.xml.xsd")))


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str) or "T" not in value:
        return False
    try:
        return datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def _is_date(value: object) -> bool:
    try:
        return isinstance(value, str) and date.fromisoformat(value).isoformat() == value
    except ValueError:
        return False


def _is_uri(value: object) -> bool:
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return False
    parts = urlsplit(value)
    return bool(parts.scheme and (parts.netloc or parts.path))


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


@cache
def _json_validator() -> jsonschema.protocols.Validator:
    schema = json.loads((schemas_dir() / "c3voc-schedule.schema.json").read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    # jsonschema checks these formats only with optional packages: check them here, strictly.
    checker = jsonschema.FormatChecker()
    for name, check in {"date-time": _is_date_time, "date": _is_date, "uri": _is_uri, "uuid": _is_uuid}.items():
        checker.checks(name)(check)
    return validator_class(schema, format_checker=checker)


def xml_errors(document: bytes) -> list[str]:
    """Why the document is not valid frab XML (empty when it is)."""
    schema = _xml_schema()
    schema.validate(etree.fromstring(document))
    return [f"line {e.line}: {e.message}" for e in schema.error_log]


def json_errors(document: bytes | str | dict) -> list[str]:
    """Why the document is not valid frab JSON (empty when it is)."""
    data = json.loads(document) if isinstance(document, bytes | str) else document
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in _json_validator().iter_errors(data)]


# --- a small event with a draft and releases ------------------------------------------------------------


def paris(day: date, hour: int, minute: int = 0) -> datetime:
    """The UTC instant of a wall-clock time in Paris."""
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS).astimezone(UTC)


@dataclass
class Programme:
    event: object
    rooms: dict[str, Room]
    sessions: dict[str, Session]
    speakers: dict[str, SpeakerProfile]
    release: ScheduleVersion
    draft: ScheduleVersion
    old_release: ScheduleVersion
    extra: list[Session] = field(default_factory=list)


def _speaker(event, name: str, *, publish: bool) -> SpeakerProfile:
    email = f"{name.split()[0].lower()}@example.org"
    return SpeakerProfile(event=event, full_name=name, email=email, publish_consent=publish, bio=f"Bio de {name}")


def _session(event, title: str, fmt: SessionFormat, theme: Theme | None, duration: int, **kw) -> Session:
    return Session(
        event=event, title=title, format=fmt, theme=theme, duration=duration, state=SessionState.confirmed,
        summary=f"Résumé : {title}", description=f"Description détaillée de « {title} ».", **kw,
    )  # fmt: skip


def _slot(session: Session, room: Room, day: date, start: tuple[int, int], end: tuple[int, int]) -> Slot:
    return Slot(session=session, room=room, starts_at=paris(day, *start), ends_at=paris(day, *end))


def build_programme(db, make_event, *, extra_sessions: int = 0, slug: str = "nec-exports") -> Programme:
    """An event over the change to summer time, with a released version, an older one and a draft.

    - release "Version 2": the round table on the winter day (10:00, +01:00), the workshop on the
      summer day (14:00, +02:00), a lunch break, plus `extra_sessions` more sessions;
    - older release "Version 1": the plenary only; the draft: the round table moved, the plenary added.
    """
    event = make_event(slug, start_date=WINTER_DAY, days=2, title="NEC des Charentes", timezone="Europe/Paris")
    event.days = [
        EventDay(date=WINTER_DAY, opens_at=time(9, 0), closes_at=time(17, 30)),
        EventDay(date=SUMMER_DAY, opens_at=time(9, 0), closes_at=time(17, 0)),
    ]
    rooms = {
        "big": Room(event=event, name="Grande salle", capacity=120, position=1),
        "online": Room(event=event, name="Salle virtuelle", kind=RoomKind.virtual, position=2),
    }
    themes = {
        "mediation": Theme(event=event, name="Médiation numérique", colour="#1F5F8B", position=1),
        "future": Theme(event=event, name="2030 : l'inclusion", colour="#aa3300", position=2),
    }
    formats = {
        "table": SessionFormat(event=event, kind=FormatKind.round_table, name="Table ronde", default_duration=75),
        "workshop": SessionFormat(event=event, kind=FormatKind.workshop, name="Atelier", default_duration=120),
        "plenary": SessionFormat(event=event, kind=FormatKind.plenary, name="Plénière", default_duration=60),
    }
    speakers = {
        "alice": _speaker(event, "Alice Durand", publish=True),
        "bruno": _speaker(event, "Bruno Lefèvre", publish=False),
        "chloe": _speaker(event, "Chloé Moreau", publish=True),
        "denis": _speaker(event, "Denis Roux", publish=True),
    }
    sessions = {
        "table": _session(event, "Le métier de médiateur·rice numérique", formats["table"], themes["mediation"], 75),
        "workshop": _session(event, "Financer son tiers-lieu", formats["workshop"], themes["future"], 120),
        "plenary": _session(event, "Plénière d'ouverture", formats["plenary"], None, 60),
    }
    sessions["table"].speakers = [
        SessionSpeaker(speaker=speakers["alice"], role=SpeakerRole.moderator, position=0, recording_consent=True),
        SessionSpeaker(speaker=speakers["bruno"], role=SpeakerRole.panelist, position=1, recording_consent=None),
    ]
    sessions["workshop"].speakers = [
        SessionSpeaker(speaker=speakers["chloe"], role=SpeakerRole.facilitator, position=0, recording_consent=False),
        # Invited, then declined: not a speaker of the session, whatever their consents.
        SessionSpeaker(
            speaker=speakers["denis"], role=SpeakerRole.facilitator, position=1,
            invitation_state=InvitationState.declined, recording_consent=True,
        ),
    ]  # fmt: skip
    sessions["plenary"].speakers = [
        SessionSpeaker(speaker=speakers["denis"], role=SpeakerRole.speaker, position=0, recording_consent=True)
    ]
    extra = []
    for n in range(extra_sessions):
        session = _session(event, f"Atelier pratique numéro {n + 1}", formats["workshop"], themes["mediation"], 30)
        session.speakers = [
            SessionSpeaker(speaker=speakers["alice" if n % 2 else "chloe"], role=SpeakerRole.speaker),
            SessionSpeaker(speaker=_speaker(event, f"Eve{n} Martin", publish=bool(n % 3)), role=SpeakerRole.speaker),
        ]
        extra.append(session)
    db.session.add_all([*rooms.values(), *themes.values(), *formats.values(), *sessions.values(), *extra])
    db.session.flush()

    old_release = ScheduleVersion(
        event=event, name="Version 1", released_at=datetime(2027, 2, 1, 10, 0, tzinfo=UTC), comment="Première"
    )
    old_release.slots = [_slot(sessions["plenary"], rooms["big"], WINTER_DAY, (9, 0), (10, 0))]
    release = ScheduleVersion(event=event, name="Version 2", released_at=datetime(2027, 3, 1, 8, 30, tzinfo=UTC))
    release.slots = [
        _slot(sessions["table"], rooms["big"], WINTER_DAY, (10, 0), (11, 15)),
        Slot(title="Pause déjeuner", starts_at=paris(WINTER_DAY, 12, 30), ends_at=paris(WINTER_DAY, 14)),
        _slot(sessions["workshop"], rooms["online"], SUMMER_DAY, (14, 0), (16, 0)),
    ]
    # Two rooms side by side on the summer day from 9:00 (overlaps do not matter to the exports).
    for n, session in enumerate(extra):
        start = paris(SUMMER_DAY, 9) + timedelta(minutes=30 * (n // 2))
        room = rooms["online"] if n % 2 else rooms["big"]
        release.slots.append(Slot(session=session, room=room, starts_at=start, ends_at=start + timedelta(minutes=30)))
    draft = ScheduleVersion(event=event)
    draft.slots = [
        _slot(sessions["table"], rooms["online"], SUMMER_DAY, (9, 0), (10, 15)),
        _slot(sessions["plenary"], rooms["big"], WINTER_DAY, (15, 0), (16, 0)),
    ]
    db.session.add_all([old_release, release, draft])
    db.session.commit()
    return Programme(event, rooms, sessions, speakers, release, draft, old_release, extra)
