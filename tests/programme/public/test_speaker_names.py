"""Every speaker taking part is named on the public pages and exports; their details (structure,
photo, presentation) only with their consent. Three people of one round table: Alice agreed, Bruno
refused, and Gaëlle, a co-speaker the organisers added, was never asked."""

from __future__ import annotations

import json

import pytest

from nec.proposals.models import InvitationState, SessionSpeaker, SpeakerProfile, SpeakerRole
from tests.support.web import page_text


@pytest.fixture
def table(db, prog):
    """The round table of `prog`, with Gaëlle added by the organisers (no account, never asked)."""
    gaelle = SpeakerProfile(
        event=prog.event,
        full_name="Gaëlle Jamais-Demandée",
        email="gaelle@example.org",
        structure="Centre social des Borderies",
        bio="BIO-GAELLE",
    )
    session = prog.sessions["table"]
    session.speakers.append(
        SessionSpeaker(speaker=gaelle, role=SpeakerRole.panelist, position=2, invitation_state=InvitationState.accepted)
    )
    db.session.commit()
    assert gaelle.user_id is None and gaelle.publish_consent is False
    return session


def _get(client, prog, path: str) -> str:
    response = client.get(f"/{prog.event.slug}/{path}")
    assert response.status_code == 200, path
    return page_text(response)


def test_session_page_names_all_three_with_details_for_the_consenting_one(client, prog, table):
    body = _get(client, prog, f"sessions/{table.id}/")
    for name in ("Alice Durand", "Bruno Secret", "Gaëlle Jamais-Demandée"):
        assert name in body
    assert "EPN de Barbezieux" in body  # Alice agreed
    assert "Structure discrète" not in body and "Centre social des Borderies" not in body
    assert "n'a pas souhaité" not in body and "Une autre personne intervient" not in body


def test_programme_and_speakers_pages_name_all_three(client, prog, table):
    programme = _get(client, prog, "programme/")
    speakers = _get(client, prog, "speakers/")
    for text in (programme, speakers):
        assert "Alice Durand" in text and "Bruno Secret" in text and "Gaëlle Jamais-Demandée" in text
        assert "Centre social des Borderies" not in text and "Structure discrète" not in text
    assert "EPN de Barbezieux" in speakers
    gaelle = _get(client, prog, f"speakers/{table.speakers[-1].speaker.id}/")
    assert "Gaëlle Jamais-Demandée" in gaelle and "BIO-GAELLE" not in gaelle
    assert table.title in gaelle


def test_exports_name_all_three_with_details_for_the_consenting_one(client, prog, table):
    xml = client.get(f"/{prog.event.slug}/schedule.xml").get_data(as_text=True)
    assert "Gaëlle Jamais-Demandée" in xml and "Bruno Secret" in xml and "Alice Durand" in xml
    document = json.loads(client.get(f"/{prog.event.slug}/schedule.json").get_data(as_text=True))
    persons = {
        person["name"]: person
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
        for person in event["persons"]
    }
    assert persons["Gaëlle Jamais-Demandée"]["biography"] is None
    assert persons["Bruno Secret"]["biography"] is None
    assert persons["Alice Durand"]["biography"]
    ics = client.get(f"/{prog.event.slug}/schedule.ics").get_data(as_text=True).replace("\r\n ", "")
    assert "Gaëlle Jamais-Demandée" in ics and "Bruno Secret" in ics


def test_api_names_all_three_with_details_for_the_consenting_one(client, prog, table):
    data = client.get(f"/api/v1/events/{prog.event.slug}/speakers").get_json()
    by_name = {speaker["name"]: speaker for speaker in data["speakers"]}
    assert {"Alice Durand", "Bruno Secret", "Gaëlle Jamais-Demandée"} <= set(by_name)
    assert by_name["Gaëlle Jamais-Demandée"]["structure"] == "" and by_name["Gaëlle Jamais-Demandée"]["biography"] == ""
    assert by_name["Alice Durand"]["structure"] == "EPN de Barbezieux"
