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
