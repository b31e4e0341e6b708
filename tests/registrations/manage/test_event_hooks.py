"""What the dashboard and the event's home say about registrations."""

from __future__ import annotations

from datetime import timedelta

from nec.core.db import utcnow
from nec.core.hooks import event_notices
from nec.extensions import db
from nec.registrations import event_hooks
from nec.registrations.models import RegistrationSettings
from tests.support.web import page_text


def test_the_dashboard_says_registrations_are_open_with_counts_and_full_workshops(app, reg, people):
    with app.test_request_context():
        (panel,) = event_hooks.dashboard_panels(reg.event, utcnow())
    texts = [item.text for item in panel.items]
    assert texts[0] == "Les inscriptions sont ouvertes."
    assert any("3 inscriptions confirmées" in text for text in texts)
    full = next(item for item in panel.items if "complet" in item.text)
    assert "1 personne(s) en liste d'attente" in full.text and full.details[0][0] == "Atelier A (1)"


def test_the_dashboard_page_shows_the_panel(orga_client, reg, people):
    page = page_text(orga_client.get(f"/{reg.event.slug}/manage/"))
    assert "Gérer les inscriptions" in page and "Voir les listes d'attente" in page


def test_the_event_notice_says_until_when_and_links_to_the_form(app, reg):
    settings = db.session.get(RegistrationSettings, reg.event.id)
    settings.closes_at = utcnow() + timedelta(days=3)
    db.session.commit()
    with app.test_request_context():
        notice = event_notices([reg.event], utcnow())[reg.event.id][-1]
    assert notice.text.startswith("Les inscriptions sont ouvertes jusqu'au")
    assert notice.link_url == f"/{reg.event.slug}/register/"


def test_no_notice_once_registrations_are_closed(app, reg):
    db.session.get(RegistrationSettings, reg.event.id).is_open = False
    db.session.commit()
    with app.test_request_context():
        notices = event_notices([reg.event], utcnow()).get(reg.event.id, [])
    assert all(n.badge != "Inscriptions" for n in notices)
