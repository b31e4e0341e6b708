"""The organiser's programme editor: the grid of rooms by time, the sessions to place, breaks, warnings.

Two ways to move a session, that do the same thing: drag its card onto the grid (static/js/editor.js
posts to `move`), or choose a day, a room and a time from lists on the session's `place` page, which
needs neither a mouse nor JavaScript. Every change goes to the draft and the page shows the warnings
again at once; publishing is done on the releases page.
"""

from __future__ import annotations

from datetime import date, datetime, time

from flask import Blueprint, abort, flash, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _

from nec.accounts.permissions import organiser_required
from nec.core.actions import act, run, show_error
from nec.core.errors import UserError
from nec.core.i18n import lazy_gettext as _l
from nec.core.time import localize, to_local
from nec.core.web import clock_text, current_actor, parse_id
from nec.events.models import EventDay, Room
from nec.programme import conflicts
from nec.programme.editor import grid
from nec.programme.editor import services as editor
from nec.programme.editor.forms import BreakForm, PlaceForm
from nec.programme.models import Slot

bp = Blueprint("programme_editor", __name__)


KIND_LABELS = {
    conflicts.Kind.room_overlap: _l("Salle occupée deux fois"),
    conflicts.Kind.person_overlap: _l("Personne à deux endroits"),
    conflicts.Kind.availability: _l("Hors des disponibilités"),
    conflicts.Kind.capacity: _l("Salle trop petite"),
    conflicts.Kind.hours: _l("Hors des horaires"),
    conflicts.Kind.plenary: _l("Pendant une plénière"),
    conflicts.Kind.accessibility: _l("Salle non accessible"),
    conflicts.Kind.unconfirmed: _l("Session non confirmée"),
    conflicts.Kind.lineup: _l("Nombre d'intervenant·es hors du format"),
}


def _session_or_404(session_id: int):
    session = editor.event_session(g.event, session_id)
    if session is None:
        abort(404)
    return session


def _board_url(on: date | None = None, anchor: str | None = None) -> str:
    """The board (of a day); `anchor` names the card the page opens on (its script focuses it)."""
    return url_for("programme_editor.board", day=on.isoformat() if on else None, _anchor=anchor)


def _placed_card(session_id: int) -> str:
    return f"slot-session-{session_id}"


# --- the board -----------------------------------------------------------------------------------------


@bp.get("/<ev>/manage/programme/")
@organiser_required
def board():
    event = g.event
    board = editor.load_board(event)
    days = sorted(event.days, key=lambda d: d.date)
    try:
        wanted = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        wanted = None
    day = next((d for d in days if d.date == wanted), days[0] if days else None)
    return render_template(
        "programme/editor/board.html",
        event=event,
        board=board,
        days=days,
        day=day,
        grid=grid.day_grid(board, day) if day is not None else None,
        kind_labels=KIND_LABELS,
        other_days_slots={d.date: len(board.slots_on(d.date)) for d in days},
    )


@bp.get("/<ev>/manage/programme/grid.css")
@organiser_required
def grid_css():
    """The placement classes of the grid (rows, spans, columns, lanes): a stylesheet, since the CSP
    forbids style attributes. The same for every event; browsers keep it a day."""
    body = render_template(
        "programme/editor/grid.css", max_rows=grid.MAX_ROWS + 2, max_columns=grid.MAX_COLUMNS, lanes=range(2, 5)
    )
    response = make_response(body)
    response.mimetype = "text/css"
    response.cache_control.private = True
    response.cache_control.max_age = 86400
    return response


# --- moving a session -----------------------------------------------------------------------------------


def _placed_message(session, room: Room, starts_at: datetime) -> str:
    local = to_local(starts_at, g.event.timezone)
    return _(
        "« %(title)s » est placée dans « %(room)s », %(day)s à %(time)s.",
        title=session.title,
        room=room.name,
        day=format_date(local.date(), "EEEE d MMMM"),
        time=clock_text(local),
    )


@bp.post("/<ev>/manage/programme/sessions/<int:session_id>/move")
@organiser_required
def move(session_id: int):
    """Where a dropped card goes (the grid's script); answers JSON to the script, a redirect otherwise."""
    session = _session_or_404(session_id)
    event = g.event
    wants_json = request.accept_mimetypes.best == "application/json"
    day = None

    def action():
        nonlocal day
        room = editor.event_room(event, request.form.get("room", type=parse_id))
        day, starts_at = editor.parse_local(event, request.form.get("starts_at"))
        pinned = request.form.get("pinned", "1") != "0"  # a drop pins; undoing a drop restores the pin as it was
        editor.place_session(event, session, room, starts_at, pinned=pinned, actor=current_actor())
        return room, starts_at

    result, problem = run(action)
    if problem is not None:
        if wants_json:
            return jsonify(ok=False, message=problem.message), 400
        flash(problem.message, "error")
        return redirect(_board_url())
    room, starts_at = result
    message = _placed_message(session, room, starts_at)
    mine = editor.session_warnings(event, session.id)
    if wants_json:
        return jsonify(ok=True, message=message, warnings=[w.message for w in mine])
    flash(message, "success")
    return redirect(_board_url(day.date, _placed_card(session.id)))


@bp.route("/<ev>/manage/programme/sessions/<int:session_id>/place", methods=["GET", "POST"])
@organiser_required
def place(session_id: int):
    """Choose the day, the room and the time from lists: the editor without dragging."""
    event = g.event
    session = _session_or_404(session_id)
    slot = editor.draft_slot_of(event, session.id)
    keep = [to_local(slot.starts_at, event.timezone).time()] if slot is not None else []
    form = PlaceForm(event, keep)
    if request.method == "GET" and slot is not None:
        _show_place(form, slot)
    preview = None
    if form.validate_on_submit():
        try:
            day, room, starts_at = _chosen_place(form.day.data, form.room.data, form.start.data)
        except UserError as error:
            show_error(form, error)
        else:
            if request.form.get("action") == "check":
                preview = editor.preview(event, session, room, starts_at)
            else:
                _result, problem = run(
                    lambda: editor.place_session(
                        event, session, room, starts_at, pinned=form.pinned.data, actor=current_actor()
                    )
                )
                if problem is None:
                    flash(_placed_message(session, room, starts_at), "success")
                    return redirect(_board_url(day.date, _placed_card(session.id)))
                show_error(form, problem)
    current = editor.session_warnings(event, session.id)
    status = 422 if form.errors else 200  # a check without errors shows its preview with a 200
    context = {"event": event, "session": session, "slot": slot, "form": form, "preview": preview, "current": current}
    return render_template("programme/editor/place.html", **context), status


def _show_place(form: PlaceForm, slot: Slot) -> None:
    """The lists set to where the session is now."""
    local = to_local(slot.starts_at, g.event.timezone)
    form.day.data = local.date().isoformat()
    form.room.data = str(slot.room_id) if slot.room_id else None
    form.start.data = local.strftime("%H:%M")
    form.pinned.data = slot.is_pinned


@bp.get("/<ev>/manage/programme/sessions/<int:session_id>/preview")
@organiser_required
def preview(session_id: int):
    """The warnings a place would raise, as JSON: the place page's script shows them as the lists change."""
    session = _session_or_404(session_id)
    try:
        args = request.args
        _day, room, starts_at = _chosen_place(args.get("day"), args.get("room"), args.get("start"))
    except UserError as error:
        return jsonify(ok=False, message=error.message), 400
    warnings = editor.preview(g.event, session, room, starts_at)
    return jsonify(ok=True, warnings=[w.message for w in warnings])


def _chosen_place(day: str | None, room: str | None, start: str | None) -> tuple[EventDay, Room, datetime]:
    """The day, room and start time chosen in the lists, checked (EditorError in French otherwise)."""
    chosen_day = editor.event_day(g.event, _iso_date(day))
    chosen_room = editor.event_room(g.event, parse_id(room))
    return chosen_day, chosen_room, _instant(chosen_day, editor.parse_clock(start))


@bp.post("/<ev>/manage/programme/sessions/<int:session_id>/unschedule")
@organiser_required
def unschedule(session_id: int):
    session = _session_or_404(session_id)
    wants_json = request.accept_mimetypes.best == "application/json"

    def action():
        editor.unschedule(g.event, session, actor=current_actor())

    message = _("« %(title)s » est retirée du programme : elle attend dans les sessions à placer.", title=session.title)
    if wants_json:
        _result, problem = run(action)
        if problem is not None:
            return jsonify(ok=False, message=problem.message), 400
        return jsonify(ok=True, message=message, warnings=[])
    slot = editor.draft_slot_of(g.event, session.id)
    on = to_local(slot.starts_at, g.event.timezone).date() if slot else None  # back to the day it was on
    return act(action, message, _board_url(on, f"unplaced-session-{session.id}"))


# --- breaks -------------------------------------------------------------------------------------------


def _break_or_404(break_id: int) -> Slot:
    slot = editor.event_break(g.event, break_id)
    if slot is None:
        abort(404)
    return slot


@bp.route("/<ev>/manage/programme/breaks/new", methods=["GET", "POST"])
@organiser_required
def new_break():
    return _break_form(None)


@bp.route("/<ev>/manage/programme/breaks/<int:break_id>/edit", methods=["GET", "POST"])
@organiser_required
def edit_break(break_id: int):
    return _break_form(_break_or_404(break_id))


def _break_form(slot: Slot | None):
    event = g.event
    tz = event.timezone
    keep = []
    if slot is not None:
        keep = [to_local(slot.starts_at, tz).time(), to_local(slot.ends_at, tz).time()]
    form = BreakForm(event, keep)
    if request.method == "GET":
        if slot is not None:
            form.title.data = slot.title
            form.day.data = to_local(slot.starts_at, tz).date().isoformat()
            form.start.data = to_local(slot.starts_at, tz).strftime("%H:%M")
            form.end.data = to_local(slot.ends_at, tz).strftime("%H:%M")
        elif request.args.get("day"):
            form.day.data = request.args["day"]
    if form.validate_on_submit():
        day = None

        def action():
            nonlocal day
            day = editor.event_day(event, _iso_date(form.day.data))
            start, end = editor.parse_clock(form.start.data), editor.parse_clock(form.end.data, "end")
            saved = editor.save_break(event, slot, day, start, end, form.title.data, actor=current_actor())
            return saved.title  # as saved: spaces tidied

        title, problem = run(action)
        if problem is None:
            flash(_("La pause « %(title)s » est enregistrée.", title=title), "success")
            return redirect(_board_url(day.date))
        show_error(form, problem)
    status = 422 if form.errors else 200
    return render_template("programme/editor/break_form.html", event=event, form=form, slot=slot), status


@bp.post("/<ev>/manage/programme/breaks/<int:break_id>/delete")
@organiser_required
def delete_break(break_id: int):
    slot = _break_or_404(break_id)
    title = slot.title
    on = to_local(slot.starts_at, g.event.timezone).date()

    return act(
        lambda: editor.delete_break(g.event, slot, actor=current_actor()),
        _("La pause « %(title)s » est supprimée.", title=title),
        _board_url(on),
    )


# --- small parsers ----------------------------------------------------------------------------------------


def _iso_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _instant(day: EventDay, at: time) -> datetime:
    return localize(day.date, at, g.event.timezone)
