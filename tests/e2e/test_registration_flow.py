"""Registering and a workshop's waiting list in a real browser, with real e-mails.

A person registers, confirms through the e-mailed link and takes the last seat of a workshop; a second
person registers and goes on the waiting list; the first cancels their registration; the second receives
the offer by e-mail and takes the seat. Each e-mail goes through the outbox worker to a real SMTP server
process, and each link is read out of the message received.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from nec.accounts.models import User
from nec.core.db import utcnow
from nec.events.models import EventFormat, FormatKind, Room
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.proposals.models import Session, SessionState
from nec.registrations import seats, services
from nec.registrations.models import RegistrationSettings, Seat, SeatState
from tests.e2e.test_call_flow import assert_accessible, assert_mails, flash, link_in, new_person, submit, visit
from tests.support.events import nec_event

pytestmark = pytest.mark.browser
__all__ = ["new_person"]  # the fixture, used by the test below


def _upcoming_event(organiser_email: str) -> tuple[str, int, str]:
    """An upcoming event taking registrations, whose released workshop has one seat left of two."""
    organiser = db.session.scalar(sa.select(User).where(User.email == organiser_email))
    slug = f"inscriptions-{uuid.uuid4().hex[:6]}"
    event = nec_event(organiser, slug=slug, title="Rencontre de Cognac", format=EventFormat.hybrid)
    workshop_format = next(f for f in event.formats if f.kind == FormatKind.workshop)
    room = Room(event=event, name="Salle Aliénor", position=1)
    workshop = Session(
        event=event, title="Atelier tablette", format=workshop_format, duration=90,
        state=SessionState.confirmed, seat_capacity=2, summary="Prendre en main une tablette.",
    )  # fmt: skip
    day = datetime.combine(event.start_date, datetime.min.time(), tzinfo=UTC)
    release = ScheduleVersion(event=event, name="v1", released_at=utcnow() - timedelta(days=1))
    release.slots = [
        Slot(
            session=workshop,
            room=room,
            starts_at=day + timedelta(hours=9),
            ends_at=day + timedelta(hours=10, minutes=30),
        )
    ]
    db.session.add_all([room, workshop, release, RegistrationSettings(event=event, is_open=True)])
    db.session.commit()
    now = utcnow()
    early = services.register(event, services.RegistrationData(full_name="Paul Premier", email="paul@example.org"), now)
    db.session.commit()
    services.confirm(event, services.confirmation_url(early).rpartition("/")[2], now)
    seats.take_seat(early, workshop, now)
    db.session.commit()
    return slug, workshop.id, event.title


def _register(page, slug: str, name: str, email: str) -> None:
    visit(page, f"/{slug}/register/")
    assert_accessible(page)
    page.get_by_label("Votre nom et prénom").fill(name)
    page.get_by_label("Votre adresse e-mail").fill(email)
    page.get_by_label("Sur place").check()
    page.get_by_label("Code postal").fill("16100")
    submit(page, "M'inscrire")
    expect(page.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()


def _confirm(page, mailbox, live_server, slug: str, email: str, title: str) -> None:
    received = assert_mails(mailbox.deliver(), {email: f"Confirmez votre inscription à {title}"})
    visit(page, link_in(received[email], live_server.url, rf"/{slug}/register/confirm/[\w.\-]+"))
    assert_accessible(page)
    submit(page, "Je confirme mon inscription")
    flash(page, "votre inscription est confirmée")
    assert_accessible(page)
    assert_mails(mailbox.deliver(), {email: f"Votre inscription à {title} est confirmée"})


def test_last_seat_then_waiting_list_then_offer_taken(live_server, mailbox, new_person):
    with live_server.app.app_context():
        slug, workshop_id, title = _upcoming_event(live_server.organiser[0])
    mailbox.deliver()  # the set-up's own mails
    first, second = new_person(), new_person()

    _register(first, slug, "Léa Martin", "lea@example.org")
    _confirm(first, mailbox, live_server, slug, "lea@example.org", title)
    visit(first, f"/{slug}/sessions/{workshop_id}/")
    expect(first.get_by_text("Il reste 1 place sur 2.")).to_be_visible()
    assert_accessible(first)
    submit(first, "Réserver une place")
    flash(first, "est réservée")

    _register(second, slug, "Marc Durand", "marc@example.org")
    _confirm(second, mailbox, live_server, slug, "marc@example.org", title)
    visit(second, f"/{slug}/sessions/{workshop_id}/")
    expect(second.get_by_text("Atelier complet")).to_be_visible()
    submit(second, "M'inscrire sur la liste d'attente")
    flash(second, "position 1")
    visit(second, f"/{slug}/me/registration/")
    expect(second.get_by_text("En liste d'attente, position 1")).to_be_visible()

    visit(first, f"/{slug}/me/registration/")
    first.get_by_role("link", name="Annuler mon inscription").click()
    assert_accessible(first)
    submit(first, "Oui, annuler mon inscription")
    flash(first, "Votre inscription est annulée")

    received = assert_mails(
        mailbox.deliver(),
        {
            "lea@example.org": f"Votre inscription à {title} est annulée",
            "marc@example.org": "Une place se libère : « Atelier tablette »",
        },
    )
    visit(second, link_in(received["marc@example.org"], live_server.url, rf"/{slug}/me/offers/[\w.\-]+"))
    assert_accessible(second)
    submit(second, "Je prends la place")
    flash(second, "Votre place à l'atelier « Atelier tablette » est réservée")
    expect(second.get_by_text("Place réservée")).to_be_visible()
    assert_accessible(second)
    with live_server.app.app_context():
        states = db.session.scalars(sa.select(Seat.state).where(Seat.session_id == workshop_id))
        assert sorted(s.value for s in states) == sorted(
            [SeatState.booked.value, SeatState.booked.value, SeatState.cancelled.value]
        )


def test_register_and_take_a_seat_by_keyboard_at_375_px(live_server, mailbox, new_person):
    with live_server.app.app_context():
        slug, workshop_id, title = _upcoming_event(live_server.organiser[0])
    mailbox.deliver()
    person = new_person()
    person.set_viewport_size({"width": 375, "height": 740})
    visit(person, f"/{slug}/register/")
    assert person.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    person.get_by_label("Votre nom et prénom").focus()
    person.keyboard.type("Nina Clavier")
    person.keyboard.press("Tab")
    person.keyboard.type("nina@example.org")
    with person.expect_navigation():
        person.get_by_role("button", name="M'inscrire").press("Enter")
    expect(person.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()
    _confirm(person, mailbox, live_server, slug, "nina@example.org", title)
    visit(person, f"/{slug}/sessions/{workshop_id}/")
    assert person.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"
    button = person.get_by_role("button", name="Réserver une place")
    button.focus()
    with person.expect_navigation():
        person.keyboard.press("Enter")
    flash(person, "est réservée")
    assert_accessible(person)
