"""The registration form, its honeypot, and the confirmation page whose button confirms."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nec.core.models import OutboxMessage
from nec.extensions import db
from nec.registrations import services
from nec.registrations.models import Registration, RegistrationState
from tests.support.web import page_text

FORM = {
    "full_name": "Léa Martin",
    "email": "lea@example.org",
    "attendance": "on_site",
    "structure_type": "library",
    "postcode": "16100",
    "commune": "Cognac",
}


def _registration(email="lea@example.org"):
    return db.session.scalar(sa.select(Registration).where(Registration.email == email))


def test_register_form_keeps_a_pending_registration_and_says_check_your_mail(client, reg):
    response = client.post(f"/{reg.event.slug}/register/", data=FORM)
    assert response.status_code == 200
    assert "Consultez votre messagerie" in page_text(response)
    registration = _registration()
    assert registration.state == RegistrationState.pending and registration.department == "16"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1


def test_register_honeypot_filled_keeps_nothing(client, reg):
    response = client.post(f"/{reg.event.slug}/register/", data={**FORM, "website": "http://spam"})
    assert response.status_code == 200
    assert _registration() is None


def test_register_needs_without_consent_is_refused_with_a_message(client, reg):
    response = client.post(f"/{reg.event.slug}/register/", data={**FORM, "accessibility_needs": "Fauteuil"})
    assert response.status_code == 400
    assert "cochez la case" in page_text(response)
    assert _registration() is None


def test_register_bad_postcode_is_refused(client, reg):
    response = client.post(f"/{reg.event.slug}/register/", data={**FORM, "postcode": "16a"})
    assert response.status_code == 400 and _registration() is None


def test_register_closed_shows_the_reason_and_no_form(client, reg):
    services.settings_for(reg.event).is_open = False
    db.session.commit()
    response = client.get(f"/{reg.event.slug}/register/")
    assert "ne sont pas ouvertes" in page_text(response)
    assert 'name="email"' not in response.get_data(as_text=True)


def test_register_merges_the_browser_agenda(client, reg):
    client.post(f"/{reg.event.slug}/register/", data={**FORM, "agenda": f"{reg.table.id},999999"})
    assert _registration().agenda_session_ids == str(reg.table.id)


def test_confirm_get_does_not_confirm_and_post_does(client, reg):
    client.post(f"/{reg.event.slug}/register/", data=FORM)
    path = services.confirmation_url(_registration()).partition("://")[2].partition("/")[2]
    assert client.get(f"/{path}").status_code == 200
    assert _registration().state == RegistrationState.pending
    response = client.post(f"/{path}")
    assert response.status_code == 302 and response.location.endswith("/me/registration/")
    db.session.expire_all()
    assert _registration().state == RegistrationState.confirmed
    assert "Mon inscription" in page_text(client.get(response.location))


def test_confirm_altered_link_is_a_clear_404(client, reg):
    response = client.get(f"/{reg.event.slug}/register/confirm/not-a-token")
    assert response.status_code == 404 and "ne peut pas servir" in page_text(response)


@pytest.mark.parametrize(
    "value",
    ["<script>alert(1)</script>", "x" * 5000, "\x00\x01", "ééé\u202e", "1" * 30, "../../etc/passwd", ""],
)
def test_register_hostile_values_never_fail_nor_echo_markup(client, reg, value):
    for name in [*FORM, "accessibility_needs", "consent_accessibility", "agenda", "website"]:
        response = client.post(f"/{reg.event.slug}/register/", data={**FORM, name: value})
        assert response.status_code in (200, 400), (name, value)
        assert "<script>alert(1)</script>" not in response.get_data(as_text=True)


def test_register_same_address_is_limited_to_five_mails_a_quarter_hour(limited_client, reg):
    answers = [limited_client.post(f"/{reg.event.slug}/register/", data=FORM).status_code for _ in range(6)]
    assert answers[:5] == [200] * 5 and answers[5] == 429
    mails = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage))
    assert mails == 5
