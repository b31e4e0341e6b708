"""The real application served by gunicorn in its own process, configured by NEC_* variables only.

Several of them on one database are several "app servers" of a deployment: what one process keeps in its
memory, another does not see (the Flask-Limiter object, for one, is global to a process, so two apps in the
test process would share it). `Visitor` is a person's browser against one of them: cookies and the CSRF
token of the forms, as a real browser sends them (CSRF is on: these are production settings).
"""

from __future__ import annotations

import html
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.support.processes import stop_process

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """`gunicorn wsgi:app` (one worker unless told) on 127.0.0.1 and a free port: `.url`, `.start()`, `.stop()`."""

    def __init__(self, folder: Path, environ: dict[str, str], workers: int = 1) -> None:
        self.workers = workers
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        # Nothing from the test process's own settings (NEC_INSTANCE_PATH...): only what the test gives.
        self.environ = {k: v for k, v in os.environ.items() if not k.startswith("NEC_")}
        self.environ.update({"NEC_INSTANCE_PATH": str(self.folder / "instance"), "NEC_BASE_URL": self.url, **environ})
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppServer:
        """Start the process without waiting (start several, then `wait_ready()` each)."""
        cmd = [
            sys.executable, "-m", "gunicorn",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--no-control-socket",
            "wsgi:app",
        ]  # fmt: skip
        log = open(self.folder / "gunicorn.log", "ab")  # noqa: SIM115  (the child process owns it)
        self.process = subprocess.Popen(cmd, cwd=ROOT, env=self.environ, stdout=log, stderr=log)
        log.close()
        return self

    def wait_ready(self, timeout: float = 60) -> AppServer:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the app server did not start:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the app server did not answer within {timeout} seconds:\n{self.log()}")

    def log(self) -> str:
        path = self.folder / "gunicorn.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        stop_all([self])


def stop_all(servers: list[AppServer]) -> None:
    """Quick shutdown (SIGINT) of every server at once: the tests are over, no request is left to finish."""
    running = [server for server in servers if server.process is not None]
    for server in running:
        server.process.send_signal(signal.SIGINT)
    for server in running:
        stop_process(server.process, None, timeout=15)  # signalled all at once above
        server.process = None


class Visitor:
    """A browser against one server: keeps its cookies, sends the form's CSRF token with each POST."""

    def __init__(self, server: AppServer) -> None:
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(f"{self.server.url}{path}", data=body, timeout=30) as response:
                return response.status, html.unescape(response.read().decode())
        except urllib.error.HTTPError as error:  # 4xx and 5xx pages are answers too
            return error.code, html.unescape(error.read().decode())

    def csrf_token(self, path: str) -> str:
        status, page = self.request(path)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert status == 200 and match, f"no CSRF token on {path} ({status})"
        return match.group(1)
