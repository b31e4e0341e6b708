"""The programme editor's services: placing, moving, unscheduling, previews, breaks, input."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from nec.events.models import Event, EventDay, FormatKind
from nec.extensions import db
from nec.programme.conflicts import Kind
from nec.programme.editor import services as editor
from nec.programme.editor.services import EditorError
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.releases import services as publishing
from nec.proposals.models import SessionState
from tests.programme.editor.helpers import all_slots, put, put_break, warnings
from tests.programme.small_event import SUMMER, WINTER, add_session, add_speaker, small_event


def _draft_rows(event) -> list[Slot]:
    db.session.expire_all()
    return editor.board_slots(event)


# --- placing and moving -------------------------------------------------------------------------------------


def test_place_session_creates_the_draft_and_a_pinned_slot(small):
    session = add_session(small, "Financer l'inclusion", duration=45)
    room = small.rooms["Grande salle"]
    starts_at = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)  # 10:00 in Paris

    slot = editor.place_session(small.event, session, room, starts_at)
    db.session.commit()

    [stored] = _draft_rows(small.event)
    assert stored.id == slot.id and stored.session_id == session.id and stored.room_id == room.id
    assert (stored.starts_at, stored.ends_at) == (starts_at, datetime(2026, 3, 29, 8, 45, tzinfo=UTC))
    assert stored.is_pinned is True
    assert stored.version.released_at is None


def test_place_session_moves_the_existing_slot_of_the_draft(small):
    session = add_session(small, "A", duration=60)
    first = put(small, session, "Grande salle", SUMMER, time(10), time(11))
    starts_at = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # Saturday 10:00 in Paris

    moved = editor.place_session(small.event, session, small.rooms["Petite salle"], starts_at, pinned=False)
    db.session.commit()

    [stored] = _draft_rows(small.event)
    assert moved.id == first.id == stored.id
    assert stored.room_id == small.rooms["Petite salle"].id
    assert (stored.starts_at, stored.ends_at) == (starts_at, datetime(2026, 3, 28, 10, 0, tzinfo=UTC))
    assert stored.is_pinned is False


def test_place_session_never_touches_a_released_version(small):
    session = add_session(small, "A")
    other = add_session(small, "B")
    newcomer = add_session(small, "C")
    put(small, session, "Grande salle", SUMMER, time(10), time(11))
    put(small, other, "Petite salle", SUMMER, time(10), time(11))
    release = publishing.release(small.event, "v1", "", None, False).version
    db.session.commit()
    released_before = [row for row in all_slots(small.event) if row[1] == release.id]
    assert len(released_before) == 2

    petite, grande = small.rooms["Petite salle"], small.rooms["Grande salle"]
    editor.place_session(small.event, session, petite, datetime(2026, 3, 29, 12, tzinfo=UTC))
    editor.place_session(small.event, newcomer, grande, datetime(2026, 3, 29, 7, tzinfo=UTC))
    editor.unschedule(small.event, other)
    db.session.commit()

    rows = all_slots(small.event)
    assert [row for row in rows if row[1] == release.id] == released_before
    draft = {row[2]: row for row in rows if row[1] != release.id}
    assert set(draft) == {session.id, newcomer.id}
    assert draft[session.id][3:5] == (petite.id, datetime(2026, 3, 29, 12, tzinfo=UTC))
    versions = db.session.scalars(sa.select(ScheduleVersion).where(ScheduleVersion.event_id == small.event.id))
    assert len(versions.all()) == 2  # the release and the one draft


@pytest.mark.parametrize(
    ("state", "title"),
    [
        (SessionState.rejected, "Refusée"),
        (SessionState.cancelled, "Annulée"),
        (SessionState.submitted, "Proposée"),
        (SessionState.withdrawn, "Retirée"),
    ],
)
def test_place_session_refuses_a_session_that_does_not_take_place(small, state, title):
    session = add_session(small, "Hors jeu", state=state)

    with pytest.raises(EditorError) as caught:
        editor.place_session(small.event, session, small.rooms["Grande salle"], datetime(2026, 3, 29, 8, tzinfo=UTC))

    assert caught.value.message == (
        f"« Hors jeu » est « {title} » : seules les sessions acceptées ou confirmées peuvent être placées "
        "dans le programme."
    )
    db.session.rollback()
    assert _draft_rows(small.event) == []


def test_place_session_moves_an_accepted_session_too(small):
    session = add_session(small, "Pas encore confirmée", state=SessionState.accepted)

    editor.place_session(small.event, session, small.rooms["Grande salle"], datetime(2026, 3, 29, 8, tzinfo=UTC))
    db.session.commit()

    assert [slot.session_id for slot in _draft_rows(small.event)] == [session.id]


def test_place_session_refuses_a_room_of_another_event(small):
    other = small_event()
    session = add_session(small, "A")

    with pytest.raises(EditorError) as caught:
        editor.place_session(small.event, session, other.rooms["Grande salle"], datetime(2026, 3, 29, 8, tzinfo=UTC))

    assert (caught.value.message, caught.value.field) == ("Choisissez une des salles de l'événement.", "room")
    db.session.rollback()
    assert _draft_rows(small.event) == [] and _draft_rows(other.event) == []


# --- unscheduling -----------------------------------------------------------------------------------------


def test_unschedule_takes_the_session_out_of_the_draft_only(small):
    session = add_session(small, "A")
    keep = add_session(small, "B")
    put(small, session, "Grande salle", SUMMER, time(10), time(11))
    put(small, keep, "Grande salle", SUMMER, time(11), time(12))
    put_break(small, "Pause café", SUMMER, time(15), time(15, 30))

    editor.unschedule(small.event, session)
    db.session.commit()

    assert [(slot.session_id, slot.title) for slot in _draft_rows(small.event)] == [(keep.id, ""), (None, "Pause café")]
    assert [s.id for s in editor.unscheduled_sessions(small.event, _draft_rows(small.event))] == [session.id]


def test_unschedule_a_session_not_in_the_draft_is_refused_in_french(small):
    session = add_session(small, "Jamais placée")

    with pytest.raises(EditorError) as caught:
        editor.unschedule(small.event, session)

    assert caught.value.message == "« Jamais placée » n'est pas dans le programme."


# --- preview -------------------------------------------------------------------------------------------------


def test_preview_gives_the_sessions_warnings_and_changes_nothing(small):
    ana = add_speaker(small, "Ana Morel")
    placed = add_session(small, "Déjà là", speakers=[ana])
    moving = add_session(small, "À placer", speakers=[ana], state=SessionState.accepted)
    elsewhere = add_session(small, "Ailleurs")
    put(small, placed, "Grande salle", SUMMER, time(10), time(11))
    put(small, elsewhere, "Petite salle", SUMMER, time(14), time(15))
    before = all_slots(small.event)

    found = editor.preview(small.event, moving, small.rooms["Grande salle"], datetime(2026, 3, 29, 8, 30, tzinfo=UTC))

    assert [w.kind for w in found] == [Kind.room_overlap, Kind.person_overlap, Kind.unconfirmed]
    assert all(moving.id in w.session_ids for w in found)
    assert not db.session.new and not db.session.dirty and not db.session.deleted
    db.session.commit()
    assert all_slots(small.event) == before


def test_preview_at_the_same_start_as_another_session(small):
    """A candidate slot has no id yet: it must sort next to the slots that start at the same time."""
    first = add_session(small, "Déjà là")
    second = add_session(small, "À vérifier")
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    before = all_slots(small.event)

    found = editor.preview(small.event, second, small.rooms["Grande salle"], datetime(2026, 3, 29, 8, tzinfo=UTC))

    assert [w.kind for w in found] == [Kind.room_overlap]
    assert all_slots(small.event) == before


def test_preview_of_a_placed_session_ignores_its_current_place(small):
    session = add_session(small, "A")
    put(small, session, "Grande salle", SUMMER, time(10), time(11))
    before = all_slots(small.event)

    # Half an hour later in the same room: it would overlap its own current place if that were counted.
    assert (
        editor.preview(small.event, session, small.rooms["Grande salle"], datetime(2026, 3, 29, 8, 30, tzinfo=UTC))
        == []
    )
    # Before the day opens.
    early = editor.preview(small.event, session, small.rooms["Grande salle"], datetime(2026, 3, 29, 6, tzinfo=UTC))
    assert [w.kind for w in early] == [Kind.hours]
    assert all_slots(small.event) == before
    assert warnings(small) == []


# --- the board -----------------------------------------------------------------------------------------------


def test_load_board_has_the_draft_the_sessions_to_place_and_the_warnings(small):
    ana = add_speaker(small, "Ana Morel")
    first = add_session(small, "Zèbres", speakers=[ana])
    second = add_session(small, "Abeilles", speakers=[ana])
    add_session(small, "Proposée seulement", state=SessionState.submitted)
    add_session(small, "Refusée", state=SessionState.rejected)
    waiting_b = add_session(small, "Bénévoles", state=SessionState.accepted)
    waiting_a = add_session(small, "Accueil")
    put(small, first, "Grande salle", SUMMER, time(10), time(11))
    put(small, second, "Petite salle", SUMMER, time(10), time(11))
    put_break(small, "Pause café", WINTER, time(10, 30), time(10, 45))
    db.session.expire_all()

    board = editor.load_board(small.event)

    assert [slot.session_id for slot in board.slots] == [None, first.id, second.id]  # in time order
    assert [slot.title for slot in board.breaks] == ["Pause café"]
    assert [s.title for s in board.unscheduled] == [waiting_a.title, waiting_b.title]
    assert [w.kind for w in board.warnings] == [Kind.person_overlap]
    assert set(board.by_session) == {first.id, second.id}
    assert [slot.session_id for slot in board.slots_on(SUMMER)] == [first.id, second.id]
    assert [slot.title for slot in board.slots_on(WINTER)] == ["Pause café"]


def test_draft_slots_leave_out_the_releases(small):
    session = add_session(small, "A")
    put(small, session, "Grande salle", SUMMER, time(10), time(11))
    publishing.release(small.event, "v1", "", None, False)
    db.session.commit()

    slots = _draft_rows(small.event)

    assert len(slots) == 1 and slots[0].version.released_at is None


# --- breaks ----------------------------------------------------------------------------------------------


def _day(small, on: date) -> EventDay:
    return editor.event_day(small.event, on)


def test_save_break_adds_a_break_across_all_rooms_in_local_time(small):
    slot = editor.save_break(small.event, None, _day(small, SUMMER), time(15), time(15, 30), "  Pause   café ")
    db.session.commit()

    [stored] = _draft_rows(small.event)
    assert stored.id == slot.id
    assert (stored.title, stored.session_id, stored.room_id) == ("Pause café", None, None)
    assert (stored.starts_at, stored.ends_at) == (
        datetime(2026, 3, 29, 13, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 13, 30, tzinfo=UTC),
    )


def test_save_break_changes_an_existing_break(small):
    existing = put_break(small, "Pause café", SUMMER, time(15), time(15, 30))

    editor.save_break(small.event, existing, _day(small, WINTER), time(10), time(10, 20), "Pause du matin")
    db.session.commit()

    [stored] = _draft_rows(small.event)
    assert stored.id == existing.id and stored.title == "Pause du matin"
    assert (stored.starts_at, stored.ends_at) == (
        datetime(2026, 3, 28, 9, 0, tzinfo=UTC),
        datetime(2026, 3, 28, 9, 20, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("title", "start", "end", "message", "field"),
    [
        ("", time(10), time(11), "Donnez un nom à la pause, par exemple « Pause café ».", "title"),
        ("   ", time(10), time(11), "Donnez un nom à la pause, par exemple « Pause café ».", "title"),
        ("x" * 201, time(10), time(11), "Le nom de la pause est trop long (200 caractères au plus).", "title"),
        ("Pause", time(11), time(10), "La fin de la pause doit venir après son début.", "end"),
        ("Pause", time(10), time(10), "La fin de la pause doit venir après son début.", "end"),
    ],
)
def test_save_break_refuses_bad_input_in_french(small, title, start, end, message, field):
    existing = put_break(small, "Pause café", SUMMER, time(15), time(15, 30))
    before = all_slots(small.event)

    for slot in (None, existing):
        with pytest.raises(EditorError) as caught:
            editor.save_break(small.event, slot, _day(small, SUMMER), start, end, title)
        assert (caught.value.message, caught.value.field) == (message, field)
        db.session.rollback()

    assert all_slots(small.event) == before


def test_delete_break(small):
    coffee = put_break(small, "Pause café", SUMMER, time(15), time(15, 30))
    put_break(small, "Pause thé", SUMMER, time(16), time(16, 15))

    editor.delete_break(small.event, coffee)
    db.session.commit()

    assert [slot.title for slot in _draft_rows(small.event)] == ["Pause thé"]


def test_event_break_finds_only_the_breaks_of_the_events_draft(small):
    coffee = put_break(small, "Pause café", SUMMER, time(15), time(15, 30))
    session_slot = put(small, add_session(small, "A"), "Grande salle", SUMMER, time(10), time(11))
    other = small_event()
    foreign = put_break(other, "Ailleurs", SUMMER, time(15), time(15, 30))

    assert editor.event_break(small.event, coffee.id).id == coffee.id
    assert editor.event_break(small.event, session_slot.id) is None
    assert editor.event_break(small.event, foreign.id) is None
    assert editor.event_break(small.event, 999999) is None


# --- reading what the organiser chose ----------------------------------------------------------------


@pytest.mark.parametrize(
    "value", ["garbage", "", None, "2026-03-29 10:00", "2026-03-29T25:00", "29/03/2026T10:00", "2026-02-30T10:00"]
)
def test_parse_local_refuses_bad_input_in_french(small, value):
    with pytest.raises(EditorError) as caught:
        editor.parse_local(small.event, value)

    assert caught.value.message == "Le jour et l'heure doivent s'écrire comme 2021-01-28T14:30."
    assert caught.value.field == "start"


def test_parse_local_refuses_a_day_without_the_event(small):
    with pytest.raises(EditorError) as caught:
        editor.parse_local(small.event, "2026-03-30T10:00")

    assert (caught.value.message, caught.value.field) == ("Choisissez un des jours de l'événement.", "day")


def test_parse_local_reads_the_events_local_time_in_winter_and_summer(small):
    winter_day, winter = editor.parse_local(small.event, "2026-03-28T10:00")
    summer_day, summer = editor.parse_local(small.event, " 2026-03-29T10:00 ")

    assert (winter_day.date, winter) == (WINTER, datetime(2026, 3, 28, 9, 0, tzinfo=UTC))
    assert (summer_day.date, summer) == (SUMMER, datetime(2026, 3, 29, 8, 0, tzinfo=UTC))


@pytest.mark.parametrize("value", ["25:99", "24:00", "12:60", "abc", "", None, "14h30", "14:30:00", "-1:30", "14"])
def test_parse_clock_refuses_bad_input_in_french(value):
    with pytest.raises(EditorError) as caught:
        editor.parse_clock(value)

    assert (caught.value.message, caught.value.field) == ("L'heure doit s'écrire comme 14:30.", "start")


@pytest.mark.parametrize(("value", "expected"), [("14:30", time(14, 30)), (" 9:05 ", time(9, 5)), ("00:00", time(0))])
def test_parse_clock_reads_hours_and_minutes(value, expected):
    assert editor.parse_clock(value) == expected


def test_event_day_and_event_room_accept_only_the_events_own(small):
    other = small_event()

    assert editor.event_day(small.event, SUMMER).date == SUMMER
    assert editor.event_room(small.event, small.rooms["Petite salle"].id).name == "Petite salle"
    for on in (date(2026, 3, 30), other.event.start_date - timedelta(days=400), None):
        with pytest.raises(EditorError) as caught:
            editor.event_day(small.event, on)
        assert (caught.value.message, caught.value.field) == ("Choisissez un des jours de l'événement.", "day")
    for room_id in (other.rooms["Petite salle"].id, None, 999999):
        with pytest.raises(EditorError) as caught:
            editor.event_room(small.event, room_id)
        assert (caught.value.message, caught.value.field) == ("Choisissez une des salles de l'événement.", "room")


def test_time_choices_cover_the_events_hours_every_quarter(small):
    choices = editor.time_choices(small.event)

    assert choices[0] == time(9) and choices[-1] == time(17)
    assert len(choices) == 33  # 9:00 to 17:00 every 15 minutes
    assert time(12, 15) in choices and time(12, 10) not in choices


def test_time_choices_keep_a_time_off_the_grid(small):
    choices = editor.time_choices(small.event, [time(10, 10), time(7, 50)])

    assert time(10, 10) in choices and time(7, 50) in choices
    assert choices == sorted(choices) and len(choices) == 35


def test_time_choices_start_on_the_quarter_before_an_odd_opening(app, make_event):
    event = make_event(days=1)
    event.days = [EventDay(date=event.start_date, opens_at=time(9, 10), closes_at=time(10, 0))]
    db.session.commit()

    assert editor.time_choices(event) == [time(9), time(9, 15), time(9, 30), time(9, 45), time(10)]


def test_time_choices_of_an_event_without_days(app, make_event):
    event: Event = make_event()

    choices = editor.time_choices(event)

    assert (choices[0], choices[-1], len(choices)) == (time(9), time(18), 37)


def test_unscheduled_sessions_are_the_placeable_ones_not_in_the_draft_by_title(small):
    add_session(small, "Brouillon", state=SessionState.draft)
    add_session(small, "Déclinée", state=SessionState.declined)
    placed = add_session(small, "Déjà placée")
    put(small, placed, "Grande salle", SUMMER, time(10), time(11))
    b = add_session(small, "B", state=SessionState.accepted, kind=FormatKind.workshop)
    a = add_session(small, "A")

    assert [s.id for s in editor.unscheduled_sessions(small.event, _draft_rows(small.event))] == [a.id, b.id]
