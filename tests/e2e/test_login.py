"""The demo organiser signs in through the real login form (CSRF on), manages the event, signs out."""

from __future__ import annotations

import re

import pytest

from nec.demo import DEMO_SLUG
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

DASHBOARD = f"/{DEMO_SLUG}/manage/"


def test_organiser_logs_in_reaches_dashboard_and_logs_out(page, demo_organiser):
    email, password = demo_organiser

    page.goto(DASHBOARD)
    assert re.search(r"/login\?next=", page.url), f"an anonymous visitor should be sent to login, got {page.url}"

    log_in(page, email, password)
    page.wait_for_url(re.compile(re.escape(DASHBOARD) + "$"))
    assert page.get_by_role("heading", level=1).is_visible()
    account_nav = page.get_by_role("navigation", name="Compte")
    assert account_nav.get_by_role("link", name="Mon compte").is_visible()

    account_nav.get_by_role("button", name="Se déconnecter").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text("Vous êtes déconnecté").is_visible()
    assert account_nav.get_by_role("link", name="Se connecter").is_visible()

    page.goto(DASHBOARD)
    assert "/login" in page.url, "after logging out, the dashboard must ask to log in again"


def test_organiser_logs_in_from_login_page_and_lands_on_the_dashboard(page, demo_organiser):
    email, password = demo_organiser
    page.goto("/login")
    log_in(page, email, password)
    page.wait_for_url(re.compile(r"/manage/$"))  # the demo organiser's next event, not the password form
    assert page.get_by_role("navigation", name="Compte").get_by_role("link", name="Mon compte").is_visible()


def test_visitor_logs_in_from_the_header_of_an_event_page_and_comes_back(page, demo_organiser):
    email, password = demo_organiser
    page.goto(f"/{DEMO_SLUG}/speakers/")
    page.get_by_role("navigation", name="Compte").get_by_role("link", name="Se connecter").click()
    log_in(page, email, password)
    page.wait_for_url(re.compile(re.escape(f"/{DEMO_SLUG}/speakers/") + "$"))


def test_wrong_password_shows_french_error_and_stays_logged_out(page, demo_organiser):
    email, _ = demo_organiser
    page.goto("/login")
    log_in(page, email, "ce-n-est-pas-le-bon-mot-de-passe")

    page.get_by_text("Adresse e-mail ou mot de passe incorrect").first.wait_for()
    assert "/login" in page.url
    password = page.locator("#password")
    described_by = (password.get_attribute("aria-describedby") or "").split()
    assert described_by, "the error must be tied to the password field with aria-describedby"
    linked = " ".join(page.locator(f"[id='{i}']").inner_text() for i in described_by)
    assert "mot de passe incorrect" in linked
    assert page.get_by_role("navigation", name="Compte").get_by_role("link", name="Se connecter").is_visible()
