"""The test harness: every database test runs on SQLite and on a real PostgreSQL server.

Fixtures:
- `app`: the application bound to a fresh database, parametrised over sqlite and postgresql;
- `client`: its test client; `db`: the Flask-SQLAlchemy object (inside an app context);
- `count_queries`: counts the SQL statements run inside a `with` block (N+1 guard);
- `make_user`, `make_event`: small factories; `organiser`, `make_session`, `make_slot` in tests/support/factories.py.
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask.globals import _cv_app
from flask.testing import FlaskClient

from nec import create_app
from nec.extensions import db as _db
from tests.support.postgres import ExternalPostgres, PostgresServer

# Fixtures shared by every folder: a real SMTP server, a real Redis server, the model factories.
pytest_plugins = [
    "tests.support.smtp",
    "tests.support.redis_server",
    "tests.support.factories",
    "tests.support.events",
    "tests.support.ratelimit",
]

DATABASES = ["sqlite", "postgresql"]


def pytest_addoption(parser):
    parser.addoption("--db", action="append", choices=DATABASES, help="run database tests on these only")


def pytest_generate_tests(metafunc):
    if "db_kind" in metafunc.fixturenames:
        # Browser tests exercise the pages, not the database: SQLite unless --db asks for PostgreSQL.
        default = ["sqlite"] if metafunc.definition.get_closest_marker("browser") else DATABASES
        kinds = metafunc.config.getoption("db") or default
        if metafunc.definition.get_closest_marker("postgresql_only"):
            kinds = ["postgresql"]
        metafunc.parametrize("db_kind", kinds, scope="session")


def pytest_terminal_summary(terminalreporter):
    """One line that shows where the tests really ran: SQLite, PostgreSQL, Chromium."""
    counts = {"sqlite": 0, "postgresql": 0, "browser": 0, "other": 0}
    for report in terminalreporter.stats.get("passed", []):
        if getattr(report, "when", None) != "call":
            continue
        params = report.nodeid.rpartition("[")[2].rstrip("]").split("-") if report.nodeid.endswith("]") else []
        kind = next((k for k in DATABASES if k in params), "other")
        counts[kind] += 1
        if "browser" in report.keywords:
            counts["browser"] += 1
    terminalreporter.write_sep("-", "NEC: passed tests by database and browser")
    terminalreporter.write_line(
        f"SQLite: {counts['sqlite']} · PostgreSQL: {counts['postgresql']} · "
        f"Chromium (browser): {counts['browser']} · no database: {counts['other']}"
    )


@pytest.fixture(scope="session")
def postgres_server():
    url = os.environ.get("NEC_TEST_POSTGRES_URL")
    server = ExternalPostgres(url) if url else PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url(db_kind, request, tmp_path_factory):
    if db_kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'nec-test.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database(f"nec_test_{uuid.uuid4().hex[:8]}")


TEST_SETTINGS = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "RATELIMIT_ENABLED": False,
    "PASSWORD_HASH_CHEAP": True,  # argon2's cheapest parameters: the same code, thousands of accounts faster
    "SERVER_NAME": None,
    "NEC_PAGE_CACHE_CHECK_SECONDS": 0,  # public pages see each release and change at once (programme/public/cache.py)
}


class FreshGlobalsClient(FlaskClient):
    """Each request gets its own `g`, as in production.

    The `app` fixture keeps an application context pushed, and Flask reuses it for the test client's
    requests: without this, `g` (Flask-Login's cached user, g.event...) would leak from one request,
    or one client, to the next.
    """

    def open(self, *args, **kwargs):
        ctx = _cv_app.get(None)
        if ctx is None or ctx.app is not self.application:
            return super().open(*args, **kwargs)
        saved, ctx.g = ctx.g, self.application.app_ctx_globals_class()
        try:
            return super().open(*args, **kwargs)
        finally:
            ctx.g = saved


@pytest.fixture(scope="session")
def _app_with_schema(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["NEC_INSTANCE_PATH"] = str(instance)
    app = create_app(
        {
            **TEST_SETTINGS,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "NEC_MAIL_URL": f"file://{instance / 'mail'}",
            "NEC_STORAGE_PATH": str(instance / "files"),
        }
    )
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        _db.drop_all()
        _db.create_all()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def app(_app_with_schema):
    app = _app_with_schema
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_all_tables()


def _empty_all_tables() -> None:
    tables = list(reversed(_db.metadata.sorted_tables))
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...` then `counter.count` (and `counter.statements`)."""

    class Counter:
        def __init__(self):
            self.statements: list[str] = []

        @property
        def count(self) -> int:
            return len(self.statements)

    @contextmanager
    def counting():
        counter = Counter()

        def before(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        sa.event.listen(_db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            sa.event.remove(_db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture
def make_user(db):
    from nec.accounts.models import User

    def factory(email: str | None = None, full_name: str = "Camille Martin", password: str | None = None, **kw):
        from nec.accounts.services import hash_password
        from nec.core.db import utcnow

        kw.setdefault("email_confirmed_at", utcnow())  # a proven account; pass None for one never confirmed
        user = User(email=(email or f"user-{uuid.uuid4().hex[:8]}@example.org").lower(), full_name=full_name, **kw)
        if password:
            user.password_hash = hash_password(password)
        db.session.add(user)
        db.session.commit()
        return user

    return factory


@pytest.fixture
def stranger(make_user):
    """Someone with an account and no role anywhere: the wrong user of the permission tests."""
    return make_user("inconnu@example.org", full_name="Inès Inconnue")


@pytest.fixture
def make_event(db):
    from nec.events.models import Event

    def factory(slug: str | None = None, *, days: int = 2, published: bool = True, **kw):
        start = kw.pop("start_date", date.today() + timedelta(days=30))
        event = Event(
            slug=slug or f"nec-{uuid.uuid4().hex[:8]}",
            title=kw.pop("title", "NEC de test"),
            start_date=start,
            end_date=start + timedelta(days=days - 1),
            is_published=published,
            **kw,
        )
        db.session.add(event)
        db.session.commit()
        return event

    return factory
