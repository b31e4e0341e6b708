"""Integrity lives in the database: these constraints hold on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from nec.events.models import EventDay, Room, SessionFormat
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session, SessionSpeaker, SpeakerProfile, SpeakerRole


def _flush_fails(db, *objects) -> None:
    db.session.add_all(objects)
    with pytest.raises((IntegrityError, StatementError)):
        db.session.flush()
    db.session.rollback()


def test_event_dates_must_be_ordered(db, make_event):
    event = make_event()
    event.end_date = event.start_date - timedelta(days=1)
    _flush_fails(db, event)


def test_event_slug_is_unique(db, make_event):
    make_event("nec-unique")
    with pytest.raises(IntegrityError):
        make_event("nec-unique")
    db.session.rollback()


def test_day_hours_and_lunch_must_be_consistent(db, make_event):
    event = make_event()
    _flush_fails(db, EventDay(event_id=event.id, date=event.start_date, opens_at=time(18), closes_at=time(9)))
    _flush_fails(
        db,
        EventDay(
            event_id=event.id,
            date=event.start_date,
            opens_at=time(9),
            closes_at=time(17),
            lunch_start=time(12),
            lunch_end=time(18),
        ),
    )


def test_room_capacity_must_be_positive_and_names_unique(db, make_event):
    event = make_event()
    _flush_fails(db, Room(event_id=event.id, name="Salle A", capacity=0))
    db.session.add(Room(event_id=event.id, name="Salle A", capacity=20))
    db.session.commit()
    _flush_fails(db, Room(event_id=event.id, name="Salle A", capacity=30))


def test_enum_columns_refuse_unknown_values_in_the_database(db, make_event):
    event = make_event()
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO rooms (event_id, name, kind, accessibility_notes, position) "
                "VALUES (:e, 'Salle X', 'boat', '', 0)"
            ),
            {"e": event.id},
        )
    db.session.rollback()


def test_one_draft_per_event(db, make_event):
    event = make_event()
    db.session.add(ScheduleVersion(event_id=event.id))
    db.session.commit()
    _flush_fails(db, ScheduleVersion(event_id=event.id))
    now = datetime.now(UTC)
    db.session.add_all(
        [
            ScheduleVersion(event_id=event.id, name="v1", released_at=now),
            ScheduleVersion(event_id=event.id, name="v2", released_at=now),
        ]
    )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScheduleVersion)) == 3


def test_a_release_must_have_a_name(db, make_event):
    event = make_event()
    _flush_fails(db, ScheduleVersion(event_id=event.id, released_at=datetime.now(UTC)))


def _session(db, event) -> Session:
    fmt = SessionFormat(event_id=event.id, kind="round_table", name="Table ronde", default_duration=75)
    db.session.add(fmt)
    db.session.flush()
    session = Session(event_id=event.id, format_id=fmt.id, title="Le métier de médiateur numérique", duration=75)
    db.session.add(session)
    db.session.commit()
    return session


def test_slot_must_end_after_it_starts_and_place_a_session_once(db, make_event):
    event = make_event()
    session = _session(db, event)
    version = ScheduleVersion(event_id=event.id)
    db.session.add(version)
    db.session.commit()
    start = datetime(2027, 1, 28, 9, tzinfo=UTC)
    _flush_fails(db, Slot(version_id=version.id, session_id=session.id, starts_at=start, ends_at=start))
    db.session.add(
        Slot(version_id=version.id, session_id=session.id, starts_at=start, ends_at=start + timedelta(hours=1))
    )
    db.session.commit()
    _flush_fails(
        db, Slot(version_id=version.id, session_id=session.id, starts_at=start, ends_at=start + timedelta(hours=1))
    )


def test_a_break_needs_a_title(db, make_event):
    event = make_event()
    version = ScheduleVersion(event_id=event.id)
    db.session.add(version)
    db.session.commit()
    start = datetime(2027, 1, 28, 12, 30, tzinfo=UTC)
    _flush_fails(db, Slot(version_id=version.id, starts_at=start, ends_at=start + timedelta(hours=1)))


def test_a_speaker_takes_part_in_a_session_once(db, make_event):
    event = make_event()
    session = _session(db, event)
    speaker = SpeakerProfile(event_id=event.id, full_name="Nadia Lefèvre", email="nadia@exemple.org")
    db.session.add(speaker)
    db.session.commit()
    db.session.add(SessionSpeaker(session_id=session.id, speaker_id=speaker.id, role=SpeakerRole.moderator))
    db.session.commit()
    _flush_fails(db, SessionSpeaker(session_id=session.id, speaker_id=speaker.id, role=SpeakerRole.panelist))


def test_deleting_an_event_deletes_its_frame(db, make_event):
    event = make_event()
    db.session.add_all([Room(event_id=event.id, name="Salle B"), EventDay(event_id=event.id, date=date(2027, 1, 1))])
    db.session.commit()
    db.session.delete(event)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventDay)) == 0


def test_datetimes_are_stored_in_utc_and_naive_ones_refused(db, make_event):
    event = make_event()
    version = ScheduleVersion(event_id=event.id)
    db.session.add(version)
    db.session.commit()
    paris = datetime.fromisoformat("2027-01-28T09:00:00+01:00")
    slot = Slot(version_id=version.id, title="Accueil", starts_at=paris, ends_at=paris + timedelta(minutes=30))
    db.session.add(slot)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Slot, slot.id)
    assert stored.starts_at == datetime(2027, 1, 28, 8, 0, tzinfo=UTC)
    assert stored.starts_at.tzinfo is not None
    _flush_fails(db, Slot(version_id=version.id, title="Pause", starts_at=datetime(2027, 1, 28, 10), ends_at=paris))


def test_foreign_key_actions_run_in_the_database(db, make_event):
    """Deleting with plain SQL (no ORM cascade) still removes an event's rooms: SQLite has its pragma on."""
    event = make_event()
    db.session.add(Room(event_id=event.id, name="Salle C"))
    db.session.commit()
    db.session.execute(sa.text("DELETE FROM events WHERE id = :id"), {"id": event.id})
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Room)) == 0


def test_foreign_keys_refuse_a_missing_parent(db):
    with pytest.raises(IntegrityError):
        db.session.execute(
            sa.text(
                "INSERT INTO rooms (event_id, name, kind, accessibility_notes, position) "
                "VALUES (999999, 'Salle D', 'physical', '', 0)"
            )
        )
        db.session.flush()
    db.session.rollback()
