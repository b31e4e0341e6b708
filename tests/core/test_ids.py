"""Every route with an id in its address answers 404, never 500, for an id the database cannot hold."""

from __future__ import annotations

import re

from nec.accounts.models import EventRole, EventRoleKind
from tests.support.web import log_in

HUGE = "99999999999999999999"  # beyond PostgreSQL's integer and SQLite's 64 bits


def _addresses(app, slug: str) -> list[tuple[str, str]]:
    found = []
    for rule in app.url_map.iter_rules():
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:[^>]+>", HUGE, rule.rule)
        path = path.replace("<ev>", slug)
        path = re.sub(r"<(?:[a-z]+:)?[^>]+>", "x", path)  # other parts (a format, a token): any text
        method = "GET" if "GET" in rule.methods else "POST"
        found.append((method, path))
    return found


def test_an_id_too_large_for_the_database_is_a_404_everywhere(app, client, db, make_user, make_event):
    event = make_event()
    admin = make_user(is_admin=True)
    db.session.add(EventRole(event=event, user=admin, role=EventRoleKind.organiser))
    db.session.commit()
    log_in(client, admin)
    addresses = _addresses(app, event.slug)
    assert len(addresses) > 20  # the sessions, rooms, breaks, speakers... of every module
    answers = {(method, path): client.open(path, method=method).status_code for method, path in addresses}
    assert {key: code for key, code in answers.items() if code >= 500} == {}
    assert all(code in (404, 405) for code in answers.values()), answers


def test_ids_from_query_strings_and_forms_are_read_with_parse_id():
    """`type=int` or `int(...)` on a request value lets a number beyond the database's integers reach a query
    (an OverflowError, a 500): views read ids with nec.core.web.parse_id, bounded as the routes are."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "nec"
    unbounded = re.compile(r"type=int\b|int\(\s*request\.|int\(\s*(?:value|raw|room|wanted)\b")
    found = [
        str(path.relative_to(root))
        for path in root.rglob("*views.py")
        if unbounded.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_parse_id_is_bounded_like_the_routes():
    from nec.core.web import MAX_ID, parse_id

    assert [parse_id(v) for v in ("12", " 7 ", str(MAX_ID))] == [12, 7, MAX_ID]
    assert [parse_id(v) for v in ("", None, "0", "-3", "1.5", "x", str(MAX_ID + 1), "9" * 5000)] == [None] * 8
