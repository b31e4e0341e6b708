"""The editor's grid, as the board template draws it: one day, a column per room, a row per 5 minutes.

Presentation only (no query, no change): where each session, break, plenary and lunch goes, which
sessions of one room overlap and share its column, and the cells a card can be dropped on. Positions
are CSS classes (`ed-r-*`, `ed-h-*`, `ed-c-*`, `ed-w-*`, `ed-lane-*`, served by the editor's grid.css)
because the Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask_babel import gettext as _

from nec.core.time import to_local
from nec.events.models import EventDay, FormatKind
from nec.programme.editor import services as editor
from nec.programme.models import Slot

ROW_MINUTES = 5  # one row of the grid
CELL_MINUTES = editor.STEP_MINUTES  # where a card can be dropped
MAX_ROWS = 24 * 60 // ROW_MINUTES + 1
MAX_COLUMNS = 64


@dataclass
class GridItem:
    """Something drawn on the grid, with its CSS placement classes (no inline style: the CSP forbids it)."""

    slot: Slot | None
    kind: str  # session, plenary, break, lunch
    title: str
    row: int
    rows: int
    column: int
    columns: int
    lane: int = 0
    lanes: int = 1
    start: datetime | None = None
    end: datetime | None = None

    @property
    def classes(self) -> str:
        lane = f" ed-lane-{self.lane}-{self.lanes}" if self.lanes > 1 else ""
        return f"ed-r-{self.row} ed-h-{self.rows} ed-c-{self.column} ed-w-{self.columns}{lane}"


def day_grid(board: editor.Board, day: EventDay) -> dict:
    """One day of the board: rooms as columns, rows of ROW_MINUTES, its items and the cells to drop on."""
    tz = board.event.timezone
    rooms = sorted(board.event.rooms, key=lambda room: (room.position, room.id))[: MAX_COLUMNS - 1]
    column_of = {room.id: index + 2 for index, room in enumerate(rooms)}
    slots = board.slots_on(day.date)
    opens = datetime.combine(day.date, day.opens_at)
    closes = datetime.combine(day.date, day.closes_at)
    for slot in slots:
        opens = min(opens, to_local(slot.starts_at, tz).replace(tzinfo=None))
        closes = max(closes, to_local(slot.ends_at, tz).replace(tzinfo=None))
    first = opens.replace(minute=opens.minute - opens.minute % CELL_MINUTES, second=0, microsecond=0)
    last = min(closes, datetime.combine(day.date, time(0)) + timedelta(days=1))
    total_rows = min(MAX_ROWS, max(1, -(-int((last - first).total_seconds() // 60) // ROW_MINUTES)))

    def row_of(moment: datetime) -> int:
        minutes = int((moment - first).total_seconds() // 60)
        return max(0, min(total_rows - 1, minutes // ROW_MINUTES)) + 2  # row 1 holds the rooms' names

    def span(start: datetime, end: datetime) -> int:
        return max(1, min(total_rows + 2 - row_of(start), -(-int((end - start).total_seconds() // 60) // ROW_MINUTES)))

    items: list[GridItem] = []
    all_rooms = (2, max(1, len(rooms)))
    if day.lunch_start is not None and day.lunch_end is not None and day.lunch_end > day.lunch_start:
        start, end = datetime.combine(day.date, day.lunch_start), datetime.combine(day.date, day.lunch_end)
        items.append(GridItem(None, "lunch", _("Déjeuner"), row_of(start), span(start, end), *all_rooms))
    by_room: dict[int, list[GridItem]] = {}
    for slot in slots:
        start = to_local(slot.starts_at, tz).replace(tzinfo=None)
        end = to_local(slot.ends_at, tz).replace(tzinfo=None)
        where = dict(row=row_of(start), rows=span(start, end), start=start, end=end)
        if slot.session is None:
            items.append(GridItem(slot, "break", slot.title, column=all_rooms[0], columns=all_rooms[1], **where))
        elif slot.session.format.kind == FormatKind.plenary:
            items.append(
                GridItem(slot, "plenary", slot.session.title, column=all_rooms[0], columns=all_rooms[1], **where)
            )
        else:
            item = GridItem(
                slot, "session", slot.session.title, column=column_of.get(slot.room_id, 2), columns=1, **where
            )
            items.append(item)
            by_room.setdefault(item.column, []).append(item)
    for column_items in by_room.values():
        _share_lanes(column_items)

    cells = []
    times = []
    moment = first
    while moment < last and row_of(moment) - 2 < total_rows:
        row = row_of(moment)
        if moment.minute % 30 == 0:
            times.append((row, moment))
        for room in rooms:
            cells.append({"room": room, "column": column_of[room.id], "row": row, "at": moment})
        moment += timedelta(minutes=CELL_MINUTES)
    return {
        "day": day,
        "rooms": [(room, column_of[room.id]) for room in rooms],
        "rows": total_rows,
        "cell_rows": CELL_MINUTES // ROW_MINUTES,
        "entries": items,
        "cells": cells,
        "times": times,
    }


def _share_lanes(items: list[GridItem]) -> None:
    """Sessions of one room that overlap share its column side by side instead of hiding each other."""
    items.sort(key=lambda item: (item.start, item.end))
    group: list[GridItem] = []
    group_end = None
    lane_ends: list[datetime] = []

    def close() -> None:
        for member in group:
            member.lanes = min(4, len(lane_ends))

    for item in items:
        if group and item.start >= group_end:
            close()
            group, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= item.start), None)
        if lane is None:
            lane_ends.append(item.end)
            lane = len(lane_ends) - 1
        else:
            lane_ends[lane] = item.end
        item.lane = min(lane, 3)
        group.append(item)
        group_end = item.end if group_end is None or len(group) == 1 else max(group_end, item.end)
    if group:
        close()
