"""An anonymous visitor's "Mon programme" (kept in the browser) joins their account when they sign in,
and is then found from any other browser signed in to the same account."""

from __future__ import annotations

import re
import uuid

import pytest

from nec.accounts.models import User
from nec.accounts.services import hash_password
from nec.core.db import utcnow
from nec.extensions import db
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

PROGRAMME = "/nec-sud-charente/programme/"
MINE = "/nec-sud-charente/programme/mine"
PASSWORD = "une phrase assez longue pour e2e"


@pytest.fixture
def participant(live_server) -> str:
    email = f"participante.{uuid.uuid4().hex[:6]}@example.org"
    with live_server.app.app_context():
        db.session.add(
            User(
                email=email,
                full_name="Paule Participante",
                password_hash=hash_password(PASSWORD),
                email_confirmed_at=utcnow(),
            )
        )
        db.session.commit()
        db.session.remove()
    return email


def test_choices_made_before_signing_in_are_kept_with_the_account(page, browser, live_server, participant):
    page.goto(PROGRAMME)
    articles = page.locator("article.programme-session")
    titles = [articles.nth(i).locator("h4").inner_text() for i in (0, 2)]
    for i in (0, 2):
        articles.nth(i).locator(".favourite-button").click()  # kept in this browser only
    page.goto(MINE)
    page.wait_for_url(re.compile(r"\?ids="))
    page.get_by_role("link", name="Se connecter").first.click()
    log_in(page, participant, PASSWORD)

    page.wait_for_url(re.compile(re.escape(MINE) + "$"))  # back on "Mon programme", now the account's
    page.get_by_text("2 sessions choisies sur cet appareil ont été ajoutées à votre programme.").wait_for()
    assert sorted(page.locator("article.programme-session h4").all_inner_texts()) == sorted(titles)
    assert page.evaluate("window.localStorage.getItem('nec-agenda:nec-sud-charente')") is None

    other = browser.new_context(base_url=live_server.url, locale="fr-FR")
    try:
        elsewhere = other.new_page()
        elsewhere.goto("/login")
        log_in(elsewhere, participant, PASSWORD)
        elsewhere.wait_for_url(re.compile(r"/nec-sud-charente/$"))  # their event's page
        elsewhere.goto(MINE)
        assert sorted(elsewhere.locator("article.programme-session h4").all_inner_texts()) == sorted(titles)
    finally:
        other.close()
