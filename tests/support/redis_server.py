"""A throwaway Redis server for a test, started from Debian's `redis-server` binary, and the `redis_server` fixture.

It listens on 127.0.0.1 and a free port, keeps nothing on disk (`--save '' --appendonly no`) and is stopped
at the end of the test. Redis runs as root without complaint, so nothing special is needed in containers.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.support.processes import stop_process, wait_until_answering


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """`.url` (redis://127.0.0.1:<port>/0), `.start()`, `.stop()`."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError(
                "Redis est introuvable : lancez ./scripts/test, qui l'installe (paquet Debian redis-server)."
            )
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="nec-redis-"))
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        cmd = [
            self.binary,
            "--bind", "127.0.0.1",
            "--port", str(self.port),
            "--dir", str(self.root),
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--logfile", str(self.root / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_until_answering(self.process, self._answers, self.root / "redis.log", "Redis server")
        except RuntimeError:
            stop_process(self.process)
            self.process = None
            raise
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(7) == b"+PONG\r\n"
        except OSError:
            return False

    def stop(self) -> None:
        stop_process(self.process)
        self.process = None
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def redis_server():
    """A real Redis server process, empty, stopped (and its folder removed) at the end of the test."""
    server = RedisServer().start()
    yield server
    server.stop()
