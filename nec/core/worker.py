"""The worker (`flask worker`): one command that runs every periodic duty the modules register with
`nec.core.hooks.register_duty` — mail delivery, the generator's queued runs, the waiting lists' offers
that expire, unconfirmed registrations that expire, reminders, the daily purge of personal data.

Each pass of a duty is its own transaction (committed after it, rolled back when it fails). With
`--loop` each duty runs in its own thread, with its own application context and database session, so a
slow one (a five-minute generator run, an SMTP server that times out) never delays the others. Nothing
kept in memory matters: every duty claims its work in the database (conditional UPDATEs, unique
constraints), so any number of workers may run on one PostgreSQL, and a restarted worker runs every
duty at once without doing anything twice. SIGTERM (systemd, docker) or Ctrl+C asks each thread to
stop after its current pass; a generator run under way is recorded as failed, never left running.

The ground floor's own duties are declared here: delivering the outbox and the daily purge.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import Flask, current_app

from nec.core import hooks, mail
from nec.core.db import utcnow
from nec.extensions import db

logger = logging.getLogger(__name__)

#: After a failed pass, a duty is tried again this soon (a daily duty does not wait a day).
RETRY_AFTER_ERROR_SECONDS = 60.0
#: How long the worker waits for its threads once asked to stop (a mail being handed over, a pass ending).
STOP_GRACE_SECONDS = 60.0
#: Messages delivered per pass: a stop request is seen between two passes, so a pass stays short.
MAIL_BATCH = 20


@dataclass(frozen=True)
class PassResult:
    """What one pass of a duty did: its count, or the error that rolled it back."""

    duty: hooks.Duty
    count: int = 0
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error

    def line(self) -> str:
        """One line of French for the worker's output."""
        label = self.duty.label or self.duty.name
        if self.error:
            return f"{label} : échec ({self.error}), nouvel essai au prochain passage."
        return f"{label} : {self.count}"


# --- choosing duties --------------------------------------------------------------------------------


class UnknownDuty(ValueError):
    """A name given to --only or --skip that no module registers."""


def select_duties(only: Iterable[str] = (), skip: Iterable[str] = ()) -> list[hooks.Duty]:
    """The registered duties, all or `only` these names, without those to `skip` (registration order kept)."""
    every = hooks.duties()
    known = {duty.name for duty in every}
    unknown = sorted((set(only) | set(skip)) - known)
    if unknown:
        raise UnknownDuty(
            f"Tâche inconnue : {', '.join(unknown)}. Tâches possibles : {', '.join(d.name for d in every)}."
        )
    wanted = set(only) or known
    return [duty for duty in every if duty.name in wanted and duty.name not in set(skip)]


# --- one pass ---------------------------------------------------------------------------------------


def run_pass(duty: hooks.Duty, now: datetime | None = None) -> PassResult:
    """Run one pass of `duty` in its own transaction: committed when it returns, rolled back when it
    raises (the error is logged and returned, the worker lives on)."""
    started = time.monotonic()
    try:
        count = int(duty.run(now or utcnow()) or 0)
        db.session.commit()
    except sa.exc.OperationalError as exc:  # the database is away or busy: try again later
        db.session.rollback()
        logger.error("worker: duty %s: database unavailable: %s", duty.name, exc)
        return PassResult(duty, error=_short(exc), seconds=time.monotonic() - started)
    except Exception as exc:
        db.session.rollback()
        logger.exception("worker: duty %s failed", duty.name)
        return PassResult(duty, error=_short(exc), seconds=time.monotonic() - started)
    return PassResult(duty, count=count, seconds=time.monotonic() - started)


def run_once(duties: Iterable[hooks.Duty], now: datetime | None = None) -> list[PassResult]:
    """One pass of each duty, one after the other (the command without --loop, cron, the tests)."""
    return [run_pass(duty, now) for duty in duties]


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:300]}" if text else type(exc).__name__


# --- the loop ---------------------------------------------------------------------------------------

_idle_stop = threading.Event()  # never set: what `stop_requested` gives outside a running loop
_active_stop: threading.Event = _idle_stop


def stop_requested() -> threading.Event:
    """The running worker's stop request: a duty that works long in one pass (a generator run) watches
    it and ends cleanly when it is set. Outside a loop, an event that is never set."""
    return _active_stop


def next_wait(duty: hooks.Duty, result: PassResult) -> float:
    """Seconds to wait before the duty's next pass: none when a full batch says more is waiting, a
    minute at most after a failure, else its period."""
    if not result.ok:
        return min(duty.every_seconds, RETRY_AFTER_ERROR_SECONDS)
    if duty.batch and result.count >= duty.batch:
        return 0.0
    return duty.every_seconds


def _duty_loop(app: Flask, duty: hooks.Duty, stop: threading.Event, report: Callable[[PassResult], None]) -> None:
    while not stop.is_set():
        with app.app_context():
            result = run_pass(duty)
        try:
            report(result)
        except Exception:  # the output is closed (a pipe gone): the work goes on
            logger.exception("worker: cannot report a pass of %s", duty.name)
        wait = next_wait(duty, result)
        if wait:
            stop.wait(wait)


def run_forever(
    app: Flask,
    duties: Iterable[hooks.Duty],
    stop: threading.Event,
    report: Callable[[PassResult], None] = lambda result: None,
) -> None:
    """Run each duty in its own thread, every `every_seconds`, until `stop` is set; then wait for the
    passes under way to end (STOP_GRACE_SECONDS at most) and return."""
    global _active_stop
    _active_stop = stop
    threads = [
        threading.Thread(target=_duty_loop, args=(app, duty, stop, report), name=f"nec-worker-{duty.name}", daemon=True)
        for duty in duties
    ]
    try:
        for thread in threads:
            thread.start()
        # The main thread only waits (with a timeout, so that signal handlers run at once).
        while not stop.is_set() and any(thread.is_alive() for thread in threads):
            stop.wait(0.5)
        stop.set()
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for thread in threads:
            thread.join(timeout=max(deadline - time.monotonic(), 0.1))
        left = [thread.name for thread in threads if thread.is_alive()]
        if left:
            logger.warning("worker: stopped while these passes were still running: %s", ", ".join(left))
    finally:
        _active_stop = _idle_stop


# --- the ground floor's duties ------------------------------------------------------------------------


def deliver_mail(now: datetime) -> int:
    """Send the outbox's due messages (core.mail.deliver_due claims each one, so workers share them)."""
    report = mail.deliver_due(limit=MAIL_BATCH)
    if report.stopped:
        current_app.logger.warning("worker: mail server unavailable, retried later: %s", report.stopped)
    return report.handled


def purge_personal_data(now: datetime) -> int:
    """Once a day, what `flask data purge` does: delete or anonymise what is past its retention. Running
    it again deletes nothing more, so a restart or a second worker does no harm."""
    from nec.accounts.personal_data import purge_expired_data

    report = purge_expired_data(now=now)
    modules = sum(count for _label, count in report.modules)
    return report.mails + report.login_tokens + report.accounts + report.audit_entries + modules


MAIL_DUTY = hooks.Duty("mail", 10, deliver_mail, label="e-mails envoyés ou traités", position=10, batch=MAIL_BATCH)
PURGE_DUTY = hooks.Duty(
    "purge", 24 * 3600, purge_personal_data, label="données personnelles supprimées ou anonymisées", position=90
)

hooks.register_duty(MAIL_DUTY)
hooks.register_duty(PURGE_DUTY)
