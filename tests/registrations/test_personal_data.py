"""The registrations' personal data: the account's export and erasure, and the purge after each event's
retention that keeps the figures (personal_data.py)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from nec.accounts import personal_data as account_data
from nec.core.db import utcnow
from nec.extensions import db
from nec.registrations import seats
from nec.registrations.models import Registration, RegistrationSettings, SeatCounter, SeatState
from nec.registrations.personal_data import ANONYMOUS_NAME, anonymise_old_registrations
from tests.registrations.helpers import participant


def test_the_account_export_holds_the_registration_and_its_seats(reg, make_user):
    user = make_user("lea@example.org", full_name="Léa")
    registration = participant(reg, "lea@example.org", postcode="16300", consent_image=True)
    seats.take_seat(registration, reg.a, utcnow())
    db.session.commit()
    (exported,) = account_data.export_personal_data(user)["registrations"]
    assert exported["department"] == "16" and exported["consent_image"] is True
    assert exported["seats"] == [
        {"session": "Atelier A", "state": "booked", "since": exported["seats"][0]["since"], "offer_expires_at": None}
    ]


def test_deleting_the_account_frees_its_seat_for_the_waiting_list(reg, make_user):
    user = make_user("lea@example.org", full_name="Léa", password="un mot de passe solide 42")
    holder = participant(reg, "lea@example.org")
    others = [participant(reg, f"p{n}@example.org") for n in range(2)]
    for person in (holder, *others):
        seats.take_seat(person, reg.a, utcnow())
    db.session.commit()
    account_data.delete_account(user, password="un mot de passe solide 42")
    db.session.commit()
    assert db.session.scalar(sa.select(Registration).where(Registration.email == "lea@example.org")) is None
    assert seats.seat_of(others[1], reg.a).state == SeatState.offered
    db.session.expire_all()
    assert (db.session.get(SeatCounter, reg.a.id).taken, db.session.get(SeatCounter, reg.a.id).waiting) == (2, 0)
    assert db.session.get(RegistrationSettings, reg.event.id).on_site_taken == 2


def test_the_purge_follows_each_events_retention_and_keeps_the_figures(reg):
    registration = participant(reg, "lea@example.org", postcode="16300", structure="EPN de Barbezieux")
    seats.take_seat(registration, reg.a, utcnow())
    db.session.commit()
    settings = db.session.get(RegistrationSettings, reg.event.id)
    settings.retention_days = 90
    db.session.commit()
    end = reg.event.end_date
    just_before = utcnow().replace(year=end.year, month=end.month, day=end.day) + timedelta(days=90)
    assert anonymise_old_registrations(just_before, dry_run=False) == 0
    assert anonymise_old_registrations(just_before + timedelta(days=1), dry_run=True) == 1
    assert anonymise_old_registrations(just_before + timedelta(days=1), dry_run=False) == 1
    db.session.commit()
    db.session.expire_all()
    kept = db.session.get(Registration, registration.id)
    assert kept.full_name == ANONYMOUS_NAME and kept.email.endswith("@anonyme.invalid")
    assert (kept.structure, kept.commune, kept.postcode) == ("", "", "")
    assert kept.department == "16" and kept.state.value == "confirmed"  # the figures stay
    assert [s.state for s in kept.seats] == [SeatState.booked]
    assert anonymise_old_registrations(just_before + timedelta(days=2), dry_run=False) == 0
