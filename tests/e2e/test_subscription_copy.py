"""The calendar subscription page: "Copier le lien" copies the private link and says so to screen readers;
without JavaScript the link stays in a read-only field to select by hand."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

SUBSCRIBE = "/nec-sud-charente/programme/subscribe"


def test_copy_button_copies_the_link_and_announces_it(organiser_page):
    page = organiser_page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(SUBSCRIBE)
    link = page.locator("#lien-abonnement").input_value()
    assert re.search(r"/programme/mine\.ics\?token=", link)
    page.get_by_role("button", name="Copier le lien").click()
    expect(page.locator("#lien-copie")).to_have_text("Lien copié. Collez-le dans votre agenda.")
    assert page.locator("#lien-copie").get_attribute("role") == "status"
    assert page.evaluate("navigator.clipboard.readText()") == link
    for app in ("Thunderbird", "Outlook", "Calendrier d'Apple (Mac)", "Google Agenda"):
        assert page.get_by_role("heading", name=app, exact=True).is_visible()


def test_without_javascript_the_link_is_in_a_field_and_no_dead_button(browser, live_server, demo_organiser):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        log_in(page, *demo_organiser)
        page.wait_for_url(re.compile(r"/manage/$"))
        page.goto(SUBSCRIBE)
        assert page.locator("#lien-abonnement").get_attribute("readonly") is not None
        assert "mine.ics?token=" in page.locator("#lien-abonnement").input_value()
        assert not page.get_by_role("button", name="Copier le lien").is_visible()
    finally:
        context.close()
