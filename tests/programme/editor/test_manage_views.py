"""The organiser's programme editor pages: who may use them, the board, moving and placing, breaks, bad input."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time

import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.time import to_local
from nec.events.models import FormatKind
from nec.extensions import db
from nec.proposals.models import InvitationState, SessionState
from tests.programme.editor.helpers import all_slots, put, put_break
from tests.programme.small_event import SUMMER, WINTER, add_session, add_speaker, draft_slots, small_event
from tests.support.web import log_in, page_text

JSON = {"Accept": "application/json"}


def _words(response) -> str:
    """The page's text without its tags, spaces collapsed: what a screen reader would read out."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split())


@pytest.fixture
def small(organiser):
    return small_event(organiser, slug="nec-editeur")


@pytest.fixture
def reviewer(make_user, small):
    user = make_user("relecteur@example.org", full_name="Rémi Relecteur")
    db.session.add(EventRole(event=small.event, user=user, role=EventRoleKind.reviewer))
    db.session.commit()
    return user


@pytest.fixture
def speaker(make_user, small):
    """Someone who speaks at the event (with a session in the draft), and nothing more."""
    user = make_user("intervenante@example.org", full_name="Ivana Intervenante")
    profile = add_speaker(small, "Ivana Intervenante")
    profile.user_id = user.id
    db.session.commit()
    return user


@pytest.fixture
def placed(small):
    """Two sessions, one of them in the draft, and a coffee break."""
    a = add_session(small, "Le métier de médiateur")
    b = add_session(small, "Financer l'inclusion")
    slot = put(small, a, "Grande salle", SUMMER, time(10), time(11))
    coffee = put_break(small, "Pause café", SUMMER, time(15), time(15, 30))
    return {"a": a, "b": b, "slot": slot, "coffee": coffee}


def _base(small) -> str:
    return f"/{small.event.slug}/manage/programme"


def _gets(small, placed) -> list[str]:
    base = _base(small)
    return [
        f"{base}/",
        f"{base}/grid.css",
        f"{base}/sessions/{placed['a'].id}/place",
        f"{base}/sessions/{placed['b'].id}/preview?day=2026-03-29&room={placed['slot'].room_id}&start=10:30",
        f"{base}/breaks/new",
        f"{base}/breaks/{placed['coffee'].id}/edit",
    ]


def _posts(small, placed) -> list[tuple[str, dict]]:
    base = _base(small)
    b = placed["b"].id
    room = small.rooms["Petite salle"].id
    return [
        (f"{base}/sessions/{b}/move", {"room": room, "starts_at": "2026-03-29T14:00"}),
        (f"{base}/sessions/{b}/place", {"day": "2026-03-29", "room": room, "start": "14:00", "pinned": "y"}),
        (f"{base}/sessions/{placed['a'].id}/unschedule", {}),
        (f"{base}/breaks/new", {"title": "Pause", "day": "2026-03-29", "start": "16:00", "end": "16:15"}),
        (
            f"{base}/breaks/{placed['coffee'].id}/edit",
            {"title": "Pause", "day": "2026-03-29", "start": "16:00", "end": "16:15"},
        ),
        (f"{base}/breaks/{placed['coffee'].id}/delete", {}),
    ]


# --- who may use the editor ----------------------------------------------------------------------------------


def test_editor_sends_anonymous_people_to_the_login(client, small, placed):
    before = all_slots(small.event)
    for url in _gets(small, placed):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url, data in _posts(small, placed):
        response = client.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    assert all_slots(small.event) == before


@pytest.mark.parametrize("who", ["stranger", "reviewer", "speaker"])
def test_editor_is_forbidden_to_others_than_organisers(client, small, placed, request, who):
    log_in(client, request.getfixturevalue(who))
    before = all_slots(small.event)
    for url in _gets(small, placed):
        assert client.get(url).status_code == 403, url
    for url, data in _posts(small, placed):
        assert client.post(url, data=data).status_code == 403, url
        assert client.post(url, data=data, headers=JSON).status_code == 403, url
    assert all_slots(small.event) == before


def test_editor_works_for_the_organiser(client, organiser, small, placed):
    log_in(client, organiser)
    for url in _gets(small, placed):
        assert client.get(url).status_code == 200, url
    for url, data in _posts(small, placed):
        response = client.post(url, data=data)
        assert response.status_code == 302, url
        assert f"{_base(small)}/" in response.headers["Location"], url
    rows = draft_slots(small.event)
    assert [(s.session_id, s.title) for s in rows] == [(placed["b"].id, ""), (None, "Pause")]


def test_an_administrator_may_use_the_editor(client, make_user, small, placed):
    log_in(client, make_user("admin@example.org", is_admin=True))

    assert client.get(f"{_base(small)}/").status_code == 200


# --- another event's sessions and breaks ------------------------------------------------------------------------


def test_a_session_of_another_event_is_not_found(client, organiser, small, placed):
    other = small_event(organiser, slug="nec-autre")
    foreign = add_session(other, "Ailleurs")
    put(other, foreign, "Grande salle", SUMMER, time(10), time(11))
    before = all_slots(small.event) + all_slots(other.event)
    log_in(client, organiser)
    base = _base(small)
    room = small.rooms["Petite salle"].id

    for session_id in (foreign.id, 999999):
        move = {"room": room, "starts_at": "2026-03-29T14:00"}
        assert client.post(f"{base}/sessions/{session_id}/move", data=move).status_code == 404
        assert client.post(f"{base}/sessions/{session_id}/move", data=move, headers=JSON).status_code == 404
        assert client.get(f"{base}/sessions/{session_id}/place").status_code == 404
        place = {"day": "2026-03-29", "room": room, "start": "14:00"}
        assert client.post(f"{base}/sessions/{session_id}/place", data=place).status_code == 404
        assert client.post(f"{base}/sessions/{session_id}/unschedule").status_code == 404
        assert client.post(f"{base}/sessions/{session_id}/unschedule", headers=JSON).status_code == 404
    assert all_slots(small.event) + all_slots(other.event) == before


def test_a_break_of_another_event_or_a_session_slot_is_not_a_break_here(client, organiser, small, placed):
    other = small_event(organiser, slug="nec-autre")
    foreign = put_break(other, "Pause ailleurs", SUMMER, time(15), time(15, 30))
    before = all_slots(small.event) + all_slots(other.event)
    log_in(client, organiser)
    base = _base(small)
    data = {"title": "Volée", "day": "2026-03-29", "start": "16:00", "end": "16:15"}

    for break_id in (foreign.id, placed["slot"].id, 999999):
        assert client.get(f"{base}/breaks/{break_id}/edit").status_code == 404
        assert client.post(f"{base}/breaks/{break_id}/edit", data=data).status_code == 404
        assert client.post(f"{base}/breaks/{break_id}/delete").status_code == 404
    assert all_slots(small.event) + all_slots(other.event) == before


# --- the board --------------------------------------------------------------------------------------------------


def test_board_shows_the_grid_the_sessions_to_place_and_the_warnings(client, organiser, small, placed):
    add_session(small, "Pas encore sûr", state=SessionState.accepted)
    add_session(small, "Proposée seulement", state=SessionState.submitted)
    small.rooms["Petite salle"].is_accessible = False
    needs = add_session(small, "Atelier de plain-pied")
    needs.needs_accessible_room = True
    db.session.commit()
    put(small, needs, "Petite salle", SUMMER, time(10), time(11))
    log_in(client, organiser)

    response = client.get(f"{_base(small)}/?day=2026-03-29")

    assert response.status_code == 200
    text = page_text(response)
    assert "Avertissements (1)" in text
    assert (
        "Salle non accessible : « Atelier de plain-pied » demande une salle accessible (de plain-pied), "
        "et « Petite salle » ne l'est pas."
    ) in _words(response)
    assert "Sessions à placer (2)" in text
    assert "Financer l'inclusion" in text and "Pas encore sûr" in text and "Proposée seulement" not in text
    assert f'href="{_base(small)}/sessions/{placed["b"].id}/place"' in text
    assert "Le métier de médiateur" in text and "Pause café" in text and "Déjeuner" in text
    assert 'data-starts-at="2026-03-29T09:00"' in text and 'data-starts-at="2026-03-28T09:00"' not in text
    assert f'data-room="{small.rooms["Grande salle"].id}"' in text
    assert f'href="{_base(small)}/grid.css"' in text and "js/editor.js" in text
    assert 'name="csrf_token"' in text


def test_board_shows_the_first_day_for_a_missing_or_unknown_day(client, organiser, small, placed):
    log_in(client, organiser)
    for query in ("", "?day=2020-01-01", "?day=n'importe quoi", "?day=2026-13-45"):
        response = client.get(f"{_base(small)}/{query}")
        assert response.status_code == 200, query
        assert 'data-starts-at="2026-03-28T09:00"' in page_text(response), query


def test_board_of_an_event_without_days_or_rooms(client, organiser, make_event):
    event = make_event("nec-vide")
    db.session.add(EventRole(event=event, user=organiser, role=EventRoleKind.organiser))
    db.session.commit()
    log_in(client, organiser)

    response = client.get(f"/{event.slug}/manage/programme/")

    assert response.status_code == 200
    assert "L'événement n'a pas encore de jour." in page_text(response)


def test_board_shows_the_double_booked_speaker_after_two_moves(client, organiser, small):
    ana = add_speaker(small, "Ana Morel")
    first = add_session(small, "Le métier de médiateur", speakers=[ana])
    second = add_session(small, "Financer l'inclusion", speakers=[ana])
    log_in(client, organiser)
    base = _base(small)

    text = page_text(client.get(f"{base}/"))
    assert "Avertissements (0)" in text and "Sessions à placer (2)" in text

    one = client.post(
        f"{base}/sessions/{first.id}/move",
        data={"room": small.rooms["Grande salle"].id, "starts_at": "2026-03-29T10:00"},
        headers=JSON,
    )
    assert one.status_code == 200 and one.get_json()["warnings"] == []
    two = client.post(
        f"{base}/sessions/{second.id}/move",
        data={"room": small.rooms["Petite salle"].id, "starts_at": "2026-03-29T10:30"},
        headers=JSON,
    )

    expected = (
        "Ana Morel est prévu·e à deux endroits en même temps : « Le métier de médiateur » et "
        "« Financer l'inclusion » (dimanche 29 mars, 10h30–11h30)."
    )
    assert two.status_code == 200
    assert two.get_json() == {
        "ok": True,
        "message": "« Financer l'inclusion » est placée dans « Petite salle », dimanche 29 mars à 10h30.",
        "warnings": [expected],
    }
    board = client.get(f"{base}/?day=2026-03-29")
    assert "Avertissements (1)" in page_text(board) and "Sessions à placer (0)" in page_text(board)
    assert f"Personne à deux endroits : {expected}" in _words(board)


def test_board_runs_the_same_number_of_queries_for_5_and_40_sessions(client, organiser, small, count_queries):
    people = [add_speaker(small, f"Personne {n}", [(SUMMER, time(9), time(17))]) for n in range(4)]

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            session = add_session(small, f"Session {n}", speakers=[people[n % 4], people[(n + 1) % 4]], seats=10)
            room = "Grande salle" if n % 2 else "Petite salle"
            start = 9 * 60 + (n // 2) * 10
            put(small, session, room, SUMMER, time(*divmod(start, 60)), time(*divmod(start + 10, 60)))
            add_session(small, f"À placer {n}", speakers=[people[n % 4]])

    def board_queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            response = client.get(f"{_base(small)}/?day=2026-03-29")
        assert response.status_code == 200
        return counter.count

    log_in(client, organiser)
    add(5, 0)
    few = board_queries()
    add(35, 5)
    many = board_queries()

    assert many == few
    assert "Sessions à placer (40)" in page_text(client.get(f"{_base(small)}/?day=2026-03-29"))


def test_grid_css_is_a_stylesheet(client, organiser, small):
    log_in(client, organiser)

    response = client.get(f"{_base(small)}/grid.css")

    assert response.status_code == 200
    assert response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert ".ed-r-2{grid-row-start:2}" in css and ".ed-c-3{grid-column-start:3}" in css
    assert ".ed-lane-1-2{" in css


# --- moving (the grid's script) ---------------------------------------------------------------------------------


def test_move_answers_json_with_the_message_and_the_warnings(client, organiser, small, placed):
    log_in(client, organiser)
    b = placed["b"]

    response = client.post(
        f"{_base(small)}/sessions/{b.id}/move",
        data={"room": small.rooms["Grande salle"].id, "starts_at": "2026-03-29T10:30"},
        headers=JSON,
    )

    assert response.status_code == 200
    assert response.get_json() == {
        "ok": True,
        "message": "« Financer l'inclusion » est placée dans « Grande salle », dimanche 29 mars à 10h30.",
        "warnings": [
            "« Grande salle » accueille en même temps « Le métier de médiateur » et « Financer l'inclusion » "
            "(dimanche 29 mars, 10h30–11h30)."
        ],
    }
    slot = next(s for s in draft_slots(small.event) if s.session_id == b.id)
    assert slot.room_id == small.rooms["Grande salle"].id and slot.is_pinned
    assert (slot.starts_at, slot.ends_at) == (
        datetime(2026, 3, 29, 8, 30, tzinfo=UTC),
        datetime(2026, 3, 29, 9, 30, tzinfo=UTC),
    )


def test_move_without_json_redirects_to_the_day_with_a_message(client, organiser, small, placed):
    log_in(client, organiser)

    response = client.post(
        f"{_base(small)}/sessions/{placed['a'].id}/move",
        data={"room": small.rooms["Petite salle"].id, "starts_at": "2026-03-28T09:00"},
    )

    assert response.status_code == 302
    # The board opens on the moved card's link (the browser focuses it).
    assert response.headers["Location"].endswith(f"{_base(small)}/?day=2026-03-28#slot-session-{placed['a'].id}")
    board = client.get(response.headers["Location"])
    assert f'id="slot-session-{placed["a"].id}"' in board.get_data(as_text=True)
    text = page_text(board)
    assert "« Le métier de médiateur » est placée dans « Petite salle », samedi 28 mars à 09h00." in text
    [slot] = [s for s in draft_slots(small.event) if s.session_id is not None]
    assert slot.id == placed["slot"].id and slot.starts_at == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)


def test_preview_answers_the_warnings_of_a_place_as_json_and_saves_nothing(client, organiser, small, placed):
    log_in(client, organiser)
    before = all_slots(small.event)
    url = f"{_base(small)}/sessions/{placed['b'].id}/preview"
    room = small.rooms["Grande salle"].id

    clash = client.get(url, query_string={"day": "2026-03-29", "room": room, "start": "10:30"})
    clean = client.get(url, query_string={"day": "2026-03-29", "room": room, "start": "16:00"})
    bad = client.get(url, query_string={"day": "2026-03-29", "room": room, "start": "25:99"})

    assert clash.status_code == 200 and clash.json["ok"] is True
    assert clash.json["warnings"] == [
        "« Grande salle » accueille en même temps « Le métier de médiateur » et « Financer l'inclusion » "
        "(dimanche 29 mars, 10h30–11h30)."
    ]
    assert clean.json == {"ok": True, "warnings": []}
    assert bad.status_code == 400 and bad.json == {"ok": False, "message": "L'heure doit s'écrire comme 14:30."}
    assert all_slots(small.event) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"room": "abc", "starts_at": "2026-03-29T14:00"}, "Choisissez une des salles de l'événement."),
        ({"room": "999999", "starts_at": "2026-03-29T14:00"}, "Choisissez une des salles de l'événement."),
        ({"starts_at": "2026-03-29T14:00"}, "Choisissez une des salles de l'événement."),
        ({"room": "GRANDE", "starts_at": "garbage"}, "Le jour et l'heure doivent s'écrire comme 2021-01-28T14:30."),
        (
            {"room": "GRANDE", "starts_at": "2026-03-29T25:99"},
            "Le jour et l'heure doivent s'écrire comme 2021-01-28T14:30.",
        ),
        ({"room": "GRANDE"}, "Le jour et l'heure doivent s'écrire comme 2021-01-28T14:30."),
        ({"room": "GRANDE", "starts_at": "2020-01-01T10:00"}, "Choisissez un des jours de l'événement."),
        ({}, "Choisissez une des salles de l'événement."),
    ],
)
def test_move_refuses_bad_input_in_french_and_changes_nothing(client, organiser, small, placed, data, message):
    if data.get("room") == "GRANDE":
        data = {**data, "room": small.rooms["Grande salle"].id}
    log_in(client, organiser)
    before = all_slots(small.event)
    url = f"{_base(small)}/sessions/{placed['a'].id}/move"

    response = client.post(url, data=data, headers=JSON)

    assert response.status_code == 400
    assert response.get_json() == {"ok": False, "message": message}
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert message in page_text(client.get(response.headers["Location"]))
    assert all_slots(small.event) == before


def test_move_refuses_a_room_of_another_event(client, organiser, small, placed):
    other = small_event(organiser, slug="nec-autre")
    log_in(client, organiser)
    before = all_slots(small.event)

    response = client.post(
        f"{_base(small)}/sessions/{placed['b'].id}/move",
        data={"room": other.rooms["Grande salle"].id, "starts_at": "2026-03-29T14:00"},
        headers=JSON,
    )

    assert response.status_code == 400
    assert response.get_json()["message"] == "Choisissez une des salles de l'événement."
    assert all_slots(small.event) == before


def test_move_refuses_a_cancelled_session_in_french(client, organiser, small, placed):
    cancelled = add_session(small, "Annulée hier", state=SessionState.cancelled)
    log_in(client, organiser)
    before = all_slots(small.event)

    response = client.post(
        f"{_base(small)}/sessions/{cancelled.id}/move",
        data={"room": small.rooms["Grande salle"].id, "starts_at": "2026-03-29T14:00"},
        headers=JSON,
    )

    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "« Annulée hier » est « Annulée » : seules les sessions acceptées ou confirmées peuvent être placées "
        "dans le programme."
    )
    assert all_slots(small.event) == before


def test_move_without_csrf_token_is_refused_in_real_runs(client, organiser, small, placed, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    log_in(client, organiser)
    before = all_slots(small.event)
    url = f"{_base(small)}/sessions/{placed['b'].id}/move"
    data = {"room": small.rooms["Petite salle"].id, "starts_at": "2026-03-29T14:00"}

    assert client.post(url, data=data, headers=JSON).status_code == 400
    assert client.post(url, data={**data, "csrf_token": "faux"}, headers=JSON).status_code == 400
    assert client.post(f"{_base(small)}/sessions/{placed['a'].id}/unschedule").status_code == 400
    assert all_slots(small.event) == before

    # With the token the board gives the script, the same move goes through.
    board = page_text(client.get(f"{_base(small)}/"))
    token = re.search(r'id="editor-csrf".*?name="csrf_token" value="([^"]+)"', board, re.S).group(1)
    response = client.post(url, data={**data, "csrf_token": token}, headers=JSON)
    assert response.status_code == 200 and response.get_json()["ok"] is True
    assert placed["b"].id in [s.session_id for s in draft_slots(small.event)]


# --- placing from lists (no dragging) ---------------------------------------------------------------------------


def _place_url(small, session) -> str:
    return f"{_base(small)}/sessions/{session.id}/place"


def test_place_page_shows_the_lists_filled_with_the_current_place(client, organiser, small, placed):
    log_in(client, organiser)

    response = client.get(_place_url(small, placed["a"]))

    assert response.status_code == 200
    text = page_text(response)
    assert "Placer « Le métier de médiateur »" in text
    assert '<option selected value="2026-03-29">' in text
    assert f'<option selected value="{small.rooms["Grande salle"].id}">' in text
    assert '<option selected value="10:00">' in text
    assert '<label for="day">' in text and '<label for="room">' in text and '<label for="start">' in text
    assert "Vérifier sans enregistrer" in text and "Retirer du programme" in text


def test_place_page_of_a_session_to_place(client, organiser, small, placed):
    log_in(client, organiser)

    text = page_text(client.get(_place_url(small, placed["b"])))

    assert "pas encore placée" in text and "Retirer du programme" not in text


def test_place_saves_the_place_and_the_pin(client, organiser, small, placed):
    log_in(client, organiser)
    b = placed["b"]

    response = client.post(
        _place_url(small, b),
        data={"day": "2026-03-28", "room": small.rooms["Petite salle"].id, "start": "10:15", "action": "save"},
    )

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/?day=2026-03-28#slot-session-{b.id}")  # opens on its card
    assert "« Financer l'inclusion » est placée dans « Petite salle », samedi 28 mars à 10h15." in page_text(
        client.get(response.headers["Location"])
    )
    slot = next(s for s in draft_slots(small.event) if s.session_id == b.id)
    assert (slot.room_id, slot.starts_at, slot.is_pinned) == (
        small.rooms["Petite salle"].id,
        datetime(2026, 3, 28, 9, 15, tzinfo=UTC),
        False,  # the box was not ticked
    )

    client.post(
        _place_url(small, b),
        data={"day": "2026-03-28", "room": small.rooms["Petite salle"].id, "start": "10:15", "pinned": "y"},
    )
    assert next(s for s in draft_slots(small.event) if s.session_id == b.id).is_pinned is True


def test_place_check_shows_the_warnings_and_saves_nothing(client, organiser, small, placed):
    log_in(client, organiser)
    before = all_slots(small.event)
    data = {"day": "2026-03-29", "room": small.rooms["Grande salle"].id, "start": "10:30", "action": "check"}

    response = client.post(_place_url(small, placed["b"]), data=data)

    assert response.status_code == 200
    text = page_text(response)
    assert "Vérification de la nouvelle place (rien n'est encore enregistré)" in text
    assert (
        "« Grande salle » accueille en même temps « Le métier de médiateur » et « Financer l'inclusion » "
        "(dimanche 29 mars, 10h30–11h30)."
    ) in text
    assert "Vous pouvez la placer quand même" in text
    assert '<option selected value="10:30">' in text  # the choice stays in the lists
    assert all_slots(small.event) == before

    clean = client.post(_place_url(small, placed["b"]), data={**data, "start": "16:00"})
    assert "Aucun avertissement à cette place." in page_text(clean)
    assert all_slots(small.event) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "2026-03-29", "room": "GRANDE", "start": "25:99"}, "L'heure doit s'écrire comme 14:30."),
        ({"day": "2026-03-29", "room": "GRANDE", "start": "garbage"}, "L'heure doit s'écrire comme 14:30."),
        ({"day": "2020-01-01", "room": "GRANDE", "start": "10:00"}, "Choisissez un des jours de l'événement."),
        ({"day": "n'importe", "room": "GRANDE", "start": "10:00"}, "Choisissez un des jours de l'événement."),
        ({"day": "2026-03-29", "room": "abc", "start": "10:00"}, "Choisissez une des salles de l'événement."),
        ({"day": "2026-03-29", "room": "999999", "start": "10:00"}, "Choisissez une des salles de l'événement."),
        ({"room": "GRANDE", "start": "10:00"}, "Choisissez le jour."),
        ({"day": "2026-03-29", "start": "10:00"}, "Choisissez la salle."),
        ({"day": "2026-03-29", "room": "GRANDE"}, "Choisissez l'heure de début."),
    ],
)
@pytest.mark.parametrize("action", ["save", "check"])
def test_place_refuses_bad_input_in_french_and_changes_nothing(client, organiser, small, placed, data, message, action):
    if data.get("room") == "GRANDE":
        data = {**data, "room": small.rooms["Grande salle"].id}
    log_in(client, organiser)
    before = all_slots(small.event)

    response = client.post(_place_url(small, placed["b"]), data={**data, "action": action})

    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert 'aria-invalid="true"' in text
    assert 'id="preview-title"' not in text  # no check result shown
    assert all_slots(small.event) == before


def test_place_refuses_a_rejected_session_in_french(client, organiser, small, placed):
    rejected = add_session(small, "Refusée au comité", state=SessionState.rejected)
    log_in(client, organiser)
    before = all_slots(small.event)

    response = client.post(
        _place_url(small, rejected),
        data={"day": "2026-03-29", "room": small.rooms["Grande salle"].id, "start": "14:00"},
    )

    assert response.status_code == 422
    assert (
        "« Refusée au comité » est « Refusée » : seules les sessions acceptées ou confirmées peuvent être placées "
        "dans le programme."
    ) in page_text(response)
    assert all_slots(small.event) == before


@pytest.mark.parametrize(
    "method, path",
    [("GET", "place"), ("POST", "place"), ("GET", "preview"), ("POST", "move"), ("POST", "unschedule")],
)
def test_editor_does_not_open_a_speakers_draft(client, organiser, small, placed, method, path):
    """A draft belongs to its author alone: the editor answers 404, as for a session of another event."""
    draft = add_session(small, "Mon brouillon secret", state=SessionState.draft)
    log_in(client, organiser)
    before = all_slots(small.event)
    data = {"day": "2026-03-29", "room": small.rooms["Grande salle"].id, "start": "14:00"}
    url = f"{_base(small)}/sessions/{draft.id}/{path}"
    if path == "move":
        data = {"room": small.rooms["Grande salle"].id, "starts_at": "2026-03-29T14:00"}

    response = client.open(
        url, method=method, data=data if method == "POST" else None, query_string=(data if method == "GET" else None)
    )

    assert response.status_code == 404
    assert "Mon brouillon secret" not in page_text(response)
    assert all_slots(small.event) == before


def test_place_page_lists_the_warnings_at_the_current_place(client, organiser, small, placed):
    plenary = add_session(small, "Grande ouverture", kind=FormatKind.plenary)
    put(small, plenary, "Petite salle", SUMMER, time(10, 30), time(11, 30))
    log_in(client, organiser)

    text = page_text(client.get(_place_url(small, placed["a"])))

    assert "Avertissements à sa place actuelle" in text
    assert "« Le métier de médiateur » a lieu pendant la plénière « Grande ouverture »" in text


# --- unscheduling -----------------------------------------------------------------------------------------------


def test_unschedule_takes_the_session_out_and_says_so(client, organiser, small, placed):
    log_in(client, organiser)

    slot = next(s for s in draft_slots(small.event) if s.session_id == placed["a"].id)
    day = to_local(slot.starts_at, small.event.timezone).date()
    response = client.post(f"{_base(small)}/sessions/{placed['a'].id}/unschedule")

    assert response.status_code == 302
    # Back to its day, on its card among the sessions to place.
    assert response.headers["Location"].endswith(
        f"/manage/programme/?day={day.isoformat()}#unplaced-session-{placed['a'].id}"
    )
    board = client.get(response.headers["Location"])
    assert f'id="unplaced-session-{placed["a"].id}"' in board.get_data(as_text=True)
    text = page_text(board)
    assert "« Le métier de médiateur » est retirée du programme : elle attend dans les sessions à placer." in text
    assert "Sessions à placer (2)" in text
    assert [s.title for s in draft_slots(small.event)] == ["Pause café"]


def test_unschedule_answers_json(client, organiser, small, placed):
    log_in(client, organiser)
    url = f"{_base(small)}/sessions/{placed['a'].id}/unschedule"

    response = client.post(url, headers=JSON)

    assert response.status_code == 200
    assert response.get_json() == {
        "ok": True,
        "message": "« Le métier de médiateur » est retirée du programme : elle attend dans les sessions à placer.",
        "warnings": [],
    }
    again = client.post(url, headers=JSON)
    assert again.status_code == 400
    assert again.get_json() == {"ok": False, "message": "« Le métier de médiateur » n'est pas dans le programme."}


def test_unschedule_of_a_session_not_in_the_programme_says_so(client, organiser, small, placed):
    log_in(client, organiser)
    before = all_slots(small.event)

    response = client.post(f"{_base(small)}/sessions/{placed['b'].id}/unschedule")

    assert response.status_code == 302
    assert "« Financer l'inclusion » n'est pas dans le programme." in page_text(
        client.get(response.headers["Location"])
    )
    assert all_slots(small.event) == before


# --- breaks -----------------------------------------------------------------------------------------------------


def test_new_break_is_added_for_all_rooms(client, organiser, small):
    log_in(client, organiser)
    form = page_text(client.get(f"{_base(small)}/breaks/new?day=2026-03-29"))
    assert '<option selected value="2026-03-29">' in form and '<label for="title">' in form

    response = client.post(
        f"{_base(small)}/breaks/new",
        data={"title": " Pause   café ", "day": "2026-03-29", "start": "15:00", "end": "15:30"},
    )

    assert response.status_code == 302 and response.headers["Location"].endswith("/?day=2026-03-29")
    assert "La pause « Pause café » est enregistrée." in page_text(client.get(response.headers["Location"]))
    [slot] = draft_slots(small.event)
    assert (slot.title, slot.session_id, slot.room_id) == ("Pause café", None, None)
    assert (slot.starts_at, slot.ends_at) == (
        datetime(2026, 3, 29, 13, 0, tzinfo=UTC),
        datetime(2026, 3, 29, 13, 30, tzinfo=UTC),
    )


def test_edit_break_shows_its_values_and_saves_them(client, organiser, small, placed):
    log_in(client, organiser)
    url = f"{_base(small)}/breaks/{placed['coffee'].id}/edit"
    form = page_text(client.get(url))
    assert 'value="Pause café"' in form and '<option selected value="15:30">' in form

    response = client.post(url, data={"title": "Pause thé", "day": "2026-03-28", "start": "10:30", "end": "10:45"})

    assert response.status_code == 302
    [slot] = [s for s in draft_slots(small.event) if s.session_id is None]
    assert (slot.id, slot.title, slot.starts_at) == (
        placed["coffee"].id,
        "Pause thé",
        datetime(2026, 3, 28, 9, 30, tzinfo=UTC),
    )


def test_delete_break(client, organiser, small, placed):
    log_in(client, organiser)

    response = client.post(f"{_base(small)}/breaks/{placed['coffee'].id}/delete")

    assert response.status_code == 302 and response.headers["Location"].endswith("/?day=2026-03-29")
    assert "La pause « Pause café » est supprimée." in page_text(client.get(response.headers["Location"]))
    assert [s.title for s in draft_slots(small.event) if s.session_id is None] == []


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "day": "2026-03-29", "start": "15:00", "end": "15:30"}, "Donnez un nom à la pause"),
        ({"title": "   ", "day": "2026-03-29", "start": "15:00", "end": "15:30"}, "Donnez un nom à la pause"),
        ({"title": "x" * 201, "day": "2026-03-29", "start": "15:00", "end": "15:30"}, "200 caractères au plus"),
        (
            {"title": "Pause", "day": "2026-03-29", "start": "15:30", "end": "15:00"},
            "La fin de la pause doit venir après son début.",
        ),
        (
            {"title": "Pause", "day": "2026-03-29", "start": "15:00", "end": "15:00"},
            "La fin de la pause doit venir après son début.",
        ),
        (
            {"title": "Pause", "day": "2026-03-29", "start": "25:99", "end": "15:30"},
            "L'heure doit s'écrire comme 14:30.",
        ),
        (
            {"title": "Pause", "day": "2026-03-29", "start": "15:00", "end": "nuit"},
            "L'heure doit s'écrire comme 14:30.",
        ),
        (
            {"title": "Pause", "day": "2020-01-01", "start": "15:00", "end": "15:30"},
            "Choisissez un des jours de l'événement.",
        ),
        ({"title": "Pause", "start": "15:00", "end": "15:30"}, "Choisissez le jour."),
        ({"title": "Pause", "day": "2026-03-29", "end": "15:30"}, "Choisissez l'heure de début."),
        ({"title": "Pause", "day": "2026-03-29", "start": "15:00"}, "Choisissez l'heure de fin."),
    ],
)
def test_break_form_refuses_bad_input_in_french_and_changes_nothing(client, organiser, small, placed, data, message):
    log_in(client, organiser)
    before = all_slots(small.event)

    for url in (f"{_base(small)}/breaks/new", f"{_base(small)}/breaks/{placed['coffee'].id}/edit"):
        response = client.post(url, data=data)
        assert response.status_code == 422, url
        text = page_text(response)
        assert message in text, url
        assert 'aria-invalid="true"' in text, url
    assert all_slots(small.event) == before


def test_break_form_shows_a_bad_end_time_next_to_the_end_list(client, organiser, small):
    log_in(client, organiser)

    response = client.post(
        f"{_base(small)}/breaks/new", data={"title": "Pause", "day": "2026-03-29", "start": "15:00", "end": "nuit"}
    )

    assert response.status_code == 422
    text = page_text(response)
    assert '<p class="field-error" id="end-error">L\'heure doit s\'écrire comme 14:30.</p>' in text
    assert 'id="start-error"' not in text
    assert draft_slots(small.event) == []


def test_the_break_shows_on_the_board_with_its_links(client, organiser, small, placed):
    log_in(client, organiser)

    text = page_text(client.get(f"{_base(small)}/?day=2026-03-29"))

    assert f'href="{_base(small)}/breaks/{placed["coffee"].id}/edit"' in text
    assert f'action="{_base(small)}/breaks/{placed["coffee"].id}/delete"' in text
    assert "15h00–15h30" in text


def test_winter_and_summer_days_show_the_same_local_hours(client, organiser, small):
    log_in(client, organiser)
    winter = add_session(small, "En hiver")
    summer = add_session(small, "En été")
    base = _base(small)
    for session, starts_at in ((winter, "2026-03-28T10:00"), (summer, "2026-03-29T10:00")):
        response = client.post(
            f"{base}/sessions/{session.id}/move",
            data={"room": small.rooms["Grande salle"].id, "starts_at": starts_at},
            headers=JSON,
        )
        assert response.status_code == 200 and response.get_json()["warnings"] == []

    starts = {s.session_id: s.starts_at for s in draft_slots(small.event)}
    assert starts == {
        winter.id: datetime(2026, 3, 28, 9, 0, tzinfo=UTC),  # UTC+1
        summer.id: datetime(2026, 3, 29, 8, 0, tzinfo=UTC),  # UTC+2
    }
    for day in (WINTER, SUMMER):
        text = page_text(client.get(f"{base}/?day={day.isoformat()}"))
        assert "10h00–11h00" in text, day


def test_board_warns_of_a_round_table_left_with_one_panelist(client, organiser, small):
    ana, ben = add_speaker(small, "Ana Morel"), add_speaker(small, "Ben Roux")
    table = add_session(small, "Financer son EPN", kind=FormatKind.round_table, speakers=[ana, ben])
    put(small, table, "Grande salle", SUMMER, time(10), time(11))
    table.speakers[1].invitation_state = InvitationState.declined
    db.session.commit()
    log_in(client, organiser)

    response = client.get(f"{_base(small)}/?day=2026-03-29")

    assert "Avertissements (1)" in page_text(response)
    assert (
        "Nombre d'intervenant·es hors du format : « Financer son EPN » — Table ronde : "
        "2 à 5 intervenant·es attendu·es, 1 seul·e prévu·e."
    ) in _words(response)
