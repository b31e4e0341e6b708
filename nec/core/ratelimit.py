"""Rate-limit counters kept in the application's own database (`NEC_RATELIMIT_STORAGE_URL=database://`).

Every process that serves the site (gunicorn's workers, several app servers on one PostgreSQL) counts in
the same table, so a guesser who lands on another worker is still counted: no Redis needed on one machine.
A storage of the `limits` library (Flask-Limiter's), fixed window only: one counter per key and window,
taken and incremented by one INSERT ... ON CONFLICT DO UPDATE (SQLite and PostgreSQL), on its own
connection so that it never mixes with the request's transaction. Expired counters are deleted whenever a
new window starts.
"""

from __future__ import annotations

import hashlib
import time

import sqlalchemy as sa
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite

from nec.core.models import RateLimitCounter
from nec.extensions import db

SCHEME = "database"
_table = RateLimitCounter.__table__
_KEY_LENGTH = _table.c.key.type.length


def stored_key(key: str) -> str:
    """The key as stored: itself when it fits and is printable, else its SHA-256 (a key holds what a client
    submitted, such as an e-mail address, which may be long or hold characters a database refuses)."""
    if len(key) <= _KEY_LENGTH and key.isprintable():
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


class DatabaseStorage(Storage):
    """`database://`: the counters in the table rate_limit_counters of the application's database."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        insert = (postgresql if db.engine.dialect.name == "postgresql" else sqlite).insert(_table)
        statement = insert.values(key=stored_key(key), expires_at=now + expiry, count=amount)
        expired = _table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={  # both read the row as it was: a window that has ended starts again
                "count": sa.case((expired, statement.excluded.count), else_=_table.c.count + statement.excluded.count),
                "expires_at": sa.case((expired, statement.excluded.expires_at), else_=_table.c.expires_at),
            },
        ).returning(_table.c.count)
        with db.engine.begin() as conn:
            count = conn.execute(statement).scalar_one()
            if count == amount:  # a new window: the moment to forget the counters whose window is over
                conn.execute(sa.delete(_table).where(_table.c.expires_at <= now))
        return count

    def get(self, key: str) -> int:
        with db.engine.connect() as conn:
            count = conn.scalar(
                sa.select(_table.c.count).where(_table.c.key == stored_key(key), _table.c.expires_at > time.time())
            )
        return count or 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        with db.engine.connect() as conn:
            expires_at = conn.scalar(
                sa.select(_table.c.expires_at).where(_table.c.key == stored_key(key), _table.c.expires_at > now)
            )
        return expires_at if expires_at is not None else now

    def check(self) -> bool:
        try:
            with db.engine.connect() as conn:
                conn.execute(sa.select(sa.func.count()).select_from(_table))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with db.engine.begin() as conn:
            return conn.execute(sa.delete(_table)).rowcount

    def clear(self, key: str) -> None:
        with db.engine.begin() as conn:
            conn.execute(sa.delete(_table).where(_table.c.key == stored_key(key)))
