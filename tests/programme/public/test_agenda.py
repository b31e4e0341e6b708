"""The personal agenda's services: favourites kept per person and event, clashes between them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from nec.programme.models import Favourite, Slot
from nec.programme.public import agenda
from tests.programme.public.helpers import build_programme


def at(hour: int, minute: int = 0) -> datetime:
    return datetime(2031, 1, 28, hour, minute, tzinfo=UTC)


def slot(slot_id: int, start: datetime, end: datetime) -> Slot:
    """A slot as the agenda sees it (no database needed: only times and ids)."""
    return Slot(id=slot_id, session_id=100 + slot_id, starts_at=start, ends_at=end)


# --- clashes (pure) ----------------------------------------------------------------------------------


def test_build_agenda_keeps_only_the_chosen_sessions_in_time_order():
    late, early, other = slot(1, at(14), at(15)), slot(2, at(9), at(10)), slot(3, at(11), at(12))
    entries = agenda.build_agenda([late, early, other], {101, 102})
    assert [e.slot for e in entries] == [early, late]
    assert all(not e.clashes for e in entries)


def test_build_agenda_finds_overlaps_both_ways():
    a, b, c = slot(1, at(9), at(10, 15)), slot(2, at(9), at(11)), slot(3, at(10, 30), at(11, 30))
    entries = {e.slot.id: e.clashes for e in agenda.build_agenda([a, b, c], {101, 102, 103})}
    assert entries[1] == [b]
    assert entries[2] == [a, c]
    assert entries[3] == [b]


def test_build_agenda_sessions_that_touch_do_not_clash():
    a, b = slot(1, at(9), at(10)), slot(2, at(10), at(11))
    assert all(not e.clashes for e in agenda.build_agenda([a, b], {101, 102}))


def test_build_agenda_ignores_breaks():
    lunch = Slot(id=9, session_id=None, title="Pause", starts_at=at(12), ends_at=at(13))
    chosen = slot(1, at(12), at(13))
    entries = agenda.build_agenda([lunch, chosen], {101})
    assert [e.slot for e in entries] == [chosen]
    assert entries[0].clashes == []


def test_parse_device_ids_keeps_only_distinct_numbers():
    assert agenda.parse_device_ids("3, 5,abc,3,,-2,7.5,12") == [3, 5, 12]
    assert agenda.parse_device_ids(None) == []
    assert agenda.parse_device_ids("9" * 40) == []
    assert len(agenda.parse_device_ids(",".join(str(n) for n in range(500)))) == agenda.MAX_DEVICE_FAVOURITES


# --- favourites in the database ----------------------------------------------------------------------


def test_add_favourite_is_idempotent(db, make_event, make_user):
    prog = build_programme(db, make_event)
    user = make_user()
    assert agenda.add_favourite(user, prog.sessions["table"]) is True
    db.session.commit()
    assert agenda.add_favourite(user, prog.sessions["table"]) is False
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Favourite)) == 1


def test_remove_favourite_touches_only_the_persons_own(db, make_event, make_user):
    prog = build_programme(db, make_event)
    me, other = make_user(), make_user()
    agenda.add_favourite(me, prog.sessions["table"])
    agenda.add_favourite(other, prog.sessions["table"])
    db.session.commit()
    assert agenda.remove_favourite(me, prog.sessions["table"].id) is True
    assert agenda.remove_favourite(me, prog.sessions["table"].id) is False
    db.session.commit()
    assert agenda.favourite_ids(me, prog.event) == set()
    assert agenda.favourite_ids(other, prog.event) == {prog.sessions["table"].id}


def test_favourite_ids_are_per_event_and_empty_for_an_anonymous_visitor(db, make_event, make_user):
    first, second = build_programme(db, make_event), build_programme(db, make_event)
    user = make_user()
    agenda.add_favourite(user, first.sessions["table"])
    agenda.add_favourite(user, second.sessions["talk"])
    db.session.commit()
    assert agenda.favourite_ids(user, first.event) == {first.sessions["table"].id}
    assert agenda.favourite_ids(user, second.event) == {second.sessions["talk"].id}
    assert agenda.favourite_ids(None, first.event) == set()
