"""Check-in services: by QR secret or by id, at the door or at a session, idempotent, undo, counts, search."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nec.core.models import AuditLogEntry
from nec.registrations.checkin import services as checkin
from nec.registrations.models import CheckIn, Registration
from tests.registrations.attendance_world import paris


def _now(world, hour=9, minute=2):
    return paris(world.day_one, hour, minute)


def test_check_in_by_secret_records_the_arrival(db, world, organiser):
    camille = world.people["camille"]
    outcome = checkin.check_in(world.event, checkin.registration_by_secret(world.event, camille.checkin_secret),
                               _now(world), organiser)  # fmt: skip
    db.session.commit()
    assert not outcome.already
    assert outcome.at == _now(world)
    db.session.refresh(camille)
    assert camille.checked_in_at == _now(world)
    assert camille.checked_in_by_id == organiser.id


def test_check_in_twice_answers_the_first_time(app, db, world, organiser):
    camille = world.people["camille"]
    checkin.check_in(world.event, camille, _now(world), organiser)
    db.session.commit()
    with app.test_request_context():
        again = checkin.check_in(world.event, camille, _now(world, 9, 40), organiser)
        db.session.commit()
        message = checkin.outcome_message(again, "Europe/Paris", _now(world, 9, 40))
    assert again.already
    assert again.at == _now(world)
    assert message == "Camille Martin : déjà enregistré·e à 09h02."


def test_check_in_twice_on_another_day_names_the_day(app, db, world, organiser):
    camille = world.people["camille"]
    checkin.check_in(world.event, camille, _now(world), organiser)
    db.session.commit()
    later = _now(world) + timedelta(days=1)
    with app.test_request_context():
        message = checkin.outcome_message(
            checkin.check_in(world.event, camille, later, organiser), "Europe/Paris", later
        )
    assert f"le {world.day_one.strftime('%d/%m')} à 09h02" in message


def test_secret_from_scan_reads_the_address_or_the_typed_code(world):
    secret = world.people["camille"].checkin_secret
    address = f"https://nec.example.org/{world.event.slug}/manage/checkin/?code={secret}"
    assert checkin.secret_from_scan(address) == secret
    spaced = " ".join(secret[i : i + 4] for i in range(0, 32, 4)).upper()
    assert checkin.secret_from_scan(spaced) == secret


@pytest.mark.parametrize("scanned", ["", "n'importe quoi", "a" * 32, "https://ailleurs.example/?code=x"])
def test_unknown_code_is_refused_with_a_way_out(world, scanned):
    with pytest.raises(checkin.CheckInError) as refused:
        checkin.registration_by_secret(world.event, scanned)
    assert "nom" in refused.value.message


def test_code_of_another_event_is_refused(db, world, make_event):
    other = make_event(title="Autre NEC")
    stranger = Registration(event=other, full_name="Autre Personne", email="autre@example.org")
    db.session.add(stranger)
    db.session.commit()
    with pytest.raises(checkin.CheckInError):
        checkin.registration_by_secret(world.event, stranger.checkin_secret)
    with pytest.raises(checkin.CheckInError):
        checkin.registration_of_event(world.event, stranger.id)


@pytest.mark.parametrize(("who", "words"), [("paul", "pas confirmé"), ("zoe", "annulée")])
def test_unconfirmed_or_cancelled_registration_is_not_checked_in(db, world, organiser, who, words):
    person = world.people[who]
    with pytest.raises(checkin.CheckInError) as refused:
        checkin.check_in(world.event, person, _now(world), organiser)
    db.session.rollback()
    assert words in refused.value.message
    assert db.session.get(Registration, person.id).checked_in_at is None


def test_online_participant_at_the_door_is_checked_in_with_a_warning(db, world, organiser):
    outcome = checkin.check_in(world.event, world.people["helene"], _now(world), organiser)
    assert not outcome.already
    assert any("en ligne" in w for w in outcome.warnings)


def test_session_check_in_records_the_session_and_the_door(db, world, organiser):
    camille, workshop = world.people["camille"], world.sessions["workshop"]
    outcome = checkin.check_in(world.event, camille, _now(world), organiser, workshop)
    db.session.commit()
    assert not outcome.already and outcome.warnings == ()
    row = db.session.scalar(sa.select(CheckIn).where(CheckIn.registration_id == camille.id))
    assert row.session_id == workshop.id and row.checked_in_by_id == organiser.id
    assert db.session.get(Registration, camille.id).checked_in_at == _now(world)


def test_session_check_in_twice_keeps_one_row(db, world, organiser):
    camille, workshop = world.people["camille"], world.sessions["workshop"]
    checkin.check_in(world.event, camille, _now(world), organiser, workshop)
    db.session.commit()
    again = checkin.check_in(world.event, camille, _now(world, 10), organiser, workshop)
    db.session.commit()
    assert again.already and again.at == _now(world)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 1


@pytest.mark.parametrize(("who", "words"), [("helene", "liste d'attente"), ("bastien", "pas de place")])
def test_workshop_check_in_without_a_booked_seat_warns(db, world, organiser, who, words):
    outcome = checkin.check_in(world.event, world.people[who], _now(world), organiser, world.sessions["workshop"])
    assert any(words in w for w in outcome.warnings)


def test_session_outside_the_release_is_refused(db, world, make_session):
    with pytest.raises(checkin.CheckInError):
        checkin.session_of_event(world.event, 999_999)
    assert checkin.session_of_event(world.event, world.sessions["talk"].id) == world.sessions["talk"]
    assert checkin.session_of_event(world.event, None) is None


def test_undo_at_the_door_takes_back_the_sessions_and_is_logged(db, world, organiser):
    camille = world.people["camille"]
    checkin.check_in(world.event, camille, _now(world), organiser, world.sessions["workshop"])
    db.session.commit()
    checkin.undo(world.event, camille, _now(world, 9, 5), organiser)
    db.session.commit()
    assert db.session.get(Registration, camille.id).checked_in_at is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == 0
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "registration.checkin_undone"))
    assert entry.actor_id == organiser.id and entry.target_id == camille.id


def test_undo_of_a_session_keeps_the_door(db, world, organiser):
    camille = world.people["camille"]
    checkin.check_in(world.event, camille, _now(world), organiser, world.sessions["workshop"])
    db.session.commit()
    checkin.undo(world.event, camille, _now(world, 9, 5), organiser, world.sessions["workshop"])
    db.session.commit()
    assert db.session.get(Registration, camille.id).checked_in_at == _now(world)
    with pytest.raises(checkin.CheckInError):
        checkin.undo(world.event, camille, _now(world, 9, 6), organiser, world.sessions["workshop"])


def test_undo_of_nobody_checked_in_is_refused(db, world, organiser):
    with pytest.raises(checkin.CheckInError):
        checkin.undo(world.event, world.people["bastien"], _now(world), organiser)


def test_counts_at_the_door_and_at_the_workshop(db, world, organiser):
    assert checkin.counts(world.event) == checkin.Counts(expected=2, present=0)  # Camille and Bastien on site
    checkin.check_in(world.event, world.people["camille"], _now(world), organiser, world.sessions["workshop"])
    checkin.check_in(world.event, world.people["helene"], _now(world), organiser)
    db.session.commit()
    door = checkin.counts(world.event)
    assert (door.expected, door.present, door.missing) == (2, 2, 0)
    workshop = checkin.counts(world.event, world.sessions["workshop"])
    assert (workshop.expected, workshop.present, workshop.missing) == (1, 1, 0)  # one booked seat
    table = checkin.counts(world.event, world.sessions["table"])
    assert (table.expected, table.present) == (None, 0)


def test_search_ignores_accents_and_capitals_and_leaves_out_cancelled(world):
    assert [r.full_name for r in checkin.search(world.event, "HELENE")] == ["Hélène Dubois"]
    assert [r.full_name for r in checkin.search(world.event, "cognac centre")] == [
        "Bastien Sans-Place",
        "Camille Martin",
        "Paul Attente",
    ]
    assert checkin.search(world.event, "zoé") == []
    assert checkin.search(world.event, "   ") == []


def test_search_runs_in_a_constant_number_of_queries(world, count_queries):
    assert world.event.id  # loaded before counting
    with count_queries() as counter:
        checkin.search(world.event, "e")
    assert counter.count <= 2


@pytest.mark.postgresql_only
@pytest.mark.parametrize("at_session", [False, True])
def test_two_scans_at_once_count_once(app, db, world, organiser, at_session):
    """Two phones scan the same code at the same moment: one records, the other answers "déjà"."""
    event_id, camille_id = world.event.id, world.people["camille"].id
    if at_session:  # already in at the door: the two inserts of the session's row race each other
        world.people["camille"].checked_in_at = _now(world, 8)
        db.session.commit()
    session_id = world.sessions["workshop"].id if at_session else None
    organiser_id = organiser.id
    barrier = threading.Barrier(2)
    outcomes, errors = [], []

    def scan(minute):
        try:
            with app.app_context():
                from nec.accounts.models import User
                from nec.events.models import Event
                from nec.proposals.models import Session

                event = db.session.get(Event, event_id)
                person = db.session.get(Registration, camille_id)
                session = db.session.get(Session, session_id) if session_id else None
                actor = db.session.get(User, organiser_id)
                barrier.wait()
                outcome = checkin.check_in(event, person, _now(world, 9, minute), actor, session)
                db.session.commit()
                outcomes.append(outcome.already)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=scan, args=(minute,)) for minute in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(outcomes) == [False, True]
    db.session.expire_all()
    assert db.session.get(Registration, camille_id).checked_in_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CheckIn)) == (1 if at_session else 0)
