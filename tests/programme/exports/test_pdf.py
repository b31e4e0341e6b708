"""The programme as a PDF: /<ev>/schedule.pdf, read back with a real PDF parser (pypdf)."""

from __future__ import annotations

import io
import re
import sys
import types

import pypdf
import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.programme.public.cache import page_cache
from nec.proposals.models import SessionState
from tests.programme.public.helpers import build_programme
from tests.support.web import log_in, page_text


def _url(programme) -> str:
    return f"/{programme.event.slug}/schedule.pdf"


def _read(data: bytes) -> tuple[int, str]:
    """(number of pages, the text of every page with its spaces and line breaks made single spaces)."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def _row(text: str, starts: str) -> str:
    """One line of the programme's table: from its time range to the next one (or the next day)."""
    found = re.search(re.escape(starts) + r".*?(?=\d\dh\d\d – |Mercredi|$)", text)
    assert found, starts
    return found.group()


def _pdf(client, programme, **kw) -> tuple[int, str]:
    response = client.get(_url(programme), **kw)
    assert response.status_code == 200, response.status_code
    return _read(response.data)


# --- before a release, unknown events -------------------------------------------------------------------


def test_pdf_is_404_with_a_french_page_before_any_release(db, client, make_event):
    programme = build_programme(db, make_event, released=False)  # a draft only: private
    response = client.get(_url(programme))
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "pas encore publié" in page_text(response)


def test_pdf_of_an_unknown_event_is_404(client, app):
    assert client.get("/nec-inconnu/schedule.pdf").status_code == 404


# --- what is served -------------------------------------------------------------------------------------


def test_pdf_is_served_as_application_pdf_with_its_filename_and_cache_headers(db, client, make_event):
    programme = build_programme(db, make_event)
    response = client.get(_url(programme))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"  # no "; charset=" for a binary file
    assert response.headers["Content-Disposition"] == f'inline; filename="{programme.event.slug}-schedule.pdf"'
    assert response.data.startswith(b"%PDF-")
    assert response.headers["ETag"].startswith('"v')
    assert response.cache_control.public and response.cache_control.max_age == 300
    assert "Cookie" in response.vary  # the language may come from the visitor's session
    pages, _text = _read(response.data)
    assert pages >= 1


def test_pdf_shows_the_event_and_the_released_sessions_in_time_order(db, app, client, make_event, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_BASE_URL", "https://programme.example.net/nec/")
    programme = build_programme(db, make_event, title="NEC du Sud Charente", venue_name="Salle des fêtes")
    pages, text = _pdf(client, programme)
    assert "NEC du Sud Charente" in text
    assert "Du mardi 28 janvier 2031 au mercredi 29 janvier 2031" in text
    assert "Salle des fêtes" in text
    assert "Version « v1 », publiée le 8 janvier 2031 à 08h00." in text
    online = f"https://programme.example.net/nec/{programme.event.slug}/programme/"
    assert text.count(online) == 1 + pages  # under the title, and in the footer of every page
    assert "Mardi 28 janvier 2031" in text and "Mercredi 29 janvier 2031" in text
    # The round table: time in Paris, room, format, theme and the speaker who agreed to be named.
    table = _row(text, "09h00 – 10h15 Le métier de médiateur numérique")
    assert "Format : Table ronde · Thème : Médiation" in table
    assert "Avec : Alice Durand (EPN de Barbezieux)" in table
    assert "Salle Aliénor" in table
    workshop = _row(text, "09h00 – 11h00 Fabriquer son tiers-lieu")
    assert "Salle Bastide" in workshop and "Chloé Moreau" in workshop and "Alice" not in workshop  # she declined
    assert "12h30 – 14h00 Pause déjeuner" in text
    assert "Salle Aliénor" in _row(text, "14h00 – 14h30 Financer l'inclusion numérique")
    # Day by day, in time order.
    order = ["Le métier de médiateur numérique", "Pause déjeuner", "Financer l'inclusion numérique"]
    assert [text.index(title) for title in order] == sorted(text.index(title) for title in order)
    assert text.index("Mardi 28 janvier 2031") < text.index("Le métier") < text.index("Mercredi 29 janvier 2031")
    assert f"Page 1 sur {pages}" in text


def test_pdf_leaves_out_the_draft_cancelled_sessions_and_details_without_consent(db, client, make_event):
    programme = build_programme(db, make_event)
    _pages, text = _pdf(client, programme)
    assert "Le métier de médiateur numérique" in text  # Bruno's session is there ...
    assert "Bruno Secret" in text and "Structure discrète" not in text  # ... his name, not his structure
    assert "Session secrète du brouillon" not in text and "Denis Brouillon" not in text  # the draft only
    assert "Session annulée après la publication" not in text
    assert "Session refusée par erreur publiée" not in text


def test_pdf_leaves_out_a_session_cancelled_after_the_release(db, client, make_event):
    programme = build_programme(db, make_event)
    first = client.get(_url(programme))
    assert "Fabriquer son tiers-lieu" in _read(first.data)[1]
    programme.sessions["workshop"].state = SessionState.cancelled
    db.session.commit()
    response = client.get(_url(programme), headers={"If-None-Match": first.headers["ETag"]})
    assert response.status_code == 200
    assert "Fabriquer son tiers-lieu" not in _read(response.data)[1]


def test_pdf_is_written_in_the_language_of_the_request(db, client, make_event):
    programme = build_programme(db, make_event)
    french = client.get(_url(programme))
    english = client.get(_url(programme) + "?lang=en")
    assert "Mardi 28 janvier 2031" in _read(french.data)[1]
    english_text = _read(english.data)[1]
    assert "Tuesday, January 28, 2031" in english_text and "janvier" not in english_text
    assert "09:00 – 10:15 Le métier de médiateur numérique" in english_text
    assert french.headers["ETag"] != english.headers["ETag"]


# --- HTTP caching ---------------------------------------------------------------------------------------


def test_pdf_answers_304_to_a_matching_etag(db, client, make_event):
    programme = build_programme(db, make_event)
    etag = client.get(_url(programme)).headers["ETag"]
    response = client.get(_url(programme), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""
    assert response.headers["ETag"] == etag
    assert client.get(_url(programme), headers={"If-None-Match": '"v1-old"'}).status_code == 200


def test_pdf_is_rendered_once_per_release_and_then_served_from_the_cache(db, client, make_event, count_queries):
    programme = build_programme(db, make_event)
    page_cache().clear()
    with count_queries() as first_queries:
        first = client.get(_url(programme))
    with count_queries() as second_queries:
        second = client.get(_url(programme))
    assert first.status_code == second.status_code == 200
    assert second.data == first.data and second.headers["ETag"] == first.headers["ETag"]
    assert second.headers["Content-Type"] == "application/pdf"
    assert page_cache().hits == 1
    assert second_queries.count < first_queries.count


def test_pdf_runs_the_same_number_of_queries_for_3_and_30_sessions(db, app, make_event, count_queries):
    counts = []
    for extra in (3, 30):
        programme = build_programme(db, make_event, extra_sessions=extra)
        db.session.expire_all()
        client = app.test_client()
        with count_queries() as counter:
            response = client.get(_url(programme))
        assert response.status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
    assert "Atelier express numéro 30" in _read(response.data)[1]


# --- a server without WeasyPrint or Pango ---------------------------------------------------------------


def _pango_missing(name: str):
    raise OSError("cannot load library 'libpango-1.0-0': No such file or directory")


@pytest.mark.parametrize("missing", ["pango", "package"])
def test_pdf_is_503_with_a_french_page_when_weasyprint_cannot_run(db, client, make_event, monkeypatch, missing):
    programme = build_programme(db, make_event)
    page_cache().clear()
    if missing == "pango":  # what importing WeasyPrint does when Debian's Pango is absent
        broken = types.ModuleType("weasyprint")
        broken.__getattr__ = _pango_missing
        monkeypatch.setitem(sys.modules, "weasyprint", broken)
    else:  # the package itself is not installed
        monkeypatch.setitem(sys.modules, "weasyprint", None)
    response = client.get(_url(programme))
    assert response.status_code == 503
    assert response.mimetype == "text/html"
    assert "La version PDF du programme n'est pas disponible sur ce serveur" in page_text(response)
    assert response.cache_control.no_store
    assert len(page_cache()) == 0  # nothing kept: the PDF is made as soon as the server can
    assert client.get(f"/{programme.event.slug}/schedule.ics").status_code == 200  # the other exports still work


# --- who sees an unpublished event's PDF ----------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "stranger"])
def test_unpublished_event_pdf_is_hidden_from_people_outside_the_team(db, client, make_event, make_user, who):
    programme = build_programme(db, make_event, published=False)
    if who == "stranger":
        log_in(client, make_user())
    assert client.get(_url(programme)).status_code == 404


def test_unpublished_event_pdf_reaches_the_organiser_without_shared_caching(db, client, make_event, make_user):
    programme = build_programme(db, make_event, published=False)
    organiser = make_user()
    db.session.add(EventRole(event=programme.event, user=organiser, role=EventRoleKind.organiser))
    db.session.commit()
    log_in(client, organiser)
    response = client.get(_url(programme))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.cache_control.private and response.cache_control.no_cache


# --- the link on the public programme -------------------------------------------------------------------


def test_programme_page_links_to_the_pdf_once_released(db, client, make_event):
    programme = build_programme(db, make_event)
    body = page_text(client.get(f"/{programme.event.slug}/programme/"))
    assert f'href="/{programme.event.slug}/schedule.pdf"' in body
    assert "Télécharger le programme (PDF)" in body


def test_programme_page_has_no_pdf_link_before_a_release(db, client, make_event):
    programme = build_programme(db, make_event, released=False)
    body = page_text(client.get(f"/{programme.event.slug}/programme/"))
    assert "schedule.pdf" not in body


# --- the demo event -------------------------------------------------------------------------------------


def test_demo_event_pdf_is_served(db, client):
    from nec import demo

    demo.load_demo(password="demo-password-for-tests")
    response = client.get(f"/{demo.DEMO_SLUG}/schedule.pdf")
    assert response.status_code == 200
    pages, text = _read(response.data)
    assert pages >= 2
    assert demo.get_demo_event().title in text
    assert f"Page {pages} sur {pages}" in text
