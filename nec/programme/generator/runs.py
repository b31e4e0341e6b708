"""The generator runs: one generation started by an organiser, computed once by exactly one process.

`start_run` records a run (queued). By default `launch` computes it in a background thread of the web
process; with NEC_GENERATOR_WORKER the request only queues it and a `flask programme work` process
claims it (`claim_next_run`, see `worker.py`). Either way the progress is written into the database so that
every app server shows the same page, and a run is claimed by an atomic conditional UPDATE
(`claim_run`), so exactly one process computes it. At most one run per event is active (a partial
unique index guarantees it); a run whose process died is seen as failed once it is older than its time
limit plus `STALE_AFTER_SECONDS`, and, under a worker deployment, a run no worker claimed within
`QUEUED_STALE_AFTER_SECONDS` is given up.
"""

from __future__ import annotations

import logging
import threading
import time as clock
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from nec.core.audit import log_action
from nec.core.db import claim, claim_next, utcnow
from nec.events.models import Event, Room
from nec.extensions import db
from nec.programme import draft as services
from nec.programme.generator.bridge import DEFAULT_WORKERS, Built, GenerationError, build_instance, generate_draft
from nec.programme.models import ACTIVE_RUN_STATES, GeneratorRun, RunState, ScheduleVersion, Slot
from nec.programme.releases import services as publishing
from nec.programme.solver.instance import (
    InstanceError,
)
from nec.programme.solver.solve import Progress, Result, Weights
from nec.proposals.models import Session

logger = logging.getLogger(__name__)

STALE_AFTER_SECONDS = 60  # beyond its time limit, an active run with no news is a dead process's
# Worker deployments (NEC_GENERATOR_WORKER): an idle worker claims a run within seconds, so a run still
# queued after a minute means that no worker runs (or all are busy); after half an hour it is given up
# so that it no longer blocks the event.
QUEUED_WITHOUT_WORKER_SECONDS = 60
QUEUED_STALE_AFTER_SECONDS = 30 * 60
PROGRESS_EVERY_SECONDS = 1.0
MIN_TIME_LIMIT, MAX_TIME_LIMIT = 5, 300

# --- runs ----------------------------------------------------------------------------------------


def default_weights(event: Event) -> Weights:
    """The weights of the event's last run, or the generator's defaults."""
    last = db.session.scalar(
        sa.select(GeneratorRun).where(GeneratorRun.event_id == event.id).order_by(GeneratorRun.id.desc()).limit(1)
    )
    if last is not None:
        try:
            return Weights.from_dict(last.weights)
        except InstanceError:
            pass
    return Weights()


def uses_worker() -> bool:
    """True when runs are computed by `flask programme work` processes (NEC_GENERATOR_WORKER), not by a
    thread of the web process that received the request."""
    return bool(current_app.config.get("NEC_GENERATOR_WORKER", False))


def is_stale(run: GeneratorRun, now: datetime | None = None) -> bool:
    """An active run older than its time limit plus a margin: its process is gone. Under a worker
    deployment a queued run waits for a worker, for QUEUED_STALE_AFTER_SECONDS at most."""
    if run.state not in ACTIVE_RUN_STATES:
        return False
    now = now or utcnow()
    if run.state == RunState.queued and uses_worker():
        return now - run.created_at > timedelta(seconds=QUEUED_STALE_AFTER_SECONDS)
    since = run.started_at or run.created_at
    return now - since > timedelta(seconds=run.time_limit + STALE_AFTER_SECONDS)


def effective_state(run: GeneratorRun, now: datetime | None = None) -> RunState:
    return RunState.failed if is_stale(run, now) else run.state


STALE_MESSAGE = (
    "La génération s'est interrompue sans terminer (le serveur a sans doute redémarré). "
    "Le brouillon du programme n'a pas été modifié : relancez-la."
)
NEVER_CLAIMED_MESSAGE = (
    f"Aucun processus de calcul n'a pris en charge cette génération en {QUEUED_STALE_AFTER_SECONDS // 60} minutes. "
    "Le brouillon du programme n'a pas été modifié. Demandez à l'administrateur ou l'administratrice de la "
    "plateforme de démarrer le processus de calcul (commande « flask programme work --loop »), puis relancez "
    "la génération."
)


def stale_message(run: GeneratorRun) -> str:
    """Why a stale run (see `is_stale`) is seen as failed, in French."""
    return NEVER_CLAIMED_MESSAGE if run.state == RunState.queued and uses_worker() else STALE_MESSAGE


def queue_status(run: GeneratorRun, now: datetime | None = None) -> str | None:
    """Where a queued run stands under a worker deployment, for its page (None otherwise):
    "waiting" (a worker takes it within seconds), "busy" (queued for a while, other runs are being
    computed) or "no_worker" (queued for a while and nothing is being computed: no worker runs)."""
    if run.state != RunState.queued or not uses_worker():
        return None
    now = now or utcnow()
    if now - run.created_at <= timedelta(seconds=QUEUED_WITHOUT_WORKER_SECONDS):
        return "waiting"
    running = db.session.scalars(sa.select(GeneratorRun).where(GeneratorRun.state == RunState.running))
    return "busy" if any(not is_stale(other, now) for other in running) else "no_worker"


def fail_stale_runs(event: Event, now: datetime | None = None) -> int:
    """Record as failed the event's active runs whose process died; the number of runs changed."""
    now = now or utcnow()
    count = 0
    for run in db.session.scalars(
        sa.select(GeneratorRun).where(GeneratorRun.event_id == event.id, GeneratorRun.state.in_(ACTIVE_RUN_STATES))
    ):
        if is_stale(run, now):
            run.error = stale_message(run)
            run.state = RunState.failed
            run.finished_at = now
            count += 1
    db.session.flush()
    return count


def active_run(event: Event) -> GeneratorRun | None:
    return db.session.scalar(
        sa.select(GeneratorRun)
        .where(GeneratorRun.event_id == event.id, GeneratorRun.state.in_(ACTIVE_RUN_STATES))
        .order_by(GeneratorRun.id.desc())
        .limit(1)
    )


def busy_message(run: GeneratorRun) -> str:
    return (
        f"Une génération est déjà en cours pour cet événement (n° {run.id}) : attendez qu'elle se termine "
        f"(au plus {run.time_limit} secondes) avant d'en lancer une autre."
    )


def list_runs(event: Event, limit: int = 10) -> list[GeneratorRun]:
    return list(
        db.session.scalars(
            sa.select(GeneratorRun)
            .where(GeneratorRun.event_id == event.id)
            .order_by(GeneratorRun.id.desc())
            .limit(limit)
            .options(selectinload(GeneratorRun.created_by))
        )
    )


def get_run(event: Event, run_id: int) -> GeneratorRun | None:
    run = db.session.get(GeneratorRun, run_id)
    return run if run is not None and run.event_id == event.id else None


def validate_time_limit(time_limit: Any) -> int:
    if (
        isinstance(time_limit, bool)
        or not isinstance(time_limit, int)
        or not (MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT)
    ):
        raise GenerationError(
            f"La durée de recherche doit être un nombre entier de secondes entre {MIN_TIME_LIMIT} et {MAX_TIME_LIMIT}."
        )
    return time_limit


def start_run(event: Event, user, weights: Weights, time_limit: int, *, check_limit: bool = True) -> GeneratorRun:
    """Record a queued run (flushed, not committed); GenerationError if one is already active or
    if the event has nothing to schedule. The caller commits, then calls `launch` or `execute_run`,
    or, under a worker deployment (`uses_worker`), leaves the run to `flask programme work`.

    Two organisers clicking at the same moment: the database's partial unique index refuses the
    second at the flush or at the commit (IntegrityError); the caller then says a run is active.
    """
    if check_limit:
        validate_time_limit(time_limit)
    elif time_limit < 1:
        raise GenerationError("La durée de recherche doit être d'au moins une seconde.")
    fail_stale_runs(event)
    current = active_run(event)
    if current is not None:
        raise GenerationError(busy_message(current))
    build_instance(event)  # refuse now, with its reasons, what could not run
    run = GeneratorRun(
        event_id=event.id,
        created_by_id=getattr(user, "id", None),
        weights=weights.to_dict(),
        time_limit=time_limit,
        state=RunState.queued,
        progress={},
    )
    db.session.add(run)
    db.session.flush()
    return run


def start(event: Event, actor, weights: Weights, time_limit: int) -> GeneratorRun:
    """An organiser starts a generation: the queued run and its audit entry (flushed, not committed).

    Two organisers starting one at the same instant: the second is refused by the partial unique index,
    here turned into the French reason."""
    try:
        run = start_run(event, actor, weights, time_limit)
    except IntegrityError:
        raise GenerationError(
            _("Une génération est déjà en cours pour cet événement : attendez qu'elle se termine.")
        ) from None
    log_action("programme.generator_started", actor=actor, event=event, target=run)
    return run


class _ProgressWriter:
    """Writes a run's progress from the solver's thread, at most once per PROGRESS_EVERY_SECONDS.

    It uses its own connection (the solver's thread has no application context, and the run's
    session must stay free), committing each update so that every app server sees it.
    """

    def __init__(self, engine: sa.Engine, run_id: int):
        self.engine = engine
        self.run_id = run_id
        self.last_write = 0.0
        self.lock = threading.Lock()

    def __call__(self, progress: Progress) -> None:
        now = clock.monotonic()
        with self.lock:
            if now - self.last_write < PROGRESS_EVERY_SECONDS:
                return
            self.last_write = now
        values = {
            "objective": progress.objective,
            "elapsed": round(progress.elapsed, 2),
            "solutions": progress.solutions,
            "placed": progress.placed,
            "unplaced": progress.unplaced,
        }
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    sa.update(GeneratorRun.__table__)
                    .where(GeneratorRun.__table__.c.id == self.run_id)
                    .values(progress=values)
                )
        except sa.exc.SQLAlchemyError:  # progress is a comfort: never stop the solver for it
            logger.exception("generator run %s: progress not written", self.run_id)


def _claim(conn: sa.Connection, run_id: int, now: datetime) -> bool:
    return claim(conn, GeneratorRun.__table__, run_id, RunState.queued, state=RunState.running, started_at=now)


def claim_run(run_id: int, now: datetime | None = None) -> bool:
    """Move one queued run to running, in its own committed transaction. The conditional UPDATE is the
    claim: of several processes trying at once, exactly one gets True."""
    with db.engine.begin() as conn:
        return _claim(conn, run_id, now or utcnow())


def claim_next_run(now: datetime | None = None) -> int | None:
    """Claim the oldest queued run (a worker's job) and return its id, or None when none is waiting.

    Runs queued longer than QUEUED_STALE_AFTER_SECONDS are left alone: their page already says they
    were given up."""
    now = now or utcnow()
    table = GeneratorRun.__table__
    with db.engine.begin() as conn:
        return claim_next(
            conn,
            table,
            RunState.queued,
            due=table.c.created_at >= now - timedelta(seconds=QUEUED_STALE_AFTER_SECONDS),
            order_by=(table.c.created_at,),
            state=RunState.running,
            started_at=now,
        )


def abandon_run(run_id: int, message: str, now: datetime | None = None) -> bool:
    """Record as failed, with `message`, a running run whose process gives up (a worker being stopped).

    Committed at once, in its own transaction. False if the run had already ended. The computation's
    outcome is only written while the run is still running (`compute_run`), so an abandoned run
    never changes the draft.
    """
    table = GeneratorRun.__table__
    with db.engine.begin() as conn:
        abandoned = conn.execute(
            sa.update(table)
            .where(table.c.id == run_id, table.c.state == RunState.running)
            .values(state=RunState.failed, finished_at=now or utcnow(), error=message)
        )
    return abandoned.rowcount == 1


def execute_run(run_id: int, *, workers: int = DEFAULT_WORKERS) -> tuple[Built, Result] | None:
    """Claim a queued run, compute it and record its outcome (commits). None if it was not queued any
    more (another process claimed it), or if it failed (the run then says why)."""
    if not claim_run(run_id):
        return None
    return compute_run(run_id, workers=workers)


def compute_run(run_id: int, *, workers: int = DEFAULT_WORKERS) -> tuple[Built, Result] | None:
    """Compute a run this process has claimed and record its outcome (commits); None if it failed.

    The new draft and the "finished" state are committed together, and only while the run is still
    running: a run declared dead or abandoned meanwhile keeps its error and the draft stays as it was.
    """
    run = db.session.get(GeneratorRun, run_id)
    event = run.event
    try:
        weights = Weights.from_dict(run.weights)
        writer = _ProgressWriter(db.engine, run_id)
        built, result, report = generate_draft(
            event, time_limit=run.time_limit, weights=weights, workers=workers, on_progress=writer
        )
        last = {
            "objective": result.objective,
            "elapsed": round(result.wall_time, 2),
            "solutions": result.stats.get("solutions", 0),
            "placed": len(result.assignments),
            "unplaced": len(result.unplaced),
        }
        finished = db.session.execute(
            sa.update(GeneratorRun)
            .where(GeneratorRun.id == run_id, GeneratorRun.state == RunState.running)
            .values(state=RunState.finished, finished_at=utcnow(), progress=last, report=report),
            execution_options={"synchronize_session": False},
        )
        if finished.rowcount != 1:  # declared dead or abandoned meanwhile: its report would mislead
            db.session.rollback()
            return None
        db.session.commit()
        return built, result
    except Exception as exc:  # whatever happened, the organiser must see the run end
        db.session.rollback()
        if isinstance(exc, GenerationError | InstanceError):
            message = " ".join(exc.messages)
        else:
            logger.exception("generator run %s failed", run_id)
            message = (
                "La génération a échoué à cause d'une erreur inattendue. Le brouillon du programme n'a pas été "
                "modifié. Réessayez ; si cela se reproduit, signalez-le à l'équipe technique "
                f"(erreur : {type(exc).__name__})."
            )
        db.session.execute(
            sa.update(GeneratorRun)
            .where(GeneratorRun.id == run_id, GeneratorRun.state == RunState.running)
            .values(state=RunState.failed, finished_at=utcnow(), error=message),
            execution_options={"synchronize_session": False},
        )
        db.session.commit()
        return None


_threads: dict[int, threading.Thread] = {}


def launch(app: Flask, run_id: int, *, workers: int = DEFAULT_WORKERS) -> threading.Thread:
    """Compute a committed, queued run in a daemon thread of this process, with its own app context
    (hence its own database session)."""

    def target() -> None:
        with app.app_context():
            execute_run(run_id, workers=workers)

    thread = threading.Thread(target=target, name=f"nec-generator-run-{run_id}", daemon=True)
    _threads[run_id] = thread
    thread.start()
    return thread


def wait_for(run_id: int, timeout: float | None = None) -> bool:
    """Wait for a run launched by this process (tests, the command line); True once it has ended."""
    thread = _threads.get(run_id)
    if thread is None:
        return True
    thread.join(timeout)
    if thread.is_alive():
        return False
    _threads.pop(run_id, None)
    return True


def wait_for_all(timeout: float | None = None) -> None:
    """Wait for every run this process launched (tests end with it)."""
    for run_id in list(_threads):
        wait_for(run_id, timeout)


# --- the demo event -------------------------------------------------------------------------------


def generate_demo_programme(
    event: Event,
    organiser,
    *,
    released_at: datetime,
    pins: tuple[tuple[Session, Room | None, datetime], ...] = (),
    name: str = "v1",
) -> ScheduleVersion:
    """Generate the demo's draft (one solver thread, a short time: repeatable) and release it.

    `pins` fix sessions at a time, in a room or not (the generator then chooses it), as an organiser
    would pin the opening and the closing. A finished run is recorded too, so that the organiser's generator page
    shows its report. Not committed: the demo loader commits everything at once.
    """
    draft = services.get_draft(event)
    for session, room, starts_at in pins:
        db.session.add(
            Slot(
                version_id=draft.id,
                session_id=session.id,
                room_id=room.id if room is not None else None,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(minutes=session.duration),
                is_pinned=True,
            )
        )
    db.session.flush()
    weights = Weights()
    time_limit = 2
    _built, result, report = generate_draft(event, time_limit=time_limit / 2, weights=weights, workers=1)
    db.session.add(
        GeneratorRun(
            event_id=event.id,
            created_by_id=getattr(organiser, "id", None),
            created_at=released_at - timedelta(minutes=5),
            started_at=released_at - timedelta(minutes=5),
            finished_at=released_at - timedelta(minutes=5) + timedelta(seconds=result.wall_time),
            state=RunState.finished,
            weights=weights.to_dict(),
            time_limit=time_limit,
            progress={
                "objective": result.objective,
                "elapsed": round(result.wall_time, 2),
                "solutions": result.stats.get("solutions", 0),
                "placed": len(result.assignments),
                "unplaced": len(result.unplaced),
            },
            report=report,
        )
    )
    published = publishing.release(
        event, name, "Programme généré automatiquement puis publié.", None, False, at=released_at
    )
    return published.version
