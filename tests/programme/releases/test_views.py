"""The organiser's publishing page, the public changelog page and its Atom feed."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from nec.accounts.models import EventRole, EventRoleKind
from nec.core.models import OutboxMessage
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from tests.programme.public.helpers import DAY_TWO, build_programme, paris
from tests.support.web import log_in

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def organiser(make_user, programme):
    user = make_user("orga@example.org", full_name="Odile Organisatrice")
    db.session.add(EventRole(event=programme.event, user=user, role=EventRoleKind.organiser))
    db.session.commit()
    return user


@pytest.fixture
def reviewer(make_user, programme):
    user = make_user("relecteur@example.org", full_name="Rémi Relecteur")
    db.session.add(EventRole(event=programme.event, user=user, role=EventRoleKind.reviewer))
    db.session.commit()
    return user


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def releases(event) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(ScheduleVersion.name)
            .where(ScheduleVersion.event_id == event.id, ScheduleVersion.released_at.is_not(None))
            .order_by(ScheduleVersion.id)
        )
    )


def move_talk(programme) -> None:
    slot = next(s for s in programme.draft.slots if s.session_id == programme.sessions["talk"].id)
    slot.starts_at, slot.ends_at = paris(DAY_TWO, 16), paris(DAY_TWO, 16, 30)
    db.session.commit()


# --- the organiser's page -----------------------------------------------------------------------------


def test_manage_page_sends_anonymous_people_to_the_login(client, programme):
    response = client.get("/nec-publier/manage/releases")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = client.post("/nec-publier/manage/releases", data={"name": "v2"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert releases(programme.event) == ["v1"]


@pytest.mark.parametrize("who", ["stranger", "reviewer"])
def test_manage_page_refuses_people_who_do_not_organise(client, programme, request, who):
    log_in(client, request.getfixturevalue(who))
    assert client.get("/nec-publier/manage/releases").status_code == 403
    response = client.post("/nec-publier/manage/releases", data={"name": "v2", "notify": "y"})
    assert response.status_code == 403
    assert releases(programme.event) == ["v1"]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_manage_page_previews_the_changes_and_lists_releases(client, programme, organiser):
    move_talk(programme)
    log_in(client, organiser)
    response = client.get("/nec-publier/manage/releases")
    assert response.status_code == 200
    page = text(response)
    assert "Publier le programme" in page
    assert "Comparaison du brouillon avec la version publiée « v1 »" in page
    assert "1 nouvelle session :" in page
    assert "« Session secrète du brouillon » : mercredi 29 janvier 2031, de 09h00 à 10h00, Salle Aliénor." in page
    assert "1 session déplacée :" in page
    assert "« Financer l'inclusion numérique » change d'horaire." in page
    assert "Avant : mercredi 29 janvier 2031, de 14h00 à 14h30, Salle Aliénor." in page
    assert "Désormais : mercredi 29 janvier 2031, de 16h00 à 16h30, Salle Aliénor." in page
    assert "2 sessions annulées ou retirées du programme :" in page
    assert "Prévenir les intervenant·es concernés par e-mail" in page
    assert '<label for="name">' in response.get_data(as_text=True)
    assert "Versions publiées" in page and '<th scope="row">v1</th>' in response.get_data(as_text=True)
    assert 'href="/nec-publier/manage/releases" aria-current="page"' in response.get_data(as_text=True)


def test_manage_page_before_any_release(client, db, make_event, make_user):
    programme = build_programme(db, make_event, slug="nec-neuf", released=False)
    user = make_user("orga2@example.org")
    db.session.add(EventRole(event=programme.event, user=user, role=EventRoleKind.organiser))
    db.session.commit()
    log_in(client, user)
    page = text(client.get("/nec-neuf/manage/releases"))
    assert "Rien n'est encore publié" in page
    assert "Aucune version publiée pour le moment." in page
    assert "4 nouvelles sessions :" in page  # the confirmed and accepted ones, not cancelled nor rejected


def test_publishing_creates_a_release_and_emails_the_speakers(client, programme, organiser):
    move_talk(programme)
    log_in(client, organiser)
    response = client.post(
        "/nec-publier/manage/releases", data={"name": "v2", "comment": "Un atelier déplacé", "notify": "y"}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/nec-publier/manage/releases")
    assert releases(programme.event) == ["v1", "v2"]
    version = db.session.scalar(sa.select(ScheduleVersion).where(ScheduleVersion.name == "v2"))
    assert version.comment == "Un atelier déplacé"
    assert db.session.scalar(sa.select(sa.func.count(Slot.id)).where(Slot.version_id == version.id)) == 5
    recipients = set(db.session.scalars(sa.select(OutboxMessage.to_address)))
    assert recipients == {"alice@example.org", "denis@example.org"}
    page = text(client.get("/nec-publier/manage/releases"))
    assert "La version « v2 » du programme est publiée. 2 intervenant·es vont recevoir un e-mail." in page
    assert "Aucune session n'est nouvelle, déplacée ou annulée" in page  # the draft now equals v2


def test_publishing_without_notify_sends_nothing(client, programme, organiser):
    log_in(client, organiser)
    response = client.post("/nec-publier/manage/releases", data={"name": "v2"})
    assert response.status_code == 302
    assert releases(programme.event) == ["v1", "v2"]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_publishing_with_a_used_name_is_refused(client, programme, organiser):
    log_in(client, organiser)
    response = client.post("/nec-publier/manage/releases", data={"name": "v1", "notify": "y"})
    assert response.status_code == 422
    assert "Une version s'appelle déjà « v1 » : choisissez un autre nom." in text(response)
    assert "Rien n'a été enregistré" in text(response)
    assert releases(programme.event) == ["v1"]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_publishing_without_a_name_is_refused(client, programme, organiser):
    log_in(client, organiser)
    response = client.post("/nec-publier/manage/releases", data={"name": "", "comment": "x"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert 'aria-describedby="name-hint name-error"' in body
    assert "Donnez un nom à cette version du programme" in text(response)
    assert releases(programme.event) == ["v1"]


def test_publishing_an_empty_draft_is_refused(client, db, make_event, make_user):
    event = make_event(slug="nec-vide")
    user = make_user("orga3@example.org")
    db.session.add(EventRole(event=event, user=user, role=EventRoleKind.organiser))
    db.session.commit()
    log_in(client, user)
    response = client.post("/nec-vide/manage/releases", data={"name": "v1"})
    assert response.status_code == 422
    assert "Le brouillon ne contient aucune session à publier." in text(response)
    assert releases(event) == []


# --- the public changelog ----------------------------------------------------------------------------


def test_changes_page_before_the_first_release(client, db, make_event):
    build_programme(db, make_event, slug="nec-attente", released=False)
    response = client.get("/nec-attente/programme/changes")
    assert response.status_code == 200
    assert "Le programme n'est pas encore publié" in text(response)
    assert "Session secrète du brouillon" not in text(response)  # never the draft


def test_changes_page_lists_every_release_with_its_changes(client, programme, organiser, stranger):
    move_talk(programme)
    log_in(client, organiser)
    client.post("/nec-publier/manage/releases", data={"name": "v2", "comment": "Nouvel horaire"})

    for who in (None, stranger):
        visitor = client.application.test_client()
        if who is not None:
            log_in(visitor, who)
        response = visitor.get("/nec-publier/programme/changes")
        assert response.status_code == 200
        page = text(response)
        assert page.index("Version « v2 »") < page.index("Version « v1 »")  # newest first
        assert "Nouvel horaire" in page
        assert "« Financer l'inclusion numérique » change d'horaire." in page
        assert "« Session secrète du brouillon » : mercredi 29 janvier 2031, de 09h00 à 10h00" in page
        assert "Première version publiée du programme, avec 5 sessions." in page
        assert 'type="application/atom+xml"' in response.get_data(as_text=True)


def test_changes_page_of_an_unpublished_event_is_hidden(client, db, make_event, stranger):
    build_programme(db, make_event, slug="nec-cache", published=False)
    assert client.get("/nec-cache/programme/changes").status_code == 404
    assert client.get("/nec-cache/programme/changes.atom").status_code == 404
    log_in(client, stranger)
    assert client.get("/nec-cache/programme/changes").status_code == 404


def test_changes_page_for_the_team_of_an_unpublished_event(client, db, make_event, make_user):
    programme = build_programme(db, make_event, slug="nec-equipe", published=False)
    user = make_user("relectrice@example.org")
    db.session.add(EventRole(event=programme.event, user=user, role=EventRoleKind.reviewer))
    db.session.commit()
    log_in(client, user)
    assert client.get("/nec-equipe/programme/changes").status_code == 200


# --- the Atom feed -----------------------------------------------------------------------------------


def parse_feed(response) -> ET.Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.get_data())
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text, required
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link.get("href").endswith(f"{response.request.path}")
    return feed


def test_feed_before_the_first_release_is_valid_and_empty(client, db, make_event):
    build_programme(db, make_event, slug="nec-flux-vide", released=False)
    feed = parse_feed(client.get("/nec-flux-vide/programme/changes.atom"))
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.find(f"{ATOM}id").text.startswith("urn:uuid:")


def test_feed_has_one_entry_per_release(client, app, programme, organiser):
    first = parse_feed(client.get("/nec-publier/programme/changes.atom"))
    assert len(first.findall(f"{ATOM}entry")) == 1

    move_talk(programme)
    log_in(client, organiser)
    client.post("/nec-publier/manage/releases", data={"name": "v2", "comment": "Nouvel horaire <important>"})
    feed = parse_feed(client.get("/nec-publier/programme/changes.atom"))
    assert feed.find(f"{ATOM}id").text == first.find(f"{ATOM}id").text  # the feed keeps its identity

    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    ids = [entry.find(f"{ATOM}id").text for entry in entries]
    assert all(i.startswith("urn:uuid:") for i in ids) and len(set(ids)) == 2
    assert ids[1] == first.find(f"{ATOM}entry/{ATOM}id").text  # v1 keeps its id
    latest = entries[0]
    assert latest.find(f"{ATOM}title").text == "Version « v2 » du programme"
    assert latest.find(f"{ATOM}updated").text == feed.find(f"{ATOM}updated").text
    link = latest.find(f"{ATOM}link")
    assert link.get("href").startswith(app.config["NEC_BASE_URL"] + "/nec-publier/programme/changes#version-")
    content = latest.find(f"{ATOM}content")
    assert content.get("type") == "html"
    assert "« Financer l'inclusion numérique » change d'horaire." in html.unescape(content.text)
    assert "<ul" in content.text  # HTML, carried as escaped text
    assert "Nouvel horaire &lt;important&gt;" in content.text  # the comment is escaped inside the HTML
    raw = client.get("/nec-publier/programme/changes.atom").get_data(as_text=True)
    assert "&lt;ul" in raw and "<ul" not in raw


def test_manage_page_lists_the_sessions_breaking_their_formats_speaker_count(client, programme, organiser):
    log_in(client, organiser)

    page = text(client.get("/nec-publier/manage/releases"))

    # The round table has its moderator and a single panelist.
    assert "Sessions dont le nombre d'intervenant·es ne respecte pas le format :" in page
    assert (
        "« Le métier de médiateur numérique » — Table ronde : 2 à 5 intervenant·es attendu·es, 1 seul·e prévu·e."
    ) in page
