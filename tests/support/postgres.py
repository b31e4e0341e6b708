"""A throwaway PostgreSQL server for the test session, started from the Debian binaries.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` system user.
NEC_TEST_POSTGRES_URL points the suite at an existing server instead.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def _bindir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for path in reversed(candidates):
        if Path(path, "pg_ctl").exists():
            return Path(path)
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    raise RuntimeError("PostgreSQL est introuvable : lancez ./scripts/test, qui l'installe (paquet Debian postgresql).")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="nec-pg-"))
        self.datadir = self.root / "data"
        self.port = _free_port()
        self.as_user: str | None = "postgres" if os.geteuid() == 0 else None
        self.db_user = self.as_user or pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_user:
            cmd = ["runuser", "-u", self.as_user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def start(self) -> PostgresServer:
        if self.as_user:
            shutil.chown(self.root, self.as_user)
        self._run(
            "initdb",
            "-D",
            str(self.datadir),
            "-A",
            "trust",
            "-U",
            self.db_user,
            "-E",
            "UTF8",
            "--locale=C.UTF-8" if _has_c_utf8() else "--locale=C",
        )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.datadir), "-o", opts, "-l", str(self.root / "log"), "-w", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self._run("pg_isready", "-h", "127.0.0.1", "-p", str(self.port), check=False).returncode == 0:
                break
            time.sleep(0.1)
        return self

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.db_user, name)
        return self.url(name)

    def url(self, name: str) -> str:
        return f"postgresql+psycopg://{self.db_user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)


def _has_c_utf8() -> bool:
    out = subprocess.run(["locale", "-a"], capture_output=True, text=True, check=False).stdout.lower()
    return "c.utf8" in out or "c.utf-8" in out


class ExternalPostgres:
    """NEC_TEST_POSTGRES_URL: an existing server; the suite creates its databases there and drops them."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        from nec.config import normalise_database_url

        self._url = sa.engine.make_url(normalise_database_url(url))
        self._created: list[str] = []

    def _admin(self, sql: str) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(self._url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql(sql)
        finally:
            engine.dispose()

    def create_database(self, name: str) -> str:
        self._admin(f'CREATE DATABASE "{name}"')
        self._created.append(name)
        return self.url(name)

    def url(self, name: str) -> str:
        return self._url.set(database=name).render_as_string(hide_password=False)

    def stop(self) -> None:
        for name in self._created:
            self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
