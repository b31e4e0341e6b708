"""The organisers' check-in page and its actions, and the participant's QR code."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from nec.registrations.checkin import qr
from nec.registrations.models import CheckIn, Registration
from tests.support.web import log_in, page_text

JSON = {"Accept": "application/json"}


@pytest.fixture
def orga_client(client, organiser, world):
    log_in(client, organiser)
    return client


def _url(world, path=""):
    return f"/{world.event.slug}/manage/checkin/{path}"


def _checked_in(db, person) -> bool:
    db.session.expire_all()
    return db.session.get(Registration, person.id).checked_in_at is not None


def test_page_shows_the_counts_and_the_sessions(orga_client, world):
    answer = orga_client.get(_url(world))
    text = page_text(answer)
    assert answer.status_code == 200
    assert "Accueil sur place" in text
    assert 'data-count="expected">2<' in text  # two confirmed on-site registrations
    assert "Fabriquer son tiers-lieu (atelier limité)" in text
    assert "checkin.js" in text


def test_page_is_refused_to_a_stranger_and_asks_a_visitor_to_sign_in(client, world, make_user):
    assert client.get(_url(world)).status_code == 302
    log_in(client, make_user("passant@example.org"))
    assert client.get(_url(world)).status_code == 403
    assert client.post(_url(world, "scan"), data={"code": world.people["camille"].checkin_secret}).status_code == 403


def test_scan_form_records_the_arrival_and_says_so(db, orga_client, world):
    camille = world.people["camille"]
    answer = orga_client.post(_url(world, "scan"), data={"code": camille.checkin_secret}, follow_redirects=True)
    assert "Camille Martin : arrivée enregistrée." in page_text(answer)
    assert _checked_in(db, camille)


def test_scan_as_json_answers_already_the_second_time(db, orga_client, world):
    code = world.people["camille"].checkin_secret
    first = orga_client.post(_url(world, "scan"), data={"code": code}, headers=JSON).get_json()
    second = orga_client.post(_url(world, "scan"), data={"code": code}, headers=JSON).get_json()
    assert first["ok"] and not first["already"]
    assert second["ok"] and second["already"]
    assert "déjà enregistré·e à" in second["message"]
    assert second["counts"] == {"expected": 2, "present": 1, "missing": 1}


def test_scan_of_the_qr_address_at_a_workshop(db, orga_client, world):
    camille, workshop = world.people["camille"], world.sessions["workshop"]
    address = qr.checkin_address(camille)
    answer = orga_client.post(_url(world, "scan"), data={"code": address, "session": workshop.id}, headers=JSON)
    assert answer.get_json()["message"] == "Camille Martin : présence à la session enregistrée."
    assert db.session.scalar(sa.select(CheckIn.session_id).where(CheckIn.registration_id == camille.id)) == workshop.id


def test_unknown_code_is_refused_and_changes_nothing(db, orga_client, world):
    answer = orga_client.post(_url(world, "scan"), data={"code": "pas-un-code"}, headers=JSON)
    assert answer.status_code == 422
    assert answer.get_json()["ok"] is False
    follow = orga_client.post(_url(world, "scan"), data={"code": ""}, follow_redirects=True)
    assert "cherchez la personne par son nom" in page_text(follow)
    assert not any(_checked_in(db, p) for p in world.people.values())


def test_pending_registration_scanned_is_explained(db, orga_client, world):
    answer = orga_client.post(_url(world, "scan"), data={"code": world.people["paul"].checkin_secret}, headers=JSON)
    assert "n'a pas confirmé son inscription" in answer.get_json()["message"]


def test_code_opened_by_the_phone_camera_shows_the_person_without_recording(db, orga_client, world):
    camille = world.people["camille"]
    answer = orga_client.get(_url(world), query_string={"code": camille.checkin_secret})
    text = page_text(answer)
    assert "Code scanné" in text and "Enregistrer l'arrivée de Camille Martin" in text
    assert not _checked_in(db, camille)


def test_search_then_check_in_then_undo(db, orga_client, world):
    helene = world.people["helene"]
    found = page_text(orga_client.get(_url(world), query_string={"q": "helene"}))
    assert "1 personne trouvée." in found and "Enregistrer l'arrivée de Hélène Dubois" in found
    answer = orga_client.post(_url(world, str(helene.id)), data={"q": "helene"})
    assert answer.status_code == 302 and "q=helene" in answer.location
    assert _checked_in(db, helene)
    shown = page_text(orga_client.get(_url(world), query_string={"q": "helene"}))
    assert "Enregistré·e à" in shown and "Annuler l'enregistrement de Hélène Dubois" in shown
    orga_client.post(_url(world, f"{helene.id}/undo"), data={"q": "helene"})
    assert not _checked_in(db, helene)


def test_check_in_at_a_session_by_id(db, orga_client, world):
    bastien, table = world.people["bastien"], world.sessions["table"]
    orga_client.post(_url(world, str(bastien.id)), data={"session": table.id})
    assert db.session.scalar(sa.select(CheckIn.session_id).where(CheckIn.registration_id == bastien.id)) == table.id
    page = page_text(orga_client.get(_url(world), query_string={"session": table.id, "q": "bastien"}))
    assert "Annuler l'enregistrement de Bastien Sans-Place" in page


def test_registration_of_another_event_is_not_found(db, orga_client, world, make_event):
    other = make_event(title="Autre NEC")
    outsider = Registration(event=other, full_name="Autre Personne", email="autre@example.org", state="confirmed")
    db.session.add(outsider)
    db.session.commit()
    assert orga_client.post(_url(world, str(outsider.id))).status_code == 404
    assert orga_client.post(_url(world, f"{outsider.id}/undo")).status_code == 404


def test_session_not_in_the_programme_falls_back_to_the_door_with_a_message(db, orga_client, world):
    text = page_text(orga_client.get(_url(world), query_string={"session": 999_999}))
    assert "ne figure pas dans le programme publié" in text
    answer = orga_client.post(_url(world, "scan"), data={"code": world.people["camille"].checkin_secret,
                                                          "session": 999_999}, headers=JSON)  # fmt: skip
    assert answer.status_code == 422
    assert not _checked_in(db, world.people["camille"])


def test_counts_json_follows_the_list(db, orga_client, world):
    orga_client.post(_url(world, str(world.people["camille"].id)), data={"session": world.sessions["workshop"].id})
    door = orga_client.get(_url(world, "counts.json"))
    workshop = orga_client.get(_url(world, "counts.json"), query_string={"session": world.sessions["workshop"].id})
    assert door.get_json() == {"expected": 2, "present": 1, "missing": 1}
    assert workshop.get_json() == {"expected": 1, "present": 1, "missing": 0}
    assert door.headers["Cache-Control"] == "no-store"
    assert orga_client.get(_url(world, "counts.json"), query_string={"session": 999_999}).status_code == 404


def test_page_with_a_search_runs_in_few_queries(db, orga_client, world, count_queries):
    for n in range(30):
        db.session.add(Registration(event=world.event, full_name=f"Personne {n}", email=f"p{n}@example.org",
                                    state="confirmed", structure="Centre social"))  # fmt: skip
    db.session.commit()
    orga_client.get(_url(world), query_string={"q": "centre"})
    with count_queries() as few:
        orga_client.get(_url(world), query_string={"q": "personne 1"})
    with count_queries() as many:
        orga_client.get(_url(world), query_string={"q": "centre"})
    assert many.count <= few.count + 2  # thirty people found cost no query each


# --- the participant's QR code -----------------------------------------------------------------------------------


@pytest.fixture
def participant(db, make_user, world):
    user = make_user("camille@example.org", full_name="Camille Martin")
    world.people["camille"].user_id = user.id
    db.session.commit()
    return user


def test_qr_code_of_the_signed_in_participant(client, world, participant):
    log_in(client, participant)
    answer = client.get(f"/{world.event.slug}/me/registration/qr.svg")
    assert answer.status_code == 200
    assert answer.content_type.startswith("image/svg+xml")
    assert "no-store" in answer.headers["Cache-Control"]
    root = ET.fromstring(answer.data)
    assert root.tag.endswith("svg")
    assert root.find("{http://www.w3.org/2000/svg}title").text == "Code d'arrivée de Camille Martin"
    assert answer.data == qr.qr_svg(world.people["camille"])


def test_qr_address_carries_the_secret_not_an_id(world):
    camille = world.people["camille"]
    address = qr.checkin_address(camille)
    assert address.endswith(f"/{world.event.slug}/manage/checkin/?code={camille.checkin_secret}")
    assert f"/{camille.id}" not in address.split("?")[0][-12:]


def test_qr_png_for_mails_is_a_png(world):
    assert qr.qr_png(world.people["camille"]).startswith(b"\x89PNG")


def test_qr_code_without_a_registration(client, world, make_user):
    assert client.get(f"/{world.event.slug}/me/registration/qr.svg").status_code == 302  # sign in first
    log_in(client, make_user("personne@example.org"))
    answer = client.get(f"/{world.event.slug}/me/registration/qr.svg")
    assert answer.status_code == 404
    assert "Aucune inscription à cet événement" in page_text(answer)


def test_readable_code_is_typed_back_to_the_same_person(world):
    camille = world.people["camille"]
    readable = qr.readable_code(camille)
    assert len(readable.split()) == 8
    from nec.registrations.checkin import services as checkin

    assert checkin.registration_by_secret(world.event, readable) == camille


def test_workshop_list_shows_its_seat_holders_to_tick(db, orga_client, world):
    workshop = world.sessions["workshop"]
    text = page_text(orga_client.get(_url(world), query_string={"session": workshop.id}))
    assert "1 place réservée dans cet atelier" in text
    assert "Enregistrer la présence de Camille Martin" in text
    assert "Hélène Dubois" not in text  # waiting, no seat
    orga_client.post(_url(world, str(world.people["camille"].id)), data={"session": workshop.id})
    text = page_text(orga_client.get(_url(world), query_string={"session": workshop.id}))
    assert "Annuler l'enregistrement de Camille Martin" in text
