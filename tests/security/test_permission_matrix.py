"""The permission matrix: every route × every kind of person, on objects of this event, of another
event, and another person's draft.

It fails when a route is missing from tests/security/routes.py (every new route must say who may use
it), when someone who should be refused gets the page (or changes anything), when someone who may use
a route is refused, when a GET writes to the database, and on any 500.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from werkzeug.routing import Rule

from nec.extensions import db
from tests.security.forms import encode, parse_forms, sendable
from tests.security.routes import ACCESS, ID_ARGUMENTS, KNOWN_FORMS, NOBODY, Case
from tests.security.world import ROLES, Side, World

# Who sends the allowed POSTs, and the pages crawled for forms: the first allowed role in this order.
PREFERRED = ("organiser", "reviewer", "speaker", "stranger", "other_organiser", "anonymous")
# Allowed POSTs that end something (a role, an object, a session): sent last.
LAST = ("delete", "cancel", "withdraw", "team_remove", "logout", "reset_subscription", "unschedule")


def rules_by_endpoint(app) -> dict[str, Rule]:
    rules: dict[str, Rule] = {}
    for rule in app.url_map.iter_rules():
        rules.setdefault(rule.endpoint, rule)
    return rules


def methods_of(app, endpoint: str) -> list[str]:
    methods = set()
    for rule in app.url_map.iter_rules(endpoint):
        methods |= rule.methods - {"HEAD", "OPTIONS"}
    return sorted(methods)


def test_every_route_is_classified(app):
    endpoints = set(rules_by_endpoint(app))
    missing = sorted(endpoints - set(ACCESS))
    stale = sorted(set(ACCESS) - endpoints)
    assert not missing, f"routes missing from tests/security/routes.py ACCESS (say who may use them): {missing}"
    assert not stale, f"entries of ACCESS for routes that no longer exist: {stale}"


@dataclass
class Variant:
    endpoint: str
    label: str  # "this event", "event B's ids", "another person's draft"
    url: str
    allowed: frozenset
    case: Case


def _url(app, endpoint: str, case: Case, side: Side, world: World, swap: dict | None = None) -> str:
    rule = rules_by_endpoint(app)[endpoint]
    ids = {**world.a.ids, **side.ids}
    values = {}
    for arg in rule.arguments:
        if arg == "ev":
            values[arg] = world.a.slug
            continue
        name = case.values[arg]
        if swap and arg in swap:
            values[arg] = swap[arg]
        elif arg in ID_ARGUMENTS or arg in ("token", "digest", "slug", "kind"):
            values[arg] = ids[name]
        else:
            values[arg] = ids.get(name, name)
    url = app.url_map.bind("localhost").build(endpoint, values)
    if case.query:
        url += "?" + case.query.format(**ids)
    return url


def variants(app, world: World) -> list[Variant]:
    found = []
    drafts = iter(world.a.ids["other_drafts"])
    for endpoint, cases in ACCESS.items():
        rule = rules_by_endpoint(app)[endpoint]
        for case in cases:
            found.append(Variant(endpoint, "this event", _url(app, endpoint, case, world.a, world), case.allowed, case))
            id_args = set(rule.arguments) & ID_ARGUMENTS
            if id_args:
                url = _url(app, endpoint, case, world.b, world)
                found.append(Variant(endpoint, "event B's ids in event A's address", url, NOBODY, case))
            if "session_id" in id_args:
                url = _url(app, endpoint, case, world.a, world, swap={"session_id": next(drafts)})
                found.append(Variant(endpoint, "another person's draft", url, NOBODY, case))
    return found


def snapshot() -> dict[str, int]:
    """A digest of every table's rows: any insert, update or delete changes it."""
    digests = {}
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            rows = conn.execute(sa.select(table)).all()
            digests[table.name] = hash(tuple(sorted(repr(tuple(row)) for row in rows)))
    return digests


class WriteWatch:
    """Tells which tables a request changed. A full snapshot takes a quarter of a second, so a cheap
    sign comes first: SQLite's data_version (changes when another connection commits), PostgreSQL's next
    transaction id (only a transaction that writes takes one). The snapshot names the tables."""

    def __init__(self):
        self.baseline: dict[str, int] | None = None
        self.sqlite = db.engine.dialect.name == "sqlite"
        self.conn = db.engine.raw_connection() if self.sqlite else None

    def _sign(self):
        if self.sqlite:
            return self.conn.cursor().execute("PRAGMA data_version").fetchone()[0]
        with db.engine.connect() as conn:
            return conn.execute(sa.text("SELECT txid_snapshot_xmax(txid_current_snapshot())")).scalar()

    def before(self):
        if self.baseline is None:
            self.baseline = snapshot()
        return self._sign()

    def changed_since(self, sign) -> list[str]:
        if self._sign() == sign:
            return []
        now = snapshot()
        changed = sorted(name for name in now if now[name] != self.baseline[name])
        self.baseline = now
        return changed

    def unwatched_request(self) -> None:
        self.baseline = None

    def close(self):
        if self.conn is not None:
            self.conn.close()


def is_refusal(answer, case: Case, method: str, allowed: bool, changed: list[str]) -> bool:
    """403/404 (401), or a redirect to the login page; for some POST routes, a redirect that changed
    nothing (their refusal is a message on the page they go back to)."""
    if answer.status == 404 and case.answers_404:
        return not allowed
    if answer.status in (401, 403, 404):
        return True
    if answer.status in (301, 302, 303, 307, 308):
        if "/login" in answer.location.split("?")[0]:
            return True
        return not allowed and case.refusal_redirects and method == "POST" and not changed
    return False


def first_allowed(allowed: frozenset) -> str | None:
    return next((role for role in PREFERRED if role in allowed), None)


def forms_of_page(app, url: str, answer, forms: dict) -> None:
    """Record the fields of each POST form of a page, by the route it is sent to (the first one found)."""
    if not answer.content_type.startswith("text/html"):
        return
    adapter = app.url_map.bind("localhost")
    for form in parse_forms(url, answer.body):
        if form.method != "POST":
            continue
        try:
            endpoint, _args = adapter.match(form.path, method="POST")
        except Exception:
            continue
        forms.setdefault(endpoint, form.baseline())


def test_permission_matrix(app, world, send):
    found = variants(app, world)
    forms: dict[str, list] = {}
    problems: list[str] = []
    allowed_posts: list[Variant] = []
    watch = WriteWatch()

    def check(variant: Variant, role: str, method: str, data=None):
        watched = method == "GET" or role not in variant.allowed
        sign = watch.before() if watched else watch.unwatched_request()
        answer = send(role, method, variant.url, data=encode(data) if data is not None else None)
        where = f"{method} {variant.url} [{variant.endpoint}, {variant.label}] as {role}"
        changed = watch.changed_since(sign) if watched else []
        if changed and method == "GET":
            problems.append(f"{where}: a GET wrote to the database ({', '.join(changed)})")
        elif changed:
            problems.append(f"{where}: a refused request changed {', '.join(changed)}")
        if answer.status >= 500:
            problems.append(f"{where}: {answer.status} {answer.error}")
            return answer
        allowed = role in variant.allowed
        refused = is_refusal(answer, variant.case, method, allowed, changed)
        if allowed and refused:
            problems.append(f"{where}: refused ({answer.status} {answer.location}) but this role may use it")
        if not allowed and not refused:
            problems.append(f"{where}: NOT refused ({answer.status} {answer.location}): unexpected access")
        return answer

    try:
        for variant in found:  # every GET, by everyone; the forms of the pages for the POSTs below
            if "GET" in methods_of(app, variant.endpoint):
                for role in ROLES:
                    answer = check(variant, role, "GET")
                    if role in variant.allowed and variant.label == "this event":
                        forms_of_page(app, variant.url, answer, forms)
        for endpoint, pairs in KNOWN_FORMS.items():
            forms.setdefault(endpoint, [(name, value.format(**world.a.ids)) for name, value in pairs])
        missing_forms = sorted(
            {v.endpoint for v in found if "POST" in methods_of(app, v.endpoint) and v.endpoint not in forms}
        )
        for variant in found:  # every POST by the refused, who must change nothing
            if "POST" not in methods_of(app, variant.endpoint):
                continue
            data = sendable(forms.get(variant.endpoint, []))
            for role in ROLES:
                if role not in variant.allowed:
                    check(variant, role, "POST", data)
            if variant.allowed and variant.label == "this event":
                allowed_posts.append(variant)
        allowed_posts.sort(key=lambda v: any(word in v.endpoint for word in LAST))
        for variant in allowed_posts:  # then by one who may, the actions that end something last
            check(variant, first_allowed(variant.allowed), "POST", sendable(forms.get(variant.endpoint, [])))
    finally:
        watch.close()

    report = "\n".join(problems)
    assert not missing_forms, f"POST routes whose form is on no page (add them to KNOWN_FORMS): {missing_forms}"
    assert not problems, f"{len(problems)} permission problems:\n{report}"
