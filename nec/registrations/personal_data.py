"""The registrations' part of a person's data: export, erasure, and anonymisation after each event's retention.
Registered with nec.core.hooks from nec/registrations/__init__.py.

Erasing frees the person's seats through seats.py (their waiting lists get offers) before the rows go; the
purge keeps what the figures need (state, mode, dates, structure type, département, seats and check-ins)
and forgets who the person was."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from nec.accounts.personal_data import ANONYMOUS_NAME, event_summary, when
from nec.core.db import utcnow
from nec.core.hooks import PersonalData, RetentionPurge
from nec.events.models import Event
from nec.extensions import db
from nec.registrations.models import (
    CheckIn,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
)

DEFAULT_RETENTION_DAYS = 365


def _check_ins(registration_ids: list[int]) -> dict[int, list[CheckIn]]:
    found: dict[int, list[CheckIn]] = {rid: [] for rid in registration_ids}
    for check_in in db.session.scalars(
        sa.select(CheckIn)
        .where(CheckIn.registration_id.in_(registration_ids))
        .options(joinedload(CheckIn.session))
        .order_by(CheckIn.id)
    ):
        found[check_in.registration_id].append(check_in)
    return found


def registration_data(reg: Registration, check_ins: list[CheckIn] | None = None) -> dict:
    """Everything kept about one registration, as its owner downloads it."""
    if check_ins is None:
        check_ins = _check_ins([reg.id])[reg.id]
    return {
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
            {
                "session": seat.session.title,
                "state": seat.state.value,
                "since": when(seat.created_at),
                "offer_expires_at": when(seat.offer_expires_at),
            }
            for seat in sorted(reg.seats, key=lambda s: s.id)
        ],
        "check_ins": [{"session": c.session.title, "at": when(c.checked_in_at)} for c in check_ins],
    }


def export_registrations(user) -> dict[str, list]:
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Registration.event)
        .where(Registration.user_id == user.id)
        .options(contains_eager(Registration.event), selectinload(Registration.seats).joinedload(Seat.session))
        .order_by(Event.start_date, Registration.id)
    ).all()
    check_ins = _check_ins([reg.id for reg in registrations])
    return {"registrations": [registration_data(reg, check_ins[reg.id]) for reg in registrations]}


def erase_registration(registration: Registration, now: datetime | None = None) -> None:
    """Forget one registration: its place and seats are given back first (the waiting lists get their
    offers, the counters stay right), then the rows are deleted."""
    from nec.registrations import seats, services

    now = now or utcnow()
    if registration.state == RegistrationState.confirmed:
        services.give_back_place(registration.event, registration.attendance)
    seats.release_all(registration, now)
    db.session.execute(sa.delete(Registration).where(Registration.id == registration.id))


def erase_registrations(ids: list[int]) -> list[str]:
    for registration in db.session.scalars(sa.select(Registration).where(Registration.user_id.in_(ids))).all():
        erase_registration(registration)
    return []


def anonymise_old_registrations(now: datetime, dry_run: bool) -> int:
    """After each event's retention (RegistrationSettings.retention_days after its end, a year by default):
    name, address, structure, commune, needs and consents cleared; what makes the figures stays (state,
    mode, dates, structure type, département, seats and check-ins)."""
    retention = sa.func.coalesce(RegistrationSettings.retention_days, DEFAULT_RETENTION_DAYS)
    events = db.session.execute(
        sa.select(Event.id, Event.end_date, retention).outerjoin(
            RegistrationSettings, RegistrationSettings.event_id == Event.id
        )
    ).all()
    past = [eid for eid, end, days in events if end + timedelta(days=days) < now.date()]
    if not past:
        return 0
    old = sa.and_(
        Registration.event_id.in_(past),
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
            link_version=Registration.link_version + 1,  # every personal link sent stops serving
            checked_in_by_id=None,
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
    label="inscriptions anonymisées (événements finis depuis plus longtemps que leur durée de conservation)",
    run=anonymise_old_registrations,
)
