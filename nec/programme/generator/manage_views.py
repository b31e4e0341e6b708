"""The organiser's programme generator: weights, time limit, runs, progress and report.

A run is computed in a background thread of the web process (`runs.launch`) or, when the
deployment sets NEC_GENERATOR_WORKER, only queued here and computed by a `flask programme work`
process; its progress and its report live in the database, so that the run page (which refreshes
itself without JavaScript) is right whichever app server answers.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from nec.accounts.permissions import organiser_required
from nec.core import actions
from nec.core.time import to_local
from nec.core.web import current_actor
from nec.programme import conflicts
from nec.programme import draft as services
from nec.programme.editor import services as editor
from nec.programme.generator import bridge, runs
from nec.programme.generator.bridge import TERM_EXPLANATIONS
from nec.programme.generator.forms import GeneratorForm
from nec.programme.models import ACTIVE_RUN_STATES, RunState
from nec.programme.releases import versions as releases
from nec.programme.solver.solve import TERM_LABELS, TERMS

bp = Blueprint("programme_generator", __name__)

DEFAULT_TIME_LIMIT = 30
REFRESH_SECONDS = 2


def _run_or_404(run_id: int):
    run = runs.get_run(g.event, run_id)
    if run is None:
        abort(404)
    return run


@bp.route("/<ev>/manage/generator", methods=["GET", "POST"])
@organiser_required
def index():
    form = GeneratorForm()
    if request.method == "GET":
        form.fill(runs.default_weights(g.event), DEFAULT_TIME_LIMIT)
    if form.validate_on_submit():
        started, problem = actions.run(
            lambda: runs.start(g.event, current_actor(), form.weights(), form.time_limit.data)
        )
        if problem is None:
            if not runs.uses_worker():  # else a `flask programme work` process claims it
                runs.launch(current_app._get_current_object(), started.id)
            flash(_("La génération est lancée. Cette page suit sa progression."), "success")
            return redirect(url_for("programme_generator.run", run_id=started.id))
        form.form_errors.extend(getattr(problem, "messages", [problem.message]))
    active = runs.active_run(g.event)
    if active is not None and runs.is_stale(active):
        active = None
    page = render_template(
        "programme/generator/index.html",
        event=g.event,
        form=form,
        overview=bridge.overview(g.event),
        runs=runs.list_runs(g.event),
        active=active,
        state_of=runs.effective_state,
    )
    return page, 422 if form.is_submitted() else 200


@bp.get("/<ev>/manage/generator/runs/<int:run_id>", endpoint="run")
@organiser_required
def show_run(run_id: int):
    run = _run_or_404(run_id)
    state = runs.effective_state(run)
    report = run.report if state == RunState.finished else None
    return render_template(
        "programme/generator/run.html",
        event=g.event,
        run=run,
        state=state,
        is_active=state in ACTIVE_RUN_STATES,
        refresh_seconds=REFRESH_SECONDS,
        error=run.error or (runs.stale_message(run) if state != run.state else ""),
        queue=runs.queue_status(run) if state == RunState.queued else None,
        report=report,
        costs=_cost_rows(run, report) if report else [],
        timetable_days=_timetable(report["placed"], report.get("rooms", [])) if report else [],
        lineup_warnings=_lineup_warnings() if report else [],
    )


@bp.get("/<ev>/manage/generator/draft")
@organiser_required
def draft():
    slots = services.draft_slots(g.event)
    tz = g.event.timezone
    rows = []
    for slot in slots:
        start, end = to_local(slot.starts_at, tz), to_local(slot.ends_at, tz)
        rows.append(
            {
                "date": start.date().isoformat(),
                "start": start.strftime("%H:%M"),
                "end": end.strftime("%H:%M"),
                "room": slot.room.name if slot.room is not None else None,
                "title": slot.session.title if slot.session is not None else slot.title,
                "pinned": slot.is_pinned,
                "is_break": slot.session_id is None,
            }
        )
    release = releases.latest_release(g.event)
    return render_template(
        "programme/generator/draft.html",
        event=g.event,
        timetable_days=_timetable(rows, [room.name for room in g.event.rooms]),
        count=sum(1 for row in rows if not row["is_break"]),
        release=release,
        lineup_warnings=_lineup_warnings(),
    )


# --- presentation helpers -----------------------------------------------------------------------------


def _lineup_warnings() -> list[conflicts.ConflictWarning]:
    """The draft's sessions whose speakers (as they are now: someone may have declined) break their format."""
    found = conflicts.find(g.event, editor.board_slots(g.event))
    return [warning for warning in found if warning.kind == conflicts.Kind.lineup]


def _cost_rows(run, report: dict) -> list[dict]:
    weights = run.weights or {}
    rows = []
    for term in TERMS:
        rows.append(
            {
                "term": term,
                "label": TERM_LABELS.get(term, term),
                "explanation": TERM_EXPLANATIONS.get(term, ""),
                "count": report.get("counts", {}).get(term, 0),
                "weight": weights.get(term),
                "cost": report.get("costs", {}).get(term, 0),
            }
        )
    return rows


def _timetable(rows: list[dict], room_order: list[str]) -> list[dict]:
    """Entries grouped by day, then by start time, one column per room (breaks in their own column).

    Each day: {"date", "rooms": [names], "times": [{"start", "cells": [[entries] per room]}]}.
    """
    by_day: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_day[row["date"]].append(row)
    days = []
    for day in sorted(by_day):
        entries = by_day[day]
        used = {e["room"] for e in entries if e["room"] is not None}
        rooms = [name for name in room_order if name in used] + sorted(used - set(room_order))
        has_breaks = any(e["room"] is None for e in entries)
        columns = [*rooms, None] if has_breaks else rooms
        times = []
        for start in sorted({e["start"] for e in entries}):
            cells = [[e for e in entries if e["start"] == start and e["room"] == column] for column in columns]
            times.append({"start": start, "cells": cells})
        days.append({"date": date.fromisoformat(day), "rooms": columns, "times": times})
    return days
