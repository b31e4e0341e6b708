"""A small cache of the public programme's rendered pages, and their HTTP caching, for anonymous visitors.

Only a visitor who is not logged in (and has no message waiting to be shown) shares pages: a logged-in
person sees their own favourites and their own account links, so their pages are rendered each time
and sent with `Cache-Control: private, no-store`.

The key holds the released version (its id and release time), the content fingerprint of
`releases.content_fingerprint` (a session cancelled or edited, a consent withdrawn), the event's
last change, the address with its query string and the language: a release or a change makes new
keys, and the old entries simply age out of the LRU. Entries also expire after a few minutes, so
what the key does not see (a room or a theme renamed) reaches the page soon after. To spare two
queries per request, a process asks for the latest release and the fingerprint at most every
NEC_PAGE_CACHE_CHECK_SECONDS (2 by default; the tests use 0): a release or a cancelled session
reaches every process within that delay.

The cache lives in each process (a bounded dict, no new dependency). With several gunicorn workers
or several app servers each keeps its own copy: that is correct, since the keys are versioned, and
costs one rendering per page per process. A shared store (Redis) would only save those renderings.

The pages carry a CSRF token (the language switch, the favourite forms), which belongs to one
visitor's session: the cached text holds a placeholder that is replaced by the visitor's own token
at each request. For the same reason the HTTP response is `private` (a browser may keep it, a shared
proxy must not hand one visitor's token to another), and its ETag names the visitor's session token
and the half of the token's lifetime it was made in, so that a 304 never keeps a page whose forms
would be refused as expired.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from flask import Response, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user

from nec.core import hooks
from nec.programme.releases.versions import content_fingerprint, latest_release

# Bump when a change of templates or views must not serve pages cached (or held by browsers) before it.
PAGE_REVISION = 2  # 2: speakers' photos on the session page
BROWSER_MAX_AGE = 60  # seconds a browser may show its copy without asking again
DEFAULT_MAX_BYTES = 32 * 1024 * 1024
DEFAULT_MAX_ENTRIES = 512
DEFAULT_TTL = 300  # seconds
DEFAULT_CHECK_SECONDS = 2.0  # how long a process trusts what it knows of the latest release
MAX_QUERY_LENGTH = 1000  # longer query strings are served, never kept

_HIDDEN_CSRF = re.compile(r'name="csrf_token" value="([^"]*)"')


class PageCache:
    """A thread-safe LRU of page bodies (tuples of byte pieces), bounded in count and size, with a time to live."""

    def __init__(self, max_entries: int, max_bytes: int, ttl: float, clock: Callable[[], float] = time.monotonic):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.ttl = ttl
        self.clock = clock
        self._entries: OrderedDict[tuple, tuple[float, tuple[bytes, ...]]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple) -> tuple[bytes, ...] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] < self.clock():
                if entry is not None:
                    self._drop(key)
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry[1]

    def put(self, key: tuple, body: tuple[bytes, ...]) -> None:
        size = sum(map(len, body))
        if size > self.max_bytes // 4:  # one huge page must not empty the cache
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (self.clock() + self.ttl, body)
            self._bytes += size
            while self._entries and (len(self._entries) > self.max_entries or self._bytes > self.max_bytes):
                self._drop(next(iter(self._entries)))

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: tuple) -> None:
        _expires, body = self._entries.pop(key)
        self._bytes -= sum(map(len, body))


def page_cache() -> PageCache:
    """The application's cache (one per application object)."""
    cache = current_app.extensions.get("nec_page_cache")
    if cache is None:
        config = current_app.config
        cache = current_app.extensions.setdefault(
            "nec_page_cache",
            PageCache(
                max_entries=int(config.get("NEC_PAGE_CACHE_MAX_ENTRIES", DEFAULT_MAX_ENTRIES)),
                max_bytes=int(config.get("NEC_PAGE_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES)),
                ttl=float(config.get("NEC_PAGE_CACHE_TTL", DEFAULT_TTL)),
            ),
        )
    return cache


# A marker no page can contain by chance (random per process), replaced by the visitor's CSRF token.
_PLACEHOLDER = f"nec-csrf-{secrets.token_hex(16)}"


_PLACEHOLDER_BYTES = _PLACEHOLDER.encode()


def _placeholder_token() -> str:
    return _PLACEHOLDER


def shares_pages() -> bool:
    """Whether this visitor sees the same page as every other anonymous visitor."""
    return not current_user.is_authenticated and "_flashes" not in session and not hooks.visitor_is_personal()


def release_state(event, load_release: Callable = latest_release) -> str | None:
    """What the pages of the event depend on: its latest release and the content fingerprint (None
    before the first release). Two queries, asked again at most every NEC_PAGE_CACHE_CHECK_SECONDS
    per process (0: at each request); in between a process serves what it knew."""
    interval = float(current_app.config.get("NEC_PAGE_CACHE_CHECK_SECONDS", DEFAULT_CHECK_SECONDS))
    known = current_app.extensions.setdefault("nec_release_states", {})
    now = time.monotonic()
    if interval > 0:
        found = known.get((event.id, event.slug))
        if found is not None and found[0] > now:
            return found[1]
    version = load_release(event)
    state = None
    if version is not None:
        released = version.released_at.strftime("%Y%m%dT%H%M%S%f")
        state = f"{version.id}-{released}-{content_fingerprint(event)}"
    if interval > 0:
        if len(known) > 10_000:  # events are few; a bound all the same
            known.clear()
        known[(event.id, event.slug)] = (now + interval, state)
    return state


def per_release(event, name: str, compute: Callable, load_release: Callable = latest_release):
    """`compute(version)` for the event's latest release, computed once per process and release state.

    For what many small requests need and that only a release or a change of the programme's content
    alters (which speakers are public, for their photos): it follows `release_state`, as the page
    cache does. None before the first release (`compute` is not called). Keep small, immutable values.
    """
    state = release_state(event, load_release)
    if state is None:
        return None
    memo = current_app.extensions.setdefault("nec_release_memos", {})
    key = (event.id, name, state)
    found = memo.get(key)
    if found is None:
        version = load_release(event)
        if version is None:
            return None
        found = compute(version)
        if len(memo) > 1000:  # an old state is never asked again: a bound is enough
            memo.clear()
        memo[key] = found
    return found


def cached_page(event, render: Callable[..., str], load_release: Callable = latest_release) -> Response:
    """The page `render(**context)` for this request, from the cache when the visitor may share it.

    `render` passes its keyword arguments to render_template (here: the CSRF token placeholder); it
    may call flask.abort (a session not in the release): nothing is kept then. `load_release(event)`
    gives the latest release (the view's own, memoised for the request: one query less on a miss).
    """
    if not shares_pages():
        response = Response(render())
        response.cache_control.private = True
        response.cache_control.no_store = True
        return response
    state = release_state(event, load_release)
    if state is None:  # not released: a short page, rendered each time
        return Response(render())

    from flask_wtf.csrf import generate_csrf

    token = generate_csrf()  # the visitor's own, created in their session if needed
    locale = str(get_locale() or "fr")
    query = request.query_string
    changed = event.updated_at.strftime("%Y%m%dT%H%M%S%f") if event.updated_at else ""
    blocks = hooks.session_actions_state(event)  # a workshop's seats left, shown to every visitor
    key = (request.endpoint, request.path, query, locale, f"{PAGE_REVISION}-{state}-{changed}-{blocks}")

    etag = _etag(key)
    if request.if_none_match.contains_weak(etag):
        return _shared_headers(Response(status=304), etag)

    cache = page_cache()
    parts = cache.get(key) if len(query) <= MAX_QUERY_LENGTH else None
    if parts is None:
        text = render(csrf_token=_placeholder_token)
        parts = tuple(text.encode().split(_PLACEHOLDER_BYTES))
        if len(query) <= MAX_QUERY_LENGTH and _only_placeholders(text):
            cache.put(key, parts)
    # Joining the pieces around the placeholder is faster than searching for it at each request.
    response = Response(token.encode().join(parts), content_type="text/html; charset=utf-8")
    return _shared_headers(response, etag)


def _only_placeholders(text: str) -> bool:
    """True when every CSRF field holds the placeholder: a page with a real token is never kept."""
    found = _HIDDEN_CSRF.findall(text)
    if any(value != _PLACEHOLDER for value in found):
        current_app.logger.warning("public page not cached: a form carries a real CSRF token")
        return False
    return True


def _etag(key: tuple) -> str:
    """The page's content and address, the visitor's session token and the half-lifetime of tokens."""
    raw = session.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    period = int(time.time() // max(limit // 2, 1)) if limit else 0
    digest = hashlib.sha256(repr((key, raw, period)).encode()).hexdigest()[:24]
    return f"p{digest}"


def _shared_headers(response: Response, etag: str) -> Response:
    response.set_etag(etag, weak=True)  # weak: the CSRF token's signature differs from one response to the next
    response.cache_control.private = True
    response.cache_control.max_age = BROWSER_MAX_AGE
    response.vary.add("Cookie")
    return response
