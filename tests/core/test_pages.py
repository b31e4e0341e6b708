"""The public pages every visitor sees: legal pages, language switch, event list and home, errors."""

from __future__ import annotations

import html as html_lib
import shutil
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.support import Translations

from nec.core.i18n import compile_missing_catalogs
from tests.support.web import log_in as _log_in

LEGAL_PAGES = {
    "mentions-legales": [
        "Mentions légales",
        "Éditeur du site",
        "Directeur ou directrice de la publication",
        "Hébergeur",
        "Propriété intellectuelle",
        "confiance dans l'économie numérique (LCEN)",
    ],
    "donnees-personnelles": [
        "Données personnelles",
        "Qui est responsable de vos données ?",
        "Pourquoi nous utilisons vos données",
        "base légale",
        "Combien de temps nous les gardons",
        "Qui peut voir vos données",
        "Cookies",
        "Vos droits",
        "portabilité",
        "Faire une réclamation auprès de la CNIL",
    ],
    "accessibilite": [
        "Déclaration d'accessibilité",
        "État de conformité",
        "non conforme",
        "aucun audit n'a encore été fait",
        "Résultats des tests",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Environnement de test",
        "Retour d'information et contact",
        "Voies de recours",
        "Libre réponse 71120, 75342 Paris CEDEX 07",
    ],
}


def _page(response) -> str:
    """The page's HTML with entities decoded, so texts compare whatever the escaping."""
    return html_lib.unescape(response.get_data(as_text=True))


# --- legal pages ------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", sorted(LEGAL_PAGES))
def test_legal_page_shows_its_headings(client, page):
    response = client.get(f"/legal/{page}")
    assert response.status_code == 200
    html = _page(response)
    for heading in LEGAL_PAGES[page]:
        assert heading in html, heading


@pytest.mark.parametrize("page", sorted(LEGAL_PAGES))
def test_legal_page_shows_the_configured_publisher(app, client, monkeypatch, page):
    monkeypatch.setitem(app.config, "NEC_PUBLISHER_NAME", "Association Les Connecteurs du Sud")
    monkeypatch.setitem(app.config, "NEC_PUBLISHER_CONTACT", "bonjour@connecteurs.example")
    html = client.get(f"/legal/{page}").get_data(as_text=True)
    assert "Association Les Connecteurs du Sud" in html
    assert "Association organisatrice (à renseigner)" not in html


def test_legal_notice_shows_director_host_and_contact_link(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_PUBLICATION_DIRECTOR", "Dominique Roux, présidente")
    monkeypatch.setitem(app.config, "NEC_HOSTING_PROVIDER", "Hébergeur Coopératif, 2 rue du Port, 33000 Bordeaux")
    monkeypatch.setitem(app.config, "NEC_PUBLISHER_CONTACT", "bonjour@connecteurs.example")
    html = client.get("/legal/mentions-legales").get_data(as_text=True)
    assert "Dominique Roux, présidente" in html
    assert "Hébergeur Coopératif, 2 rue du Port, 33000 Bordeaux" in html
    assert '<a href="mailto:bonjour@connecteurs.example">' in html


def test_privacy_page_shows_the_dpo_contact(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_DPO_CONTACT", "dpo@connecteurs.example")
    html = client.get("/legal/donnees-personnelles").get_data(as_text=True)
    assert '<a href="mailto:dpo@connecteurs.example">dpo@connecteurs.example</a>' in html


def test_legal_page_escapes_settings(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_PUBLISHER_NAME", "<script>alert(1)</script>")
    html = client.get("/legal/accessibilite").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_legal_page_unknown_is_404(client):
    response = client.get("/legal/conditions-generales")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_legal_page_marks_its_footer_link_as_current(client):
    html = client.get("/legal/accessibilite").get_data(as_text=True)
    assert 'href="/legal/accessibilite" aria-current="page"' in html
    assert 'href="/legal/mentions-legales" aria-current="page"' not in html


# --- the frame: base.html ---------------------------------------------------------------------------


def test_page_has_landmarks_skip_link_and_french_lang(client):
    html = client.get("/").get_data(as_text=True)
    assert html.startswith("<!doctype html>")
    assert '<html lang="fr">' in html
    assert '<a class="skip-link" href="#contenu">Aller au contenu</a>' in html
    for landmark in ("<header", "<nav", '<main id="contenu"', "<footer"):
        assert landmark in html, landmark


def test_page_title_reads_page_event_nec(client, make_event):
    event = make_event("nec-titre", title="NEC Sud Charente")
    html = client.get(f"/{event.slug}/").get_data(as_text=True)
    assert "<title>Accueil · NEC Sud Charente · NEC</title>" in html
    assert "<title>Événements · NEC</title>" in client.get("/").get_data(as_text=True)


def test_flash_errors_are_alerts_and_other_messages_a_status(client):
    with client.session_transaction() as s:
        s["_flashes"] = [("error", "Impossible de supprimer."), ("success", "C'est enregistré."), ("message", "Note")]
    html = client.get("/").get_data(as_text=True)
    alert = html[html.index('role="alert"') :]
    status = html[html.index('role="status"') :]
    assert alert.index("Impossible de supprimer.") < alert.index("</div>")
    assert status.index("C&#39;est enregistré.") < status.index("</div>")
    assert '<p class="flash flash-info">Note</p>' in html
    assert "Impossible de supprimer." not in client.get("/").get_data(as_text=True)  # shown once


def test_page_without_flash_messages_has_no_empty_live_region(client):
    html = client.get("/").get_data(as_text=True)
    assert 'role="alert"' not in html
    assert 'role="status"' not in html


# --- language switch ----------------------------------------------------------------------------------


def test_language_switch_sets_english_and_returns_to_the_page(client):
    response = client.post("/set-language", data={"locale": "en", "next": "/legal/mentions-legales"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/legal/mentions-legales"
    html = client.get("/legal/mentions-legales").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "<h1>Legal notice</h1>" in html
    assert "Mentions légales</h1>" not in html


def test_language_switch_english_error_page_and_event_list(client):
    client.post("/set-language", data={"locale": "en", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert "Upcoming" in html
    assert "Skip to content" in html
    missing = client.get("/legal/nope")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)


def test_language_switch_back_to_french(client):
    client.post("/set-language", data={"locale": "en", "next": "/"})
    client.post("/set-language", data={"locale": "fr", "next": "/"})
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "À venir" in html


def test_language_switch_unknown_locale_gives_french(client):
    response = client.post("/set-language", data={"locale": "de", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "/\t/evil.example",
        "",
    ],
)
def test_language_switch_refuses_off_site_next(client, target):
    response = client.post("/set-language", data={"locale": "en", "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_keeps_the_query_string(client):
    response = client.post("/set-language", data={"locale": "en", "next": "/?page=2"})
    assert response.headers["Location"] == "/?page=2"


def test_language_switch_saves_the_choice_of_a_logged_in_user(client, db, make_user):
    user = make_user()
    _log_in(client, user)
    client.post("/set-language", data={"locale": "en", "next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)


def test_language_switch_form_is_on_every_page(client):
    html = client.get("/legal/accessibilite").get_data(as_text=True)
    assert 'action="/set-language"' in html
    assert 'name="next" value="/legal/accessibilite"' in html


# --- event list and event home ------------------------------------------------------------------------


def test_event_list_shows_upcoming_before_past_and_hides_unpublished(client, make_event):
    today = date.today()
    make_event(title="NEC passé 2021", start_date=date(2021, 1, 28))
    make_event(title="NEC lointain", start_date=today + timedelta(days=200))
    make_event(title="NEC bientôt", start_date=today + timedelta(days=10))
    make_event(title="NEC en préparation", start_date=today + timedelta(days=5), published=False)
    html = client.get("/").get_data(as_text=True)
    assert "NEC en préparation" not in html
    soon, far, past = (html.index(t) for t in ("NEC bientôt", "NEC lointain", "NEC passé 2021"))
    assert html.index("À venir") < soon < far < html.index("Événements passés") < past


def test_event_list_keeps_an_event_happening_today_upcoming(client, make_event):
    make_event(title="NEC en cours", start_date=date.today() - timedelta(days=1), days=2)
    html = client.get("/").get_data(as_text=True)
    assert html.index("À venir") < html.index("NEC en cours")
    assert "Événements passés" not in html


def test_event_list_says_when_nothing_is_upcoming(client):
    html = client.get("/").get_data(as_text=True)
    assert "Aucun événement à venir pour le moment." in html


def test_event_home_shows_the_key_facts(client, make_event):
    event = make_event(
        title="NEC Sud Charente",
        tagline="Deux jours pour les médiateurs numériques",
        description="Premier paragraphe.\n\nSecond paragraphe.",
        venue_name="Salle des fêtes",
        venue_address="1 place de la Mairie, 16300 Barbezieux",
        organiser_name="Communauté de communes des 4B",
        contact_email="contact@4b.example",
        website="javascript:alert(1)",
    )
    html = client.get(f"/{event.slug}/").get_data(as_text=True)
    assert "<h1>NEC Sud Charente</h1>" in html
    assert "Deux jours pour les médiateurs numériques" in html
    assert "Salle des fêtes, 1 place de la Mairie, 16300 Barbezieux" in html
    assert "Communauté de communes des 4B" in html
    assert 'href="mailto:contact@4b.example"' in html
    assert "<p>Premier paragraphe.</p>" in html and "<p>Second paragraphe.</p>" in html
    assert "javascript:alert(1)" not in html  # only http(s) websites become links
    assert f'href="/{event.slug}/" aria-current="page"' in html


def test_event_home_of_an_unpublished_event_is_404_for_anonymous(client, make_event):
    event = make_event(published=False)
    response = client.get(f"/{event.slug}/")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_event_home_of_an_unpublished_event_is_404_for_a_stranger(client, make_event, make_user):
    event = make_event(published=False)
    _log_in(client, make_user())
    assert client.get(f"/{event.slug}/").status_code == 404


# --- error pages --------------------------------------------------------------------------------------


def test_error_page_is_french_with_the_404_status(client):
    response = client.get("/cet-evenement-n-existe-pas/")
    assert response.status_code == 404
    html = _page(response)
    assert '<html lang="fr">' in html
    assert "<h1>Page introuvable</h1>" in html
    assert "Cette page n'existe pas ou plus." in html
    assert "Revenir à l'accueil" in html
    assert "<title>Page introuvable · NEC</title>" in html


def test_error_page_403_is_french_without_the_english_default_text(client, make_event, make_user):
    event = make_event()
    _log_in(client, make_user())  # a stranger to the event
    response = client.get(f"/{event.slug}/manage/")
    assert response.status_code == 403
    html = _page(response)
    assert "<h1>Accès refusé</h1>" in html
    assert "permission" not in html


def test_error_page_for_a_wrong_method_is_405(client):
    response = client.post("/legal/mentions-legales")
    assert response.status_code == 405
    assert "Action impossible" in response.get_data(as_text=True)


# --- translation catalogs -------------------------------------------------------------------------------


def test_compile_missing_catalogs_builds_a_working_english_catalog(tmp_path):
    source = Path(__file__).resolve().parents[2] / "nec" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    target = tmp_path / "en" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(source, target / "messages.po")

    written = compile_missing_catalogs(tmp_path)

    assert written == [target / "messages.mo"]
    translations = Translations.load(str(tmp_path), ["en"])
    assert translations.gettext("Mentions légales") == "Legal notice"
    assert compile_missing_catalogs(tmp_path) == []  # up to date: nothing to do


def test_every_msgid_of_the_public_pages_has_an_english_translation():
    from babel.messages.pofile import read_po

    po = Path(__file__).resolve().parents[2] / "nec" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh)
    public = ("templates/base.html", "templates/errors.html", "templates/core/", "nec/core/web.py")
    untranslated = [
        m.id
        for m in catalog
        if m.id and any(path.startswith(public) for path, _ in m.locations) and (not m.string or m.fuzzy)
    ]
    assert untranslated == []
