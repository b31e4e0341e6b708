"""The read-only JSON API: /api/v1/events[/<slug>[/sessions|/speakers|/rooms]]."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from nec.accounts.models import EventRole, EventRoleKind
from nec.programme.models import ScheduleVersion
from nec.proposals.models import SessionState
from tests.programme.exports.helpers import build_programme
from tests.support.web import log_in as _log_in

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "api.openapi.yaml"
BASE = "/api/v1/events/nec-exports"


@cache
def _openapi() -> dict:
    return yaml.safe_load(OPENAPI.read_text(encoding="utf-8"))


def _is_date_time(value: object) -> bool:
    try:
        return isinstance(value, str) and "T" in value and datetime.fromisoformat(value).tzinfo is not None
    except ValueError:
        return False


def schema_errors(data: object, component: str) -> list[str]:
    """Why `data` does not match the component schema of docs/api.openapi.yaml (empty when it does)."""
    document = _openapi()
    schema = {**document, "$ref": f"#/components/schemas/{component}"}
    checker = jsonschema.FormatChecker()
    checker.checks("date-time")(_is_date_time)
    validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(data)]


# --- the OpenAPI document itself ----------------------------------------------------------------------


def test_openapi_document_declares_every_route_and_valid_schemas():
    document = _openapi()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {
        "/events",
        "/events/{slug}",
        "/events/{slug}/sessions",
        "/events/{slug}/speakers",
        "/events/{slug}/rooms",
    }
    for name, schema in document["components"]["schemas"].items():
        assert name and jsonschema.Draft202012Validator.check_schema(schema) is None


def test_schema_errors_reports_a_wrong_document():
    assert schema_errors({"rooms": [{"id": "x", "name": "A", "kind": "physical", "capacity": None}]}, "RoomList")
    assert schema_errors({"error": ""}, "Error")


# --- events -------------------------------------------------------------------------------------------


def test_events_lists_published_events_only(client, make_event):
    make_event("nec-publie", title="NEC publié")
    make_event("nec-cache", published=False, title="NEC caché")
    response = client.get("/api/v1/events")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert [e["slug"] for e in data["events"]] == ["nec-publie"]
    assert data["events"][0]["api_url"].endswith("/api/v1/events/nec-publie")
    assert schema_errors(data, "EventList") == []


def test_event_detail_names_the_latest_release(client, db, make_event):
    build_programme(db, make_event)
    response = client.get(BASE)
    assert response.status_code == 200
    data = response.get_json()
    assert data["title"] == "NEC des Charentes"
    assert data["release"]["name"] == "Version 2"
    assert data["links"]["sessions"].endswith("/api/v1/events/nec-exports/sessions")
    assert schema_errors(data, "EventDetail") == []


def test_event_detail_before_any_release_has_a_null_release(client, db, make_event):
    event = make_event("nec-exports")
    db.session.add(ScheduleVersion(event=event))
    db.session.commit()
    data = client.get(BASE).get_json()
    assert data["release"] is None
    assert schema_errors(data, "EventDetail") == []


@pytest.mark.parametrize("suffix", ["", "/sessions", "/speakers", "/rooms"])
def test_unknown_event_is_a_json_404_in_french(client, app, suffix):
    response = client.get(f"/api/v1/events/nec-inconnu{suffix}")
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "n'existe pas" in response.get_json()["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert schema_errors(response.get_json(), "Error") == []


@pytest.mark.parametrize("suffix", ["", "/sessions", "/speakers", "/rooms"])
def test_unpublished_event_is_404_even_for_its_organiser(client, db, make_event, make_user, suffix):
    programme = build_programme(db, make_event)
    programme.event.is_published = False
    organiser = make_user()
    db.session.add(EventRole(event=programme.event, user=organiser, role=EventRoleKind.organiser))
    db.session.commit()
    _log_in(client, organiser)
    response = client.get(BASE + suffix)
    assert response.status_code == 404
    assert "pas publié" in response.get_json()["error"]


# --- sessions -------------------------------------------------------------------------------------------


def test_sessions_are_the_latest_release_with_offsets_and_public_speakers(client, db, make_event):
    programme = build_programme(db, make_event)
    response = client.get(BASE + "/sessions")
    assert response.status_code == 200
    data = response.get_json()
    assert schema_errors(data, "SessionList") == []
    assert data["release"]["name"] == "Version 2"
    by_id = {s["id"]: s for s in data["sessions"]}
    # The plenary is in the draft and an older release only; the lunch break is not a session.
    assert list(by_id) == [programme.sessions["table"].id, programme.sessions["workshop"].id]
    table = by_id[programme.sessions["table"].id]
    assert table["start"] == "2027-03-27T10:00:00+01:00"  # winter time
    assert table["end"] == "2027-03-27T11:15:00+01:00"
    assert table["room"] == {"id": programme.rooms["big"].id, "name": "Grande salle"}
    assert table["format"] == "Table ronde"
    assert table["theme"] == "Médiation numérique"
    assert table["language"] == "fr"
    assert table["url"].endswith(f"/nec-exports/sessions/{table['id']}/")
    # Bruno did not agree to publish his profile: named all the same (his name only).
    assert table["speakers"] == [
        {"id": programme.speakers["alice"].id, "name": "Alice Durand", "role": "moderator"},
        {"id": programme.speakers["bruno"].id, "name": "Bruno Lefèvre", "role": "panelist"},
    ]
    workshop = by_id[programme.sessions["workshop"].id]
    assert workshop["start"] == "2027-03-28T14:00:00+02:00"  # summer time
    # Denis declined his invitation to the workshop.
    assert [p["name"] for p in workshop["speakers"]] == ["Chloé Moreau"]
    body = response.get_data(as_text=True)
    assert "Bio de Bruno" not in body and "@example.org" not in body


def test_sessions_leave_out_a_session_cancelled_since_the_release(client, db, make_event):
    programme = build_programme(db, make_event)
    programme.sessions["workshop"].state = SessionState.cancelled
    db.session.commit()
    ids = [s["id"] for s in client.get(BASE + "/sessions").get_json()["sessions"]]
    assert ids == [programme.sessions["table"].id]


def test_sessions_before_any_release_are_a_json_404(client, db, make_event):
    event = make_event("nec-exports")
    db.session.add(ScheduleVersion(event=event))  # the draft is private
    db.session.commit()
    for suffix in ("/sessions", "/speakers"):
        response = client.get(BASE + suffix)
        assert response.status_code == 404
        assert "pas encore publié" in response.get_json()["error"]


@pytest.mark.parametrize("suffix", ["/sessions", "/speakers"])
def test_queries_do_not_grow_with_the_number_of_sessions(db, make_event, client, count_queries, suffix):
    counts = []
    for n, extra in enumerate((1, 28)):  # 3 and 30 sessions
        build_programme(db, make_event, extra_sessions=extra, slug=f"nec-exports-{n}")
        db.session.expire_all()
        url = f"/api/v1/events/nec-exports-{n}{suffix}"
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200
        key = suffix.strip("/")
        assert len(response.get_json()[key]) >= (2 if n == 0 else 20)
        counts.append(counter.count)
    assert counts[0] == counts[1]


# --- speakers and rooms -------------------------------------------------------------------------------------


def test_speakers_are_the_named_speakers_of_the_release(client, db, make_event):
    programme = build_programme(db, make_event)
    data = client.get(BASE + "/speakers").get_json()
    assert schema_errors(data, "SpeakerList") == []
    assert [s["name"] for s in data["speakers"]] == ["Alice Durand", "Bruno Lefèvre", "Chloé Moreau"]
    bruno = data["speakers"][1]
    assert bruno["structure"] == "" and bruno["biography"] == ""  # no consent: his name only
    alice = data["speakers"][0]
    assert alice["sessions"] == [programme.sessions["table"].id]
    assert alice["biography"] == "Bio de Alice Durand"
    assert alice["url"].endswith(f"/nec-exports/speakers/{programme.speakers['alice'].id}/")


def test_rooms_list_the_event_rooms_in_order(client, db, make_event):
    programme = build_programme(db, make_event)
    data = client.get(BASE + "/rooms").get_json()
    assert schema_errors(data, "RoomList") == []
    assert data["rooms"] == [
        {"id": programme.rooms["big"].id, "name": "Grande salle", "kind": "physical", "capacity": 120},
        {"id": programme.rooms["online"].id, "name": "Salle virtuelle", "kind": "virtual", "capacity": None},
    ]


# --- HTTP: CORS, ETag, read only -------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/sessions", "/speakers", "/rooms"])
def test_every_answer_is_readable_from_any_site_with_an_etag(client, db, make_event, suffix):
    build_programme(db, make_event)
    response = client.get(BASE + suffix, headers={"Origin": "https://autre-site.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "set-cookie" not in {k.lower() for k, _v in response.headers.items()}
    etag = response.headers["ETag"]
    again = client.get(BASE + suffix, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == etag


def test_etag_changes_when_the_sessions_change(client, db, make_event):
    programme = build_programme(db, make_event)
    etag = client.get(BASE + "/sessions").headers["ETag"]
    programme.sessions["table"].title = "Un nouveau titre"
    db.session.commit()
    response = client.get(BASE + "/sessions", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Un nouveau titre" in response.get_data(as_text=True)


def test_the_api_does_not_accept_writes(client, db, make_event):
    build_programme(db, make_event)
    assert client.post(BASE + "/sessions").status_code == 405
    assert client.delete(BASE).status_code == 405


@pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/sessions", "/api/v1/events/nec-exports/inconnu"])
def test_an_unknown_api_address_is_a_json_404(client, db, make_event, path):
    build_programme(db, make_event)
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert "n'existe pas dans l'API" in response.get_json()["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_browser_preflight_is_allowed_for_get_with_if_none_match(client, db, make_event):
    build_programme(db, make_event)
    response = client.options(
        BASE + "/sessions",
        headers={"Origin": "https://autre-site.example", "Access-Control-Request-Method": "GET"},
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Methods"] == "GET"
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
