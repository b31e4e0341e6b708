"""The programme's part of a person's data: their favourites; the generator runs they started.
Registered with nec.core.hooks from nec/programme/__init__.py."""

from __future__ import annotations

import sqlalchemy as sa

from nec.accounts.personal_data import event_summary, when
from nec.core.hooks import PersonalData
from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import Favourite, GeneratorRun
from nec.proposals.models import Session


def export_favourites(user) -> dict[str, list]:
    favourites = db.session.execute(
        sa.select(Favourite.created_at, Session.title, Event)
        .join(Session, Session.id == Favourite.session_id)
        .join(Session.event)
        .where(Favourite.user_id == user.id)
        .order_by(Event.start_date, Favourite.created_at, Favourite.id)
    ).all()
    return {
        "favourites": [
            {"event": event_summary(event), "session": title, "added_at": when(added_at)}
            for added_at, title, event in favourites
        ]
    }


def erase_favourites(ids: list[int]) -> list[str]:
    """Favourites go with the person; a generator run stays, without who started it."""
    for statement in (
        sa.delete(Favourite).where(Favourite.user_id.in_(ids)),
        sa.update(GeneratorRun).where(GeneratorRun.created_by_id.in_(ids)).values(created_by_id=None),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    return []


FAVOURITES_DATA = PersonalData(
    name="programme.favourites",
    position=30,
    export=export_favourites,
    erase=erase_favourites,
    holders=lambda: [Favourite.user_id],
)
