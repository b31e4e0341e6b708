"""The rate-limit counters kept in the database (database://, the default): counted, reset when their window
ends, forgotten once expired, and a storage that fails lets the request through rather than a 500."""

from __future__ import annotations

import sqlite3
import time

import pytest
import sqlalchemy as sa
from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from nec import create_app
from nec.core.models import RateLimitCounter
from nec.core.ratelimit import DatabaseStorage, stored_key
from nec.extensions import db as _db
from nec.extensions import limiter
from tests.conftest import TEST_SETTINGS


def test_the_default_storage_is_the_database(db):
    from nec.config import load_config

    assert load_config("/tmp/nec-instance-unused", environ={})["RATELIMIT_STORAGE_URI"] == "database://"
    assert isinstance(storage_from_string("database://"), DatabaseStorage)


def test_counts_per_key_and_limits_at_the_amount(db):
    storage = storage_from_string("database://")
    per_minute = FixedWindowRateLimiter(storage)
    three = RateLimitItemPerMinute(3)

    assert [per_minute.hit(three, "login", "192.0.2.1") for _ in range(4)] == [True, True, True, False]
    assert per_minute.hit(three, "login", "192.0.2.2")  # another address counts on its own
    assert storage.get(three.key_for("login", "192.0.2.1")) == 4
    assert time.time() < storage.get_expiry(three.key_for("login", "192.0.2.1")) <= time.time() + 60
    assert per_minute.get_window_stats(three, "login", "192.0.2.2").remaining == 2

    storage.clear(three.key_for("login", "192.0.2.1"))
    assert per_minute.hit(three, "login", "192.0.2.1")


def test_a_window_that_has_ended_starts_again_and_expired_counters_are_deleted(db):
    storage = storage_from_string("database://")
    past = time.time() - 1
    db.session.add_all(
        [
            RateLimitCounter(key="ended", expires_at=past, count=50),
            RateLimitCounter(key="other", expires_at=past, count=9),
        ]
    )
    db.session.commit()

    assert storage.get("ended") == 0
    assert storage.incr("ended", 60) == 1  # a new window, not 51
    db.session.expire_all()
    assert db.session.scalars(sa.select(RateLimitCounter.key)).all() == ["ended"]  # "other" is forgotten


def test_a_long_or_unprintable_key_is_stored_by_its_hash(db):
    storage = storage_from_string("database://")
    hostile = "LIMITER/accounts.login/" + "x" * 5000 + "\x00\x01@example.org"

    assert storage.incr(hostile, 60) == 1
    assert storage.incr(hostile, 60) == 2
    assert storage.get(hostile) == 2
    assert stored_key(hostile).startswith("sha256:")
    assert stored_key("LIMITER/192.0.2.1/accounts.login") == "LIMITER/192.0.2.1/accounts.login"
    assert storage.reset() == 1


@pytest.fixture
def limited_app_on_a_file(tmp_path, monkeypatch):
    """Rate limits on, counted in the database (the default), on a SQLite file whose writes wait 0.2 s."""
    monkeypatch.setenv("NEC_INSTANCE_PATH", str(tmp_path / "instance"))
    was_enabled = limiter.enabled
    app = create_app(
        {
            **TEST_SETTINGS,
            "PROPAGATE_EXCEPTIONS": False,
            "RATELIMIT_ENABLED": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'nec.sqlite3'}",
            "NEC_SQLITE_BUSY_TIMEOUT": 0.2,
        }
    )
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    with app.app_context():
        _db.create_all()
        yield app
        _db.session.remove()
        _db.engine.dispose()
    limiter.enabled = was_enabled


def test_a_locked_database_lets_the_login_through_instead_of_a_500(limited_app_on_a_file, tmp_path):
    """The counters cannot be written while another process holds the write lock: the attempt is not counted
    (logged), and the login form answers as usual, since reading needs no lock."""
    client = limited_app_on_a_file.test_client()
    other = sqlite3.connect(tmp_path / "nec.sqlite3", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/login", data={"email": "camille@example.org", "password": "pas le bon mot"})
    finally:
        other.execute("ROLLBACK")
        other.close()

    assert response.status_code == 200
    assert "Adresse e-mail ou mot de passe incorrect" in response.get_data(as_text=True)

    response = client.post("/login", data={"email": "camille@example.org", "password": "pas le bon mot"})
    assert response.status_code == 200
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitCounter)) > 0  # counted again
