"""The exports of a released programme: frab XML and JSON valid against the c3voc schemas, iCalendar."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from lxml import etree

from nec.programme.exports import services as exports
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.releases.versions import latest_release, release_slots
from nec.proposals.models import SessionState
from tests.programme.exports.helpers import (
    SUMMER_DAY,
    WINTER_DAY,
    build_programme,
    json_errors,
    paris,
    xml_errors,
)

BASE_URL = "https://nec.example.org"


def _schedule(programme, version=None):
    version = version or latest_release(programme.event)
    return exports.build_schedule(programme.event, version, release_slots(version), BASE_URL)


def _render(programme, name: str, version=None) -> bytes:
    return exports.get_exporter(name).render(_schedule(programme, version))


def _xml_events(document: bytes) -> dict[str, etree._Element]:
    return {e.get("guid"): e for e in etree.fromstring(document).iter("event")}


def _json_events(document: bytes) -> dict[str, dict]:
    days = json.loads(document)["schedule"]["conference"]["days"]
    return {e["guid"]: e for day in days for events in day["rooms"].values() for e in events}


def _guid(programme, key: str) -> str:
    return str(exports.session_guid(programme.event, programme.sessions[key].id))


# --- the release lookup ---------------------------------------------------------------------------------


def test_latest_release_is_none_with_only_a_draft(db, make_event):
    event = make_event()
    db.session.add(ScheduleVersion(event=event))
    db.session.commit()
    assert latest_release(event) is None


def test_latest_release_is_the_most_recently_released_version(db, make_event):
    programme = build_programme(db, make_event)
    assert latest_release(programme.event).id == programme.release.id
    newer = ScheduleVersion(event=programme.event, name="Version 3", released_at=datetime(2027, 3, 2, tzinfo=UTC))
    db.session.add(newer)
    db.session.commit()
    assert latest_release(programme.event).id == newer.id


def test_latest_release_ignores_other_events(db, make_event):
    build_programme(db, make_event)
    other = make_event()
    assert latest_release(other) is None


def test_release_slots_are_the_versions_own_in_time_order(db, make_event):
    programme = build_programme(db, make_event)
    slots = release_slots(programme.release)
    assert [s.session.title if s.session else s.title for s in slots] == [
        "Le métier de médiateur·rice numérique",
        "Pause déjeuner",
        "Financer son tiers-lieu",
    ]


def _touch_everything(slots: list[Slot]) -> list[str]:
    seen = []
    for slot in slots:
        seen.append(slot.room.name if slot.room else "")
        if slot.session:
            seen += [slot.session.format.name, slot.session.theme.name if slot.session.theme else ""]
            seen += [part.speaker.full_name for part in slot.session.speakers]
    return seen


@pytest.mark.parametrize("extra", [3, 30])
def test_release_slots_run_a_constant_number_of_queries(db, make_event, count_queries, extra):
    programme = build_programme(db, make_event, extra_sessions=extra)
    db.session.expire_all()
    with count_queries() as counter:
        seen = _touch_everything(release_slots(programme.release))
    assert len(seen) > 4 * extra  # everything was really read
    assert counter.count <= 4, counter.statements


# --- the validators themselves can fail -----------------------------------------------------------------


def test_xml_validator_rejects_a_schedule_without_its_version(db, make_event):
    document = _render(build_programme(db, make_event), "xml")
    assert xml_errors(document) == []
    root = etree.fromstring(document)
    root.remove(root.find("version"))
    errors = xml_errors(etree.tostring(root))
    assert errors and "conference" in errors[0]  # <conference> came where <version> was expected


def test_xml_validator_rejects_a_duration_in_minutes(db, make_event):
    root = etree.fromstring(_render(build_programme(db, make_event), "xml"))
    root.find(".//event/duration").text = "75"
    assert any("duration" in error for error in xml_errors(etree.tostring(root)))


def test_json_validator_rejects_a_conference_without_acronym(db, make_event):
    document = json.loads(_render(build_programme(db, make_event), "json"))
    assert json_errors(document) == []
    del document["schedule"]["conference"]["acronym"]
    assert any("acronym" in error for error in json_errors(document))


def test_json_validator_rejects_a_date_without_offset(db, make_event):
    document = json.loads(_render(build_programme(db, make_event), "json"))
    event = next(e for day in document["schedule"]["conference"]["days"] for r in day["rooms"].values() for e in r)
    event["date"] = "2027-03-27T10:00:00"
    assert any("date-time" in error for error in json_errors(document))


# --- frab XML and JSON ---------------------------------------------------------------------------------


def test_xml_export_validates_against_the_c3voc_xsd(db, make_event):
    assert xml_errors(_render(build_programme(db, make_event, extra_sessions=5), "xml")) == []


def test_json_export_validates_against_the_c3voc_schema(db, make_event):
    assert json_errors(_render(build_programme(db, make_event, extra_sessions=5), "json")) == []


@pytest.mark.parametrize("name", ["xml", "json"])
def test_frab_exports_contain_exactly_the_released_sessions(db, make_event, name):
    programme = build_programme(db, make_event)
    events = (_xml_events if name == "xml" else _json_events)(_render(programme, name))
    # Not the plenary (only in the draft and in an older release), not the lunch break.
    assert set(events) == {_guid(programme, "table"), _guid(programme, "workshop")}


def test_xml_export_places_sessions_by_day_and_room_with_local_offsets(db, make_event):
    programme = build_programme(db, make_event)
    root = etree.fromstring(_render(programme, "xml"))
    days = root.findall("day")
    assert [(d.get("index"), d.get("date"), d.get("start"), d.get("end")) for d in days] == [
        ("1", "2027-03-27", "2027-03-27T09:00:00+01:00", "2027-03-27T17:30:00+01:00"),
        ("2", "2027-03-28", "2027-03-28T09:00:00+02:00", "2027-03-28T17:00:00+02:00"),
    ]
    assert [r.get("name") for r in days[0].findall("room")] == ["Grande salle", "Salle virtuelle"]
    table = days[0].find("room[@name='Grande salle']/event")
    assert table.get("id") == str(programme.sessions["table"].id)
    assert (table.findtext("date"), table.findtext("start"), table.findtext("duration")) == (
        "2027-03-27T10:00:00+01:00",
        "10:00",
        "01:15",
    )
    assert (table.findtext("type"), table.findtext("track"), table.findtext("language")) == (
        "Table ronde",
        "Médiation numérique",
        "fr",
    )
    assert table.findtext("abstract") == "Résumé : Le métier de médiateur·rice numérique"
    workshop = days[1].find("room[@name='Salle virtuelle']/event")
    assert (workshop.findtext("date"), workshop.findtext("start"), workshop.findtext("duration")) == (
        "2027-03-28T14:00:00+02:00",
        "14:00",
        "02:00",
    )
    assert days[1].find("room[@name='Grande salle']/event") is None


def test_xml_export_describes_the_conference(db, make_event):
    programme = build_programme(db, make_event)
    conference = etree.fromstring(_render(programme, "xml")).find("conference")
    assert conference.findtext("title") == "NEC des Charentes"
    assert conference.findtext("acronym") == "nec_exports"
    assert (conference.findtext("start"), conference.findtext("end"), conference.findtext("days")) == (
        "2027-03-27",
        "2027-03-28",
        "2",
    )
    assert conference.findtext("time_zone_name") == "Europe/Paris"
    tracks = {t.get("name"): dict(t.attrib) for t in conference.findall("track")}
    assert tracks["Médiation numérique"] == {
        "name": "Médiation numérique",
        "color": "#1f5f8b",
        "slug": "mediation-numerique",
    }
    # "2030-l-inclusion" starts with a digit, which the XSD's track slug refuses: left out.
    assert "slug" not in tracks["2030 : l'inclusion"]


def test_json_export_places_sessions_with_offsets_and_ends(db, make_event):
    programme = build_programme(db, make_event)
    document = json.loads(_render(programme, "json"))
    conference = document["schedule"]["conference"]
    assert (conference["acronym"], conference["daysCount"], conference["time_zone_name"]) == (
        "nec_exports",
        2,
        "Europe/Paris",
    )
    assert [r["name"] for r in conference["rooms"]] == ["Grande salle", "Salle virtuelle"]
    assert conference["rooms"][1]["type"] == "online"
    days = conference["days"]
    assert [(d["day_start"], d["day_end"]) for d in days] == [
        ("2027-03-27T09:00:00+01:00", "2027-03-27T17:30:00+01:00"),
        ("2027-03-28T09:00:00+02:00", "2027-03-28T17:00:00+02:00"),
    ]
    (table,) = days[0]["rooms"]["Grande salle"]
    assert (table["date"], table["end"], table["duration"], table["room"]) == (
        "2027-03-27T10:00:00+01:00",
        "2027-03-27T11:15:00+01:00",
        "01:15",
        "Grande salle",
    )
    (workshop,) = days[1]["rooms"]["Salle virtuelle"]
    assert (workshop["date"], workshop["start"], workshop["type"], workshop["track"]) == (
        "2027-03-28T14:00:00+02:00",
        "14:00",
        "Atelier",
        "2030 : l'inclusion",
    )
    assert days[0]["rooms"]["Salle virtuelle"] == []


@pytest.mark.parametrize("name", ["xml", "json", "ics"])
def test_exports_are_identical_from_one_export_to_the_next(db, make_event, name):
    programme = build_programme(db, make_event)
    first = _render(programme, name)
    db.session.expire_all()
    assert _render(programme, name) == first


def test_guids_are_stable_across_exports_and_releases(db, make_event):
    programme = build_programme(db, make_event)
    first = _xml_events(_render(programme, "xml"))
    # A new release that moves the round table: same session, same guid, in XML as in JSON.
    moved = ScheduleVersion(event=programme.event, name="Version 3", released_at=datetime(2027, 3, 5, tzinfo=UTC))
    moved.slots = [
        Slot(
            session=programme.sessions["table"],
            room=programme.rooms["online"],
            starts_at=paris(SUMMER_DAY, 11),
            ends_at=paris(SUMMER_DAY, 12, 15),
        )
    ]
    db.session.add(moved)
    db.session.commit()
    again = _xml_events(_render(programme, "xml"))
    assert set(again) == {_guid(programme, "table")}
    assert _guid(programme, "table") in first
    assert set(_json_events(_render(programme, "json"))) == set(again)
    expected = uuid.uuid5(exports.GUID_NAMESPACE, f"nec-exports/sessions/{programme.sessions['table'].id}")
    assert _guid(programme, "table") == str(expected)


def test_guids_differ_between_events(db, make_event):
    first = build_programme(db, make_event, slug="nec-premier")
    assert exports.session_guid(first.event, 1) != exports.session_guid(make_event("nec-second"), 1)


@pytest.mark.parametrize("name", ["xml", "json"])
def test_frab_exports_name_every_speaker_taking_part(db, make_event, name):
    programme = build_programme(db, make_event)
    document = _render(programme, name)
    if name == "xml":
        events = _xml_events(document)
        persons = {g: [p.text for p in e.iter("person")] for g, e in events.items()}
    else:
        persons = {g: [p["name"] for p in e["persons"]] for g, e in _json_events(document).items()}
    # Bruno did not agree to publish his profile: his name only; Denis declined the invitation to the workshop.
    assert persons == {
        _guid(programme, "table"): ["Alice Durand", "Bruno Lefèvre"],
        _guid(programme, "workshop"): ["Chloé Moreau"],
    }
    assert b"Denis" not in document
    if name == "json":
        bruno = next(
            p for p in _json_events(document)[_guid(programme, "table")]["persons"] if p["name"] == "Bruno Lefèvre"
        )
        assert bruno["biography"] is None


def test_xml_export_person_carries_id_and_guid(db, make_event):
    programme = build_programme(db, make_event)
    person = _xml_events(_render(programme, "xml"))[_guid(programme, "table")].find("persons/person")
    alice = programme.speakers["alice"]
    assert person.get("id") == str(alice.id)
    assert person.get("guid") == str(exports.person_guid(programme.event, alice.id))


@pytest.mark.parametrize("name", ["xml", "json"])
def test_frab_exports_opt_out_of_recording_when_a_speaker_refused(db, make_event, name):
    programme = build_programme(db, make_event)
    document = _render(programme, name)
    if name == "xml":
        optout = {g: e.findtext("recording/optout") for g, e in _xml_events(document).items()}
        expected = {"table": "false", "workshop": "true"}
    else:
        optout = {g: e["do_not_record"] for g, e in _json_events(document).items()}
        expected = {"table": False, "workshop": True}
    # The round table: one yes and one not asked yet; the workshop: Chloé said no.
    assert optout == {_guid(programme, k): v for k, v in expected.items()}


def test_frab_exports_link_each_session_page_and_leave_out_empty_urls(db, make_event):
    programme = build_programme(db, make_event)
    document = _render(programme, "xml")
    table = _xml_events(document)[_guid(programme, "table")]
    assert table.findtext("url") == f"{BASE_URL}/nec-exports/sessions/{programme.sessions['table'].id}/"
    url_tags = {"url", "base_url", "logo", "feedback_url", "origin_url", "video_download_url", "link"}
    for element in etree.fromstring(document).iter(*url_tags):
        assert re.match(r"^https?://\S+$", element.text or ""), element.tag
    json_event = _json_events(_render(programme, "json"))[_guid(programme, "table")]
    assert json_event["url"] == table.findtext("url")


def test_exported_addresses_lead_to_the_public_pages(db, make_event, app):
    programme = build_programme(db, make_event)
    adapter = app.url_map.bind("nec.example.org")
    table = _json_events(_render(programme, "json"))[_guid(programme, "table")]
    assert adapter.match(urlsplit(table["url"]).path)[0] == "programme_public.session"
    alice, _bruno = table["persons"]
    assert alice["url"] == f"{BASE_URL}/nec-exports/speakers/{programme.speakers['alice'].id}/"
    assert adapter.match(urlsplit(alice["url"]).path)[0] == "programme_public.speaker"


@pytest.mark.parametrize("state", [SessionState.cancelled, SessionState.withdrawn, SessionState.declined])
def test_session_that_no_longer_takes_place_leaves_the_exports_at_once(db, make_event, state):
    programme = build_programme(db, make_event)
    programme.sessions["workshop"].state = state
    db.session.commit()
    assert set(_xml_events(_render(programme, "xml"))) == {_guid(programme, "table")}
    assert set(_json_events(_render(programme, "json"))) == {_guid(programme, "table")}
    calendar = icalendar.Calendar.from_ical(_render(programme, "ics"))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [programme.sessions["table"].title]


def test_session_slugs_are_ascii_and_unique(db, make_event):
    programme = build_programme(db, make_event, extra_sessions=3)
    slugs = [e.findtext("slug") for e in _xml_events(_render(programme, "xml")).values()]
    assert len(set(slugs)) == len(slugs) == 5
    table_id = programme.sessions["table"].id
    assert f"nec_exports-{table_id}-le-metier-de-mediateurrice-numerique" in slugs
    assert all(slug.isascii() for slug in slugs)


def test_short_event_slug_and_title_without_letters_still_validate(db, make_event):
    programme = build_programme(db, make_event, slug="nec")
    programme.sessions["table"].title = "«  »  …"
    db.session.commit()
    assert exports.conference_acronym(programme.event) == "nec_"
    document = _render(programme, "xml")
    assert xml_errors(document) == []
    assert json_errors(_render(programme, "json")) == []
    assert f"nec_-{programme.sessions['table'].id}-session" in document.decode()


def test_exports_drop_characters_xml_cannot_carry(db, make_event):
    programme = build_programme(db, make_event)
    programme.sessions["table"].description = "Texte collé\x0b depuis un traitement de texte\x1f."
    db.session.commit()
    document = _render(programme, "xml")
    assert xml_errors(document) == []
    table = _xml_events(document)[_guid(programme, "table")]
    assert table.findtext("description") == "Texte collé depuis un traitement de texte."


def test_session_without_room_goes_under_a_room_to_be_announced(db, make_event):
    programme = build_programme(db, make_event)
    db.session.delete(programme.rooms["online"])  # the workshop's room: its slot keeps no room
    db.session.commit()
    document = _render(programme, "xml")
    assert xml_errors(document) == []
    assert json_errors(_render(programme, "json")) == []
    workshop = _xml_events(document)[_guid(programme, "workshop")]
    assert workshop.findtext("room") == "Salle à préciser"


def test_release_without_sessions_still_validates(db, make_event):
    programme = build_programme(db, make_event)
    empty = ScheduleVersion(event=programme.event, name="Vide", released_at=datetime(2027, 3, 9, tzinfo=UTC))
    empty.slots = [Slot(title="Accueil", starts_at=paris(WINTER_DAY, 9), ends_at=paris(WINTER_DAY, 9, 30))]
    db.session.add(empty)
    db.session.commit()
    document = _render(programme, "xml")
    assert xml_errors(document) == []
    assert json_errors(_render(programme, "json")) == []
    assert _xml_events(document) == {}


# --- iCalendar ------------------------------------------------------------------------------------------


def test_ics_export_parses_back_with_the_right_instants(db, make_event):
    programme = build_programme(db, make_event)
    calendar = icalendar.Calendar.from_ical(_render(programme, "ics"))
    entries = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(entries) == {f"{_guid(programme, k)}@nec-exports" for k in ("table", "workshop")}
    table = entries[f"{_guid(programme, 'table')}@nec-exports"]
    workshop = entries[f"{_guid(programme, 'workshop')}@nec-exports"]
    # 10:00 in Paris in winter is 9:00 UTC; 14:00 in summer is 12:00 UTC.
    assert table.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 27, 9, 0, tzinfo=UTC)
    assert table.decoded("DTEND").astimezone(UTC) == datetime(2027, 3, 27, 10, 15, tzinfo=UTC)
    assert workshop.decoded("DTSTART").astimezone(UTC) == datetime(2027, 3, 28, 12, 0, tzinfo=UTC)
    assert workshop.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert str(table["SUMMARY"]) == "Le métier de médiateur·rice numérique"
    assert str(table["LOCATION"]) == "Grande salle"
    assert str(table["URL"]) == f"{BASE_URL}/nec-exports/sessions/{programme.sessions['table'].id}/"
    description = str(table["DESCRIPTION"])
    assert "Résumé : Le métier" in description and "Alice Durand" in description and "Bruno Lefèvre" in description
    assert table.decoded("DTSTAMP") == programme.release.released_at
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_ics_of_one_session_has_only_that_session(db, make_event):
    programme = build_programme(db, make_event)
    schedule = _schedule(programme).only_session(programme.sessions["workshop"].id)
    calendar = icalendar.Calendar.from_ical(exports.get_exporter("ics").render(schedule))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Financer son tiers-lieu"]
    assert _schedule(programme).only_session(programme.sessions["plenary"].id) is None


def test_exporters_are_registered_with_their_media_types():
    assert {name: (e.media_type, e.extension) for name, e in exports.EXPORTERS.items()} == {
        "xml": ("application/xml", "xml"),
        "json": ("application/json", "json"),
        "ics": ("text/calendar", "ics"),
        "pdf": ("application/pdf", "pdf"),
    }


# --- the demo event -------------------------------------------------------------------------------------


def test_demo_event_exports_validate(db):
    from nec import demo

    demo.load_demo(password="demo-password-for-tests")
    event = demo.get_demo_event()
    version = latest_release(event)
    assert version is not None, "the demo event comes with a released programme"
    schedule = exports.build_schedule(event, version, release_slots(version), BASE_URL)
    assert schedule.slots
    assert xml_errors(exports.get_exporter("xml").render(schedule)) == []
    assert json_errors(exports.get_exporter("json").render(schedule)) == []
    calendar = icalendar.Calendar.from_ical(exports.get_exporter("ics").render(schedule))
    assert len(calendar.walk("VEVENT")) == len(schedule.slots)
