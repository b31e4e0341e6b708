"""Opening a page writes nothing: every GET route of the app, as every kind of person, on the demo event,
leaves every table of the database exactly as it was (the row counts after each request, every value
after each person's round).

A GET may be repeated by a browser, a mail scanner or a prefetch: what it creates (a speaker profile
made by opening /me/profile) shows up in the organisers' lists. A new route is covered without
touching this file; a route that must write on GET would have to be listed in EXPECTED_WRITES with why.
"""

from __future__ import annotations

import sqlalchemy as sa

from nec.extensions import db as _db
from tests.support.pages import addresses, seed_demo
from tests.support.web import log_in, log_out

#: (table, column) a GET may change, with the reason. None today: signing in and its bookkeeping are POSTs.
EXPECTED_WRITES: dict[tuple[str, str], str] = {}


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, with the columns a GET may change left out."""
    _db.session.expire_all()
    result = {}
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in EXPECTED_WRITES]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
            result[table.name] = [tuple(row) for row in rows]
    return result


def _counts() -> dict[str, int]:
    """The number of rows of every table, in one query (taken after each request)."""
    tables = _db.metadata.sorted_tables
    query = sa.union_all(
        *(sa.select(sa.literal(t.name).label("name"), sa.func.count().label("n")).select_from(t) for t in tables)
    )
    with _db.engine.connect() as conn:
        return dict(conn.execute(query).all())


def _changes(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def test_no_get_route_writes_to_the_database(app, client, db, make_user):
    seeded = seed_demo(make_user)
    users, pages = seeded.users, addresses(app, seeded.ids)
    assert len(pages) > 100  # every module's pages, exports and feeds
    writes, errors = {}, {}
    for who in [None, *users]:
        if who is None:
            log_out(client)
        else:
            log_in(client, users[who])
        before, counted = _snapshot(), _counts()
        for address in pages:
            status = client.get(address).status_code
            if status >= 500:
                errors[(who, address)] = status
            now = _counts()
            if now != counted:
                writes[(who, address)] = sorted(k for k in now if now[k] != counted[k])
                counted = now
        after = _snapshot()  # values changed without adding or removing rows: named per person
        if after != before:
            writes[(who, "(values)")] = _changes(before, after)
    assert writes == {}
    assert errors == {}
