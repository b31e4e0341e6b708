"""The public programme, session and speaker pages, and the personal agenda's pages and forms."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.programme.models import Favourite, ScheduleVersion, Slot
from nec.proposals.models import SessionState
from tests.programme.public.helpers import DAY_ONE, DAY_TWO, build_programme, paris
from tests.support.web import log_in


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def words(response) -> str:
    """The page's text as a reader hears it: no tags, single spaces."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split()).replace(" ,", ",")


def headings(response, level: int) -> list[str]:
    html = response.get_data(as_text=True)
    found = re.findall(rf"<h{level}[^>]*>(.*?)</h{level}>", html, flags=re.S)
    return [unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in found]


def article_titles(response) -> list[str]:
    """The titles of the session articles, in page order."""
    return headings(response, 4)


def url(prog, path: str = "programme/") -> str:
    return f"/{prog.event.slug}/{path}"


def favourites_of(db, user) -> set[int]:
    return set(db.session.scalars(sa.select(Favourite.session_id).where(Favourite.user_id == user.id)))


# --- before the first release ---------------------------------------------------------------------


def test_programme_before_release_says_it_is_not_published(client, db, make_event):
    prog = build_programme(db, make_event, released=False)
    response = client.get(url(prog))
    assert response.status_code == 200
    assert headings(response, 1) == ["Le programme n'est pas encore publié"]
    body = text(response)
    assert "Le métier de médiateur numérique" not in body  # the draft is never shown
    assert "Session secrète du brouillon" not in body
    assert '<html lang="fr">' in response.get_data(as_text=True)


def test_speakers_page_before_release_says_it_is_not_published(client, db, make_event):
    prog = build_programme(db, make_event, released=False)
    response = client.get(url(prog, "speakers/"))
    assert response.status_code == 200
    assert headings(response, 1) == ["Le programme n'est pas encore publié"]
    assert "Alice Durand" not in text(response)


def test_session_and_speaker_pages_before_release_are_not_found(client, db, make_event):
    prog = build_programme(db, make_event, released=False)
    assert client.get(url(prog, f"sessions/{prog.sessions['table'].id}/")).status_code == 404
    assert client.get(url(prog, f"speakers/{prog.speakers['alice'].id}/")).status_code == 404


def test_event_home_links_the_programme_only_once_released(client, db, make_event):
    before = build_programme(db, make_event, released=False)
    page = text(client.get(url(before, "")))
    assert "Voir le programme" not in page
    assert f'href="/{before.event.slug}/programme/"' not in page

    after = build_programme(db, make_event)
    page = text(client.get(url(after, "")))
    assert "Voir le programme" in page
    assert f'href="/{after.event.slug}/speakers/"' in page


def test_event_nav_links_the_programme_on_every_event_page_once_released(client, prog):
    session_page = client.get(url(prog, f"sessions/{prog.sessions['table'].id}/"))
    nav = re.search(r'<nav class="event-nav".*?</nav>', session_page.get_data(as_text=True), flags=re.S).group(0)
    assert f'href="/{prog.event.slug}/programme/"' in nav
    assert f'href="/{prog.event.slug}/speakers/"' in nav
    programme_page = client.get(url(prog)).get_data(as_text=True)
    assert f'<a href="/{prog.event.slug}/programme/" aria-current="page">Programme</a>' in programme_page


# --- the programme ----------------------------------------------------------------------------------


def test_programme_shows_the_release_by_day_and_time(client, prog):
    response = client.get(url(prog))
    assert response.status_code == 200
    assert headings(response, 1) == ["Programme"]
    assert headings(response, 2) == ["Chercher dans le programme", "Mardi 28 janvier 2031", "Mercredi 29 janvier 2031"]
    assert headings(response, 3) == ["09h00", "12h30", "14h00"]
    assert article_titles(response) == [
        "Le métier de médiateur numérique",
        "Fabriquer son tiers-lieu",
        "Financer l'inclusion numérique",
    ]
    body = text(response)
    assert "Salle : Salle Aliénor" in body and "Salle : Salle Bastide" in body
    assert "Format : Table ronde" in body and "Thème : Médiation" in body  # written out, not only a colour
    assert "Pause déjeuner" in body
    assert "De 09h00 à 10h15" in body
    assert "Version « v1 »" in body
    assert "3 sessions au programme." in body
    assert f'<a href="/{prog.event.slug}/sessions/{prog.sessions["table"].id}/">' in response.get_data(as_text=True)


def test_programme_never_shows_the_draft_nor_cancelled_or_rejected_sessions(client, prog):
    body = text(client.get(url(prog)))
    assert "Session secrète du brouillon" not in body
    assert "Session annulée après la publication" not in body
    assert "Session refusée par erreur publiée" not in body
    assert "Denis Brouillon" not in body


def test_programme_shows_the_latest_release_only(client, db, prog):
    newer = ScheduleVersion(event_id=prog.event.id, name="v2", released_at=prog.release.released_at + timedelta(days=1))
    newer.slots = [
        Slot(
            session_id=prog.sessions["talk"].id,
            room_id=prog.rooms["B"].id,
            starts_at=paris(DAY_TWO, 10),
            ends_at=paris(DAY_TWO, 10, 30),
        )
    ]
    db.session.add(newer)
    db.session.commit()
    response = client.get(url(prog))
    assert article_titles(response) == ["Financer l'inclusion numérique"]
    assert "Version « v2 »" in text(response)
    assert "De 10h00 à 10h30" in text(response)


def test_programme_shows_a_session_cancelled_after_release_nowhere(client, db, prog):
    prog.sessions["workshop"].state = SessionState.cancelled
    db.session.commit()
    assert "Fabriquer son tiers-lieu" not in text(client.get(url(prog)))
    assert client.get(url(prog, f"sessions/{prog.sessions['workshop'].id}/")).status_code == 404


def test_programme_without_javascript_has_a_get_filter_form_with_labels(client, prog):
    html = client.get(url(prog)).get_data(as_text=True)
    form = re.search(r'<form method="get"[^>]*role="search".*?</form>', html, flags=re.S).group(0)
    for name, label in (("q", "Mots à chercher"), ("day", "Jour"), ("theme", "Thème"), ("format", "Format")):
        assert f'name="{name}"' in form
        assert f'<label for="filter-{name}">{label}</label>' in form
    assert '<label for="filter-room">Salle</label>' in form
    assert 'type="submit"' in form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"day": DAY_TWO.isoformat()}, ["Financer l'inclusion numérique"]),
        ({"theme": "tiers"}, ["Fabriquer son tiers-lieu"]),
        ({"format": "table"}, ["Le métier de médiateur numérique"]),
        ({"room": "A"}, ["Le métier de médiateur numérique", "Financer l'inclusion numérique"]),
        ({"q": "MEDIATEUR"}, ["Le métier de médiateur numérique"]),  # no accents, any case
        ({"q": "subventions"}, ["Financer l'inclusion numérique"]),  # the summary
        ({"q": "chloe"}, ["Fabriquer son tiers-lieu"]),  # a speaker's name
        ({"q": "alice numérique"}, ["Le métier de médiateur numérique", "Financer l'inclusion numérique"]),
        ({"q": "bruno"}, ["Le métier de médiateur numérique"]),  # named without a public profile: found by name
        ({"room": "A", "day": DAY_ONE.isoformat()}, ["Le métier de médiateur numérique"]),
    ],
)
def test_programme_filters_and_search_narrow_the_list(client, prog, query, expected):
    ids = {
        "theme": lambda key: prog.themes[key].id,
        "format": lambda key: prog.formats[key].id,
        "room": lambda key: prog.rooms[key].id,
    }
    params = {name: ids[name](value) if name in ids else value for name, value in query.items()}
    response = client.get(url(prog), query_string=params)
    assert response.status_code == 200
    assert article_titles(response) == expected
    body = text(response)
    assert "Pause déjeuner" not in body  # breaks only in the whole programme
    if expected:
        assert "sur 3 correspond" in body
    else:
        assert "Aucune session ne correspond à ces critères." in body


def test_programme_filter_keeps_the_choice_selected(client, prog):
    html = client.get(url(prog), query_string={"day": DAY_TWO.isoformat(), "q": "financer"}).get_data(as_text=True)
    assert f'<option value="{DAY_TWO.isoformat()}" selected>' in html
    assert 'value="financer"' in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"day": "2031-02-30"}, "Ce jour ne fait pas partie du programme"),
        ({"day": "1999-01-01"}, "Ce jour ne fait pas partie du programme"),
        ({"theme": "abc"}, "Ce thème ne fait pas partie du programme"),
        ({"format": "999999"}, "Ce format ne fait pas partie du programme"),
        ({"room": "-1"}, "Cette salle ne fait pas partie du programme"),
    ],
)
def test_programme_filter_with_a_wrong_value_shows_everything_with_a_message(client, prog, query, message):
    response = client.get(url(prog), query_string=query)
    assert response.status_code == 200
    assert message in text(response)
    assert len(article_titles(response)) == 3


def test_programme_filter_by_a_theme_of_another_event_is_refused(client, db, make_event, prog):
    other = build_programme(db, make_event)
    response = client.get(url(prog), query_string={"theme": other.themes["tiers"].id})
    assert "Ce thème ne fait pas partie du programme" in text(response)
    assert len(article_titles(response)) == 3


def test_programme_search_that_is_too_long_is_cut_with_a_message(client, prog):
    response = client.get(url(prog), query_string={"q": "x" * 500})
    assert response.status_code == 200
    assert "La recherche était trop longue" in text(response)


@pytest.mark.parametrize("signed_in", [False, True])
def test_programme_runs_a_constant_number_of_queries(client, db, make_event, make_user, count_queries, signed_in):
    user = make_user()
    if signed_in:
        log_in(client, user)
    counts = {}
    for size in (3, 30):
        address = url(build_programme(db, make_event, extra_sessions=size))
        db.session.expunge_all()
        with count_queries() as counter:
            response = client.get(address)
        assert response.status_code == 200
        assert len(article_titles(response)) == 3 + size
        counts[size] = counter.count
    assert counts[3] == counts[30], counts
    assert counts[30] <= 11, counts  # 11: the navigation's registration link reads the event's settings


def test_programme_of_an_unpublished_event_is_not_found_for_a_visitor(client, db, make_event):
    prog = build_programme(db, make_event, published=False)
    assert client.get(url(prog)).status_code == 404


@pytest.mark.parametrize(("role", "status"), [(None, 404), ("reviewer", 200), ("organiser", 200)])
def test_programme_of_an_unpublished_event_is_seen_by_its_team_only(client, db, make_event, make_user, role, status):
    prog = build_programme(db, make_event, published=False)
    user = make_user()
    if role:
        db.session.add(EventRole(event_id=prog.event.id, user_id=user.id, role=EventRoleKind(role)))
        db.session.commit()
    log_in(client, user)
    response = client.get(url(prog))
    assert response.status_code == status
    assert ("Le métier de médiateur numérique" in text(response)) is (status == 200)


def test_programme_page_has_an_add_form_for_each_session(client, prog):
    html = client.get(url(prog)).get_data(as_text=True)
    assert html.count('class="inline-form favourite-form"') == 3
    assert 'name="csrf_token"' in html
    assert f'action="/{prog.event.slug}/programme/favourites/{prog.sessions["table"].id}"' in html
    assert '<script src="/static/js/agenda.js" defer></script>' in html
    assert 'data-agenda="device"' in html  # an anonymous visitor: the script keeps favourites on the device


# --- session pages ------------------------------------------------------------------------------------


def test_session_page_shows_the_details(client, prog):
    table = prog.sessions["table"]
    response = client.get(url(prog, f"sessions/{table.id}/"))
    assert response.status_code == 200
    assert headings(response, 1) == ["Le métier de médiateur numérique"]
    assert headings(response, 2) == ["En bref", "Présentation", "Intervenant·es", "Dans mon agenda"]
    body = text(response)
    assert "Mardi 28 janvier 2031, de 09h00 à 10h15" in body
    assert "Europe/Paris" in body
    assert "Salle Aliénor" in body
    assert "Table ronde" in body and "Médiation" in body
    assert "Résumé de Le métier de médiateur numérique" in body
    assert "<p>Premier paragraphe.</p>" in body and "<p>Second paragraphe de la description.</p>" in body
    assert "Médiateurs" in body  # the audience
    html = response.get_data(as_text=True)
    assert f'href="/{prog.event.slug}/speakers/{prog.speakers["alice"].id}/">Alice Durand</a>' in html
    assert "EPN de Barbezieux" in body
    assert "(Modération)" in body
    assert f'href="/{prog.event.slug}/sessions/{table.id}/session.ics"' in html
    assert "Atelier limité" not in body


def test_session_page_names_a_speaker_without_consent_but_shows_no_details(client, prog):
    response = client.get(url(prog, f"sessions/{prog.sessions['table'].id}/"))
    body = text(response)
    assert "Bruno Secret" in body
    assert "Structure discrète" not in body
    assert "n'a pas souhaité" not in body and "Une autre personne intervient" not in body


def test_session_page_of_a_workshop_shows_its_seats_and_not_a_declined_speaker(client, prog):
    body = text(client.get(url(prog, f"sessions/{prog.sessions['workshop'].id}/")))
    assert "Atelier limité à 12 places." in body
    assert "Chloé Moreau" in body
    assert "Alice Durand" not in body  # invited, declined


@pytest.mark.parametrize("key", ["draft_only", "cancelled", "rejected"])
def test_session_page_of_a_session_outside_the_public_programme_is_not_found(client, prog, key):
    response = client.get(url(prog, f"sessions/{prog.sessions[key].id}/"))
    assert response.status_code == 404
    assert prog.sessions[key].title not in text(response)
    assert "Page introuvable" in text(response)


def test_session_page_of_an_unknown_or_other_event_session_is_not_found(client, db, make_event, prog):
    other = build_programme(db, make_event)
    assert client.get(url(prog, "sessions/999999/")).status_code == 404
    assert client.get(url(prog, f"sessions/{other.sessions['table'].id}/")).status_code == 404


# --- speakers -----------------------------------------------------------------------------------------


def test_speakers_page_names_every_speaker_of_the_release_details_with_consent(client, prog):
    response = client.get(url(prog, "speakers/"))
    assert response.status_code == 200
    assert headings(response, 1) == ["Intervenant·es"]
    assert headings(response, 2) == ["Alice Durand", "Bruno Secret", "Chloé Moreau"]
    body = text(response)
    assert "Structure discrète" not in body and "BIO-PRIVEE" not in body
    assert "Denis Brouillon" not in body  # only in the draft
    assert "EPN de Barbezieux" in body and "Sud Charente" in body


def test_speaker_page_shows_the_profile_and_the_sessions(client, prog):
    response = client.get(url(prog, f"speakers/{prog.speakers['alice'].id}/"))
    assert response.status_code == 200
    assert headings(response, 1) == ["Alice Durand"]
    assert headings(response, 2) == ["En bref", "Présentation", "Ses sessions"]
    assert headings(response, 3) == ["Le métier de médiateur numérique", "Financer l'inclusion numérique"]
    body = text(response)
    assert "Alice anime un espace public numérique depuis dix ans." in body
    assert "Rôle : Modération" in body
    assert "Fabriquer son tiers-lieu" not in body  # she declined that invitation


def test_speaker_page_outside_the_release_is_not_found(client, prog):
    response = client.get(url(prog, f"speakers/{prog.speakers['denis'].id}/"))
    assert response.status_code == 404


def test_speaker_page_without_consent_has_the_name_and_sessions_only(client, prog):
    response = client.get(url(prog, f"speakers/{prog.speakers['bruno'].id}/"))
    assert response.status_code == 200
    assert headings(response, 1) == ["Bruno Secret"]
    assert headings(response, 2) == ["Sa session"]
    body = text(response)
    assert "BIO-PRIVEE" not in body and "Structure discrète" not in body
    assert "Le métier de médiateur numérique" in body


def test_speaker_page_of_another_event_is_not_found(client, db, make_event, prog):
    other = build_programme(db, make_event)
    assert client.get(url(prog, f"speakers/{other.speakers['alice'].id}/")).status_code == 404


def test_speaker_who_withdraws_consent_keeps_only_their_name_on_the_public_pages(client, db, prog):
    prog.speakers["alice"].publish_consent = False
    db.session.commit()
    speakers = text(client.get(url(prog, "speakers/")))
    assert "Alice Durand" in speakers and "EPN de Barbezieux" not in speakers
    programme = text(client.get(url(prog)))
    assert "Alice Durand" in programme and "EPN de Barbezieux" not in programme
    page = text(client.get(url(prog, f"speakers/{prog.speakers['alice'].id}/")))
    assert "Alice Durand" in page and "Alice anime un espace public numérique" not in page


# --- favourites ---------------------------------------------------------------------------------------


def test_favourite_added_and_removed_by_a_signed_in_person(client, db, make_user, prog):
    user = make_user()
    log_in(client, user)
    table = prog.sessions["table"]
    back = f"/{prog.event.slug}/programme/?day={DAY_ONE.isoformat()}#session-{table.id}"
    response = client.post(url(prog, f"programme/favourites/{table.id}"), data={"next": back})
    assert response.status_code == 302
    assert response.headers["Location"] == back
    assert favourites_of(db, user) == {table.id}

    page = client.get(url(prog))
    assert "« Le métier de médiateur numérique » est dans votre programme." in text(page)
    assert f'action="/{prog.event.slug}/programme/favourites/{table.id}/remove"' in page.get_data(as_text=True)

    again = client.post(url(prog, f"programme/favourites/{table.id}"), follow_redirects=True)
    assert "était déjà dans votre programme" in text(again)
    assert favourites_of(db, user) == {table.id}

    response = client.post(url(prog, f"programme/favourites/{table.id}/remove"))
    assert response.status_code == 302
    assert favourites_of(db, user) == set()


def test_favourite_post_by_an_anonymous_visitor_redirects_to_login(client, db, prog):
    table = prog.sessions["table"]
    response = client.post(
        url(prog, f"programme/favourites/{table.id}"), data={"next": f"/{prog.event.slug}/programme/"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Favourite)) == 0
    removal = client.post(url(prog, f"programme/favourites/{table.id}/remove"))
    assert removal.headers["Location"].startswith("/login?next=")


def test_favourite_of_a_session_outside_the_release_is_refused(client, db, make_user, prog):
    user = make_user()
    log_in(client, user)
    for key in ("draft_only", "cancelled"):
        response = client.post(url(prog, f"programme/favourites/{prog.sessions[key].id}"), follow_redirects=True)
        assert response.status_code == 200
        assert "Cette session ne figure pas dans le programme publié" in text(response)
    assert favourites_of(db, user) == set()


def test_favourite_form_never_redirects_to_another_site(client, make_user, prog):
    log_in(client, make_user())
    table = prog.sessions["table"]
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(url(prog, f"programme/favourites/{table.id}"), data={"next": evil})
        assert response.headers["Location"] == f"/{prog.event.slug}/sessions/{table.id}/"


def test_favourite_removal_by_a_stranger_leaves_the_owners_favourite(client, db, make_user, prog):
    owner, stranger = make_user(), make_user()
    db.session.add(Favourite(user_id=owner.id, session_id=prog.sessions["table"].id))
    db.session.commit()
    log_in(client, stranger)
    response = client.post(url(prog, f"programme/favourites/{prog.sessions['table'].id}/remove"), follow_redirects=True)
    assert "n'était pas dans votre programme" in text(response)
    assert favourites_of(db, owner) == {prog.sessions["table"].id}


# --- "Mon programme" ----------------------------------------------------------------------------------


def test_my_programme_lists_favourites_in_time_order_with_clashes_in_words(client, db, make_user, prog):
    user = make_user()
    for key in ("talk", "workshop", "table"):
        db.session.add(Favourite(user_id=user.id, session_id=prog.sessions[key].id))
    db.session.commit()
    log_in(client, user)
    response = client.get(url(prog, "programme/mine"))
    assert response.status_code == 200
    assert headings(response, 1) == ["Mon programme"]
    assert headings(response, 2) == ["Mardi 28 janvier 2031", "Mercredi 29 janvier 2031"]
    assert article_titles(response) == [
        "Le métier de médiateur numérique",
        "Fabriquer son tiers-lieu",
        "Financer l'inclusion numérique",
    ]
    body = words(response)
    assert "Attention : 2 sessions ont lieu en même temps qu'une autre de votre programme." in body
    assert (
        "cette session a lieu en même temps que « Fabriquer son tiers-lieu » (de 09h00 à 11h00, Salle Bastide)" in body
    )
    assert "en même temps que « Le métier de médiateur numérique »" in body
    assert body.count("Vous ne pourrez pas suivre les deux en entier.") == 2  # not the talk of day two


def test_my_programme_without_clashes_says_none(client, db, make_user, prog):
    user = make_user()
    db.session.add(Favourite(user_id=user.id, session_id=prog.sessions["talk"].id))
    db.session.commit()
    log_in(client, user)
    body = text(client.get(url(prog, "programme/mine")))
    assert "1 session dans votre programme." in body
    assert "en même temps" not in body


def test_my_programme_counts_a_favourite_that_left_the_programme_without_naming_it(client, db, make_user, prog):
    user = make_user()
    for key in ("table", "cancelled"):
        db.session.add(Favourite(user_id=user.id, session_id=prog.sessions[key].id))
    db.session.commit()
    log_in(client, user)
    body = text(client.get(url(prog, "programme/mine")))
    assert "Une session que vous aviez choisie ne figure plus au programme publié." in body
    assert "Session annulée après la publication" not in body


def test_my_programme_shows_only_my_favourites(client, db, make_user, prog):
    me, other = make_user(), make_user()
    db.session.add(Favourite(user_id=other.id, session_id=prog.sessions["table"].id))
    db.session.commit()
    log_in(client, me)
    body = text(client.get(url(prog, "programme/mine")))
    assert "Votre programme est vide pour le moment." in body
    assert "Le métier de médiateur numérique" not in body


def test_my_programme_for_an_anonymous_visitor_shows_the_sessions_of_the_device(client, prog):
    ids = f"{prog.sessions['workshop'].id},{prog.sessions['table'].id},abc,{prog.sessions['draft_only'].id}"
    response = client.get(url(prog, "programme/mine"), query_string={"ids": ids})
    assert response.status_code == 200
    assert article_titles(response) == ["Le métier de médiateur numérique", "Fabriquer son tiers-lieu"]
    assert "en même temps que" in text(response)
    assert "Session secrète du brouillon" not in text(response)


def test_my_programme_for_an_anonymous_visitor_without_favourites_invites_to_sign_in(client, prog):
    response = client.get(url(prog, "programme/mine"))
    assert response.status_code == 200
    body = text(response)
    assert "Votre programme est vide pour le moment." in body
    assert "connectez-vous" in body
    assert 'data-agenda-page="mine"' in response.get_data(as_text=True)


def test_my_programme_before_release_says_it_is_not_published(client, db, make_event, make_user):
    prog = build_programme(db, make_event, released=False)
    log_in(client, make_user())
    response = client.get(url(prog, "programme/mine"))
    assert headings(response, 1) == ["Le programme n'est pas encore publié"]


def test_my_programme_links_to_the_calendar_subscription(client, db, make_user, prog):
    log_in(client, make_user())
    page = client.get(f"/{prog.event.slug}/programme/mine").get_data(as_text=True)
    assert f'href="/{prog.event.slug}/programme/subscribe"' in page


def test_programme_links_to_its_changes(client, db, prog):
    page = client.get(f"/{prog.event.slug}/programme/").get_data(as_text=True)
    assert f'href="/{prog.event.slug}/programme/changes"' in page
