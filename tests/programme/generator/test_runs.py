"""The generator runs: started once per event, claimed by one process, computed, reported."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from nec.core.models import AuditLogEntry
from nec.extensions import db
from nec.programme import draft as services
from nec.programme.generator import runs
from nec.programme.generator.bridge import GenerationError
from nec.programme.models import GeneratorRun, RunState, Slot
from nec.programme.solver.solve import Progress, Weights
from nec.proposals.models import SessionState
from tests.programme.generator.support import runs_of
from tests.programme.small_event import (
    WINTER,
    add_session,
    draft_slots,
    small_event,
    utc,
)

# --- runs ------------------------------------------------------------------------------------------------


def _run(event, *, state=RunState.queued, started_ago: float | None = None, time_limit: int = 10) -> GeneratorRun:
    now = datetime.now(UTC)
    run = GeneratorRun(
        event_id=event.id,
        weights=Weights().to_dict(),
        time_limit=time_limit,
        state=state,
        progress={},
        created_at=now - timedelta(seconds=started_ago or 0),
        started_at=now - timedelta(seconds=started_ago) if started_ago is not None else None,
    )
    db.session.add(run)
    db.session.commit()
    return run


def test_start_run_refuses_a_second_active_run(app):
    small = small_event()
    add_session(small, "A")
    running = _run(small.event, state=RunState.running, started_ago=3)

    with pytest.raises(GenerationError) as caught:
        runs.start_run(small.event, None, Weights(), 10)
    assert f"déjà en cours pour cet événement (n° {running.id})" in caught.value.messages[0]
    db.session.rollback()
    assert len(runs_of(small.event)) == 1


def test_start_records_the_run_and_who_started_it_in_the_audit_log(app, organiser):
    small = small_event(organiser)
    add_session(small, "A")

    run = runs.start(small.event, organiser, Weights(), 10)
    db.session.commit()

    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "programme.generator_started"))
    assert run.state == RunState.queued and run.created_by_id == organiser.id
    assert entry.actor_id == organiser.id and entry.event_id == small.event.id and entry.target_id == run.id


def test_the_database_allows_one_active_run_per_event(app):
    small = small_event()
    other = small_event()
    _run(small.event)
    _run(other.event)  # another event: allowed
    _run(small.event, state=RunState.finished)  # finished runs do not count
    with pytest.raises(IntegrityError):
        _run(small.event, state=RunState.running, started_ago=1)
    db.session.rollback()


def test_a_run_left_running_by_a_dead_process_shows_as_failed_and_frees_the_event(app):
    small = small_event()
    add_session(small, "A")
    dead = _run(small.event, state=RunState.running, started_ago=10 + 61, time_limit=10)
    alive = _run(small_event().event, state=RunState.running, started_ago=10 + 59, time_limit=10)

    assert runs.effective_state(dead) == RunState.failed
    assert runs.effective_state(alive) == RunState.running
    new = runs.start_run(small.event, None, Weights(), 10)
    db.session.commit()

    db.session.refresh(dead)
    assert dead.state == RunState.failed and "relancez" in dead.error
    assert new.state == RunState.queued


def test_start_run_validates_the_time_limit_and_the_event(app):
    small = small_event()
    add_session(small, "A")
    for wrong in (4, 301, 0, "30", True):
        with pytest.raises(GenerationError) as caught:
            runs.start_run(small.event, None, Weights(), wrong)
        assert "entre 5 et 300" in caught.value.messages[0]
    empty = small_event()
    with pytest.raises(GenerationError):
        runs.start_run(empty.event, None, Weights(), 10)
    db.session.rollback()
    assert runs_of(small.event) == [] and runs_of(empty.event) == []


def test_execute_run_finishes_with_a_report_and_the_draft(app, make_user):
    organiser = make_user()
    small = small_event(organiser)
    sessions = [add_session(small, f"Session {n}", theme="Financer") for n in range(3)]
    run = runs.start_run(small.event, organiser, Weights(themes=7), 5)
    db.session.commit()

    outcome = runs.execute_run(run.id, workers=1)

    assert outcome is not None
    db.session.expire_all()
    run = db.session.get(GeneratorRun, run.id)
    assert run.state == RunState.finished and run.started_at and run.finished_at >= run.started_at
    assert run.weights["themes"] == 7 and run.created_by_id == organiser.id
    assert run.progress["placed"] == 3 and run.progress["solutions"] >= 1
    assert run.report["sessions"] == 3 and len(run.report["placed"]) == 3 and run.report["unplaced"] == []
    assert run.report["costs"]["themes"] == 7 * run.report["counts"]["themes"]
    assert {s.session_id for s in draft_slots(small.event)} == {s.id for s in sessions}
    assert runs.execute_run(run.id) is None  # not queued any more: nothing happens twice


def test_execute_run_that_fails_records_why_and_leaves_the_draft(app):
    small = small_event()
    session = add_session(small, "A")
    draft = services.get_draft(small.event)
    db.session.add(Slot(version_id=draft.id, session_id=session.id, starts_at=utc(WINTER, 8), ends_at=utc(WINTER, 9)))
    run = runs.start_run(small.event, None, Weights(), 5)
    db.session.commit()
    session.state = SessionState.cancelled  # nothing left to schedule once the run starts
    db.session.commit()

    assert runs.execute_run(run.id) is None

    db.session.expire_all()
    run = db.session.get(GeneratorRun, run.id)
    assert run.state == RunState.failed and run.finished_at is not None
    assert "Aucune session n'est acceptée ou confirmée" in run.error
    assert [s.session_id for s in draft_slots(small.event)] == [session.id]


def test_progress_is_written_to_the_database_at_most_once_a_second(app):
    small = small_event()
    run = _run(small.event, state=RunState.running, started_ago=1)
    writer = runs._ProgressWriter(db.engine, run.id)

    writer(Progress(elapsed=0.5, objective=42.0, best_bound=10.0, placed=3, unplaced=1, solutions=1))
    writer(Progress(elapsed=0.6, objective=40.0, best_bound=10.0, placed=4, unplaced=0, solutions=2))  # too soon

    db.session.expire_all()
    assert db.session.get(GeneratorRun, run.id).progress == {
        "objective": 42.0, "elapsed": 0.5, "solutions": 1, "placed": 3, "unplaced": 1,
    }  # fmt: skip


def test_launch_computes_the_run_in_a_background_thread(app):
    small = small_event()
    add_session(small, "A")
    run = runs.start_run(small.event, None, Weights(), 5)
    db.session.commit()

    thread = runs.launch(app, run.id, workers=1)
    assert thread.daemon and thread.name == f"nec-generator-run-{run.id}"
    assert runs.wait_for(run.id, timeout=60)

    db.session.expire_all()
    assert db.session.get(GeneratorRun, run.id).state == RunState.finished
    assert len(draft_slots(small.event)) == 1


def test_default_weights_are_those_of_the_last_run(app):
    small = small_event()
    assert runs.default_weights(small.event) == Weights()
    db.session.add(
        GeneratorRun(event_id=small.event.id, weights=Weights(wishes=9, max_parallel=3).to_dict(), time_limit=5)
    )
    db.session.commit()
    assert runs.default_weights(small.event) == Weights(wishes=9, max_parallel=3)


# --- the command line --------------------------------------------------------------------------------


def test_programme_generate_command_fills_the_draft(app):
    small = small_event(slug="nec-cli")
    sessions = [add_session(small, f"Session {n}") for n in range(2)]
    runner = app.test_cli_runner()

    result = runner.invoke(args=["programme", "generate", "--event", "nec-cli", "--time-limit", "5"])

    assert result.exit_code == 0, result.output
    assert "2 session(s) placée(s) sur 2" in result.output
    assert "Le brouillon du programme est remplacé" in result.output
    assert {s.session_id for s in draft_slots(small.event)} == {s.id for s in sessions}
    [run] = runs_of(small.event)
    assert run.state == RunState.finished and run.created_by_id is None and run.time_limit == 5


def test_programme_generate_command_refuses_in_french(app):
    small_event(slug="nec-vide")
    runner = app.test_cli_runner()

    unknown = runner.invoke(args=["programme", "generate", "--event", "inconnu"])
    empty = runner.invoke(args=["programme", "generate", "--event", "nec-vide"])

    assert unknown.exit_code != 0 and "Aucun événement n'a le slug « inconnu »" in unknown.output
    assert empty.exit_code != 0 and "Aucune session n'est acceptée ou confirmée" in empty.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(GeneratorRun)) == 0
