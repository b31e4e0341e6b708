"""The check-in page on a phone (375 px): found by name and checked in by keyboard alone, a code typed and
recorded without reloading (then "déjà enregistré·e"), the counts updated, no axe-core violation; and the
same page without JavaScript."""

from __future__ import annotations

import re
import uuid

import pytest
import sqlalchemy as sa

from nec.core.db import utcnow
from nec.events.models import Event
from nec.extensions import db
from nec.registrations.models import Attendance, Registration, RegistrationState
from tests.e2e.conftest import log_in
from tests.e2e.test_accessibility import assert_no_sideways_scroll, describe, scan

pytestmark = pytest.mark.browser

CHECKIN = "/nec-sud-charente/manage/checkin/"
PHONE = {"viewport": {"width": 375, "height": 740}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def _two_people(live_server) -> list[tuple[int, str, str]]:
    """Two new confirmed on-site registrations to the demo event: (id, name, secret)."""
    tag = uuid.uuid4().hex[:6]
    with live_server.app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == "nec-sud-charente"))
        people = [
            Registration(event_id=event.id, full_name=f"{name} {tag}", email=f"{name.lower()}.{tag}@example.org",
                         state=RegistrationState.confirmed, attendance=Attendance.on_site, confirmed_at=utcnow())
            for name in ("Armelle", "Basile")
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.commit()
        rows = [(p.id, p.full_name, p.checkin_secret) for p in people]
        db.session.remove()
    return rows


def _phone(browser, live_server, demo_organiser, **options):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", timezone_id="Europe/Paris",
                                  **PHONE, **options)  # fmt: skip
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto("/login")
    log_in(page, *demo_organiser)
    page.wait_for_url(re.compile(r"/manage/$"))
    return context, page


def test_check_in_on_a_phone_by_keyboard_and_by_code(browser, live_server, demo_organiser):
    (first_id, first_name, _first_secret), (_second_id, second_name, second_secret) = _two_people(live_server)
    context, page = _phone(browser, live_server, demo_organiser)
    try:
        page.goto(CHECKIN)
        violations = scan(page)
        assert not violations, describe(violations)
        assert_no_sideways_scroll(page)
        present = int(page.locator("[data-count=present]").inner_text())

        # Search by name, then check in, by keyboard only.
        page.get_by_label("Nom, e-mail ou structure").focus()
        page.keyboard.type(first_name)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"q="))
        button = page.get_by_role("button", name=f"Enregistrer l'arrivée de {first_name}")
        button.focus()
        page.keyboard.press("Enter")
        page.get_by_text(f"{first_name} : arrivée enregistrée.").wait_for()
        page.get_by_role("button", name=f"Annuler l'enregistrement de {first_name}").wait_for()
        assert_no_sideways_scroll(page)
        violations = scan(page)
        assert not violations, describe(violations)

        # A code typed from a printout: recorded without reloading, then "déjà" on the second try.
        url_before = page.url
        field = page.get_by_label("Code d'arrivée")
        field.fill(second_secret.upper())
        field.press("Enter")
        result = page.locator("#checkin-result")
        result.get_by_text(f"{second_name} : arrivée enregistrée.").wait_for()
        assert page.url == url_before
        assert page.locator("[data-count=present]").inner_text() == str(present + 2)
        field.fill(second_secret)
        field.press("Enter")
        result.get_by_text(re.compile(re.escape(second_name) + r" : déjà enregistré·e à \d\dh\d\d")).wait_for()
        assert page.locator("[data-count=present]").inner_text() == str(present + 2)
    finally:
        context.close()
    with live_server.app.app_context():
        assert db.session.get(Registration, first_id).checked_in_at is not None
        db.session.remove()


def test_check_in_page_works_without_javascript(browser, live_server, demo_organiser):
    context, page = _phone(browser, live_server, demo_organiser, java_script_enabled=False)
    try:
        page.goto(CHECKIN)
        assert page.locator("[data-checkin-camera]").is_hidden()  # the camera needs the script
        page.get_by_label("Code d'arrivée").fill("ce-code-n-existe-pas")
        page.get_by_role("button", name="Enregistrer ce code").click()
        page.get_by_text("Ce code ne correspond à aucune inscription à cet événement.").wait_for()
        assert page.url.endswith(CHECKIN + "#contenu")  # the form posted, the page came back with the reason
    finally:
        context.close()
