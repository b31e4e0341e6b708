"""Rate limits shared by several processes, for real.

Gunicorn processes on one database, configured as in production (NEC_* variables, CSRF on, rate limits
on): by default (database://) the workers of one server count together; with
NEC_RATELIMIT_STORAGE_URL=redis://... a password guesser who moves from one server to the other is still
stopped; with memory:// each server counts on its own.
"""

from __future__ import annotations

import pytest
import redis
import sqlalchemy as sa
from limits import parse_many

from nec.accounts.views import PER_IP_LIMIT
from nec.extensions import db as _db
from tests.support.appserver import AppServer, Visitor, stop_all

#: Login attempts accepted per minute from one address (the login page's tightest limit).
LOGIN_ATTEMPTS_PER_MINUTE = min(limit.amount for limit in parse_many(PER_IP_LIMIT))


def _new_database(tmp_path) -> str:
    """A new SQLite database with the complete schema: its URL."""
    database_url = f"sqlite:///{tmp_path / 'nec.sqlite3'}"
    engine = sa.create_engine(database_url)
    import nec.models  # noqa: F401  (the complete schema)

    _db.metadata.create_all(engine)
    engine.dispose()
    return database_url


@pytest.fixture
def app_servers(tmp_path):
    """`app_servers(storage_url)`: two app servers on one new SQLite database, stopped at the end."""
    database_url = _new_database(tmp_path)
    started: list[AppServer] = []

    def start(storage_url: str) -> tuple[AppServer, AppServer]:
        environ = {
            "NEC_DATABASE_URL": database_url,
            "NEC_SECRET_KEY": "the-same-secret-on-every-app-server",
            "NEC_RATELIMIT_STORAGE_URL": storage_url,
            "NEC_MAIL_URL": f"file://{tmp_path / 'mail'}",
        }
        servers = [AppServer(tmp_path / f"server-{name}", environ).start() for name in ("a", "b")]
        started.extend(servers)
        for server in servers:
            server.wait_ready()
        return servers[0], servers[1]

    yield start
    stop_all(started)


class Guesser:
    """Someone trying passwords on the login form of one server."""

    def __init__(self, server: AppServer) -> None:
        self.visitor = Visitor(server)
        self.token = self.visitor.csrf_token("/login")

    def wrong_password(self) -> tuple[int, str]:
        """A real attempt: the view checks the password (argon2, slow on purpose) and refuses it."""
        return self.visitor.request(
            "/login", {"csrf_token": self.token, "email": "camille@example.org", "password": "pas le bon mot"}
        )

    def empty_password(self) -> int:
        """An attempt the form refuses before any check: counted all the same, and quick for the test."""
        status, page = self.visitor.request("/login", {"csrf_token": self.token, "email": "camille@example.org"})
        assert status != 200 or "Indiquez votre mot de passe." in page
        return status


@pytest.fixture
def two_worker_server(tmp_path):
    """One app server as ./scripts/run serves it: gunicorn with two worker processes, the default settings
    (no NEC_RATELIMIT_STORAGE_URL), on a new SQLite database."""
    environ = {"NEC_DATABASE_URL": _new_database(tmp_path), "NEC_MAIL_URL": f"file://{tmp_path / 'mail'}"}
    server = AppServer(tmp_path / "server", environ, workers=2).start()
    try:
        yield server.wait_ready()
    finally:
        stop_all([server])


def test_login_limit_is_shared_by_the_workers_of_one_server_by_default(two_worker_server, tmp_path):
    """Each attempt from a new browser on a new connection, whichever worker takes it: counted once."""
    for _ in range(LOGIN_ATTEMPTS_PER_MINUTE - 1):
        assert Guesser(two_worker_server).empty_password() == 200
    status, page = Guesser(two_worker_server).wrong_password()  # the last attempt allowed
    assert status == 200
    assert "Adresse e-mail ou mot de passe incorrect" in page

    for _ in range(3):  # and every further one is refused, whichever worker answers
        status, page = Guesser(two_worker_server).wrong_password()
        assert status == 429
        assert "Trop de demandes en peu de temps. Patientez quelques minutes puis réessayez." in page

    engine = sa.create_engine(f"sqlite:///{tmp_path / 'nec.sqlite3'}")
    with engine.connect() as conn:
        keys = conn.scalars(sa.text("SELECT key FROM rate_limit_counters")).all()
    engine.dispose()
    assert any("accounts.login" in key for key in keys), keys  # the counters live in the database


def test_login_limit_is_shared_between_app_servers_through_redis(app_servers, redis_server):
    server_a, server_b = app_servers(redis_server.url)
    on_a, on_b = Guesser(server_a), Guesser(server_b)

    for _ in range(LOGIN_ATTEMPTS_PER_MINUTE - 2):
        assert on_a.empty_password() == 200
    status, page = on_a.wrong_password()
    assert status == 200
    assert "Adresse e-mail ou mot de passe incorrect" in page
    status, page = on_b.wrong_password()  # the last attempt allowed, on the other server
    assert status == 200
    assert "Adresse e-mail ou mot de passe incorrect" in page

    status, page = on_b.wrong_password()
    assert status == 429
    assert "Trop de demandes en peu de temps. Patientez quelques minutes puis réessayez." in page
    assert on_a.wrong_password()[0] == 429  # and on the first server too
    assert on_a.visitor.request("/login")[0] == 200  # reading the page is not limited
    keys = [key.decode() for key in redis.Redis.from_url(redis_server.url).keys("*")]
    assert any("accounts.login" in key for key in keys), keys  # the counters live in Redis


def test_login_limit_is_per_server_with_memory_storage(app_servers):
    """The baseline: without a shared storage, each app server counts on its own."""
    server_a, server_b = app_servers("memory://")
    on_a, on_b = Guesser(server_a), Guesser(server_b)

    for _ in range(LOGIN_ATTEMPTS_PER_MINUTE - 1):
        assert on_a.empty_password() == 200
    assert on_a.wrong_password()[0] == 200

    assert on_a.wrong_password()[0] == 429  # server A's own limit is reached
    status, page = on_b.wrong_password()  # server B has seen nothing
    assert status == 200
    assert "Adresse e-mail ou mot de passe incorrect" in page
