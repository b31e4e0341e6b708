"""The fuzz guard: hostile values in every form field, query parameter and text path part of every route,
sent as the person who uses the route; no answer may be a 500, and no markup may come back unescaped.

Fields are found as a browser finds them (the pages' forms and links, see forms.py) and in the views'
source (`request.args.get("...")`, `request.form[...]`, and the parsers the views hand them to), so a
parameter no page links to is fuzzed too. Each field gets the mandatory values (NUL, control
characters, a huge number, markup, missing, repeated) and two more from a rotating list.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from collections import Counter
from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit

from werkzeug.routing import Rule

from nec.events.models import Event
from nec.extensions import db
from tests.security.forms import encode, parse_forms, parse_links, query_of, sendable
from tests.security.routes import ACCESS, ANY_ORGANISER, LINK, ORGANISER, OWNER, PUBLIC, REVIEWER, SIGNED_IN
from tests.security.test_permission_matrix import LAST, is_refusal, methods_of, rules_by_endpoint, variants

MISSING, REPEATED, A_FILE = object(), object(), object()
META = '<meta http-equiv="refresh" content="0;url=//evil.example/">'
SCRIPT = "<script>alert(1)</script>"
SHORT = "\"'><b>nec-fuzz</b>"  # fits the shortest names
MANDATORY = ["a\x00b", "x\x01y\x1bz\r\nw", "9223372036854775808", SCRIPT, META, SHORT, "   ", MISSING, REPEATED]
ROTATING = ["-1", "1e309", "99999999999999999999", "", "x" * 100_000,
            "%s %(x)s {x} {event_title:>99999}", A_FILE, "0", "NaN", "\t\n"]  # fmt: skip
PER_FIELD_EXTRA = 2
MARKERS = (META, SCRIPT, "<b>nec-fuzz</b>")

# Who uses each kind of route (the right user of the fuzz): the first of these the route allows.
FUZZ_ROLE = {PUBLIC: "anonymous", LINK: "anonymous", SIGNED_IN: "speaker", OWNER: "speaker",
             REVIEWER: "reviewer", ORGANISER: "organiser", ANY_ORGANISER: "organiser"}  # fmt: skip
ACCOUNT_FORMS = ("accounts.account", "accounts.change_password", "accounts.download_data",
                 "accounts.delete_account_confirm", "accounts.delete_account")  # fmt: skip

# Routes that read nothing from the request but their address (ids are bounded by the converter), and why.
NO_INPUT = {
    "core.healthz": "a constant answer",
    "registrations_manage.participant": "a page (the id is bounded by the converter)",
    "registrations_manage.cancel": "a confirmation page and its button (the id is bounded by the converter)",
    "registrations_manage.workshops": "a list",
    "registrations_manage.figures": "read-only figures",
    "events.manage_dashboard": "counts only",
    "events.manage_days": "a list",
    "proposals_call.mail_templates": "a list",
    "proposals_review.index": "a list",
    "proposals_review.decisions": "a list",
    "proposals_sessions.sessions": "a list",
    "proposals_sessions.speakers": "a list",
    "accounts.team": "a list (its form posts to accounts.team_add)",
    "programme_editor.grid_css": "a stylesheet",
    "programme_generator.draft": "a read-only table",
    "programme_generator.run": "a read-only report (the id is bounded by the converter)",
    "programme_releases.changes": "a read-only page",
    "programme_releases.changes_atom": "a feed",
    "programme_public.speakers": "a list",
    "programme_public.speaker": "a page (the id is bounded by the converter)",
    "programme_public.session": "a page (the id is bounded by the converter)",
    "events.home": "a page",
    "proposals_speaker.area": "a page",
    "proposals_speaker.call_page": "a page",
    "programme_exports.schedule_ics": "an export of the release",
    "programme_exports.schedule_json": "an export of the release",
    "programme_exports.schedule_pdf": "an export of the release",
    "programme_exports.schedule_xml": "an export of the release",
    "programme_exports.session_ics": "an export (the id is bounded by the converter)",
    "api.events": "public JSON",
    "proposals_review.proposal": "a page (the id is bounded by the converter)",
    "accounts.delete_account_confirm": "a page (its form posts to accounts.delete_account)",
    "programme_exports.subscribe": "a page (its form posts to subscriptions.reset_subscription)",
    "events.index": "a list",
    "registrations_checkin.qr_code": "an image of the current registration's code",
    "registrations_checkin.certificate": "a PDF of the current registration",
    # buttons: a form with nothing but its CSRF token (off in the tests)
    "registrations_signup.register": "closed for the world's past event (tests/registrations/signup fuzz it open)",
    "registrations_me.registration": "a page (its forms post to the seat and cancel routes)",
    "registrations_me.download_data": "a download",
    "registrations_me.cancel": "a button",
    "registrations_me.delete_data": "a button",
    "accounts.download_data": "a button",
    "proposals_sessions.cancel_session": "a button",
    "proposals_sessions.send_claim_link": "a button",
    "proposals_speaker.withdraw_proposal": "a button",
    "proposals_review.apply": "a button",
    "registrations_manage.send_link": "a button",
}


@dataclass
class Target:
    endpoint: str
    role: str
    method: str
    url: str  # path (and fixed query) the request goes to
    pairs: list  # the baseline fields (query parameters for a GET)
    extra: tuple = ()  # names read by the view that the page does not send: fuzzed alone


def fuzz_role(endpoint: str, allowed: frozenset) -> str:
    if endpoint in ACCOUNT_FORMS:
        return "stranger"  # has a password and no event to lose
    return FUZZ_ROLE.get(allowed, "organiser")


# --- the names the views read, from their source ----------------------------------------------------


def _is_request_attr(node, attrs=("args", "values", "form")) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr in attrs
        and isinstance(node.value, ast.Name)
        and node.value.id == "request"
    )


def _names_read(tree, holders: set[str], direct: bool) -> set[str]:
    """String keys read with .get/.getlist/[...] from request.args/values/form (direct) or from `holders`."""
    found = set()
    for node in ast.walk(tree):
        target = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("get", "getlist"):
            target, key = node.func.value, node.args[0] if node.args else None
        elif isinstance(node, ast.Subscript):
            target, key = node.value, node.slice
        elif isinstance(node, ast.Compare) and isinstance(node.ops[0], ast.In) and node.comparators:
            target, key = node.comparators[0], node.left
        if target is None or not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            continue
        if (direct and _is_request_attr(target)) or (isinstance(target, ast.Name) and target.id in holders):
            found.add(key.value)
    return found


def _resolve(func_node, namespace: dict):
    parts = []
    while isinstance(func_node, ast.Attribute):
        parts.insert(0, func_node.attr)
        func_node = func_node.value
    if not isinstance(func_node, ast.Name) or func_node.id not in namespace:
        return None
    obj = namespace[func_node.id]
    for part in parts:
        obj = getattr(obj, part, None)
    return obj if callable(obj) else None


def _parser_names(func) -> set[str]:
    """What a helper given request.args reads: `.get("x")` on its parameters, and the names it passes to
    its own nested readers (`pick("theme", ...)`)."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (OSError, TypeError):
        return set()
    params = {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}
    found = _names_read(tree, params, direct=False)
    nested = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)} - {tree.body[0].name}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in nested and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                found.add(first.value)
    return found


def view_input_names(view) -> set[str]:
    """Every request parameter a view reads, directly or through the parsers it hands the request to."""
    view = inspect.unwrap(view)
    tree = ast.parse(textwrap.dedent(inspect.getsource(view)))
    holders = {
        t.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and _is_request_attr(node.value)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    found = _names_read(tree, holders, direct=True)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and any(_is_request_attr(arg) for arg in node.args):
            helper = _resolve(node.func, view.__globals__)
            if helper is not None and getattr(helper, "__module__", "").startswith("nec"):
                found |= _parser_names(helper)
    return found


def test_view_input_names_finds_parameters_no_page_links():
    """The source reading reaches what the pages do not show (a parser's names, a JSON endpoint's)."""
    from nec.programme.editor import manage_views as editor_views
    from nec.proposals.review import manage_views as review_views

    assert {"day", "room", "start"} <= view_input_names(editor_views.preview)
    assert {"sort", "order", "state", "format", "theme", "show", "q"} <= view_input_names(review_views.proposals)
    assert {"state", "format", "theme", "show", "q"} <= view_input_names(review_views.index)
    assert {"session", "action"} <= view_input_names(review_views.stage)


# --- the fuzz ---------------------------------------------------------------------------------------------


def _hostile_values(field_index: int, is_file: bool) -> list:
    extra = [ROTATING[(field_index * PER_FIELD_EXTRA + k) % len(ROTATING)] for k in range(PER_FIELD_EXTRA)]
    values = MANDATORY + extra
    if is_file:
        values = [v for v in values if v is not A_FILE] + ["du texte à la place d'un fichier"]
    return values


def _with(pairs: list, name: str, value) -> list:
    """The baseline with `name` replaced by `value` (MISSING: left out; REPEATED: sent twice)."""
    kept = [(n, v) for n, v in pairs if n != name]
    own = [(n, v) for n, v in pairs if n == name] or [(name, "1")]
    if value is MISSING:
        return kept
    if value is REPEATED:
        return [*pairs, *own] if any(n == name for n, _ in pairs) else [*pairs, (name, "1"), (name, "2")]
    if value is A_FILE:
        return [*kept, (name, (b"pas un texte\x00", "fichier.bin"))]
    return [*kept, (name, value)]


def _query_url(url: str, pairs: list) -> str:
    base = url.split("?")[0]
    plain = [(n, v if isinstance(v, str) else "fichier") for n, v in pairs]
    return f"{base}?{urlencode(plain)}" if plain else base


def _show(value) -> str:
    if value is MISSING:
        return "<missing>"
    if value is REPEATED:
        return "<repeated>"
    if value is A_FILE:
        return "<a file>"
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:50]}...({len(value)} chars)"


def _path_targets(app, world, found) -> list[tuple[str, str, str, Rule, str]]:
    """Text parts of addresses (tokens, formats, names): (endpoint, role, argument, rule, main url)."""
    out = []
    for variant in found:
        if variant.label != "this event":
            continue
        rule = rules_by_endpoint(app)[variant.endpoint]
        for arg, converter in rule._converters.items():
            # The event's slug is read by one preprocessor for every route: fuzzed on the event's home only.
            shared = arg == "ev" and variant.endpoint != "events.home"
            if not shared and type(converter).__name__ in ("UnicodeConverter", "PathConverter"):
                role = fuzz_role(variant.endpoint, variant.allowed)
                out.append((variant.endpoint, role, arg, rule, variant.url))
    return out


def test_fuzz(app, world, send):
    found = [v for v in variants(app, world) if v.label == "this event"]
    adapter = app.url_map.bind("localhost")
    roles = {v.endpoint: fuzz_role(v.endpoint, v.allowed) for v in found}
    targets: dict[tuple, Target] = {}
    pages: list[tuple[str, str]] = []  # (role, url) of every page, for the final sweep

    def add(target: Target) -> None:
        key = (target.endpoint, target.role, target.method, tuple(sorted({n for n, _ in target.pairs})))
        targets.setdefault(key, target)

    for variant in found:  # read every page as its user (and public pages as a signed-in speaker too)
        if "GET" not in methods_of(app, variant.endpoint):
            continue
        for role in {roles[variant.endpoint]} | ({"speaker"} if variant.allowed == PUBLIC else set()):
            answer = send(role, "GET", variant.url)
            if not answer.content_type.startswith("text/html") or answer.status != 200:
                continue
            pages.append((role, variant.url))
            for form in parse_forms(variant.url, answer.body):
                try:
                    endpoint, _args = adapter.match(form.path, method=form.method)
                except Exception:
                    continue
                if endpoint in roles:
                    add(Target(endpoint, roles[endpoint], form.method, form.action, form.baseline()))
            for link in parse_links(variant.url, answer.body):
                if "?" not in link:
                    continue
                try:
                    endpoint, _args = adapter.match(urlsplit(link).path, method="GET")
                except Exception:
                    continue
                if endpoint in roles:
                    add(Target(endpoint, roles[endpoint], "GET", link.split("?")[0], query_of(link)))

    for variant in found:  # the names in the views' source that no page sends, as each case's user
        names = view_input_names(app.view_functions[variant.endpoint])
        role = fuzz_role(variant.endpoint, variant.allowed)
        for method in methods_of(app, variant.endpoint):
            known = [t for t in targets.values() if t.endpoint == variant.endpoint and t.method == method]
            extra = tuple(sorted(names - {n for t in known for n, _ in t.pairs}))
            mine = [t for t in known if t.role == role]
            if extra and mine:
                mine[0].extra = extra
            elif extra:
                base = query_of(variant.url) if method == "GET" else []
                add(Target(variant.endpoint, role, method, variant.url.split("?")[0], base, extra))

    failures: list[tuple] = []
    reached: set[str] = set()
    event_a = db.session.scalar(db.select(Event).where(Event.slug == world.a.slug))
    slug, published = event_a.slug, event_a.is_published
    sent_count = 0

    def fire(target: Target, pairs: list, field: str, value) -> None:
        nonlocal sent_count
        sent_count += 1
        if target.method == "GET":
            answer = send(target.role, "GET", _query_url(target.url, pairs))
        else:
            answer = send(target.role, "POST", target.url, data=encode(sendable(pairs)))
        where = f"{target.method} {target.url} [{target.endpoint}] as {target.role}, {field}={_show(value)}"
        if answer.status >= 500 or answer.status < 200:
            kind = answer.error.split(":")[0] or str(answer.status)
            failures.append(((target.endpoint, field, kind), f"{where}: {answer.status} {answer.error}"))
        elif not is_refusal(answer, ACCESS[target.endpoint][0], target.method, True, []):
            reached.add(target.endpoint)
        if answer.status == 200 and answer.content_type.startswith("text/html"):
            body = answer.body.decode("utf-8", "replace")
            for marker in MARKERS:
                if marker in body:
                    failures.append(
                        ((target.endpoint, field, marker), f"{where}: markup {marker[:30]!r} echoed unescaped")
                    )
        if target.endpoint == "events.manage_event":  # keep the event where the other targets find it
            event = db.session.get(Event, event_a.id)
            event.slug, event.is_published = slug, published
            db.session.commit()

    ordered = sorted(
        targets.values(),
        key=lambda t: (any(word in t.endpoint for word in LAST), t.role == "organiser", t.endpoint),
    )
    field_index = 0

    def fuzz_fields(target: Target) -> None:
        nonlocal field_index
        fire(target, target.pairs, "(baseline)", "")
        names = [n for n, _ in target.pairs]
        for name in dict.fromkeys([*names, *target.extra]):
            field_index += 1
            is_file = any(isinstance(v, tuple) for n, v in target.pairs if n == name)
            for value in _hostile_values(field_index, is_file):
                fire(target, _with(target.pairs, name, value), name, value)

    ending = [t for t in ordered if any(word in t.endpoint for word in LAST)]
    for target in ordered:
        if target not in ending:
            fuzz_fields(target)

    for endpoint, role, arg, rule, url in _path_targets(app, world, found):  # text parts of the address
        values = dict(adapter.match(url.split("?")[0], method=methods_of(app, endpoint)[0])[1])
        for value in ["a\x00b", "\x01\r\n", "9223372036854775808", "-1", META, "x" * 5000, "%s{x}", " "]:
            built = rule.build({**values, arg: value}, append_unknown=False)
            if built is not None:
                fake = Target(endpoint, role, methods_of(app, endpoint)[0], quote(built[1], safe="/%?=&"), [])
                fire(fake, [], f"<address {arg}>", value)

    for role, url in pages:  # stored markup: every page again, after the fuzz saved what it could
        answer = send(role, "GET", url)
        body = answer.body.decode("utf-8", "replace") if answer.content_type.startswith("text/html") else ""
        for marker in MARKERS:
            if marker in body:
                line = f"GET {url} as {role}: stored markup {marker[:30]!r} rendered unescaped"
                failures.append(((url, "stored", marker), line))
        if answer.status >= 500:
            failures.append(((url, "after", answer.error[:20]), f"GET {url} as {role} (after): {answer.error}"))

    for target in ending:  # what ends something (a role, an object, a session) once the rest is done
        fuzz_fields(target)

    by_fields = {t.endpoint for t in targets.values() if t.pairs or t.extra}
    by_address = {p[0] for p in _path_targets(app, world, found)}  # hostile address parts answer 404: not reached
    uncovered = sorted(set(ACCESS) - by_fields - by_address - set(NO_INPUT))
    unreached = sorted(by_fields - reached - set(NO_INPUT))
    report = _report(failures)
    print(f"fuzz: {sent_count} requests, {len(targets)} forms and parameter sets")
    problems = []
    if uncovered:
        problems.append(f"routes not fuzzed (no form, link or parameter found; or add to NO_INPUT): {uncovered}")
    if unreached:
        problems.append(f"routes fuzzed but always refused (wrong user or object?): {unreached}")
    if failures:
        problems.append(f"{len(failures)} failing requests:\n{report}")
    assert not problems, "\n".join(problems)


def _report(failures: list[tuple]) -> str:
    """Each kind of failure (route, field, exception) once, with how many requests failed alike: a work list."""
    counts = Counter()
    first = {}
    for key, line in failures:
        counts[key] += 1
        first.setdefault(key, line)
    return "\n".join(f"{first[k]}  (x{counts[k]})" if counts[k] > 1 else first[k] for k in first)
