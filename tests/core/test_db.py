"""Integrity lives in the database: these constraints hold on SQLite and on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from nec.core.db import claim_next
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


# --- claim_next: the queue loop shared by the outbox and the generator's runs -------------------------

_QUEUE = sa.Table(
    "claim_next_probe",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("state", sa.String(10), nullable=False),
    sa.Column("due_at", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(20)),
)


@pytest.fixture
def queue(db):
    """A table of its own: claim_next knows no model, only a `state` column and an `id`."""
    _QUEUE.create(db.engine)
    yield _QUEUE
    _QUEUE.drop(db.engine)


def _fill(engine, rows) -> None:
    with engine.begin() as conn:
        conn.execute(sa.insert(_QUEUE), rows)


def _take(conn, owner: str, now: int = 100) -> int | None:
    return claim_next(
        conn, _QUEUE, "waiting", due=_QUEUE.c.due_at <= now, order_by=(_QUEUE.c.due_at,), state="taken", owner=owner
    )


def test_claim_next_takes_the_first_due_row_in_order_and_none_when_nothing_waits(db, queue):
    _fill(
        db.engine,
        [
            {"id": 1, "state": "waiting", "due_at": 30},
            {"id": 2, "state": "waiting", "due_at": 10},
            {"id": 3, "state": "taken", "due_at": 0},
            {"id": 4, "state": "waiting", "due_at": 500},  # not due yet
        ],
    )
    with db.engine.begin() as conn:
        assert _take(conn, "a") == 2
        assert _take(conn, "a") == 1
        assert _take(conn, "a") is None
        assert claim_next(conn, queue, "waiting", state="taken") == 4  # no `due`: every waiting row is due
        owners = dict(conn.execute(sa.select(queue.c.id, queue.c.owner)).all())
    assert owners == {1: "a", 2: "a", 3: None, 4: None}


def test_two_claimers_never_take_the_same_row(db, queue):
    engine = db.engine
    _fill(engine, [{"id": n, "state": "waiting", "due_at": n % 7} for n in range(1, 61)])
    claimers = 4
    barrier = threading.Barrier(claimers)
    taken: dict[str, list[int]] = {}
    errors = []

    def work(owner: str) -> None:
        try:
            barrier.wait()
            mine = taken.setdefault(owner, [])
            while True:
                with engine.begin() as conn:  # each claim committed before the next, as the workers do
                    claimed = _take(conn, owner)
                if claimed is None:
                    return
                mine.append(claimed)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(f"c{n}",)) for n in range(claimers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    claimed = [row for rows in taken.values() for row in rows]
    assert sorted(claimed) == list(range(1, 61))  # every row once, none twice
    with engine.begin() as conn:
        owners = dict(conn.execute(sa.select(queue.c.id, queue.c.owner)).all())
    assert all(owners[row] == owner for owner, rows in taken.items() for row in rows)


@pytest.mark.postgresql_only
def test_a_claim_not_yet_committed_is_skipped_not_waited_for(db, queue):
    _fill(db.engine, [{"id": 1, "state": "waiting", "due_at": 1}, {"id": 2, "state": "waiting", "due_at": 2}])
    with db.engine.connect() as first, db.engine.connect() as second, first.begin():
        assert _take(first, "first") == 1
        with second.begin():
            assert _take(second, "second") == 2  # SKIP LOCKED: the first row is locked, not waited for
            assert _take(second, "second") is None
