"""What the events module asks of the programme (through nec.core.hooks): may a room go, on which days
are slots placed (a day with slots cannot leave the event), and the programme's dashboard panel."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from nec.core.time import localize
from nec.extensions import db
from nec.programme.models import Favourite, ScheduleVersion, Slot
from nec.proposals.models import Session


def room_in_use(room) -> str | None:
    used = db.session.scalar(sa.select(sa.func.count(Slot.id)).where(Slot.room_id == room.id))
    if not used:
        return None
    return _(
        "La salle « %(name)s » est utilisée par %(n)d créneau(x) du programme : déplacez-les dans une "
        "autre salle avant de la supprimer.",
        name=room.name,
        n=used,
    )


def slot_days(event, days: list[date]) -> list[date]:
    """Among these dates, those on which a slot of the event (any version) starts, in local time."""
    if not days:
        return []

    def bounds(d: date):
        return localize(d, time(0, 0), event.timezone), localize(d + timedelta(days=1), time(0, 0), event.timezone)

    query = (
        sa.select(Slot.starts_at)
        .join(ScheduleVersion, Slot.version_id == ScheduleVersion.id)
        .where(ScheduleVersion.event_id == event.id)
        .where(sa.or_(*(sa.and_(Slot.starts_at >= bounds(d)[0], Slot.starts_at < bounds(d)[1]) for d in days)))
    )
    found = set()
    for starts_at in db.session.scalars(query):
        for d in days:
            start, end = bounds(d)
            if start <= starts_at < end:
                found.add(d)
    return sorted(found)


def dashboard_panels(event, now):
    """The draft, its warnings, the last release and a generator run: see programme/dashboard.py."""
    from nec.programme.dashboard import panels  # it reads the editor's and generator's services: only when asked

    return panels(event, now)


def agenda_event_ids(user) -> list[int]:
    """The events of the sessions the person keeps in "Mon programme" (they land on one after signing in)."""
    query = sa.select(Session.event_id).join(Favourite, Favourite.session_id == Session.id)
    return list(db.session.scalars(query.where(Favourite.user_id == user.id).distinct()))
