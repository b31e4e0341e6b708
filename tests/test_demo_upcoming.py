"""The upcoming demo event nec-charente: dated from the loading day, open to registrations, with seats and
waiting lists whose counters agree with the seats."""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from nec import demo, demo_upcoming
from nec.accounts.models import EventRole, EventRoleKind, User
from nec.accounts.services import authenticate
from nec.events.models import Event, EventFormat
from nec.programme.models import Favourite, ScheduleVersion, Slot
from nec.proposals.models import Call, Session, SessionState
from nec.registrations.models import (
    HOLDING_STATES,
    Attendance,
    Registration,
    RegistrationSettings,
    RegistrationState,
    Seat,
    SeatCounter,
    SeatState,
)
from nec.registrations.services import department_of

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)  # a Monday
PASSWORD = "mot-de-passe-de-demo"


def _load(now: datetime = NOW):
    return demo_upcoming.load_upcoming(PASSWORD, now=now)


def _event(db) -> Event:
    return db.session.scalar(sa.select(Event).where(Event.slug == "nec-charente"))


def _registrations(db, event) -> list[Registration]:
    return list(
        db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id))
    )


def _workshops(db, event) -> list[Session]:
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.event_id == event.id, Session.seat_capacity.is_not(None))
            .order_by(Session.id)
        )
    )


def _seats(db, session) -> list[Seat]:
    return list(db.session.scalars(sa.select(Seat).where(Seat.session_id == session.id).order_by(Seat.ticket)))


def _local(moment: datetime) -> datetime:
    return moment.astimezone(PARIS)


def test_upcoming_load_creates_a_hybrid_event_about_five_weeks_ahead(db):
    started = time.perf_counter()
    loaded = _load()
    elapsed = time.perf_counter() - started
    if db.engine.dialect.name == "sqlite":
        assert elapsed < 5, f"loading the upcoming demo took {elapsed:.1f} s"

    event = _event(db)
    assert event.id == loaded.event.id and event.is_published
    assert event.format == EventFormat.hybrid and event.timezone == "Europe/Paris"
    assert event.start_date == date(2026, 4, 9) and event.start_date.weekday() == 3  # a Thursday, 38 days on
    assert event.end_date == event.start_date + timedelta(days=1)
    assert [d.date for d in event.days] == [event.start_date, event.end_date]
    assert "fictif" in event.description and event.venue_name


def test_upcoming_call_is_closed_and_the_programme_released_before_the_loading_day(db):
    event = _load().event
    call = db.session.scalar(sa.select(Call).where(Call.event_id == event.id))
    assert call.opens_at < call.closes_at < NOW
    versions = db.session.scalars(
        sa.select(ScheduleVersion).where(ScheduleVersion.event_id == event.id).order_by(ScheduleVersion.id)
    ).all()
    assert [(v.name, v.released_at is not None) for v in versions] == [(None, False), ("v1", True)]
    release = versions[1]
    assert call.closes_at < release.released_at < NOW
    sessions = db.session.scalars(sa.select(Session).where(Session.event_id == event.id)).all()
    assert all(s.state == SessionState.confirmed for s in sessions)
    slots = db.session.scalars(sa.select(Slot).where(Slot.version_id == release.id)).all()
    placed = {s.session_id for s in slots if s.session_id is not None}
    assert placed == {s.id for s in sessions}
    for i, a in enumerate(slots):
        day = next(d for d in event.days if d.date == _local(a.starts_at).date())
        assert day.opens_at <= _local(a.starts_at).time() and _local(a.ends_at).time() <= day.closes_at
        for b in slots[i + 1 :]:
            if a.starts_at < b.ends_at and b.starts_at < a.ends_at and a.session_id and b.session_id:
                assert a.room_id != b.room_id, (a.session.title, b.session.title)
                people_a = {p.speaker_id for p in a.session.speakers}
                assert not people_a & {p.speaker_id for p in b.session.speakers}
    assert len(_workshops(db, event)) >= 4
    for slot in slots:
        if slot.session is not None and slot.session.seat_capacity:
            assert slot.session.seat_capacity <= slot.room.capacity  # the room holds the workshop's seats


def test_upcoming_registrations_are_open_with_about_150_participants(db):
    event = _load().event
    settings = db.session.get(RegistrationSettings, event.id)
    assert settings.is_open and settings.opens_at < NOW < settings.closes_at
    assert settings.closes_at < datetime.combine(event.start_date, datetime.min.time(), PARIS)
    registrations = _registrations(db, event)
    assert 140 <= len(registrations) <= 160
    states = Counter(r.state for r in registrations)
    assert states[RegistrationState.confirmed] >= 0.85 * len(registrations)
    assert 3 <= states[RegistrationState.pending] <= 10 and 3 <= states[RegistrationState.cancelled] <= 10
    confirmed = [r for r in registrations if r.state == RegistrationState.confirmed]
    modes = Counter(r.attendance for r in confirmed)
    assert settings.on_site_taken == modes[Attendance.on_site] <= settings.on_site_capacity
    assert settings.online_taken == modes[Attendance.online] <= settings.online_capacity
    assert modes[Attendance.online] >= 30 and modes[Attendance.on_site] >= 60
    for r in registrations:
        assert settings.opens_at <= r.created_at < NOW
        assert r.email.endswith(("example.org", "example.net", "example.com")) and r.email == r.email.lower()
        assert len(r.postcode) == 5 and r.commune and r.department == department_of(r.postcode) != ""
        if r.state == RegistrationState.pending:
            assert r.confirmed_at is None and NOW < r.expires_at <= r.created_at + timedelta(hours=48)
        else:
            assert r.created_at <= r.confirmed_at < NOW
        if r.state == RegistrationState.cancelled:
            assert r.confirmed_at < r.cancelled_at < NOW
        assert r.consent_accessibility or not r.accessibility_needs
    assert len({r.email for r in registrations}) == len(registrations)
    assert len({r.checkin_secret for r in registrations}) == len(registrations)
    departments = Counter(r.department for r in registrations)
    assert departments["16"] > len(registrations) / 2
    assert {"2A", "974"} <= set(departments)  # Corsica and overseas codes
    assert len({r.structure_type for r in registrations}) >= 12


def test_upcoming_seat_counters_equal_the_seats_and_no_workshop_is_over_capacity(db):
    event = _load().event
    full = nearly_full = 0
    for workshop in _workshops(db, event):
        seats = _seats(db, workshop)
        counter = db.session.get(SeatCounter, workshop.id)
        states = Counter(s.state for s in seats)
        assert counter.taken == states[SeatState.booked] + states[SeatState.offered], workshop.title
        assert counter.waiting == states[SeatState.waiting], workshop.title
        assert counter.last_ticket == max(s.ticket for s in seats)
        assert [s.ticket for s in seats] == list(range(1, len(seats) + 1))  # one ticket each, in order
        assert counter.taken <= workshop.seat_capacity, workshop.title
        if counter.waiting:
            assert counter.taken == workshop.seat_capacity  # nobody waits while a seat is free
            full += 1
        elif workshop.seat_capacity - counter.taken <= 2:
            nearly_full += 1
        for seat in seats:
            registration = seat.registration
            assert registration.state == RegistrationState.confirmed
            assert registration.confirmed_at <= seat.created_at < NOW
            mode = Attendance.online if workshop.attendance_mode.value == "online" else Attendance.on_site
            assert registration.attendance == mode
    assert full == 1 and nearly_full >= 2


def test_upcoming_waiting_list_is_in_ticket_order_and_the_freed_seat_is_offered_to_the_first(db):
    event = _load().event
    workshop = next(w for w in _workshops(db, event) if db.session.get(SeatCounter, w.id).waiting)
    seats = _seats(db, workshop)
    by_time = sorted(seats, key=lambda s: s.created_at)
    assert [s.ticket for s in by_time] == [s.ticket for s in seats]  # tickets follow arrival
    booked_tickets = [s.ticket for s in seats if s.state in (SeatState.booked, SeatState.cancelled)]
    queue = [s for s in seats if s.state in (SeatState.offered, SeatState.waiting)]
    assert max(booked_tickets) < min(s.ticket for s in queue)  # the first arrivals got the seats
    (given_back,) = [s for s in seats if s.state == SeatState.cancelled]
    (offered,) = [s for s in seats if s.state == SeatState.offered]
    assert offered.ticket == min(s.ticket for s in queue)  # the first in line has the offer
    assert offered.offered_at == given_back.ended_at < NOW < offered.offer_expires_at
    assert all(s.created_at < offered.offered_at for s in seats)
    assert given_back.booked_at < given_back.ended_at
    assert offered.offer_expires_at == offered.offered_at + timedelta(hours=48)
    start = db.session.scalar(
        sa.select(Slot.starts_at)
        .join(ScheduleVersion)
        .where(Slot.session_id == workshop.id, ScheduleVersion.released_at.is_not(None))
    )
    assert offered.offer_expires_at < start


def test_upcoming_nobody_holds_seats_in_two_overlapping_workshops(db):
    event = _load().event
    release = db.session.scalar(
        sa.select(ScheduleVersion).where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_not(None))
    )
    window = {
        s.session_id: (s.starts_at, s.ends_at)
        for s in db.session.scalars(sa.select(Slot).where(Slot.version_id == release.id))
    }
    held: dict[int, list[int]] = {}
    for seat in db.session.scalars(sa.select(Seat).where(Seat.state.in_((*HOLDING_STATES, SeatState.waiting)))):
        held.setdefault(seat.registration_id, []).append(seat.session_id)
    for sessions in held.values():
        for i, a in enumerate(sessions):
            for b in sessions[i + 1 :]:
                assert not (window[a][0] < window[b][1] and window[b][0] < window[a][1])


def test_upcoming_dates_move_with_the_loading_day(db):
    first = _load(NOW)
    first_dates = (first.event.start_date, first.event.end_date)
    titles = sorted(s.title for s in _workshops(db, first.event))
    emails = sorted(r.email for r in _registrations(db, first.event))
    counters = sorted((w.title, db.session.get(SeatCounter, w.id).taken) for w in _workshops(db, first.event))
    assert demo_upcoming.delete_upcoming() is True
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0

    later = NOW + timedelta(days=45, hours=6)
    second = _load(later)
    event = _event(db)
    assert (second.event.start_date, second.event.end_date) != first_dates
    assert event.start_date.weekday() == 3 and 32 <= (event.start_date - later.date()).days <= 38
    settings = db.session.get(RegistrationSettings, event.id)
    assert settings.opens_at < later < settings.closes_at
    assert all(r.created_at < later for r in _registrations(db, event))
    assert sorted(s.title for s in _workshops(db, event)) == titles  # the same content, moved in time
    assert sorted(r.email for r in _registrations(db, event)) == emails
    assert sorted((w.title, db.session.get(SeatCounter, w.id).taken) for w in _workshops(db, event)) == counters


def test_upcoming_loading_twice_changes_nothing(db):
    _load()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Seat))
    assert demo_upcoming.load_upcoming("un autre mot de passe", now=NOW) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seat)) == count
    assert authenticate(demo_upcoming.PARTICIPANT_EMAIL, PASSWORD) is not None


def test_upcoming_demo_participant_can_log_in_and_holds_seats_and_a_waiting_place(db):
    event = _load().event
    user = authenticate(demo_upcoming.PARTICIPANT_EMAIL, PASSWORD)
    assert user is not None
    organiser = db.session.scalar(sa.select(User).where(User.email == demo.ORGANISER_EMAIL))
    assert authenticate(demo.ORGANISER_EMAIL, PASSWORD) is not None
    roles = db.session.scalars(sa.select(EventRole).where(EventRole.event_id == event.id)).all()
    assert [(r.user_id, r.role) for r in roles] == [(organiser.id, EventRoleKind.organiser)]
    registration = db.session.scalar(sa.select(Registration).where(Registration.user_id == user.id))
    assert registration.event_id == event.id and registration.state == RegistrationState.confirmed
    assert registration.email == demo_upcoming.PARTICIPANT_EMAIL
    seats = db.session.scalars(sa.select(Seat).where(Seat.registration_id == registration.id)).all()
    assert Counter(s.state for s in seats) == {SeatState.booked: 2, SeatState.waiting: 1}
    (waiting,) = [s for s in seats if s.state == SeatState.waiting]
    ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            Seat.session_id == waiting.session_id, Seat.state == SeatState.waiting, Seat.ticket < waiting.ticket
        )
    )
    assert ahead == 1  # second in line
    favourites = db.session.scalars(sa.select(Favourite).where(Favourite.user_id == user.id)).all()
    assert len(favourites) >= 3


def test_upcoming_and_archive_load_together_and_reset_separately(db):
    demo.load_demo(password=PASSWORD)
    _load()
    assert demo.get_demo_event() is not None and _event(db) is not None
    assert demo.delete_demo() is True
    assert _event(db) is not None and demo.get_demo_event() is None
    assert len(_registrations(db, _event(db))) >= 140


def test_archive_registrations_have_postcodes_and_departements(db):
    event = demo.load_demo(password=PASSWORD).event
    registrations = _registrations(db, event)
    assert all(r.department == department_of(r.postcode) != "" for r in registrations)
    assert Counter(r.department for r in registrations).most_common(1)[0][0] == "16"


def test_upcoming_event_home_page_shows_the_event(client):
    _load(datetime.now(UTC))
    response = client.get("/nec-charente/")
    assert response.status_code == 200
    assert "Numérique en Communs Charente" in response.get_data(as_text=True)
    programme = client.get("/nec-charente/programme/")
    assert programme.status_code == 200
    page = programme.get_data(as_text=True)
    assert "Accompagner les démarches en ligne sans faire à la place" in page


def test_demo_load_command_loads_both_events_and_prints_the_participant_login(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setenv("NEC_DEMO_PASSWORD", "mot-de-passe-du-test")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Événement à venir chargé : Numérique en Communs Charente" in result.output
    event = _event(db)
    assert f"les jeudi {event.start_date.day} " in result.output and f"vendredi {event.end_date.day} " in result.output
    assert demo_upcoming.PARTICIPANT_EMAIL in result.output and "/nec-charente/" in result.output
    assert demo_upcoming.PARTICIPANT_EMAIL in (tmp_path / "demo-login.txt").read_text(encoding="utf-8")
    assert authenticate(demo_upcoming.PARTICIPANT_EMAIL, "mot-de-passe-du-test") is not None

    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0 and "existent déjà" in again.output
    assert demo_upcoming.PARTICIPANT_EMAIL in again.output


def test_demo_load_command_adds_the_upcoming_event_to_an_existing_archive(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.delenv("NEC_DEMO_PASSWORD", raising=False)
    demo.load_demo(password="ancien-mot-de-passe")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Événement à venir chargé" in result.output and "Événement de démonstration chargé" not in result.output
    text = (tmp_path / "demo-login.txt").read_text(encoding="utf-8")
    password = next(line for line in text.splitlines() if "Mot de passe" in line).split(":", 1)[1].strip()
    for email in (demo.ORGANISER_EMAIL, demo.REVIEWER_EMAIL, demo_upcoming.PARTICIPANT_EMAIL):
        assert authenticate(email, password) is not None, email  # one password for every demo account
    assert authenticate(demo.ORGANISER_EMAIL, "ancien-mot-de-passe") is None


def test_demo_load_command_reset_reloads_both_events(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setenv("NEC_DEMO_PASSWORD", "mot-de-passe-du-test")
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Registration))

    result = runner.invoke(args=["demo", "load", "--reset"])
    assert result.exit_code == 0, result.output
    assert "« nec-sud-charente » supprimé" in result.output and "« nec-charente » supprimé" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2


def _counter_matches_seats(db, session) -> None:
    seats = _seats(db, session)
    db.session.expire_all()
    counter = db.session.get(SeatCounter, session.id)
    states = Counter(s.state for s in seats)
    assert (counter.taken, counter.waiting) == (
        states[SeatState.booked] + states[SeatState.offered],
        states[SeatState.waiting],
    )
    assert counter.last_ticket == max(s.ticket for s in seats)
    assert counter.taken <= session.seat_capacity


def test_upcoming_demo_works_with_the_registration_services(db, app):
    from nec.registrations import seats as seat_service
    from nec.registrations import services

    event = _load().event
    assert services.registration_window(event, NOW).is_open
    workshops = {w.title: w for w in _workshops(db, event)}
    full = workshops[demo_upcoming.FULL_WORKSHOP]
    smartphone = workshops["Animer un atelier smartphone pour les seniors"]
    mine = db.session.scalar(sa.select(Registration).where(Registration.email == demo_upcoming.PARTICIPANT_EMAIL))
    (my_place,) = [s for s in seat_service.active_seats(mine) if s.session_id == full.id]
    assert seat_service.waiting_position(my_place) == 2
    assert seat_service.availability([full.id])[full.id].is_full
    assert seat_service.availability([smartphone.id])[smartphone.id].left == 1

    # The overlapping workshop is refused to the demo participant, naming the one she waits for.
    with pytest.raises(seat_service.SeatError, match="Accompagner les démarches"):
        seat_service.take_seat(mine, smartphone, NOW)

    # A newcomer added by the organisers takes the last seat of a nearly full workshop, then waits.
    organiser = db.session.scalar(sa.select(User).where(User.email == demo.ORGANISER_EMAIL))
    settings = db.session.get(RegistrationSettings, event.id)
    on_site_before = settings.on_site_taken
    newcomer = services.add_by_organiser(
        event, services.RegistrationData("Nouvelle Personne", "nouvelle@example.org", postcode="16000"), organiser, NOW
    )
    db.session.refresh(settings)
    assert settings.on_site_taken == on_site_before + 1
    assert newcomer.department == "16"
    reuse = workshops[demo_upcoming.REUSE_WORKSHOP]
    assert seat_service.take_seat(newcomer, reuse, NOW).state == SeatState.booked
    assert seat_service.availability([reuse.id])[reuse.id].is_full
    _counter_matches_seats(db, reuse)
    waits = seat_service.take_seat(newcomer, full, NOW + timedelta(hours=1))
    assert waits.state == SeatState.waiting and seat_service.waiting_position(waits) == 5
    _counter_matches_seats(db, full)

    # The offer passes on when declined; a freed seat then goes to the demo participant, who accepts it.
    (offered,) = [s for s in _seats(db, full) if s.state == SeatState.offered]
    assert seat_service.decline_offer(offered, NOW + timedelta(hours=2))
    db.session.refresh(my_place)
    assert seat_service.waiting_position(my_place) == 1
    holder = next(s for s in _seats(db, full) if s.state == SeatState.booked)
    seat_service.leave(holder.registration, full, NOW + timedelta(hours=3))
    db.session.refresh(my_place)
    assert my_place.state == SeatState.offered
    assert seat_service.accept_offer(my_place, NOW + timedelta(hours=4)).state == SeatState.booked
    _counter_matches_seats(db, full)


def test_upcoming_worker_duties_expire_the_demo_offer_and_pending_registrations_in_time(db):
    from nec.registrations import seats as seat_service
    from nec.registrations import services

    event = _load().event
    full = next(w for w in _workshops(db, event) if w.title == demo_upcoming.FULL_WORKSHOP)
    assert seat_service.expire_offers(NOW) == 0 and services.expire_pending(NOW) == 0  # nothing is due at loading
    db.session.commit()
    assert seat_service.expire_offers(NOW + timedelta(hours=48)) == 1
    db.session.commit()
    assert services.expire_pending(NOW + timedelta(hours=48)) == demo_upcoming.PENDING
    db.session.commit()
    seats = _seats(db, full)
    assert Counter(s.state for s in seats)[SeatState.expired] == 1
    (offered,) = [s for s in seats if s.state == SeatState.offered]  # passed to the next in line at once
    assert offered.ticket == min(s.ticket for s in seats if s.state in (SeatState.offered, SeatState.waiting))
    _counter_matches_seats(db, full)


def _fingerprint(db, event) -> list[tuple]:
    rows = db.session.execute(
        sa.select(
            Registration.email,
            Registration.state,
            Registration.attendance,
            Registration.created_at,
            Registration.postcode,
            Session.title,
            Seat.state,
            Seat.ticket,
            Seat.created_at,
        )
        .outerjoin(Seat, Seat.registration_id == Registration.id)
        .outerjoin(Session, Session.id == Seat.session_id)
        .where(Registration.event_id == event.id)
    )
    return sorted(tuple(str(value) for value in row) for row in rows)


def test_upcoming_two_loads_at_the_same_moment_give_the_same_event(db):
    first = _fingerprint(db, _load().event)
    demo_upcoming.delete_upcoming()
    assert _fingerprint(db, _load().event) == first


@pytest.mark.parametrize(
    "now",
    [
        datetime(2026, 3, 29, 0, 30, tzinfo=UTC),  # the night the clocks go forward
        datetime(2026, 10, 24, 22, 5, tzinfo=UTC),  # late evening, before the clocks go back
        datetime(2027, 12, 30, 23, 59, tzinfo=UTC),  # the event falls in the next year
        datetime(2028, 2, 28, 6, 0, tzinfo=UTC),  # a leap year
    ],
)
def test_upcoming_seats_stay_consistent_whatever_the_loading_day(db, now):
    event = _load(now).event
    assert 32 <= (event.start_date - _local(now).date()).days <= 38 and event.start_date.weekday() == 3
    for workshop in _workshops(db, event):
        seats = _seats(db, workshop)
        counter = db.session.get(SeatCounter, workshop.id)
        states = Counter(s.state for s in seats)
        assert counter.taken == states[SeatState.booked] + states[SeatState.offered] <= workshop.seat_capacity
        assert counter.waiting == states[SeatState.waiting] and counter.last_ticket == len(seats)
        assert [s.ticket for s in sorted(seats, key=lambda s: s.created_at)] == list(range(1, len(seats) + 1))
        assert all(s.registration.confirmed_at <= s.created_at < now for s in seats)
    for registration in _registrations(db, event):
        assert registration.created_at < now
        assert registration.cancelled_at is None or registration.confirmed_at < registration.cancelled_at < now


def test_demo_load_command_reloads_the_upcoming_event_once_it_has_passed(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setenv("NEC_DEMO_PASSWORD", "mot-de-passe-du-test")
    demo.load_demo(password="mot-de-passe-du-test")
    today = datetime.now(UTC)
    _load(today - timedelta(days=30))  # loaded a month ago: the event is still ahead, kept as it is
    assert not demo_upcoming.has_passed(today)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert "existent déjà" in result.output

    demo_upcoming.delete_upcoming()
    _load(today - timedelta(days=60))  # two months ago: the event is over
    assert demo_upcoming.has_passed(today)
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "est passé : il est rechargé" in result.output and "Événement à venir chargé" in result.output
    event = _event(db)
    assert 32 <= (event.start_date - _local(today).date()).days <= 38
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2
