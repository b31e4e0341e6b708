"""The programme as a table for organisers (CSV, XLSX): every slot of a version, breaks and cancelled
sessions included, with every speaker taking part (an internal document, not a public one)."""

from __future__ import annotations

from flask_babel import gettext as _

from nec.core import tables
from nec.core.time import to_local
from nec.events.models import Event
from nec.programme.exports import services as exports
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.public.services import taking_part
from nec.programme.releases.versions import release_slots

PROGRAMME_COLUMNS = ["jour", "début", "fin", "salle", "titre", "format", "thème", "intervenant·es", "état"]


def programme_table(event: Event, version: ScheduleVersion) -> tuple[list[str], list[list[object]]]:
    """One row per slot in time order (a constant number of queries)."""
    rows = []
    for slot in release_slots(version):
        rows.append(_row(event, slot))
    return PROGRAMME_COLUMNS, rows


def _row(event: Event, slot: Slot) -> list[object]:
    start, end = to_local(slot.starts_at, event.timezone), to_local(slot.ends_at, event.timezone)
    room = slot.room.name if slot.room else ("" if slot.session is None else exports.unplaced_room_name())
    times = [start.date().isoformat(), start.strftime("%H:%M"), end.strftime("%H:%M"), room]
    session = slot.session
    if session is None:
        return [*times, slot.title, "", "", "", _("Pause")]
    speakers = ", ".join(f"{part.speaker.full_name} ({part.role.title})" for part in taking_part(session))
    theme = session.theme.name if session.theme else ""
    return [*times, session.title, session.format.name, theme, speakers, session.state.title]


def programme_file(event: Event, version: ScheduleVersion, fmt: str) -> bytes:
    """The table as CSV (BOM, semicolons) or XLSX; formulas neutralised by core.tables."""
    columns, rows = programme_table(event, version)
    return tables.write(columns, rows, fmt, "programme")
