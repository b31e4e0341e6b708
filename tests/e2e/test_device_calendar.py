"""A calendar subscription without an account: a visitor whose "Mon programme" is on their device creates
a personal link, the calendar follows the sessions they add, and deleting the link ends it."""

from __future__ import annotations

import re

import icalendar
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PROGRAMME = "/nec-sud-charente/programme"


def _feed_titles(page, url: str) -> list[str]:
    answer = page.request.get(url)
    assert answer.status == 200
    return sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(answer.body()).walk("VEVENT"))


def test_visitor_subscribes_without_account_and_the_calendar_follows_the_agenda(page):
    page.goto(PROGRAMME)
    sessions = page.locator("article.programme-session")
    first_title = sessions.nth(0).locator("h4").inner_text()
    second_title = sessions.nth(1).locator("h4").inner_text()
    sessions.nth(0).locator(".favourite-button").click()
    expect(page.locator(".agenda-status")).to_have_text("Session ajoutée à votre programme, sur cet appareil.")

    page.goto(PROGRAMME + "/mine")
    page.get_by_role("link", name=re.compile("sans compte")).click()
    page.get_by_role("button", name="Créer mon lien d'abonnement").click()
    page.wait_for_url(re.compile(r"/programme/device-calendars/[^/]+$"))
    link = page.locator("#lien-abonnement").input_value()
    assert re.search(r"/programme/calendars/[^/]+\.ics$", link)
    assert page.get_by_role("button", name="Copier le lien").is_visible()
    assert _feed_titles(page, link) == [first_title]

    # Adding a session on the programme sends it to the subscription.
    page.goto(PROGRAMME)
    with page.expect_response(re.compile(r"/device-calendars/[^/]+/sessions$")) as answer:
        page.locator("article.programme-session").nth(1).locator(".favourite-button").click()
    assert answer.value.status == 200
    assert _feed_titles(page, link) == sorted([first_title, second_title])

    # The subscribe page finds the link again; deleting it ends the calendar.
    page.goto(PROGRAMME + "/subscribe")
    page.get_by_role("link", name="retrouver mon lien").click()
    page.get_by_role("button", name="Supprimer le lien").click()
    expect(page.locator(".flash-success")).to_contain_text("Le lien d'abonnement est supprimé")
    assert page.request.get(link).status == 404
