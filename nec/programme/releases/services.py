"""Publishing the programme: the draft becomes a named release, with its changelog and its e-mails.

The draft stays the organisers' working copy; a release is a frozen copy of it. Only what may be
published is copied: breaks and the sessions that still take place (accepted or confirmed), so a
release holds exactly what the public saw and the changelog between two releases never changes
afterwards. Functions add to `db.session`; the caller commits once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from nec.accounts.services import mail_locales, normalise_email
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.errors import UserError
from nec.core.i18n import lazy_gettext as _l
from nec.core.links import external_url
from nec.core.mail import Attachment, queue_mail
from nec.events.models import Event
from nec.extensions import db
from nec.programme.draft import draft_slots
from nec.programme.exports import services as exports
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.public.services import PUBLIC_STATES
from nec.programme.releases import changelog as changes
from nec.programme.releases.changelog import Changelog
from nec.programme.releases.versions import latest_release, release_slots
from nec.proposals.models import InvitationState, Session, SessionSpeaker, SpeakerProfile

NAME_MAX_LENGTH = 120


class ReleaseError(UserError):
    """A release refused, with a French message for the organiser."""


@dataclass(frozen=True)
class Published:
    """What `release` did: the new version, its changelog and how many speakers were e-mailed."""

    version: ScheduleVersion
    changelog: Changelog
    notified: int


def publishable(slots: Iterable[Slot]) -> list[Slot]:
    """Breaks and the sessions that still take place: what a release copies."""
    return [slot for slot in slots if slot.session is None or slot.session.state in PUBLIC_STATES]


def preview(event: Event) -> Changelog:
    """What publishing the draft now would change, compared with the latest release."""
    return changes.compute_changelog(changes.version_slots(latest_release(event)), publishable(draft_slots(event)))


def release(
    event: Event,
    name: str,
    comment: str,
    actor,
    notify: bool,
    *,
    at: datetime | None = None,
) -> Published:
    """Copy the draft's publishable slots into a new release named `name`; the draft is left as it is.

    Raises ReleaseError (nothing changed) for a missing, too long or already used name, or a draft
    without any session to publish. With `notify`, each speaker of a new or moved session gets an
    e-mail listing those sessions with a link to their calendar file.
    """
    name = (name or "").strip()
    comment = (comment or "").strip()
    if not name:
        raise ReleaseError(_("Donnez un nom à cette version du programme (par exemple « v1 »)."))
    if len(name) > NAME_MAX_LENGTH:
        raise ReleaseError(_("Le nom de la version est trop long : %(max)d caractères au plus.", max=NAME_MAX_LENGTH))
    taken = db.session.scalar(
        sa.select(ScheduleVersion.id).where(ScheduleVersion.event_id == event.id, ScheduleVersion.name == name)
    )
    if taken is not None:
        raise ReleaseError(_("Une version s'appelle déjà « %(name)s » : choisissez un autre nom.", name=name))
    slots = publishable(draft_slots(event))
    if not any(slot.session_id is not None for slot in slots):
        raise ReleaseError(
            _(
                "Le brouillon ne contient aucune session à publier. Placez d'abord des sessions acceptées "
                "ou confirmées dans le programme (avec le générateur), puis publiez."
            )
        )
    previous = latest_release(event)
    changelog = changes.compute_changelog(changes.version_slots(previous), slots)

    version = ScheduleVersion(event_id=event.id, name=name, comment=comment, released_at=at or utcnow())
    db.session.add(version)
    for slot in slots:
        version.slots.append(
            Slot(
                session_id=slot.session_id,
                room_id=slot.room_id,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                title=slot.title,
                is_pinned=slot.is_pinned,
            )
        )
    try:
        db.session.flush()
    except IntegrityError as error:  # another organiser used the same name at the same instant
        raise ReleaseError(_("Une version porte déjà ce nom : choisissez un autre nom.")) from error

    notified = notify_speakers(event, changelog, version) if notify else 0
    log_action(
        "programme.released",
        actor=actor,
        event=event,
        target=version,
        name=name,
        new=len(changelog.new),
        moved=len(changelog.moved),
        cancelled=len(changelog.cancelled),
        notified=notified,
    )
    return Published(version, changelog, notified)


def notify_speakers(event: Event, changelog: Changelog, version: ScheduleVersion) -> int:
    """Queue one e-mail per speaker taking part in a new or moved session; returns how many.

    Each mail carries, as an attached .ics, the speaker's new and moved sessions of this release (the
    same calendar as /<ev>/sessions/<id>/session.ics), ready to open in any calendar application."""
    items = {p.session_id: {"kind": "new", "after": p, "before": None} for p in changelog.new}
    items.update({m.session_id: {"kind": "moved", "after": m.after, "before": m.before} for m in changelog.moved})
    if not items:
        return 0
    sessions = db.session.scalars(
        sa.select(Session)
        .where(Session.id.in_(items))
        .options(selectinload(Session.speakers).joinedload(SessionSpeaker.speaker))
    ).unique()
    per_speaker: dict[int, tuple[SpeakerProfile, list[dict]]] = {}
    for session in sessions:
        for part in session.speakers:
            if part.invitation_state != InvitationState.accepted:
                continue
            entry = per_speaker.setdefault(part.speaker_id, (part.speaker, []))
            entry[1].append(
                {
                    **items[session.id],
                    "ics_url": external_url("programme_exports.session_ics", ev=event.slug, session_id=session.id),
                    "page_url": external_url("programme_public.session", ev=event.slug, session_id=session.id),
                }
            )
    locales = mail_locales((speaker.email, speaker.user_id) for speaker, _items in per_speaker.values())
    schedule = exports.build_schedule(event, version, release_slots(version), current_app.config["NEC_BASE_URL"])
    calendar = exports.get_exporter("ics")
    for speaker, speaker_items in per_speaker.values():
        speaker_items.sort(key=lambda item: (item["after"].starts_at, item["after"].title))
        theirs = schedule.only_sessions({item["after"].session_id for item in speaker_items})
        attachments = []
        if theirs is not None:
            ics = calendar.render(theirs)
            attachments.append(
                Attachment(
                    f"{event.slug}-mes-sessions.ics",
                    "text/calendar",
                    ics.decode() if isinstance(ics, bytes) else ics,
                )
            )
        queue_mail(
            speaker.email,
            "programme_update",
            subject=_l("Programme mis à jour : vos sessions à « %(title)s »", title=event.title),
            to_name=speaker.full_name,
            event=event,
            locale=locales[normalise_email(speaker.email)],
            speaker=speaker,
            items=speaker_items,
            programme_url=external_url("programme_public.programme", ev=event.slug),
            attachments=attachments,
        )
    return len(per_speaker)


def past_releases(event: Event) -> list[ScheduleVersion]:
    """The releases, newest first (for the organiser's page)."""
    return list(reversed(changes.releases(event)))


__all__ = ["Published", "ReleaseError", "notify_speakers", "past_releases", "preview", "publishable", "release"]
