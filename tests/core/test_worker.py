"""The worker (`flask worker`): every periodic duty in one command, each pass in its own transaction,
each duty in its own thread with --loop, stopped cleanly by SIGTERM, safe as several processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from nec.core import hooks
from nec.core import worker as periodic
from nec.core.db import utcnow
from nec.core.mail import queue_mail
from nec.core.models import OutboxMessage, OutboxState
from nec.extensions import db
from tests.support.processes import stop_process, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]


def _queue(to: str = "camille@example.org", subject: str = "Votre inscription") -> OutboxMessage:
    return queue_mail(to, "event_message", subject=subject, body="Bonjour,\n\nÀ bientôt.")


def _outbox_states() -> list[OutboxState]:
    return list(db.session.scalars(sa.select(OutboxMessage.state).order_by(OutboxMessage.id)))


def _duty(name: str, run, every: float = 0.05, **kw) -> hooks.Duty:
    return hooks.Duty(name, every, run, label=f"tâche {name}", **kw)


@pytest.fixture
def smtp_app(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", smtp_server.url)
    return app


def _worker_env(app, tmp_path: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEC_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "NEC_MAIL_URL": app.config["NEC_MAIL_URL"],
        "NEC_INSTANCE_PATH": str(tmp_path / "instance"),
        "NEC_SECRET_KEY": "worker-test",
        **extra,
    }


# --- the registry ----------------------------------------------------------------------------------------


def test_every_periodic_duty_is_registered_once_in_order(app):
    names = [duty.name for duty in hooks.duties()]

    assert {"mail", "generator", "purge"} <= set(names)
    assert len(names) == len(set(names))
    assert names.index("mail") < names.index("generator") < names.index("purge")
    assert all(duty.every_seconds > 0 and duty.label for duty in hooks.duties())


def test_select_duties_keeps_only_and_drops_skip(app):
    assert [d.name for d in periodic.select_duties(only=["purge", "mail"])] == ["mail", "purge"]
    assert "mail" not in [d.name for d in periodic.select_duties(skip=["mail"])]
    with pytest.raises(periodic.UnknownDuty, match="Tâche inconnue : courrier"):
        periodic.select_duties(only=["courrier"])


# --- one pass: its own transaction -------------------------------------------------------------------------


def test_a_pass_is_committed_when_the_duty_returns(app):
    result = periodic.run_pass(_duty("queue", lambda now: bool(_queue()) + 1))

    db.session.rollback()  # what the duty did is committed, not merely pending in the session
    assert (result.ok, result.count) == (True, 2)
    assert _outbox_states() == [OutboxState.pending]


def test_a_failing_pass_is_rolled_back_and_the_next_duty_still_runs(app):
    def broken(now):
        _queue("perdu@example.org")
        raise RuntimeError("panne simulée")

    results = periodic.run_once([_duty("broken", broken), _duty("fine", lambda now: bool(_queue("ok@example.org")))])

    assert [(r.ok, r.count) for r in results] == [(False, 0), (True, 1)]
    assert "panne simulée" in results[0].error and "échec" in results[0].line()
    assert list(db.session.scalars(sa.select(OutboxMessage.to_address))) == ["ok@example.org"]


def test_a_database_that_is_away_fails_the_pass_without_raising(app):
    def away(now):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("could not connect to server"))

    result = periodic.run_pass(_duty("away", away))

    assert not result.ok and "OperationalError" in result.error


def test_next_wait_runs_a_full_batch_again_at_once_and_retries_a_failure_within_a_minute():
    daily = hooks.Duty("daily", 86400, lambda now: 0, batch=10)
    assert periodic.next_wait(daily, periodic.PassResult(daily, count=10)) == 0
    assert periodic.next_wait(daily, periodic.PassResult(daily, count=3)) == 86400
    assert periodic.next_wait(daily, periodic.PassResult(daily, error="x")) == periodic.RETRY_AFTER_ERROR_SECONDS


# --- the loop: one thread per duty -------------------------------------------------------------------------


def test_a_slow_duty_does_not_delay_the_others_and_stop_ends_every_thread(app):
    stop = threading.Event()
    fast_passes: list[float] = []
    slow_started = threading.Event()

    def slow(now):
        slow_started.set()
        periodic.stop_requested().wait(30)  # a long pass (a generator run) that watches the stop request
        return 0

    def fast(now):
        fast_passes.append(time.monotonic())
        if len(fast_passes) >= 5:
            stop.set()
        return 1

    started = time.monotonic()
    periodic.run_forever(app, [_duty("slow", slow, every=60), _duty("fast", fast, every=0.01)], stop)

    assert slow_started.is_set() and len(fast_passes) >= 5
    assert time.monotonic() - started < 10  # the slow pass saw the stop request and ended at once
    assert periodic.stop_requested() is not stop and not periodic.stop_requested().is_set()
    assert not [t for t in threading.enumerate() if t.name.startswith("nec-worker-")]


def test_the_loop_reports_each_pass_and_goes_on_after_a_failure(app):
    stop = threading.Event()
    seen: list[periodic.PassResult] = []
    calls = iter(range(100))

    def flaky(now):
        if next(calls) == 0:
            raise RuntimeError("première passe ratée")
        stop.set()
        return 3

    def report(result):
        seen.append(result)

    duty = hooks.Duty("flaky", 0.01, flaky)
    periodic.run_forever(app, [duty], stop, report)

    assert [(r.ok, r.count) for r in seen[:2]] == [(False, 0), (True, 3)]


# --- the ground floor's duties ------------------------------------------------------------------------------


def test_the_mail_duty_delivers_the_outbox(smtp_app, smtp_server):
    _queue()
    db.session.commit()

    [result] = periodic.run_once(periodic.select_duties(only=["mail"]))

    assert (result.ok, result.count) == (True, 1)
    assert [m["Subject"] for m in smtp_server.messages()] == ["Votre inscription"]
    assert _outbox_states() == [OutboxState.sent]


def test_the_purge_duty_deletes_old_mails_and_a_second_pass_deletes_nothing(app):
    old = _queue("ancien@example.org")
    _queue("recent@example.org")
    db.session.commit()
    days = app.config["NEC_MAIL_RETENTION_DAYS"]
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == old.id)
        .values(state=OutboxState.sent, sent_at=utcnow() - timedelta(days=days + 1))
    )
    db.session.commit()

    first, second = (periodic.run_once(periodic.select_duties(only=["purge"]))[0] for _ in range(2))

    assert (first.ok, first.count, second.count) == (True, 1, 0)
    assert list(db.session.scalars(sa.select(OutboxMessage.to_address))) == ["recent@example.org"]


# --- the command ---------------------------------------------------------------------------------------------


def test_cli_worker_runs_one_pass_of_every_duty(smtp_app, smtp_server):
    _queue()
    db.session.commit()

    result = smtp_app.test_cli_runner().invoke(args=["worker"])

    assert result.exit_code == 0, result.output
    for duty in hooks.duties():
        assert f"{duty.label} : " in result.output
    assert "e-mails envoyés ou traités : 1" in result.output
    assert len(smtp_server.messages()) == 1


def test_cli_worker_lists_duties_with_their_period(app):
    result = app.test_cli_runner().invoke(args=["worker", "--list"])

    assert result.exit_code == 0, result.output
    assert "mail : e-mails envoyés ou traités, toutes les 10 s" in result.output
    assert "purge : données personnelles supprimées ou anonymisées, toutes les 24 h" in result.output
    assert _outbox_states() == []


def test_cli_worker_refuses_an_unknown_duty(app):
    result = app.test_cli_runner().invoke(args=["worker", "--only", "courrier"])

    assert result.exit_code != 0
    assert "Tâche inconnue : courrier" in result.output


def test_cli_worker_exits_non_zero_when_a_duty_fails(app, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", "ftp://nowhere.example")  # no transport: the pass fails

    result = app.test_cli_runner().invoke(args=["worker", "--only", "mail"])

    assert result.exit_code == 1
    assert "e-mails envoyés ou traités : échec" in result.output


# --- real processes ------------------------------------------------------------------------------------------


def test_worker_loop_delivers_then_stops_cleanly_on_sigterm(smtp_app, smtp_server, tmp_path):
    _queue()
    db.session.commit()
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--loop"],
            cwd=ROOT,
            env=_worker_env(smtp_app, tmp_path),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(process, lambda: len(smtp_server.messages()) == 1, log, "worker", timeout=60)
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 15
    finally:
        stop_process(process, None)
    output = log.read_text()
    assert "Processus de travail démarré : mail (10 s)" in output
    assert "e-mails envoyés ou traités : 1" in output
    assert output.rstrip().endswith("Arrêt du processus de travail.")
    db.session.rollback()
    assert _outbox_states() == [OutboxState.sent]


@pytest.mark.postgresql_only
def test_worker_processes_at_once_deliver_each_message_exactly_once(smtp_app, smtp_server, tmp_path):
    """Three `flask worker` processes on one PostgreSQL, as in a deployment with several machines."""
    expected = [_queue(f"personne{n}@example.org").message_id for n in range(60)]
    db.session.commit()
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--only", "mail"]
    env = _worker_env(smtp_app, tmp_path)

    outputs = []
    for _ in range(4):  # a pass sends MAIL_BATCH at most: a few rounds of three processes at once
        processes = [
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(3)
        ]
        outputs += [p.communicate(timeout=120) for p in processes]
        assert [p.returncode for p in processes] == [0, 0, 0], outputs

    handled = [int(re.search(r"e-mails envoyés ou traités : (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(handled) == 60
    assert sorted(str(m["Message-ID"]) for m in smtp_server.messages()) == sorted(expected)
