"""The editor's grid: where each item of a day goes (rows of 5 minutes, a column per room)."""

from __future__ import annotations

from datetime import time

from nec.events.models import FormatKind
from nec.programme.editor import grid
from nec.programme.editor import services as editor
from tests.programme.editor.helpers import put, put_break
from tests.programme.small_event import SUMMER, add_session


def _day(small):
    board = editor.load_board(small.event)
    return grid.day_grid(board, next(d for d in small.event.days if d.date == SUMMER))


def _item(day, title):
    return next(item for item in day["entries"] if item.title == title)


def test_rows_start_at_the_opening_and_count_five_minutes(small):
    talk = add_session(small, "Atelier du matin", duration=60)
    put(small, talk, "Petite salle", SUMMER, time(10, 30), time(11, 30))

    day = _day(small)

    item = _item(day, "Atelier du matin")
    # Row 1 holds the rooms' names; 9:00 is row 2, 10:30 is 18 rows of 5 minutes later.
    assert (item.row, item.rows) == (2 + 18, 12)
    assert (item.column, item.columns) == (3, 1)  # column 1 holds the times, the large room comes first
    assert item.classes == "ed-r-20 ed-h-12 ed-c-3 ed-w-1"
    assert day["rows"] == (17 - 9) * 12
    assert len(day["cells"]) == 2 * (17 - 9) * 4  # a drop cell per room every 15 minutes


def test_breaks_lunch_and_plenaries_span_every_room(small):
    opening = add_session(small, "Ouverture", kind=FormatKind.plenary, duration=60)
    put(small, opening, "Grande salle", SUMMER, time(9), time(10))
    put_break(small, "Pause café", SUMMER, time(10), time(10, 15))

    day = _day(small)

    for title, kind in (("Ouverture", "plenary"), ("Pause café", "break"), ("Déjeuner", "lunch")):
        item = _item(day, title)
        assert (item.kind, item.column, item.columns) == (kind, 2, 2), title


def test_overlapping_sessions_of_one_room_share_its_column(small):
    first = add_session(small, "Premier", duration=60)
    second = add_session(small, "Second", duration=60)
    alone = add_session(small, "Plus tard", duration=30)
    put(small, first, "Grande salle", SUMMER, time(14), time(15))
    put(small, second, "Grande salle", SUMMER, time(14, 30), time(15, 30))
    put(small, alone, "Grande salle", SUMMER, time(16), time(16, 30))

    day = _day(small)

    assert (_item(day, "Premier").lane, _item(day, "Premier").lanes) == (0, 2)
    assert (_item(day, "Second").lane, _item(day, "Second").lanes) == (1, 2)
    assert "ed-lane-1-2" in _item(day, "Second").classes
    assert (_item(day, "Plus tard").lane, _item(day, "Plus tard").lanes) == (0, 1)
    assert "ed-lane" not in _item(day, "Plus tard").classes


def test_a_session_outside_the_hours_stretches_the_day(small):
    late = add_session(small, "Soirée", duration=60)
    put(small, late, "Petite salle", SUMMER, time(18), time(19))

    day = _day(small)

    assert day["rows"] == (19 - 9) * 12
    item = _item(day, "Soirée")
    assert item.row + item.rows - 1 == day["rows"] + 1  # its last row is the grid's last
