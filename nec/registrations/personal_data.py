"""The registrations' part of a person's data, and their anonymisation a year after the event.
Registered with nec.core.hooks from nec/registrations/__init__.py."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, selectinload

from nec.accounts.personal_data import AFTER_EVENT_RETENTION, ANONYMOUS_NAME, event_summary, when
from nec.core.hooks import PersonalData, RetentionPurge
from nec.events.models import Event
from nec.extensions import db
from nec.registrations.models import Registration, Seat


def export_registrations(user) -> dict[str, list]:
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Registration.event)
        .where(Registration.user_id == user.id)
        .options(contains_eager(Registration.event), selectinload(Registration.seats).joinedload(Seat.session))
        .order_by(Event.start_date, Registration.id)
    ).all()
    return {
        "registrations": [
            {
                "event": event_summary(reg.event),
                "full_name": reg.full_name,
                "email": reg.email,
                "structure": reg.structure,
                "structure_type": reg.structure_type.value,
                "commune": reg.commune,
                "postcode": reg.postcode,
                "department": reg.department,
                "attendance": reg.attendance.value,
                "state": reg.state.value,
                "consent_accessibility": reg.consent_accessibility,
                "accessibility_needs": reg.accessibility_needs,
                "consent_news": reg.consent_news,
                "consent_image": reg.consent_image,
                "language": reg.language,
                "created_at": when(reg.created_at),
                "confirmed_at": when(reg.confirmed_at),
                "cancelled_at": when(reg.cancelled_at),
                "checked_in_at": when(reg.checked_in_at),
                "seats": [
                    {"session": seat.session.title, "state": seat.state.value, "since": when(seat.created_at)}
                    for seat in sorted(reg.seats, key=lambda s: s.id)
                ],
            }
            for reg in registrations
        ]
    }


def erase_registrations(ids: list[int]) -> list[str]:
    registrations = sa.select(Registration.id).where(Registration.user_id.in_(ids))
    for statement in (
        sa.delete(Seat).where(Seat.registration_id.in_(registrations)),
        sa.delete(Registration).where(Registration.user_id.in_(ids)),
    ):
        db.session.execute(statement.execution_options(synchronize_session=False))
    return []


def anonymise_old_registrations(now: datetime, dry_run: bool) -> int:
    """A year after an event: name, address, structure, commune, needs and consents cleared; only
    what makes the statistics stays (state, attendance, dates)."""
    past_events = sa.select(Event.id).where(Event.end_date < (now - AFTER_EVENT_RETENTION).date())
    old = sa.and_(
        Registration.event_id.in_(past_events),
        sa.or_(Registration.user_id.is_not(None), Registration.full_name != ANONYMOUS_NAME),
    )
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(old)) or 0
    if dry_run:
        return count
    db.session.execute(
        sa.update(Registration)
        .where(old)
        .values(
            user_id=None,
            full_name=ANONYMOUS_NAME,
            # Unique per event as the constraint wants, and naming nobody.
            email=sa.literal("anonyme-") + sa.cast(Registration.id, sa.String) + sa.literal("@anonyme.invalid"),
            structure="",
            commune="",
            postcode="",
            accessibility_needs="",
            consent_accessibility=False,
            consent_news=False,
            consent_image=False,
            agenda_session_ids="",
        )
        .execution_options(synchronize_session=False)
    )
    return count


REGISTRATION_DATA = PersonalData(
    name="registrations",
    position=50,
    export=export_registrations,
    erase=erase_registrations,
    holders=lambda: [Registration.user_id],
)
OLD_REGISTRATIONS_PURGE = RetentionPurge(
    name="registrations.anonymised",
    position=20,
    label="inscriptions anonymisées (événements finis depuis plus d'un an)",
    run=anonymise_old_registrations,
)
