"""The generator's worker processes (`flask programme work`, or the `generator` duty of `flask worker`), for
deployments with NEC_GENERATOR_WORKER.

There the web request only records a queued run. A worker claims the oldest queued run with an atomic
conditional UPDATE (`runs.claim_next_run`), so that with any number of workers on one PostgreSQL each
run is computed by exactly one of them, away from the web processes. The solver runs in a thread of
the worker, while the main thread watches for Ctrl+C or SIGTERM: a worker told to stop records its
current run as failed, with a French message, instead of leaving it "running", then returns.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app

from nec.core import hooks
from nec.core import worker as periodic
from nec.extensions import db
from nec.programme.generator import bridge, runs
from nec.programme.models import GeneratorRun, RunState

logger = logging.getLogger(__name__)

STOPPED_MESSAGE = "Le générateur a été arrêté pendant le calcul : relancez la génération."
WATCH_SECONDS = 0.2  # how often the main thread looks at the stop request while a run is computed


@dataclass(frozen=True)
class Outcome:
    """What became of a run a worker claimed."""

    run_id: int
    event_title: str
    state: RunState
    placed: int = 0
    sessions: int = 0
    error: str = ""


def stop_run(run_id: int) -> bool:
    """The worker is being stopped during `run_id`: record it as failed (the draft is left as it was).
    False if the run had already ended."""
    return runs.abandon_run(run_id, STOPPED_MESSAGE)


def work_next(app: Flask, stop: threading.Event, *, workers: int = bridge.DEFAULT_WORKERS) -> Outcome | None:
    """Claim the oldest queued run and compute it, unless `stop` is set meanwhile; None if none waited.

    The computation runs in a daemon thread with its own application context (hence its own database
    session); when `stop` is set, the run is recorded as failed at once and the thread is left behind
    (its outcome is then never written, see `runs.compute_run`).
    """
    if stop.is_set():
        return None
    run_id = runs.claim_next_run()
    if run_id is None:
        return None
    done = threading.Event()

    def target() -> None:
        with app.app_context():
            try:
                runs.compute_run(run_id, workers=workers)
            finally:
                db.session.remove()
                done.set()

    threading.Thread(target=target, name=f"nec-generator-run-{run_id}", daemon=True).start()
    try:
        while not done.is_set():
            if stop.is_set():
                if stop_run(run_id):
                    logger.warning("generator run %s: worker stopped during the computation, run failed", run_id)
                break
            done.wait(WATCH_SECONDS)
    except BaseException:  # KeyboardInterrupt where no signal handler was installed: never leave it running
        stop_run(run_id)
        raise
    return outcome_of(run_id)


def outcome_of(run_id: int) -> Outcome:
    run = db.session.get(GeneratorRun, run_id, populate_existing=True)
    report = run.report or {}
    outcome = Outcome(
        run_id=run.id,
        event_title=run.event.title,
        state=run.state,
        placed=len(report.get("placed", [])),
        sessions=report.get("sessions", 0),
        error=run.error,
    )
    db.session.rollback()  # hold no transaction open while idle
    return outcome


def work(
    app: Flask,
    stop: threading.Event,
    *,
    loop: bool = False,
    interval: float = 2.0,
    workers: int = bridge.DEFAULT_WORKERS,
) -> Iterator[Outcome]:
    """Compute queued runs one after the other, yielding each outcome.

    Without `loop`, stop when no run is waiting; with it, look again every `interval` seconds until
    `stop` is set (a database that cannot be reached is logged and tried again, the worker lives on).
    """
    while not stop.is_set():
        try:
            outcome = work_next(app, stop, workers=workers)
        except sa.exc.OperationalError as exc:
            if not loop:
                raise
            logger.error("generator worker: database unavailable: %s", exc)
            outcome = None
        finally:
            db.session.rollback()
        if outcome is not None:
            yield outcome
            continue
        if not loop:
            return
        stop.wait(interval)


def run_duty(now) -> int:
    """The `generator` duty of `flask worker`: compute the oldest queued run, if any (1 when one was
    computed, so that the worker looks again at once). Only under NEC_GENERATOR_WORKER: otherwise the web
    process computes its runs itself. A stop request of the worker fails the run cleanly (`work_next`)."""
    if not runs.uses_worker():
        return 0
    stop = periodic.stop_requested()
    outcome = work_next(current_app._get_current_object(), stop)
    if outcome is not None:
        logger.info("%s", describe(outcome))
    return 0 if outcome is None else 1


GENERATOR_DUTY = hooks.Duty("generator", 2, run_duty, label="générations du programme calculées", position=20, batch=1)


def describe(outcome: Outcome) -> str:
    """One line of French for the worker's output."""
    where = f"Génération n° {outcome.run_id} ({outcome.event_title})"
    if outcome.state == RunState.finished:
        return f"{where} : terminée, {outcome.placed} session(s) placée(s) sur {outcome.sessions}."
    if outcome.state == RunState.failed:
        return f"{where} : échouée. {outcome.error}".rstrip()
    return f"{where} : {outcome.state.value}."
