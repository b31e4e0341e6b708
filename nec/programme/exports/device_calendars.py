"""A calendar subscription without an account: the sessions a visitor's device keeps, behind a random link.

The visitor's "Mon programme" lives in their browser (static/js/agenda.js). To follow it in a calendar app,
the browser sends its session ids once; the server keeps them under a random secret (only its SHA-256 is
stored) and gives back the feed's address. The browser remembers the secret and sends the new ids when the
visitor adds or removes a session; deleting the link ends it. No personal data is kept: no name, no address,
only the event, the ids and two dates. A link unused for a year after its event is deleted (RETENTION_PURGE).
Functions add to db.session; the caller commits.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa

from nec.accounts.personal_data import AFTER_EVENT_RETENTION
from nec.core.db import utcnow
from nec.core.hooks import RetentionPurge
from nec.events.models import Event
from nec.extensions import db
from nec.programme.exports import subscriptions
from nec.programme.models import DeviceAgenda
from nec.programme.public import agenda
from nec.programme.public import services as public
from nec.programme.releases.versions import latest_release

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
# The date a feed read is recorded only once in a while: calendar apps poll every few hours.
LAST_USED_PRECISION = timedelta(days=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def public_ids(event: Event, ids: list[int]) -> list[int]:
    """The ids that name a public session of the event's released programme (none before the release)."""
    version = latest_release(event)
    if version is None:
        return []
    known = {slot.session_id for slot in public.public_slots(version)}
    return [session_id for session_id in ids if session_id in known][: agenda.MAX_DEVICE_FAVOURITES]


def create(event: Event, ids: list[int]) -> str:
    """A new link for these sessions; returns its secret (shown once, never stored as it is)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    kept = public_ids(event, ids)
    db.session.add(DeviceAgenda(event_id=event.id, token_hash=_hash(token), session_ids=",".join(str(i) for i in kept)))
    return token


def find(event: Event, token: str | None) -> DeviceAgenda | None:
    """The link a secret opens, for this event; None when unknown, deleted or for another event."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return db.session.scalar(
        sa.select(DeviceAgenda).where(DeviceAgenda.token_hash == _hash(token), DeviceAgenda.event_id == event.id)
    )


def update(link: DeviceAgenda, ids: list[int]) -> int:
    """Replace the link's sessions by those the device now keeps; returns how many were kept."""
    event = db.session.get(Event, link.event_id)
    kept = public_ids(event, ids)
    link.session_ids = ",".join(str(i) for i in kept)
    link.last_used_at = utcnow()
    return len(kept)


def delete(link: DeviceAgenda) -> None:
    db.session.delete(link)


def session_ids(link: DeviceAgenda) -> set[int]:
    return set(agenda.parse_device_ids(link.session_ids))


def mark_used(link: DeviceAgenda) -> bool:
    """Record that a calendar app read the feed (at most once a day); True when something changed."""
    now = utcnow()
    if link.last_used_at is not None and now - link.last_used_at < LAST_USED_PRECISION:
        return False
    link.last_used_at = now
    return True


def device_calendar(link: DeviceAgenda, event: Event, base_url: str) -> bytes:
    """The link's sessions in the latest release, as iCalendar (an empty calendar before it)."""
    return subscriptions.agenda_calendar(event, session_ids(link), f"device/{link.id}", base_url)


def purge_unused(now: datetime, dry_run: bool) -> int:
    """Links of events finished more than a year ago and unused for a year."""
    cutoff = now - AFTER_EVENT_RETENTION
    old = sa.and_(
        DeviceAgenda.event_id.in_(sa.select(Event.id).where(Event.end_date < cutoff.date())),
        DeviceAgenda.last_used_at < cutoff,
    )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(DeviceAgenda).where(old)) or 0
    if not dry_run and count:
        db.session.execute(sa.delete(DeviceAgenda).where(old).execution_options(synchronize_session=False))
    return count


RETENTION_PURGE = RetentionPurge(
    name="programme.device_agendas",
    position=60,
    label="abonnements d'agenda sans compte supprimés (inutilisés depuis plus d'un an après l'événement)",
    run=purge_unused,
)
