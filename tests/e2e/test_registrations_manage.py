"""The organisers' registration pages in a real browser: a participant's page and its cancel page pass
axe-core, the list is filtered by keyboard at phone width, and the figures' charts load as images."""

from __future__ import annotations

import re

import pytest

from tests.e2e.test_accessibility import assert_no_sideways_scroll, describe, scan

pytestmark = pytest.mark.browser

LIST = "/nec-sud-charente/manage/registrations"


def test_a_participant_page_and_its_cancel_page_pass_axe(organiser_page):
    page = organiser_page
    page.goto(LIST)
    page.locator("table tbody th a").first.click()
    page.wait_for_url(re.compile(r"/manage/registrations/\d+$"))
    violations = scan(page)
    assert not violations, f"{page.url}: {describe(violations)}"
    page.get_by_role("link", name="Annuler l'inscription").click()
    page.wait_for_url(re.compile(r"/cancel$"))
    violations = scan(page)
    assert not violations, f"{page.url}: {describe(violations)}"


def test_the_list_is_filtered_by_keyboard_on_a_phone(organiser_page):
    page = organiser_page
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(LIST)
    total = page.locator("#list-title").inner_text()
    page.locator("#filter-q").focus()
    page.keyboard.type("zzz-nobody")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=zzz-nobody"))
    assert "Aucune inscription ne correspond à ces filtres." in page.content()
    assert page.locator("#list-title").inner_text() != total
    assert_no_sideways_scroll(page)


def test_the_figures_charts_load_as_images_beside_their_tables(organiser_page):
    page = organiser_page
    page.goto(f"{LIST}/figures")
    images = page.locator(".figure-pair img")
    assert images.count() >= 3
    for index in range(images.count()):
        image = images.nth(index)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert page.locator(".figure-pair table").count() == images.count()
