"""Who may open the organiser's pages: the organiser yes; anonymous to the login; others 403."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nec.events import services
from nec.events.models import Room, Theme
from tests.support.web import log_in, page_text

PAGES = [
    "/{ev}/manage/",
    "/{ev}/manage/event",
    "/{ev}/manage/days",
    "/{ev}/manage/days/{day}",
    "/{ev}/manage/rooms",
    "/{ev}/manage/rooms/{room}",
    "/{ev}/manage/rooms/{room}/delete",
    "/{ev}/manage/themes",
    "/{ev}/manage/themes/{theme}",
    "/{ev}/manage/themes/{theme}/delete",
    "/{ev}/manage/formats",
    "/{ev}/manage/formats/{format}",
    "/{ev}/manage/formats/{format}/delete",
]


@pytest.fixture
def urls(db, event, organiser):
    room = services.add_room(event, organiser, name="Salle A")
    theme = services.add_theme(event, organiser, name="Financements")
    db.session.commit()
    ids = {
        "ev": event.slug,
        "day": services.list_days(event)[0].id,
        "room": room.id,
        "theme": theme.id,
        "format": services.list_formats(event)[0].id,
    }
    return lambda page: page.format(**ids)


@pytest.mark.parametrize("page", PAGES)
def test_manage_page_works_for_the_organiser(client, organiser, urls, page):
    log_in(client, organiser)
    response = client.get(urls(page))
    assert response.status_code == 200
    assert "Gestion de l’événement" in page_text(response)


@pytest.mark.parametrize("page", PAGES)
def test_manage_page_sends_anonymous_to_login(client, urls, page):
    response = client.get(urls(page))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_manage_page_is_forbidden_to_a_stranger(client, stranger, urls, page):
    log_in(client, stranger)
    assert client.get(urls(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_manage_page_is_forbidden_to_a_reviewer(client, reviewer, urls, page):
    log_in(client, reviewer)
    assert client.get(urls(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_manage_page_works_for_a_platform_admin(client, make_user, urls, page):
    log_in(client, make_user("admin@example.org", is_admin=True))
    assert client.get(urls(page)).status_code == 200


@pytest.mark.parametrize("who", ["anonymous", "stranger", "reviewer"])
def test_manage_actions_change_nothing_for_the_wrong_user(db, client, urls, who, request):
    if who != "anonymous":
        log_in(client, request.getfixturevalue(who))
    expected = 302 if who == "anonymous" else 403
    posts = [
        ("/{ev}/manage/rooms", {"name": "Salle pirate", "kind": "physical"}),
        ("/{ev}/manage/rooms/{room}", {"name": "Renommée", "kind": "physical"}),
        ("/{ev}/manage/rooms/{room}/delete", {}),
        ("/{ev}/manage/rooms/{room}/move", {"direction": "down"}),
        ("/{ev}/manage/themes/{theme}/delete", {}),
        ("/{ev}/manage/formats/{format}/delete", {}),
        ("/{ev}/manage/event", {"title": "Piraté"}),
    ]
    for page, data in posts:
        assert client.post(urls(page), data=data).status_code == expected, page
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Room.id))) == 1
    assert db.session.scalar(sa.select(Room.name)) == "Salle A"
    assert db.session.scalar(sa.select(sa.func.count(Theme.id))) == 1


def test_manage_of_another_events_object_is_404(db, client, organiser, event, make_event):
    other = make_event("autre-nec")
    room = services.add_room(other, organiser, name="Salle ailleurs")
    db.session.commit()
    log_in(client, organiser)
    assert client.get(f"/{event.slug}/manage/rooms/{room.id}").status_code == 404
    assert client.post(f"/{event.slug}/manage/rooms/{room.id}/delete").status_code == 404
    assert db.session.get(Room, room.id) is not None


def test_unpublished_event_is_404_to_the_public_and_visible_to_its_organiser(db, client, event, organiser, stranger):
    event.is_published = False
    db.session.commit()
    assert client.get(f"/{event.slug}/").status_code == 404
    log_in(client, stranger)
    assert client.get(f"/{event.slug}/").status_code == 404
    log_in(client, organiser)
    response = client.get(f"/{event.slug}/")
    assert response.status_code == 200
    html = page_text(response)
    assert "Non publié" in html
    assert f'href="/{event.slug}/manage/"' in html


def test_event_home_links_organisers_to_the_management_pages(client, event, organiser, stranger):
    link = f'href="/{event.slug}/manage/"'
    assert link not in page_text(client.get(f"/{event.slug}/"))
    log_in(client, stranger)
    assert link not in page_text(client.get(f"/{event.slug}/"))
    log_in(client, organiser)
    assert link in page_text(client.get(f"/{event.slug}/"))


def test_dashboard_links_to_every_part_and_the_team(as_organiser, event):
    html = page_text(as_organiser.get(f"/{event.slug}/manage/"))
    for part in ("event", "days", "rooms", "themes", "formats", "team"):
        assert f'href="/{event.slug}/manage/{part}"' in html
    assert 'aria-current="page"' in html
