"""The cache of the public programme's pages and their HTTP caching (anonymous visitors only)."""

from __future__ import annotations

import re
import time
from datetime import timedelta

from itsdangerous import URLSafeTimedSerializer

from nec.programme.models import Favourite, ScheduleVersion, Slot
from nec.programme.public.cache import PageCache, page_cache
from nec.proposals.models import SessionState
from tests.programme.public.helpers import DAY_ONE, DAY_TWO, paris
from tests.support.web import log_in

# The favourite button's label when the session is among the person's favourites.
MARKED = ">Retirer de mon programme</span>"


def programme_url(prog) -> str:
    return f"/{prog.event.slug}/programme/"


def session_url(prog, key: str = "table") -> str:
    return f"/{prog.event.slug}/sessions/{prog.sessions[key].id}/"


def csrf_tokens(response) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]*)"', response.get_data(as_text=True)))


def new_client(app):
    return app.test_client()


# --- the server-side cache -----------------------------------------------------------------------


def test_programme_page_second_anonymous_visit_is_served_from_cache(app, client, prog):
    cache = page_cache()
    first = client.get(programme_url(prog))
    assert first.status_code == 200
    assert (cache.hits, len(cache)) == (0, 1)
    second = new_client(app).get(programme_url(prog))
    assert second.status_code == 200
    assert cache.hits == 1
    assert "Le métier de médiateur numérique" in second.get_data(as_text=True)


def test_cached_page_carries_each_visitors_own_csrf_token(app, prog):
    serializer = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token")
    seen = []
    for _ in range(2):
        visitor = new_client(app)
        response = visitor.get(programme_url(prog))
        tokens = csrf_tokens(response)
        assert len(tokens) == 1  # the language switch and every favourite form: the same token
        (token,) = tokens
        with visitor.session_transaction() as s:
            assert serializer.loads(token) == s["csrf_token"]
        assert "nec-csrf-" not in response.get_data(as_text=True)
        seen.append(token)
    assert page_cache().hits == 1
    assert seen[0] != seen[1]


def test_programme_page_query_string_and_language_are_cached_apart(app, client, prog):
    client.get(programme_url(prog))
    filtered = new_client(app).get(programme_url(prog) + f"?room={prog.rooms['B'].id}")
    assert "Fabriquer son tiers-lieu" in filtered.get_data(as_text=True)
    assert "Le métier de médiateur numérique" not in filtered.get_data(as_text=True)

    english = new_client(app)
    with english.session_transaction() as s:
        s["locale"] = "en"
    page = english.get(programme_url(prog)).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<html lang="fr">' in client.get(programme_url(prog)).get_data(as_text=True)
    assert page_cache().hits == 1  # only the last French visit


def test_programme_page_new_release_replaces_cached_page(app, db, client, prog):
    client.get(programme_url(prog))
    new = ScheduleVersion(event=prog.event, name="v2", released_at=paris(DAY_ONE, 8) - timedelta(days=1))
    new.slots = [
        Slot(
            session=prog.sessions["talk"],
            room=prog.rooms["B"],
            starts_at=paris(DAY_TWO, 16),
            ends_at=paris(DAY_TWO, 16, 30),
        )
    ]
    db.session.add(new)
    db.session.commit()
    page = new_client(app).get(programme_url(prog)).get_data(as_text=True)
    assert "Le métier de médiateur numérique" not in page  # not in v2
    assert "16h00" in page
    assert page_cache().hits == 0


def test_programme_page_cancelled_session_disappears_at_once(app, db, client, prog):
    assert "Fabriquer son tiers-lieu" in client.get(programme_url(prog)).get_data(as_text=True)
    assert client.get(session_url(prog, "workshop")).status_code == 200
    prog.sessions["workshop"].state = SessionState.cancelled
    db.session.commit()
    visitor = new_client(app)
    assert "Fabriquer son tiers-lieu" not in visitor.get(programme_url(prog)).get_data(as_text=True)
    assert visitor.get(session_url(prog, "workshop")).status_code == 404


def test_session_page_second_anonymous_visit_is_served_from_cache(app, client, prog):
    client.get(session_url(prog))
    response = new_client(app).get(session_url(prog))
    assert response.status_code == 200
    assert "Le métier de médiateur numérique" in response.get_data(as_text=True)
    assert page_cache().hits == 1


def test_session_page_not_in_release_is_not_found_and_not_kept(client, prog):
    for _ in range(2):
        assert client.get(session_url(prog, "draft_only")).status_code == 404
    assert len(page_cache()) == 0


def test_programme_page_visitor_with_a_message_gets_it_and_it_is_not_kept(app, client, prog):
    client.get(programme_url(prog))
    visitor = new_client(app)
    with visitor.session_transaction() as s:
        s["_flashes"] = [("info", "MESSAGE-POUR-CE-VISITEUR")]
    response = visitor.get(programme_url(prog))
    assert "MESSAGE-POUR-CE-VISITEUR" in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
    later = new_client(app).get(programme_url(prog))
    assert "MESSAGE-POUR-CE-VISITEUR" not in later.get_data(as_text=True)


# --- HTTP caching --------------------------------------------------------------------------------


def test_programme_page_anonymous_gets_etag_and_304(client, prog):
    first = client.get(programme_url(prog))
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert first.cache_control.private and first.cache_control.max_age == 60
    assert "Cookie" in first.headers["Vary"]
    again = client.get(programme_url(prog), headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_session_page_anonymous_gets_304(client, prog):
    etag = client.get(session_url(prog)).headers["ETag"]
    assert client.get(session_url(prog), headers={"If-None-Match": etag}).status_code == 304
    other = client.get(session_url(prog, "workshop"), headers={"If-None-Match": etag})
    assert other.status_code == 200


def test_programme_page_etag_of_another_visitor_gives_full_page(app, client, prog):
    """Another session's token is in that copy: a new visitor must get a page with their own."""
    etag = client.get(programme_url(prog)).headers["ETag"]
    response = new_client(app).get(programme_url(prog), headers={"If-None-Match": etag})
    assert response.status_code == 200


def test_programme_page_old_etag_after_change_gives_full_page(db, client, prog):
    etag = client.get(programme_url(prog)).headers["ETag"]
    prog.sessions["table"].title = "Le métier de médiateur, nouveau titre"
    db.session.commit()
    response = client.get(programme_url(prog), headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "nouveau titre" in response.get_data(as_text=True)
    assert response.headers["ETag"] != etag


def test_programme_page_old_etag_after_query_change_gives_full_page(client, prog):
    etag = client.get(programme_url(prog)).headers["ETag"]
    response = client.get(programme_url(prog) + "?q=tiers", headers={"If-None-Match": etag})
    assert response.status_code == 200


# --- logged-in people ----------------------------------------------------------------------------


def test_programme_page_logged_in_people_never_share_pages(app, db, client, prog, make_user):
    anonymous_page = client.get(programme_url(prog)).get_data(as_text=True)  # primes the cache
    assert "Se connecter" in anonymous_page

    alice, bruno = make_user(full_name="Alice Lectrice"), make_user(full_name="Bruno Lecteur")
    db.session.add(Favourite(user_id=alice.id, session_id=prog.sessions["workshop"].id))
    db.session.commit()

    as_alice = new_client(app)
    log_in(as_alice, alice)
    response = as_alice.get(programme_url(prog))
    page = response.get_data(as_text=True)
    assert "Se déconnecter" in page and MARKED in page
    assert response.cache_control.private and response.cache_control.no_store
    assert "ETag" not in response.headers

    as_bruno = new_client(app)
    log_in(as_bruno, bruno)
    page = as_bruno.get(programme_url(prog)).get_data(as_text=True)
    assert "Se déconnecter" in page
    assert MARKED not in page  # not Alice's favourites

    later = new_client(app).get(programme_url(prog)).get_data(as_text=True)
    assert "Se déconnecter" not in later and MARKED not in later
    assert page_cache().hits == 1  # only the last anonymous visit


def test_session_page_logged_in_sees_own_favourite_and_no_etag(app, db, prog, make_user):
    new_client(app).get(session_url(prog, "workshop"))  # primes the cache
    alice = make_user()
    db.session.add(Favourite(user_id=alice.id, session_id=prog.sessions["workshop"].id))
    db.session.commit()
    as_alice = new_client(app)
    log_in(as_alice, alice)
    response = as_alice.get(session_url(prog, "workshop"), headers={"If-None-Match": "*"})
    assert response.status_code == 200
    assert MARKED in response.get_data(as_text=True)
    assert response.cache_control.no_store


# --- the cache itself ----------------------------------------------------------------------------


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_page_cache_drops_least_recently_used_beyond_entry_limit():
    cache = PageCache(max_entries=2, max_bytes=1000, ttl=60)
    cache.put(("a",), (b"A",))
    cache.put(("b",), (b"B",))
    assert cache.get(("a",)) == (b"A",)  # "b" is now the least recently used
    cache.put(("c",), (b"C",))
    assert (cache.get(("a",)), cache.get(("b",)), cache.get(("c",))) == ((b"A",), None, (b"C",))


def test_page_cache_stays_within_byte_limit():
    cache = PageCache(max_entries=100, max_bytes=100, ttl=60)
    for n in range(10):
        cache.put((n,), (b"x" * 10, b"x" * 10))
    assert len(cache) == 5
    cache.put(("huge",), (b"x" * 30,))  # more than a quarter of the bound: never kept
    assert cache.get(("huge",)) is None


def test_page_cache_entries_expire():
    clock = FakeClock()
    cache = PageCache(max_entries=10, max_bytes=1000, ttl=60, clock=clock)
    cache.put(("a",), (b"A",))
    clock.now = 59
    assert cache.get(("a",)) == (b"A",)
    clock.now = 61
    assert cache.get(("a",)) is None
    assert len(cache) == 0


def test_programme_page_release_reaches_a_process_within_check_interval(app, db, client, prog):
    """In production a process asks for the latest release at most every few seconds (2 by default)."""
    app.config["NEC_PAGE_CACHE_CHECK_SECONDS"] = 0.5
    try:
        assert "Le métier de médiateur numérique" in client.get(programme_url(prog)).get_data(as_text=True)
        new = ScheduleVersion(event=prog.event, name="v2", released_at=paris(DAY_ONE, 8) - timedelta(days=1))
        new.slots = [
            Slot(
                session=prog.sessions["talk"],
                room=prog.rooms["B"],
                starts_at=paris(DAY_TWO, 16),
                ends_at=paris(DAY_TWO, 16, 30),
            )
        ]
        db.session.add(new)
        db.session.commit()
        assert "Le métier de médiateur numérique" in client.get(programme_url(prog)).get_data(as_text=True)
        time.sleep(0.6)
        assert "Le métier de médiateur numérique" not in client.get(programme_url(prog)).get_data(as_text=True)
    finally:
        app.config["NEC_PAGE_CACHE_CHECK_SECONDS"] = 0
