"""Generator runs computed by `flask programme work` processes (NEC_GENERATOR_WORKER) instead of a thread of
the web process: queueing, claiming across processes, the worker command, the run page, stopping."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nec.extensions import db
from nec.programme.generator import runs, worker
from nec.programme.models import Favourite, GeneratorRun, RunState
from nec.programme.solver.solve import Weights
from nec.proposals.models import SessionState
from tests.programme.generator.support import GENERATOR_FORM, runs_of
from tests.programme.small_event import add_session, add_speaker, draft_slots, small_event
from tests.support.web import log_in, page_text

ROOT = Path(__file__).resolve().parents[3]
VALID = GENERATOR_FORM


@pytest.fixture
def stray_threads():
    """Computations a stopped worker left behind end before the test's database is emptied."""
    yield
    for thread in threading.enumerate():
        if thread.name.startswith("nec-generator-run-"):
            thread.join(timeout=60)


def _queue(small, *, time_limit: int = 5) -> int:
    run = runs.start_run(small.event, None, Weights(), time_limit)
    db.session.commit()
    return run.id


def _run(small, *, state=RunState.queued, ago: float = 1.0, time_limit: int = 30) -> GeneratorRun:
    """A run recorded `ago` seconds ago (claimed then too, unless queued)."""
    at = datetime.now(UTC) - timedelta(seconds=ago)
    run = GeneratorRun(
        event_id=small.event.id,
        weights=Weights().to_dict(),
        time_limit=time_limit,
        state=state,
        progress={},
        created_at=at,
        started_at=None if state == RunState.queued else at,
    )
    db.session.add(run)
    db.session.commit()
    return run


def _fresh(run_id: int) -> GeneratorRun:
    db.session.expire_all()
    return db.session.get(GeneratorRun, run_id)


def _generator_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("nec-generator-run-")]


# --- the web request only queues -------------------------------------------------------------------------


def test_starting_a_run_under_a_worker_deployment_only_queues_it(client, worker_mode, organiser, small, wait_for_runs):
    add_session(small, "Table ronde", speakers=[add_speaker(small, "Ana Morel")])
    log_in(client, organiser)

    response = client.post(f"/{small.event.slug}/manage/generator", data=VALID)

    assert response.status_code == 302
    [run] = runs_of(small.event)
    assert response.headers["Location"].endswith(f"/manage/generator/runs/{run.id}")
    assert run.id not in runs._threads and _generator_threads() == []
    time.sleep(0.3)  # a thread of the web process would have claimed it by now
    assert _fresh(run.id).state == RunState.queued and _fresh(run.id).started_at is None
    text = page_text(client.get(response.headers["Location"]))
    assert '<meta http-equiv="refresh" content="2">' in text
    assert "En attente" in text and "En attente d'un processus de calcul" in text
    assert "aucun processus de calcul ne semble en marche" not in text  # not yet: it was just queued
    assert draft_slots(small.event) == []


def test_starting_a_run_without_the_worker_setting_computes_it_in_a_thread(client, organiser, small, wait_for_runs):
    add_session(small, "Table ronde")
    log_in(client, organiser)

    response = client.post(f"/{small.event.slug}/manage/generator", data=VALID)

    [run] = runs_of(small.event)
    assert response.status_code == 302 and run.id in runs._threads
    assert wait_for_runs(run.id, timeout=60)
    assert _fresh(run.id).state == RunState.finished


# --- the worker ------------------------------------------------------------------------------------------


def test_work_computes_a_queued_run_to_finished_with_a_draft(worker_mode, small):
    sessions = [add_session(small, f"Session {n}", theme="Financer") for n in range(3)]
    run_id = _queue(small)

    outcomes = list(worker.work(worker_mode, threading.Event(), workers=1))

    assert [(o.run_id, o.state, o.placed, o.sessions) for o in outcomes] == [(run_id, RunState.finished, 3, 3)]
    run = _fresh(run_id)
    assert run.state == RunState.finished and run.started_at is not None and run.finished_at >= run.started_at
    assert len(run.report["placed"]) == 3 and run.progress["placed"] == 3
    assert {s.session_id for s in draft_slots(small.event)} == {s.id for s in sessions}
    assert list(worker.work(worker_mode, threading.Event(), workers=1)) == []  # nothing computed twice


def test_work_in_a_loop_computes_runs_until_stopped(worker_mode, organiser, small):
    other = small_event(organiser, slug="nec-worker-2")
    add_session(small, "A")
    add_session(other, "B")
    first, second = _queue(small), _queue(other)
    stop = threading.Event()
    seen = []

    for outcome in worker.work(worker_mode, stop, loop=True, interval=0.05, workers=1):
        seen.append(outcome.run_id)
        if len(seen) == 2:
            stop.set()

    assert seen == [first, second]  # the oldest queued run first
    assert _fresh(first).state == RunState.finished and _fresh(second).state == RunState.finished


def test_work_records_why_a_run_fails(worker_mode, small):
    session = add_session(small, "A")
    run_id = _queue(small)
    session.state = SessionState.cancelled  # nothing left to schedule once the worker takes it
    db.session.commit()

    [outcome] = worker.work(worker_mode, threading.Event(), workers=1)

    assert outcome.state == RunState.failed and "Aucune session n'est acceptée ou confirmée" in outcome.error
    assert "échouée. Aucune session" in worker.describe(outcome)
    assert _fresh(run_id).state == RunState.failed and draft_slots(small.event) == []


def test_programme_work_command_computes_queued_runs(worker_mode, small):
    add_session(small, "A")
    add_session(small, "B")
    run_id = _queue(small)
    runner = worker_mode.test_cli_runner()

    result = runner.invoke(args=["programme", "work", "--workers", "1"])

    assert result.exit_code == 0, result.output
    assert f"Génération n° {run_id} (NEC de test) : terminée, 2 session(s) placée(s) sur 2." in result.output
    assert "NEC_GENERATOR_WORKER n'est pas activé" not in result.output
    assert _fresh(run_id).state == RunState.finished and len(draft_slots(small.event)) == 2
    again = runner.invoke(args=["programme", "work"])
    assert again.exit_code == 0 and "Aucune génération en attente." in again.output


def test_programme_work_command_warns_when_the_setting_is_off(app):
    result = app.test_cli_runner().invoke(args=["programme", "work"])

    assert result.exit_code == 0
    assert "Attention : NEC_GENERATOR_WORKER n'est pas activé" in result.stderr
    assert "Aucune génération en attente." in result.stdout


def test_programme_work_command_refuses_a_zero_interval(worker_mode):
    result = worker_mode.test_cli_runner().invoke(args=["programme", "work", "--loop", "--interval", "0"])
    assert result.exit_code == 2 and "--interval" in result.output


# --- claims: exactly one process computes a run ---------------------------------------------------------------


def test_two_claims_of_one_run_only_one_wins(worker_mode, small):
    add_session(small, "A")
    run_id = _queue(small)

    assert runs.claim_run(run_id) is True
    assert runs.claim_run(run_id) is False
    assert runs.execute_run(run_id) is None  # the thread mode's entry point loses too
    assert runs.claim_next_run() is None
    run = _fresh(run_id)
    assert run.state == RunState.running and run.started_at is not None and draft_slots(small.event) == []


def _race(app, workers: int, claim) -> tuple[list, list]:
    """`workers` threads, each with its own application context and connections, call `claim` at once."""
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def work():
        with app.app_context():
            try:
                barrier.wait()
                results.append(claim())
            except Exception as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_claims_of_one_run_only_one_wins(worker_mode, small):
    add_session(small, "A")
    run_id = _queue(small)

    results, errors = _race(worker_mode, 6, lambda: runs.claim_run(run_id))

    assert errors == []
    assert sorted(results) == [False] * 5 + [True]
    assert _fresh(run_id).state == RunState.running


def test_concurrent_workers_claim_each_queued_run_exactly_once(worker_mode, organiser):
    expected = []
    for n in range(8):
        small = small_event(organiser, slug=f"nec-file-{n}")
        add_session(small, "A")
        expected.append(_queue(small))

    def claim_all():
        claimed = []
        while (run_id := runs.claim_next_run()) is not None:
            claimed.append(run_id)
        return claimed

    results, errors = _race(worker_mode, 4, claim_all)

    assert errors == []
    claimed = [run_id for mine in results for run_id in mine]
    assert sorted(claimed) == sorted(expected)  # every run, each by one worker only
    assert all(_fresh(run_id).state == RunState.running for run_id in expected)


# --- the run page while queued -----------------------------------------------------------------------------------


def test_queued_run_with_no_worker_for_long_says_what_to_start(client, worker_mode, organiser, small):
    run = _run(small, ago=90)
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}"))

    assert '<meta http-equiv="refresh" content="2">' in text  # it keeps looking: a worker may start
    assert "En attente" in text
    assert "aucun processus de calcul ne semble en marche" in text
    assert "l'administrateur ou l'administratrice de la plateforme" in text
    assert "flask programme work --loop" in text
    assert _fresh(run.id).state == RunState.queued  # still waiting for a worker


def test_queued_run_behind_busy_workers_says_they_are_busy(client, worker_mode, organiser, small):
    run = _run(small, ago=90)
    other = small_event(organiser, slug="nec-autre")
    _run(other, state=RunState.running, ago=20)
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}"))

    assert "ils sont occupés par d'autres générations" in text
    assert "ne semble en marche" not in text


def test_queued_run_in_thread_mode_shows_no_worker_hint(client, organiser, small):
    run = _run(small, ago=30)
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{run.id}"))

    assert "La génération va commencer." in text
    assert "processus de calcul" not in text


def test_queued_run_nobody_claimed_for_half_an_hour_is_given_up(client, worker_mode, organiser, small):
    add_session(small, "A")
    old = _run(small, ago=31 * 60)
    log_in(client, organiser)

    text = page_text(client.get(f"/{small.event.slug}/manage/generator/runs/{old.id}"))

    assert 'http-equiv="refresh"' not in text
    assert "Échouée" in text and "Aucun processus de calcul n'a pris en charge cette génération en 30 minutes" in text
    assert runs.claim_next_run() is None  # a worker started now does not compute it behind the page's back
    new = runs.start_run(small.event, None, Weights(), 5)  # the event is free again
    db.session.commit()
    assert _fresh(old.id).state == RunState.failed and "flask programme work --loop" in _fresh(old.id).error
    assert runs.claim_next_run() == new.id


# --- stopping a worker ----------------------------------------------------------------------------------------


def test_stopping_the_worker_fails_the_current_run_and_keeps_the_draft(worker_mode, small):
    add_session(small, "A")
    run_id = _queue(small)
    assert runs.claim_run(run_id)

    assert worker.stop_run(run_id) is True

    run = _fresh(run_id)
    assert run.state == RunState.failed and run.finished_at is not None
    assert run.error == "Le générateur a été arrêté pendant le calcul : relancez la génération."
    # The computation, if it ends after the stop, writes nothing: the run stays failed, the draft as it was.
    assert runs.compute_run(run_id, workers=1) is None
    assert _fresh(run_id).state == RunState.failed and _fresh(run_id).error == worker.STOPPED_MESSAGE
    assert draft_slots(small.event) == []
    assert worker.stop_run(run_id) is False  # already ended: nothing to do


def test_stopping_the_worker_leaves_a_finished_run_alone(worker_mode, small):
    add_session(small, "A")
    run_id = _queue(small)
    [outcome] = worker.work(worker_mode, threading.Event(), workers=1)
    assert outcome.state == RunState.finished

    assert worker.stop_run(run_id) is False
    assert _fresh(run_id).state == RunState.finished and _fresh(run_id).error == ""


class _StopOnceClaimed(threading.Event):
    """A stop request that arrives right after the worker claimed a run (as Ctrl+C would, mid-run)."""

    def __init__(self):
        super().__init__()
        self.asked = 0

    def is_set(self) -> bool:
        self.asked += 1
        return self.asked > 1 or super().is_set()


def test_worker_stopped_during_a_run_fails_it_with_a_french_message(worker_mode, small, stray_threads):
    add_session(small, "A")
    add_session(small, "B")
    run_id = _queue(small)

    outcome = worker.work_next(worker_mode, _StopOnceClaimed(), workers=1)

    assert outcome.run_id == run_id and outcome.state == RunState.failed
    assert outcome.error == "Le générateur a été arrêté pendant le calcul : relancez la génération."
    for thread in threading.enumerate():  # the abandoned computation ends without writing anything
        if thread.name == f"nec-generator-run-{run_id}":
            thread.join(timeout=60)
    assert _fresh(run_id).state == RunState.failed and draft_slots(small.event) == []


def test_worker_process_computes_runs_and_stops_cleanly_on_sigterm(worker_mode, small, tmp_path):
    """A real `flask programme work --loop` process, as a deployment runs it, stopped by SIGTERM."""
    add_session(small, "A")
    run_id = _queue(small)
    env = {
        **os.environ,
        "NEC_DATABASE_URL": worker_mode.config["SQLALCHEMY_DATABASE_URI"],
        "NEC_INSTANCE_PATH": str(tmp_path / "instance"),
        "NEC_SECRET_KEY": "worker-test",
        "NEC_GENERATOR_WORKER": "1",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "programme", "work", "--loop", "--interval", "0.2"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _fresh(run_id).state != RunState.finished and time.monotonic() < deadline:
            db.session.rollback()
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, (out, err)
    assert f"Génération n° {run_id} (NEC de test) : terminée" in out
    assert out.rstrip().endswith("Arrêt du processus de calcul des générations.")
    assert len(draft_slots(small.event)) == 1


def _hard_to_finish(small, make_user) -> None:
    """Twelve sessions and thirty people wanting four each: the solver uses its whole time limit."""
    themes = ("Financer", "Animer un réseau")
    sessions = [add_session(small, f"Session {n}", theme=themes[n % 2]) for n in range(12)]
    rng = random.Random(1)
    for person in range(30):
        user = make_user(f"participant{person}@example.org")
        db.session.add_all(Favourite(user_id=user.id, session_id=s.id) for s in rng.sample(sessions, 4))
    db.session.commit()


def test_worker_process_stopped_by_sigterm_during_a_run_fails_it(worker_mode, small, make_user, tmp_path):
    """A real `flask programme work --loop` process, stopped by SIGTERM while the solver is searching."""
    _hard_to_finish(small, make_user)
    run_id = _queue(small, time_limit=30)
    env = {
        **os.environ,
        "NEC_DATABASE_URL": worker_mode.config["SQLALCHEMY_DATABASE_URI"],
        "NEC_INSTANCE_PATH": str(tmp_path / "instance"),
        "NEC_SECRET_KEY": "worker-test",
        "NEC_GENERATOR_WORKER": "1",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "programme", "work", "--loop", "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _fresh(run_id).state == RunState.queued and time.monotonic() < deadline:
            db.session.rollback()
            time.sleep(0.1)
        assert _fresh(run_id).state == RunState.running
        db.session.rollback()
        time.sleep(1)  # the solver is searching (it needs the full 30 seconds here)
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, (out, err)
    assert time.monotonic() - stopped_at < 10  # it did not wait for the end of the search
    assert f"Génération n° {run_id} (NEC de test) : échouée. Le générateur a été arrêté pendant le calcul" in out
    assert out.rstrip().endswith("Arrêt du processus de calcul des générations.")
    run = _fresh(run_id)
    assert run.state == RunState.failed and run.error == worker.STOPPED_MESSAGE
    assert draft_slots(small.event) == []


# --- the setting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "expected"), [(None, False), ("", False), ("0", False), ("1", True), ("oui", True)])
def test_generator_worker_setting_is_read_from_the_environment(tmp_path, raw, expected):
    from nec.config import load_config

    environ = {} if raw is None else {"NEC_GENERATOR_WORKER": raw}
    assert load_config(str(tmp_path), environ=environ)["NEC_GENERATOR_WORKER"] is expected


# --- the generator duty of `flask worker` ------------------------------------------------------------------


def test_the_worker_duty_computes_a_queued_run_once_under_a_worker_deployment(worker_mode, small):
    from nec.core import worker as periodic

    add_session(small, "Session", theme="Financer")
    run_id = _queue(small)
    [duty] = periodic.select_duties(only=["generator"])

    first, second = periodic.run_pass(duty), periodic.run_pass(duty)

    assert (first.ok, first.count, second.count) == (True, 1, 0)
    assert _fresh(run_id).state == RunState.finished


def test_the_worker_duty_leaves_runs_to_the_web_process_without_the_worker_setting(app, small):
    from nec.core import worker as periodic

    add_session(small, "Session", theme="Financer")
    run_id = _queue(small)

    [result] = periodic.run_once(periodic.select_duties(only=["generator"]))

    assert (result.ok, result.count) == (True, 0)
    assert _fresh(run_id).state == RunState.queued
