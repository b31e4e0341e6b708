"""The public export URLs: /<ev>/schedule.xml, .json, .ics and /<ev>/sessions/<id>/session.ics."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import icalendar
import pytest
from lxml import etree

from nec.accounts.models import EventRole, EventRoleKind
from nec.programme.exports import services as exports
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import SessionState
from tests.programme.exports.helpers import SUMMER_DAY, build_programme, json_errors, paris, xml_errors
from tests.support.web import log_in as _log_in

URLS = ["/nec-exports/schedule.xml", "/nec-exports/schedule.json", "/nec-exports/schedule.ics"]
MEDIA_TYPES = {
    "/nec-exports/schedule.xml": "application/xml; charset=utf-8",
    "/nec-exports/schedule.json": "application/json; charset=utf-8",
    "/nec-exports/schedule.ics": "text/calendar; charset=utf-8",
}


def _guid(programme, key: str) -> str:
    return str(exports.session_guid(programme.event, programme.sessions[key].id))


def _session_ics_url(programme, key: str) -> str:
    return f"/nec-exports/sessions/{programme.sessions[key].id}/session.ics"


# --- before any release -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*URLS, "/nec-exports/sessions/1/session.ics"])
def test_exports_are_404_with_a_french_page_before_any_release(db, client, make_event, url):
    event = make_event("nec-exports")
    db.session.add(ScheduleVersion(event=event))  # a draft only: private
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "pas encore publié" in response.get_data(as_text=True)


def test_exports_of_an_unknown_event_are_404(client, app):
    assert client.get("/nec-inconnu/schedule.xml").status_code == 404


# --- what is served -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_exports_have_their_media_type_filename_etag_and_cache(db, client, make_event, url):
    build_programme(db, make_event)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == MEDIA_TYPES[url]
    extension = url.rsplit(".", 1)[1]
    assert response.headers["Content-Disposition"] == f'inline; filename="nec-exports-schedule.{extension}"'
    assert response.headers["ETag"].startswith('"v')
    assert response.cache_control.public and response.cache_control.max_age == 300


def test_schedule_xml_is_valid_and_shows_the_latest_release_only(db, client, make_event):
    programme = build_programme(db, make_event)
    body = client.get("/nec-exports/schedule.xml").data
    assert xml_errors(body) == []
    root = etree.fromstring(body)
    assert root.findtext("version") == "Version 2"
    assert {e.get("guid") for e in root.iter("event")} == {_guid(programme, "table"), _guid(programme, "workshop")}


def test_schedule_json_is_valid_and_shows_the_latest_release_only(db, client, make_event):
    programme = build_programme(db, make_event)
    body = client.get("/nec-exports/schedule.json").data
    assert json_errors(body) == []
    days = json.loads(body)["schedule"]["conference"]["days"]
    guids = {e["guid"] for day in days for events in day["rooms"].values() for e in events}
    assert guids == {_guid(programme, "table"), _guid(programme, "workshop")}


def test_schedule_urls_use_the_configured_base_url(db, client, make_event, app, monkeypatch):
    programme = build_programme(db, make_event)
    monkeypatch.setitem(app.config, "NEC_BASE_URL", "https://programme.example.net/nec/")
    root = etree.fromstring(client.get("/nec-exports/schedule.xml", base_url="http://other-host.test").data)
    assert root.findtext("url") == "https://programme.example.net/nec/nec-exports/schedule.xml"
    table = next(e for e in root.iter("event") if e.get("guid") == _guid(programme, "table"))
    assert (
        table.findtext("url")
        == f"https://programme.example.net/nec/nec-exports/sessions/{programme.sessions['table'].id}/"
    )


def test_schedule_ics_has_one_event_per_released_session(db, client, make_event):
    programme = build_programme(db, make_event)
    calendar = icalendar.Calendar.from_ical(client.get("/nec-exports/schedule.ics").data)
    starts = {str(e["SUMMARY"]): e.decoded("DTSTART").astimezone(UTC) for e in calendar.walk("VEVENT")}
    assert starts == {
        programme.sessions["table"].title: datetime(2027, 3, 27, 9, 0, tzinfo=UTC),
        programme.sessions["workshop"].title: datetime(2027, 3, 28, 12, 0, tzinfo=UTC),
    }


def test_session_ics_has_that_session_only(db, client, make_event):
    programme = build_programme(db, make_event)
    response = client.get(_session_ics_url(programme, "workshop"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    session_id = programme.sessions["workshop"].id
    assert response.headers["Content-Disposition"] == f'inline; filename="nec-exports-session-{session_id}.ics"'
    (entry,) = icalendar.Calendar.from_ical(response.data).walk("VEVENT")
    assert str(entry["UID"]) == f"{_guid(programme, 'workshop')}@nec-exports"
    assert str(entry["LOCATION"]) == "Salle virtuelle"


def test_session_ics_is_404_for_a_session_not_in_the_release(db, client, make_event):
    programme = build_programme(db, make_event)
    response = client.get(_session_ics_url(programme, "plenary"))  # only in the draft
    assert response.status_code == 404
    assert "ne figure pas dans le programme publié" in response.get_data(as_text=True)
    assert client.get("/nec-exports/sessions/99999/session.ics").status_code == 404


def test_session_ics_is_404_for_another_events_session(db, client, make_event):
    build_programme(db, make_event)
    other = build_programme(db, make_event, slug="nec-autre")
    assert client.get(f"/nec-exports/sessions/{other.sessions['table'].id}/session.ics").status_code == 404
    assert client.get(f"/nec-autre/sessions/{other.sessions['table'].id}/session.ics").status_code == 200


def test_changes_to_the_draft_never_reach_the_exports(db, client, make_event):
    programme = build_programme(db, make_event)
    before = client.get("/nec-exports/schedule.xml").data
    programme.draft.slots.append(
        Slot(session=programme.sessions["workshop"], room=programme.rooms["big"],
             starts_at=paris(SUMMER_DAY, 10), ends_at=paris(SUMMER_DAY, 12))
    )  # fmt: skip
    db.session.commit()
    assert client.get("/nec-exports/schedule.xml").data == before


# --- HTTP caching --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", URLS)
def test_exports_answer_304_to_a_matching_etag(db, client, make_event, url):
    build_programme(db, make_event)
    etag = client.get(url).headers["ETag"]
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert response.cache_control.max_age == 300


def test_exports_answer_304_to_the_weakened_etag_a_proxy_sends(db, client, make_event):
    build_programme(db, make_event)
    etag = client.get("/nec-exports/schedule.json").headers["ETag"]
    assert client.get("/nec-exports/schedule.json", headers={"If-None-Match": f"W/{etag}"}).status_code == 304


def test_exports_answer_200_to_another_etag(db, client, make_event):
    build_programme(db, make_event)
    response = client.get("/nec-exports/schedule.xml", headers={"If-None-Match": '"v1-old"'})
    assert response.status_code == 200 and response.data


def test_etag_differs_between_formats_and_sessions(db, client, make_event):
    programme = build_programme(db, make_event)
    etags = {client.get(url).headers["ETag"] for url in URLS}
    etags.add(client.get(_session_ics_url(programme, "table")).headers["ETag"])
    etags.add(client.get(_session_ics_url(programme, "workshop")).headers["ETag"])
    assert len(etags) == 5


def test_a_session_cancelled_after_the_release_changes_the_etag(db, client, make_event):
    programme = build_programme(db, make_event)
    first = client.get("/nec-exports/schedule.ics")
    programme.sessions["workshop"].state = SessionState.cancelled
    db.session.commit()
    response = client.get("/nec-exports/schedule.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    summaries = [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(response.data).walk("VEVENT")]
    assert summaries == [programme.sessions["table"].title]


def test_a_speaker_withdrawing_consent_changes_the_etag(db, client, make_event):
    programme = build_programme(db, make_event)
    first = client.get("/nec-exports/schedule.json")
    programme.speakers["alice"].publish_consent = False
    db.session.commit()
    response = client.get("/nec-exports/schedule.json", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    bio = b"Bio de Alice Durand"
    assert bio in first.data and bio not in response.data
    assert b"Alice Durand" in response.data  # her name stays


def test_a_new_release_changes_the_etag_and_the_content(db, client, make_event):
    programme = build_programme(db, make_event)
    first = client.get("/nec-exports/schedule.xml")
    newer = ScheduleVersion(event=programme.event, name="Version 3", released_at=datetime(2027, 3, 10, tzinfo=UTC))
    newer.slots = [
        Slot(session=programme.sessions["plenary"], room=programme.rooms["big"],
             starts_at=paris(SUMMER_DAY, 9), ends_at=paris(SUMMER_DAY, 10))
    ]  # fmt: skip
    db.session.add(newer)
    db.session.commit()
    response = client.get("/nec-exports/schedule.xml", headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert response.headers["ETag"] != first.headers["ETag"]
    assert [e.get("guid") for e in etree.fromstring(response.data).iter("event")] == [_guid(programme, "plenary")]


# --- who sees an unpublished event's exports --------------------------------------------------------------


def _unpublished(db, make_event, make_user):
    programme = build_programme(db, make_event)
    programme.event.is_published = False
    organiser, reviewer = make_user(), make_user()
    db.session.add_all(
        [
            EventRole(event=programme.event, user=organiser, role=EventRoleKind.organiser),
            EventRole(event=programme.event, user=reviewer, role=EventRoleKind.reviewer),
        ]
    )
    db.session.commit()
    return programme, organiser, reviewer


@pytest.mark.parametrize("url", URLS)
def test_unpublished_event_exports_are_hidden_from_anonymous_visitors(db, client, make_event, make_user, url):
    _unpublished(db, make_event, make_user)
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", URLS)
def test_unpublished_event_exports_are_hidden_from_a_stranger(db, client, make_event, make_user, url):
    _unpublished(db, make_event, make_user)
    _log_in(client, make_user())
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["organiser", "reviewer"])
def test_unpublished_event_exports_reach_the_team_without_shared_caching(db, client, make_event, make_user, role):
    _programme, organiser, reviewer = _unpublished(db, make_event, make_user)
    _log_in(client, organiser if role == "organiser" else reviewer)
    response = client.get("/nec-exports/schedule.xml")
    assert response.status_code == 200
    assert response.cache_control.private and response.cache_control.no_cache
    assert not response.cache_control.public


def test_published_exports_are_the_same_for_anonymous_and_logged_in_people(db, client, make_event, make_user):
    build_programme(db, make_event)
    anonymous = client.get("/nec-exports/schedule.json").data
    _log_in(client, make_user())
    assert client.get("/nec-exports/schedule.json").data == anonymous


# --- speed -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [*URLS, "session"])
def test_exports_run_the_same_number_of_queries_for_3_and_30_sessions(db, app, make_event, count_queries, url):
    counts = []
    for extra, slug in ((3, "nec-exports"), (30, "nec-exports-large")):
        programme = build_programme(db, make_event, extra_sessions=extra, slug=slug)
        path = _session_ics_url(programme, "table") if url == "session" else url
        path = path.replace("/nec-exports/", f"/{slug}/")
        db.session.expire_all()
        client = app.test_client()
        with count_queries() as counter:
            response = client.get(path)
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts


def test_demo_event_exports_are_served_and_valid(db, client):
    from nec import demo

    demo.load_demo(password="demo-password-for-tests")
    xml = client.get(f"/{demo.DEMO_SLUG}/schedule.xml")
    assert xml.status_code == 200 and xml_errors(xml.data) == []
    assert etree.fromstring(xml.data).findtext("conference/acronym") == "nec_sud_charente"
    json_response = client.get(f"/{demo.DEMO_SLUG}/schedule.json")
    assert json_response.status_code == 200 and json_errors(json_response.data) == []
    ics = client.get(f"/{demo.DEMO_SLUG}/schedule.ics")
    assert ics.status_code == 200 and icalendar.Calendar.from_ical(ics.data).walk("VEVENT")


def test_an_export_is_rendered_once_per_release_and_then_served_from_the_cache(db, client, make_event, count_queries):
    from nec.programme.public.cache import page_cache

    build_programme(db, make_event)
    page_cache().clear()
    with count_queries() as first_queries:
        first = client.get("/nec-exports/schedule.xml")
    with count_queries() as second_queries:
        second = client.get("/nec-exports/schedule.xml")
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Disposition"] == first.headers["Content-Disposition"]
    assert page_cache().hits == 1
    assert second_queries.count < first_queries.count  # the slots, sessions and speakers are not loaded again
    assert xml_errors(second.data) == []
