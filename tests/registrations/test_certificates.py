"""The attendance certificate: what it states, when it is available, and the PDF read back with pypdf."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pypdf
import pytest

from nec.registrations import certificates
from nec.registrations.checkin import services as checkin
from tests.registrations import attendance_world
from tests.registrations.attendance_world import paris
from tests.support.web import log_in, page_text


@pytest.fixture
def past(db, make_event, organiser, make_user):
    """The event ten days ago; Camille (with an account) came to the workshop and the talk."""
    user = make_user("camille@example.org", full_name="Camille Martin")
    world = attendance_world.build(db, make_event, organiser, start=date.today() - timedelta(days=10),
                                   participant_user=user)  # fmt: skip
    camille = world.people["camille"]
    day_one, day_two = world.day_one, world.day_one + timedelta(days=1)
    checkin.check_in(world.event, camille, paris(day_one, 9, 2), organiser, world.sessions["workshop"])
    checkin.check_in(world.event, camille, paris(day_two, 14, 1), organiser, world.sessions["talk"])
    db.session.commit()
    world.user = user
    return world


def _after(world):
    return paris(world.day_one + timedelta(days=2), 10)


def _text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_attendance_lists_the_sessions_checked_in_in_time_order(past):
    found = certificates.attendance(past.people["camille"])
    assert [item.slot.session.title for item in found.sessions] == [
        "Fabriquer son tiers-lieu",
        "Financer l'inclusion numérique",
    ]
    assert all(item.on_site for item in found.sessions)
    assert found.days == [past.day_one, past.day_one + timedelta(days=1)]
    assert found.total_minutes == 120 + 45


def test_certificate_pdf_names_the_person_the_sessions_and_the_hours(app, past):
    with app.test_request_context():
        text = _text(certificates.certificate_pdf(past.people["camille"], _after(past)))
    assert "Attestation de présence" in text
    assert "Camille Martin" in text and "NEC de Charente" in text
    assert "Fabriquer son tiers-lieu" in text and "Financer l'inclusion numérique" in text
    assert "Le métier de médiateur numérique" not in text  # not attended
    assert "2 h 45" in text
    assert "Association NEC Charente" in text


def test_certificate_is_not_available_before_the_end(past):
    last_end = past.slots["talk"].ends_at
    with pytest.raises(certificates.CertificateError) as refused:
        certificates.certificate_attendance(past.people["camille"], last_end - timedelta(minutes=1))
    assert "après l'événement" in refused.value.message
    assert certificates.certificate_attendance(past.people["camille"], last_end).sessions


def test_no_certificate_without_any_presence(past):
    with pytest.raises(certificates.CertificateError) as refused:
        certificates.certificate_attendance(past.people["bastien"], _after(past))
    assert "Aucune présence" in refused.value.message


@pytest.mark.parametrize("who", ["paul", "zoe"])
def test_no_certificate_for_an_unconfirmed_or_cancelled_registration(past, who):
    with pytest.raises(certificates.CertificateError):
        certificates.certificate_attendance(past.people[who], _after(past))


def test_door_only_states_the_day(app, db, past, organiser):
    bastien = past.people["bastien"]
    checkin.check_in(past.event, bastien, paris(past.day_one, 8, 50), organiser)
    db.session.commit()
    found = certificates.certificate_attendance(bastien, _after(past))
    assert found.sessions == [] and found.days == [past.day_one]
    with app.test_request_context():
        text = _text(certificates.certificate_pdf(bastien, _after(past)))
    assert "noté" in text and "Bastien Sans-Place" in text


def test_online_attendance_comes_from_the_registered_source(past):
    talk_id = past.sessions["table"].id
    certificates.register_online_attendance("test-visio", lambda registration: [talk_id])
    try:
        found = certificates.attendance(past.people["camille"])
    finally:
        certificates._online_sources.pop("test-visio")
    online = [item for item in found.sessions if not item.on_site]
    assert [item.slot.session_id for item in online] == [talk_id]


def test_participant_downloads_the_certificate(client, past):
    log_in(client, past.user)
    answer = client.get(f"/{past.event.slug}/me/registration/attestation.pdf")
    assert answer.status_code == 200
    assert answer.content_type == "application/pdf"
    assert "attachment" in answer.headers["Content-Disposition"]
    assert "Camille Martin" in _text(answer.data)


def test_certificate_page_before_the_event_says_when(client, db, make_event, organiser, make_user):
    user = make_user("camille@example.org", full_name="Camille Martin")
    world = attendance_world.build(db, make_event, organiser, participant_user=user)
    log_in(client, user)
    answer = client.get(f"/{world.event.slug}/me/registration/attestation.pdf")
    assert answer.status_code == 409
    assert "disponible après l'événement" in page_text(answer)
