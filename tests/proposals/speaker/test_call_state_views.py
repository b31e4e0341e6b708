"""Where the call stands, as visitors read it: before it opens, while it is open, once it is closed.

The event's home, its card in the list of events, the call page and the speaker's area say the same
thing with the French date in the event's time zone, and never lead to a form that cannot be sent.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nec.core.db import utcnow
from nec.proposals.models import Call, CallFormat
from tests.support.web import log_in, page_text

EV = "/nec-sud-charente"
NEXT_YEAR = utcnow().year + 1

# (opens_at, closes_at) in UTC, and the sentence a visitor reads in Paris time.
STATES = {
    "before": (
        datetime(NEXT_YEAR, 1, 1, 8, 0, tzinfo=UTC),
        datetime(NEXT_YEAR, 2, 1, 17, 0, tzinfo=UTC),
        f"L'appel à participation ouvrira le 1er janvier {NEXT_YEAR} à 09h00.",
    ),
    "open": (
        datetime(2024, 1, 1, 8, 0, tzinfo=UTC),
        datetime(NEXT_YEAR, 6, 30, 16, 0, tzinfo=UTC),
        f"L'appel à participation est ouvert jusqu'au 30 juin {NEXT_YEAR} à 18h00.",
    ),
    "closed": (
        datetime(2025, 1, 1, 8, 0, tzinfo=UTC),
        datetime(2025, 3, 3, 17, 0, tzinfo=UTC),
        "L'appel à participation est clos depuis le 3 mars 2025 à 18h00.",
    ),
}
OLD_PROMISE = "Appel à participation : proposer une session"


def _call(db, event, state: str) -> Call:
    opens_at, closes_at, _sentence = STATES[state]
    call = Call(event_id=event.id, opens_at=opens_at, closes_at=closes_at, introduction="Proposez vos ateliers.")
    call.formats = [CallFormat(format_id=f.id) for f in event.formats]
    db.session.add(call)
    db.session.commit()
    return call


@pytest.fixture
def speaker(make_user):
    return make_user("sophie@example.org", full_name="Sophie Submitter", email_confirmed_at=utcnow())


# --- the event's home and the list of events ------------------------------------------------------


def test_event_home_when_call_closed_says_since_when_and_offers_no_way_in(db, client, event):
    _call(db, event, "closed")
    text = page_text(client.get(f"{EV}/"))
    assert STATES["closed"][2] in text
    assert "Clos" in text
    assert OLD_PROMISE not in text
    assert 'href="/nec-sud-charente/call/"' not in text
    assert "Proposer une session" not in text


def test_event_home_when_call_open_says_until_when_with_the_way_in(db, client, event):
    _call(db, event, "open")
    text = page_text(client.get(f"{EV}/"))
    assert STATES["open"][2] in text
    assert 'href="/nec-sud-charente/call/">Proposer une session</a>' in text


def test_event_home_before_call_opens_says_when_it_will(db, client, event):
    _call(db, event, "before")
    text = page_text(client.get(f"{EV}/"))
    assert STATES["before"][2] in text
    assert 'href="/nec-sud-charente/call/">Lire l\'appel à participation</a>' in text
    assert "Proposer une session" not in text


def test_event_home_dates_are_in_the_event_time_zone(db, client, event):
    event.timezone = "America/Cayenne"  # UTC-3 all year
    db.session.commit()
    _call(db, event, "closed")
    text = page_text(client.get(f"{EV}/"))
    assert "L'appel à participation est clos depuis le 3 mars 2025 à 14h00." in text


def test_event_home_of_a_call_with_no_format_yet_says_nothing(db, client, event):
    call = _call(db, event, "open")
    call.formats = []
    db.session.commit()
    text = page_text(client.get(f"{EV}/"))
    assert "/call/" not in text
    assert "L'appel à participation" not in text


@pytest.mark.parametrize("state", ["before", "open", "closed"])
def test_events_list_card_says_where_the_call_stands(db, client, event, state):
    _call(db, event, state)
    text = page_text(client.get("/"))
    assert STATES[state][2] in text
    assert OLD_PROMISE not in text
    assert ('href="/nec-sud-charente/call/"' in text) is (state != "closed")


def test_events_list_reads_every_call_in_a_constant_number_of_queries(db, client, event, organiser, count_queries):
    from tests.support.events import nec_event

    _call(db, event, "open")
    client.get("/")
    with count_queries() as few:
        client.get("/")
    for n in range(3):
        other = nec_event(organiser, title=f"NEC {n}", slug=f"nec-{n}")
        _call(db, other, "closed")
    with count_queries() as many:
        text = page_text(client.get("/"))
    assert text.count("est clos depuis le 3 mars 2025") == 3
    assert many.count == few.count


# --- the call page ----------------------------------------------------------------------------------


def test_call_page_when_closed_says_so_and_where_to_go_instead(db, client, event, speaker):
    _call(db, event, "closed")
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/call/"))
    assert STATES["closed"][2] in text
    assert "il n'est plus possible d'envoyer une proposition" in text
    assert 'href="/nec-sud-charente/">Retrouver le programme' in text
    assert 'href="/nec-sud-charente/me/">Suivre mes propositions' in text
    assert "/me/proposals/new" not in text


def test_call_page_before_it_opens_says_when_to_come_back(db, client, event):
    _call(db, event, "before")
    text = page_text(client.get(f"{EV}/call/"))
    assert STATES["before"][2] in text
    assert "revenez sur cette page quand l'appel sera ouvert" in text
    assert "/me/proposals/new" not in text
    assert "Proposez vos ateliers." in text  # the introduction and the formats can be read already


def test_call_page_when_open_leads_to_the_form(db, client, event, speaker):
    _call(db, event, "open")
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/call/"))
    assert STATES["open"][2] in text
    assert 'href="/nec-sud-charente/me/proposals/new">Proposer une session' in text


# --- the speaker's area ------------------------------------------------------------------------------


def test_speaker_area_when_call_closed_says_so_and_leads_to_the_event(db, client, event, speaker):
    _call(db, event, "closed")
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/me/"))
    assert STATES["closed"][2] in text
    assert "Vous ne pouvez plus proposer de nouvelle session" in text
    assert 'href="/nec-sud-charente/">Aller à la page de l\'événement' in text
    assert "/me/proposals/new" not in text


def test_speaker_area_before_call_opens_says_when(db, client, event, speaker):
    _call(db, event, "before")
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/me/"))
    assert STATES["before"][2] + " Revenez alors pour proposer une session." in text
    assert 'href="/nec-sud-charente/call/">Lire l\'appel à participation' in text
    assert "/me/proposals/new" not in text


def test_speaker_area_when_call_open_offers_to_propose(db, client, event, speaker):
    _call(db, event, "open")
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/me/"))
    assert 'href="/nec-sud-charente/me/proposals/new">Proposer une session' in text
