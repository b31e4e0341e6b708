"""Workshop seats and their waiting list (seats.py): the database decides, freed seats are held for the list,
offers expire before the session, and all of it holds with many requests at once on both databases."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nec.core.db import utcnow
from nec.core.models import OutboxMessage
from nec.core.tokens import InvalidLink
from nec.extensions import db
from nec.registrations import seats, services
from nec.registrations.models import Registration, Seat, SeatCounter, SeatState
from tests.registrations.helpers import participant


def people(reg, n: int, prefix: str = "p") -> list[Registration]:
    return [participant(reg, f"{prefix}{i}@example.org") for i in range(n)]


def states(session) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Registration.email, Seat.state).join(Seat.registration).where(Seat.session_id == session.id)
    )
    return {email: state.value for email, state in rows}


def counter(session) -> tuple[int, int]:
    db.session.expire_all()
    row = db.session.get(SeatCounter, session.id)
    return row.taken, row.waiting


def offers_to(address: str) -> list[OutboxMessage]:
    return [
        m
        for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address))
        if "Une place se libère" in m.subject
    ]


def test_seats_are_booked_until_full_then_the_waiting_list_keeps_arrival_order(reg):
    p = people(reg, 4)
    now = utcnow()
    taken = [seats.take_seat(person, reg.a, now) for person in p]
    db.session.commit()
    assert [s.state for s in taken] == [SeatState.booked, SeatState.booked, SeatState.waiting, SeatState.waiting]
    assert [s.ticket for s in taken] == [1, 2, 3, 4]
    assert [seats.waiting_position(s) for s in taken] == [0, 0, 1, 2]
    assert seats.availability([reg.a.id, reg.table.id]) == {reg.a.id: seats.Availability(2, 2, 2)}
    assert seats.availability([reg.a.id])[reg.a.id].left == 0
    assert seats.take_seat(p[0], reg.a, now).id == taken[0].id  # a double click books nothing more
    assert counter(reg.a) == (2, 2)


def test_an_overlapping_workshop_is_refused_and_named(reg):
    (person,) = people(reg, 1)
    seats.take_seat(person, reg.a, utcnow())
    db.session.commit()
    with pytest.raises(seats.SeatError, match="« Atelier A », au même moment"):
        seats.take_seat(person, reg.b, utcnow())
    assert seats.take_seat(person, reg.c, utcnow()).state == SeatState.booked


def test_unlimited_unconfirmed_and_started_sessions_take_no_seat(reg):
    (person,) = people(reg, 1)
    with pytest.raises(seats.SeatError, match="accès libre"):
        seats.take_seat(person, reg.table, utcnow())
    pending = services.register(reg.event, services.RegistrationData("Pas Confirmé", "pc@example.org"), utcnow())
    with pytest.raises(seats.SeatError, match="Confirmez d'abord"):
        seats.take_seat(pending, reg.a, utcnow())
    with pytest.raises(seats.SeatError, match="déjà commencé"):
        seats.take_seat(person, reg.a, reg.start_of(reg.a) + timedelta(minutes=1))


def test_a_freed_seat_is_held_for_the_waiting_list_not_resold(reg):
    first, second, third, late = people(reg, 4)
    now = utcnow()
    for person in (first, second, third):
        seats.take_seat(person, reg.a, now)
    seats.leave(first, reg.a, now)
    db.session.commit()
    assert states(reg.a)["p2@example.org"] == "offered"
    assert seats.take_seat(late, reg.a, now).state == SeatState.waiting  # the free seat is not his
    offer = seats.seat_of(third, reg.a)
    assert offer.offer_expires_at == now + timedelta(hours=48)
    assert len(offers_to("p2@example.org")) == 1
    assert counter(reg.a) == (2, 1)


def test_an_accepted_offer_books_the_seat_and_a_second_answer_changes_nothing(reg):
    first, second, third = people(reg, 3)
    now = utcnow()
    for person in (first, second, third):
        seats.take_seat(person, reg.a, now)
    seats.leave(second, reg.a, now)
    db.session.commit()
    offer = seats.seat_of(third, reg.a)
    token = seats.offer_url(offer).rpartition("/")[2]
    assert seats.seat_from_offer_token(reg.event, token).id == offer.id
    seats.accept_offer(offer, now + timedelta(hours=1))
    seats.accept_offer(offer, now + timedelta(hours=2))
    db.session.commit()
    assert offer.state == SeatState.booked and counter(reg.a) == (2, 0)
    assert seats.decline_offer(offer, now) is False


def test_a_declined_offer_passes_to_the_next_person_at_once(reg):
    p = people(reg, 4)
    now = utcnow()
    for person in p:
        seats.take_seat(person, reg.a, now)
    seats.leave(p[0], reg.a, now)
    assert seats.decline_offer(seats.seat_of(p[2], reg.a), now) is True
    db.session.commit()
    assert states(reg.a) == {
        "p0@example.org": "cancelled",
        "p1@example.org": "booked",
        "p2@example.org": "declined",
        "p3@example.org": "offered",
    }
    assert len(offers_to("p3@example.org")) == 1 and counter(reg.a) == (2, 0)


def test_an_expired_offer_cannot_be_accepted_and_passes_on(reg):
    p = people(reg, 4)
    now = utcnow()
    for person in p:
        seats.take_seat(person, reg.c, now)
    seats.leave(p[0], reg.c, now)
    db.session.commit()
    offer = seats.seat_of(p[3], reg.c)
    assert offer.state == SeatState.offered
    later = offer.offer_expires_at
    with pytest.raises(seats.SeatError, match="délai pour répondre est passé"):
        seats.accept_offer(offer, later)
    db.session.rollback()
    assert seats.expire_offers(later - timedelta(seconds=1)) == 0
    assert seats.expire_offers(later) == 1
    db.session.commit()
    assert seats.seat_of(p[3], reg.c).state == SeatState.expired
    assert counter(reg.c) == (2, 0)  # nobody else waits: the seat is free for anyone


def test_offers_close_before_the_session_and_none_is_made_once_it_is_about_to_start(reg):
    p = people(reg, 3)
    start = reg.start_of(reg.a)
    early = start - timedelta(hours=5)
    for person in p:
        seats.take_seat(person, reg.a, early)
    seats.leave(p[0], reg.a, early)
    db.session.commit()
    assert seats.seat_of(p[2], reg.a).offer_expires_at == start - seats.OFFER_MARGIN
    seats.decline_offer(seats.seat_of(p[2], reg.a), start - timedelta(minutes=10))
    db.session.commit()
    assert counter(reg.a) == (1, 0)  # declined ten minutes before: too late to offer it to anyone


def test_move_seat_frees_the_old_workshop_for_its_list(reg, organiser):
    p = people(reg, 3)
    now = utcnow()
    for person in p:
        seats.take_seat(person, reg.a, now)
    moved = seats.move_seat(p[0], reg.a, reg.c, organiser, now)
    db.session.commit()
    assert moved.session_id == reg.c.id and moved.state == SeatState.booked
    assert states(reg.a)["p2@example.org"] == "offered"
    with pytest.raises(seats.SeatError, match="n'a pas de place"):
        seats.move_seat(p[0], reg.a, reg.c, organiser, now)


def test_offer_links_of_an_older_turn_in_the_list_stop_serving(reg):
    p = people(reg, 3)
    now = utcnow()
    for person in p:
        seats.take_seat(person, reg.a, now)
    seats.leave(p[0], reg.a, now)
    db.session.commit()
    offer = seats.seat_of(p[2], reg.a)
    token = seats.offer_token(offer)
    seats.decline_offer(offer, now)
    seats.take_seat(p[2], reg.a, now)  # back in the list: a new ticket
    db.session.commit()
    with pytest.raises(InvalidLink):
        seats.seat_from_offer_token(reg.event, token)


# --- many requests at once --------------------------------------------------------------------------


def _race(app, work, items, errors):
    barrier = threading.Barrier(len(items))

    def run(item):
        with app.app_context():
            try:
                barrier.wait()
                work(item)
                db.session.commit()
            except Exception as exc:
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_twelve_people_racing_for_three_seats_get_three_and_a_waiting_list_in_ticket_order(app, reg):
    ids = [r.id for r in people(reg, 12)]
    session_id = reg.c.id
    errors: list[Exception] = []

    def take(registration_id):
        seats.take_seat(
            db.session.get(Registration, registration_id), db.session.get(type(reg.c), session_id), utcnow()
        )

    _race(app, take, ids, errors)
    assert errors == []
    db.session.expire_all()
    rows = list(db.session.scalars(sa.select(Seat).where(Seat.session_id == session_id).order_by(Seat.ticket)))
    assert len(rows) == 12 and [s.ticket for s in rows] == list(range(1, 13))
    assert sum(s.state == SeatState.booked for s in rows) == 3
    assert all(s.state == SeatState.waiting for s in rows[3:])  # the first three tickets got the seats
    assert [seats.waiting_position(s) for s in rows[3:]] == list(range(1, 10))
    assert counter(reg.c) == (3, 9)


def test_one_person_racing_for_two_overlapping_workshops_gets_one(app, reg):
    (person,) = people(reg, 1)
    errors: list[Exception] = []

    def take(session_id):
        registration = db.session.get(Registration, person.id)
        seats.take_seat(registration, db.session.get(type(reg.a), session_id), utcnow())

    _race(app, take, [reg.a.id, reg.b.id], errors)
    assert len(errors) == 1 and isinstance(errors[0], seats.SeatError)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Seat)) == 1


def test_seats_freed_at_once_are_each_offered_to_a_different_person(app, reg):
    p = people(reg, 3)
    waiting = people(reg, 4, prefix="w")
    now = utcnow()
    for person in p + waiting:
        seats.take_seat(person, reg.c, now)
    db.session.commit()
    errors: list[Exception] = []

    def leave(registration_id):
        seats.leave(db.session.get(Registration, registration_id), db.session.get(type(reg.c), reg.c.id), utcnow())

    _race(app, leave, [r.id for r in p], errors)
    assert errors == []
    db.session.expire_all()
    assert [v for k, v in sorted(states(reg.c).items()) if k.startswith("w")] == [
        "offered",
        "offered",
        "offered",
        "waiting",
    ]
    assert counter(reg.c) == (3, 1)
    assert all(len(offers_to(f"w{n}@example.org")) == 1 for n in range(3))


def test_workers_expiring_offers_at_once_pass_each_offer_on_exactly_once(app, reg):
    p = people(reg, 3)
    waiting = people(reg, 6, prefix="w")
    now = utcnow()
    for person in p + waiting:
        seats.take_seat(person, reg.c, now)
    for person in p:
        seats.leave(person, reg.c, now)
    db.session.commit()
    deadline = seats.seat_of(waiting[0], reg.c).offer_expires_at
    expired: list[int] = []
    errors: list[Exception] = []
    _race(app, lambda _n: expired.append(seats.expire_offers(deadline)), range(3), errors)
    assert errors == [] and sum(expired) == 3
    db.session.expire_all()
    assert [v for _k, v in sorted(states(reg.c).items()) if _k.startswith("w")] == ["expired"] * 3 + ["offered"] * 3
    assert counter(reg.c) == (3, 0)


def test_the_first_requests_of_a_workshop_never_wait_while_its_seats_are_free(app, reg):
    """The counter row is made by the first request: one that finds it made meanwhile books, never waits."""
    for session, prefix in ((reg.a, "a"), (reg.b, "b"), (reg.c, "c")):
        ids = [r.id for r in people(reg, 8, prefix=prefix)]
        errors: list[Exception] = []

        def take(registration_id, session_id=session.id):
            registration = db.session.get(Registration, registration_id)
            seats.take_seat(registration, db.session.get(type(reg.c), session_id), utcnow())

        _race(app, take, ids, errors)
        assert errors == []
        db.session.expire_all()
        taken, waiting = counter(session)
        assert (taken, waiting) == (session.seat_capacity, 8 - session.seat_capacity)
