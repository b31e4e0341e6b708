"""The changelog between two versions: new, moved (time or room), cancelled sessions, and the history."""

from __future__ import annotations

from datetime import timedelta

from nec.events.models import Event
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.releases import changelog
from nec.programme.releases.changelog import compute_changelog, version_slots
from tests.programme.public.helpers import DAY_ONE, DAY_TWO, build_programme, paris


def _draft_slot(programme, key) -> Slot:
    return next(slot for slot in programme.draft.slots if slot.session_id == programme.sessions[key].id)


def _compare(programme):
    db.session.commit()
    return compute_changelog(version_slots(programme.release), version_slots(programme.draft))


def test_changelog_new_session_in_draft(db, make_event):
    programme = build_programme(db, make_event)
    changes = _compare(programme)
    assert [p.title for p in changes.new] == ["Session secrète du brouillon"]
    new = changes.new[0]
    assert new.session_id == programme.sessions["draft_only"].id
    assert (new.starts_at, new.ends_at) == (paris(DAY_TWO, 9), paris(DAY_TWO, 10))
    assert new.room_name == "Salle Aliénor"
    assert changes.moved == [] and changes.cancelled == []
    assert changes.changed_session_ids == {programme.sessions["draft_only"].id}


def test_changelog_moved_by_time(db, make_event):
    programme = build_programme(db, make_event)
    slot = _draft_slot(programme, "talk")
    slot.starts_at, slot.ends_at = paris(DAY_TWO, 16), paris(DAY_TWO, 16, 30)
    changes = _compare(programme)
    assert len(changes.moved) == 1
    move = changes.moved[0]
    assert move.title == "Financer l'inclusion numérique"
    assert move.time_changed and not move.room_changed
    assert (move.before.starts_at, move.before.ends_at) == (paris(DAY_TWO, 14), paris(DAY_TWO, 14, 30))
    assert (move.after.starts_at, move.after.ends_at) == (paris(DAY_TWO, 16), paris(DAY_TWO, 16, 30))
    assert move.before.room_name == move.after.room_name == "Salle Aliénor"


def test_changelog_moved_by_end_time_only(db, make_event):
    programme = build_programme(db, make_event)
    slot = _draft_slot(programme, "talk")
    slot.ends_at = slot.ends_at + timedelta(minutes=15)
    changes = _compare(programme)
    assert [m.session_id for m in changes.moved] == [programme.sessions["talk"].id]
    assert changes.moved[0].time_changed


def test_changelog_moved_by_room(db, make_event):
    programme = build_programme(db, make_event)
    _draft_slot(programme, "table").room = programme.rooms["B"]
    changes = _compare(programme)
    assert len(changes.moved) == 1
    move = changes.moved[0]
    assert move.room_changed and not move.time_changed
    assert (move.before.room_name, move.after.room_name) == ("Salle Aliénor", "Salle Bastide")
    assert move.before.starts_at == move.after.starts_at == paris(DAY_ONE, 9)


def test_changelog_cancelled_when_slot_removed(db, make_event):
    programme = build_programme(db, make_event)
    programme.draft.slots.remove(_draft_slot(programme, "workshop"))
    changes = _compare(programme)
    assert [p.title for p in changes.cancelled] == ["Fabriquer son tiers-lieu"]
    gone = changes.cancelled[0]
    assert (gone.starts_at, gone.room_name) == (paris(DAY_ONE, 9), "Salle Bastide")
    assert programme.sessions["workshop"].id not in changes.changed_session_ids


def test_changelog_identical_versions_is_empty(db, make_event):
    programme = build_programme(db, make_event)
    slots = version_slots(programme.release)
    changes = compute_changelog(slots, slots)
    assert changes.is_empty


def test_changelog_first_release_lists_every_session_but_no_break(db, make_event):
    programme = build_programme(db, make_event)
    changes = compute_changelog([], version_slots(programme.release))
    assert len(changes.new) == 5  # five sessions, the lunch break is not a session
    assert "Pause déjeuner" not in {p.title for p in changes.new}
    assert [p.starts_at for p in changes.new] == sorted(p.starts_at for p in changes.new)


def test_history_newest_first_with_each_changelog(db, make_event, count_queries):
    programme = build_programme(db, make_event)
    released_at = programme.release.released_at + timedelta(days=1)
    second = ScheduleVersion(event=programme.event, name="v2", released_at=released_at)
    table, talk = programme.sessions["table"], programme.sessions["talk"]
    second.slots = [
        Slot(session=table, room=programme.rooms["B"], starts_at=paris(DAY_ONE, 9), ends_at=paris(DAY_ONE, 10, 15)),
        Slot(session=talk, room=programme.rooms["A"], starts_at=paris(DAY_TWO, 14), ends_at=paris(DAY_TWO, 14, 30)),
    ]
    db.session.add(second)
    db.session.commit()
    event_id = programme.event.id
    db.session.expunge_all()
    event = db.session.get(Event, event_id)

    with count_queries() as counter:
        entries = changelog.history(event)
    assert counter.count <= 4
    assert [e.version.name for e in entries] == ["v2", "v1"]
    latest, first = entries
    assert first.is_first and not latest.is_first
    assert len(first.changelog.new) == 5
    assert [m.title for m in latest.changelog.moved] == ["Le métier de médiateur numérique"]
    assert {p.title for p in latest.changelog.cancelled} == {
        "Fabriquer son tiers-lieu",
        "Session annulée après la publication",
        "Session refusée par erreur publiée",
    }
    assert latest.changelog.new == []


def test_history_without_release_is_empty(db, make_event):
    programme = build_programme(db, make_event, released=False)
    assert changelog.history(programme.event) == []
