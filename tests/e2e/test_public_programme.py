"""The public programme in a real browser: the filters without JavaScript, favourites with and without it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

PROGRAMME = "/nec-sud-charente/programme/"


@pytest.fixture
def page_without_javascript(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def test_programme_filters_work_without_javascript(page_without_javascript):
    page = page_without_javascript
    page.goto(PROGRAMME)
    everything = page.locator("article.programme-session").count()
    assert everything > 5
    day_options = page.locator("#filter-day option")
    second_day = day_options.nth(2).get_attribute("value")
    page.select_option("#filter-day", second_day)
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    assert f"day={second_day}" in page.url
    narrowed = page.locator("article.programme-session").count()
    assert 0 < narrowed < everything
    assert page.locator(".programme-day h2").count() == 1


def test_favourite_without_javascript_asks_an_anonymous_visitor_to_sign_in(page_without_javascript):
    page = page_without_javascript
    page.goto(PROGRAMME)
    with page.expect_navigation():
        page.locator("article.programme-session .favourite-button").first.click()
    assert "/login?next=" in page.url
    assert page.get_by_text("Connectez-vous pour garder cette session").is_visible()


def test_favourites_of_an_anonymous_visitor_stay_on_the_device(page):
    page.goto(PROGRAMME)
    first = page.locator("article.programme-session").first
    title = first.locator("h4").inner_text()
    button = first.locator(".favourite-button")
    button.click()  # no page load: kept in this browser
    assert page.url.endswith(PROGRAMME)
    assert button.locator(".favourite-label").inner_text() == "Retirer de mon programme"
    expect(page.locator(".agenda-status")).to_have_text("Session ajoutée à votre programme, sur cet appareil.")

    page.reload()
    assert page.locator(".favourite-button").first.locator(".favourite-label").inner_text() == (
        "Retirer de mon programme"
    )

    page.goto("/nec-sud-charente/programme/mine")
    page.wait_for_url(re.compile(r"/programme/mine\?ids=\d+$"))
    assert page.locator("article.programme-session h4").all_inner_texts() == [title]

    with page.expect_navigation():
        page.locator("article.programme-session .favourite-button").click()
    assert page.get_by_text("Votre programme est vide pour le moment.").is_visible()


def test_favourites_of_a_signed_in_person_are_kept_with_the_account(page, demo_organiser):
    page.goto("/login")
    log_in(page, *demo_organiser)
    page.wait_for_url(re.compile(r"/manage/$"))
    page.goto(PROGRAMME)
    not_chosen = page.locator(".favourite-label", has_text="Ajouter à mon programme")
    article = page.locator("article.programme-session", has=not_chosen).first
    title = article.locator("h4").inner_text()
    with page.expect_navigation():
        article.locator(".favourite-button").click()  # a real POST, with its CSRF token
    assert page.get_by_text(f"« {title} » est dans votre programme.").is_visible()
    page.goto("/nec-sud-charente/programme/mine")
    assert title in page.locator("article.programme-session h4").all_inner_texts()
    with page.expect_navigation():
        page.locator("article.programme-session", has_text=title).locator(".favourite-button").click()
    assert page.get_by_text("La session a été retirée de votre programme.").is_visible()
