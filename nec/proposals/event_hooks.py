"""What the events module asks of proposals (through nec.core.hooks): may a format or a theme go, is a
person a speaker of an event (they see it before publication), and where the call for sessions stands
(the event's home and its card in the list of events say it, and link to the call only when it helps)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from nec.core.hooks import EventNotice
from nec.extensions import db
from nec.proposals.models import Call, Session, SpeakerProfile


def format_in_use(fmt) -> str | None:
    used = db.session.scalar(sa.select(sa.func.count(Session.id)).where(Session.format_id == fmt.id))
    if not used:
        return None
    return _(
        "Le format « %(name)s » est utilisé par %(n)d session(s) : changez leur format avant de le supprimer.",
        name=fmt.name,
        n=used,
    )


def release_theme(theme) -> int:
    """Sessions simply lose a deleted theme; returns how many had it."""
    had_it = db.session.scalar(sa.select(sa.func.count(Session.id)).where(Session.theme_id == theme.id)) or 0
    # Explicit rather than left to ON DELETE SET NULL, which SQLite applies only with foreign keys on.
    db.session.execute(
        sa.update(Session).where(Session.theme_id == theme.id).values(theme_id=None),
        execution_options={"synchronize_session": "fetch"},
    )
    return had_it


def is_speaker_of(user, event) -> bool:
    from nec.proposals.speaker.area import is_speaker_of as speaker_of  # the services import much: only when asked

    return speaker_of(user, event)


def call_notices(events, now: datetime) -> dict[int, list[EventNotice]]:
    """Where each event's call stands: open (until when, with the way in), not open yet (from when), or
    closed (since when, with no link: the call can no longer be answered). One query for all events."""
    from nec.proposals.call.services import call_phase, call_status  # they import much: only when asked

    by_id = {event.id: event for event in events}
    calls = db.session.scalars(
        sa.select(Call).where(Call.event_id.in_(by_id)).options(selectinload(Call.formats))
    ).all()
    notices: dict[int, list[EventNotice]] = {}
    for call in calls:
        if not call.formats:  # nothing offered yet: the organisers are still setting the call up
            continue
        event = by_id[call.event_id]
        status = call_status(call, event, None, now)
        link = url_for("proposals_speaker.call_page", ev=event.slug)
        phase = call_phase(call, status, now)
        if phase == "open":
            notice = EventNotice(_("Ouvert"), status.message, "success", link, _("Proposer une session"))
        elif phase == "before":
            notice = EventNotice(_("Bientôt"), status.message, "info", link, _("Lire l'appel à participation"))
        else:
            notice = EventNotice(_("Clos"), status.message, "warning")
        notices[event.id] = [notice]
    return notices


def dashboard_panels(event, now: datetime):
    """The call, the decisions and reviews waiting, what speakers still owe: see proposals/dashboard.py."""
    from nec.proposals.dashboard import panels  # it reads the review's and call's services: only when asked

    return panels(event, now)


def speaker_event_ids(user) -> list[int]:
    """The events where the person has a speaker profile (after signing in, they land on one of them)."""
    return list(db.session.scalars(sa.select(SpeakerProfile.event_id).where(SpeakerProfile.user_id == user.id)))
