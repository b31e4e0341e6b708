"""Server processes the tests start (SMTP, Redis, gunicorn): waiting until one answers, stopping it."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def wait_until_answering(
    process: subprocess.Popen, answers: Callable[[], bool], log_file: Path, what: str, timeout: float = 15
) -> None:
    """Return once `answers()` is true; raise with the process's log if it exits first or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = log_file.read_text(errors="replace") if log_file.exists() else ""
            raise RuntimeError(f"the test {what} did not start:\n{log}")
        if answers():
            return
        time.sleep(0.05)
    raise RuntimeError(f"the test {what} did not answer within {timeout:g} seconds")


def stop_process(process: subprocess.Popen | None, sig: int | None = signal.SIGTERM, timeout: float = 10) -> None:
    """Send `sig` (None: it was sent already), then kill the process if it has not stopped within `timeout` s."""
    if process is None or process.poll() is not None:
        return
    if sig is not None:
        process.send_signal(sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
