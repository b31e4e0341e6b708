"""Registering with double opt-in, per-mode capacity, cancelling and personal links (services.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from nec.core.db import utcnow
from nec.core.models import OutboxMessage
from nec.core.tokens import InvalidLink
from nec.extensions import db
from nec.registrations import seats, services
from nec.registrations.models import Attendance, Registration, RegistrationSettings, RegistrationState, SeatState
from tests.registrations.helpers import participant


def mails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == address)))


def data(email="lea@example.org", **kw) -> services.RegistrationData:
    return services.RegistrationData(full_name=kw.pop("full_name", "Léa Martin"), email=email, **kw)


def test_department_of_reads_mainland_corsica_and_overseas_postcodes():
    assert services.department_of("16000") == "16"
    assert services.department_of("20000") == "2A" and services.department_of("20200") == "2B"
    assert services.department_of("97100") == "971" and services.department_of("97400") == "974"
    assert services.department_of("98000") == "" and services.department_of("1600") == ""
    assert services.department_of("00100") == "" and services.department_of("abcde") == ""


def test_register_keeps_a_pending_registration_and_mails_the_link(reg):
    now = utcnow()
    registration = services.register(reg.event, data(postcode="16300", commune="Barbezieux"), now)
    db.session.commit()
    assert registration.state == RegistrationState.pending
    assert registration.department == "16" and registration.expires_at == now + timedelta(hours=48)
    (mail,) = mails_to("lea@example.org")
    assert "/nec-sud-charente/register/confirm/" in mail.body_text
    assert db.session.get(RegistrationSettings, reg.event.id).on_site_taken == 0  # not counted before the link


def test_confirm_counts_the_registration_once_even_clicked_twice(reg):
    now = utcnow()
    registration = services.register(reg.event, data(), now)
    db.session.commit()
    token = services.confirmation_url(registration).rpartition("/")[2]
    services.confirm(reg.event, token, now)
    services.confirm(reg.event, token, now)
    db.session.commit()
    assert registration.state == RegistrationState.confirmed and registration.expires_at is None
    assert db.session.get(RegistrationSettings, reg.event.id).on_site_taken == 1
    subjects = [m.subject for m in mails_to("lea@example.org")]
    assert subjects.count("Votre inscription à NEC Sud Charente est confirmée") == 1


def test_register_again_with_a_confirmed_address_mails_the_personal_link_and_changes_nothing(reg):
    registration = participant(reg, "lea@example.org", structure="EPN")
    services.register(reg.event, data(structure="Autre chose"), utcnow())
    db.session.commit()
    assert registration.structure == "EPN"
    assert mails_to("lea@example.org")[-1].subject == "Votre inscription à NEC Sud Charente"
    assert "/nec-sud-charente/me/access/" in mails_to("lea@example.org")[-1].body_text


def test_a_second_form_replaces_the_first_link(reg):
    now = utcnow()
    first = services.register(reg.event, data(), now)
    db.session.commit()
    old_token = services.confirmation_url(first).rpartition("/")[2]
    services.register(reg.event, data(full_name="Léa M."), now)
    db.session.commit()
    with pytest.raises(InvalidLink, match="remplacé"):
        services.confirm(reg.event, old_token, now)
    assert first.full_name == "Léa M."


def test_registration_refused_outside_its_window(reg):
    settings = db.session.get(RegistrationSettings, reg.event.id)
    settings.opens_at = utcnow() + timedelta(days=2)
    db.session.commit()
    with pytest.raises(services.RegistrationError, match="ouvriront le"):
        services.register(reg.event, data(), utcnow())
    settings.opens_at, settings.closes_at = None, utcnow() - timedelta(hours=1)
    db.session.commit()
    with pytest.raises(services.RegistrationError, match="closes depuis le"):
        services.register(reg.event, data(), utcnow())
    settings.is_open = False
    db.session.commit()
    assert not services.registration_window(reg.event, utcnow()).is_open


def test_accessibility_needs_are_refused_without_their_own_consent(reg):
    with pytest.raises(services.RegistrationError) as refused:
        services.register(reg.event, data(accessibility_needs="Fauteuil roulant"), utcnow())
    assert refused.value.field == "consent_accessibility"
    registration = services.register(
        reg.event, data(accessibility_needs="Fauteuil roulant", consent_accessibility=True), utcnow()
    )
    assert registration.accessibility_needs == "Fauteuil roulant" and registration.consent_accessibility


def test_the_last_on_site_place_goes_to_the_first_confirmation_and_online_stays_open(reg):
    settings = db.session.get(RegistrationSettings, reg.event.id)
    settings.on_site_capacity = 1
    db.session.commit()
    now = utcnow()
    first = services.register(reg.event, data("un@example.org"), now)
    second = services.register(reg.event, data("deux@example.org"), now)
    db.session.commit()
    services.confirm(reg.event, services.confirmation_url(first).rpartition("/")[2], now)
    db.session.commit()
    with pytest.raises(services.RegistrationError, match="en ligne"):
        services.confirm(reg.event, services.confirmation_url(second).rpartition("/")[2], now)
    db.session.rollback()
    assert db.session.get(Registration, second.id).state == RegistrationState.pending
    with pytest.raises(services.RegistrationError, match="plus de place sur place"):
        services.register(reg.event, data("trois@example.org"), now)
    online = participant(reg, "quatre@example.org", attendance=Attendance.online)
    assert online.state == RegistrationState.confirmed


def test_an_address_with_an_account_is_linked_to_it(reg, make_user):
    user = make_user("compte@example.org")
    registration = services.register(reg.event, data("Compte@Example.org"), utcnow())
    assert registration.user_id == user.id and registration.email == "compte@example.org"
    assert services.registration_of_user(reg.event, user).id == registration.id


def test_cancel_frees_the_place_and_the_seats_and_a_waiting_person_gets_the_offer(reg):
    first, second, third = (participant(reg, f"p{n}@example.org") for n in range(3))
    now = utcnow()
    for person in (first, second, third):
        seats.take_seat(person, reg.a, now)
    db.session.commit()
    assert seats.seat_of(third, reg.a).state == SeatState.waiting
    assert services.cancel(first, now) is True
    assert services.cancel(first, now) is False  # a second click changes nothing
    db.session.commit()
    assert db.session.get(RegistrationSettings, reg.event.id).on_site_taken == 2
    assert seats.seat_of(first, reg.a).state == SeatState.cancelled
    assert seats.seat_of(third, reg.a).state == SeatState.offered
    assert any("Une place se libère" in m.subject for m in mails_to("p2@example.org"))


def test_personal_links_open_the_registration_until_revoked(reg, make_event):
    registration = participant(reg, "lea@example.org")
    token = services.personal_token(registration)
    assert services.registration_from_token(reg.event, token).id == registration.id
    other = make_event(slug="autre-evenement")
    with pytest.raises(InvalidLink):
        services.registration_from_token(other, token)
    with pytest.raises(InvalidLink):
        services.registration_from_token(reg.event, token[:-2] + "xx")
    new_url = services.revoke_links(registration)
    db.session.commit()
    with pytest.raises(InvalidLink, match="ne sert plus"):
        services.registration_from_token(reg.event, token)
    assert services.registration_from_token(reg.event, new_url.rpartition("/")[2]).id == registration.id


def test_change_attendance_moves_the_place_between_the_counters(reg):
    registration = participant(reg, "lea@example.org")
    services.change_attendance(registration, Attendance.online, utcnow())
    db.session.commit()
    settings = db.session.get(RegistrationSettings, reg.event.id)
    assert (settings.on_site_taken, settings.online_taken) == (0, 1)


def test_expire_pending_deletes_unconfirmed_registrations_past_their_deadline(reg):
    now = utcnow()
    services.register(reg.event, data("vieux@example.org"), now - timedelta(hours=49))
    services.register(reg.event, data("recent@example.org"), now)
    db.session.commit()
    assert services.expire_pending(now) == 1
    db.session.commit()
    assert [r.email for r in db.session.scalars(sa.select(Registration))] == ["recent@example.org"]
