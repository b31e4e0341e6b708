"""Where a person lands after signing in or confirming their sign-up: back where they came from (a page of
this site only), else their event: an organiser on its dashboard, anyone else on its home page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from nec.accounts.models import EventRole, EventRoleKind
from nec.programme.models import Favourite
from nec.proposals.models import SpeakerProfile
from tests.accounts.helpers import PASSWORD, link_in, outbox
from tests.support.events import nec_event


def _log_in(client, user, **data):
    client.post("/logout")
    return client.post("/login", data={"email": user.email, "password": PASSWORD, **data})


def _role(db, user, event, role=EventRoleKind.organiser):
    db.session.add(EventRole(event_id=event.id, user_id=user.id, role=role))
    db.session.commit()


def test_login_organiser_without_next_lands_on_the_dashboard(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    event = make_event("nec-landes")
    _role(db, user, event)
    response = _log_in(client, user)
    assert response.status_code == 302
    assert response.headers["Location"] == "/nec-landes/manage/"
    assert client.get("/nec-landes/manage/").status_code == 200


def test_login_organiser_of_several_events_lands_on_the_next_one(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    past = make_event("nec-2020", start_date=date.today() - timedelta(days=400))
    later = make_event("nec-plus-tard", start_date=date.today() + timedelta(days=200))
    soon = make_event("nec-bientot", start_date=date.today() + timedelta(days=20))
    for event in (past, later, soon):
        _role(db, user, event)
    assert _log_in(client, user).headers["Location"] == "/nec-bientot/manage/"


def test_login_organiser_of_past_events_only_lands_on_the_latest(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    for slug, days_ago in (("nec-2019", 800), ("nec-2021", 100)):
        _role(db, user, make_event(slug, start_date=date.today() - timedelta(days=days_ago)))
    assert _log_in(client, user).headers["Location"] == "/nec-2021/manage/"


def test_login_reviewer_lands_on_the_event_home(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    _role(db, user, make_event("nec-relue"), EventRoleKind.reviewer)
    assert _log_in(client, user).headers["Location"] == "/nec-relue/"


def test_login_speaker_lands_on_the_event_home(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    event = make_event("nec-parole")
    db.session.add(SpeakerProfile(event_id=event.id, user_id=user.id, full_name="Sam", email=user.email))
    db.session.commit()
    assert _log_in(client, user).headers["Location"] == "/nec-parole/"


def test_login_participant_with_an_agenda_lands_on_its_event(client, db, make_user, make_session):
    user = make_user(password=PASSWORD)
    event = nec_event(make_user("orga@example.org"), slug="nec-agenda")  # with its formats
    session = make_session(ev=event)
    db.session.add(Favourite(user_id=user.id, session_id=session.id))
    db.session.commit()
    assert _log_in(client, user).headers["Location"] == "/nec-agenda/"


def test_login_person_without_event_lands_on_the_events_list(client, make_user):
    user = make_user(password=PASSWORD)
    assert _log_in(client, user).headers["Location"] == "/"


def test_login_next_wins_over_the_dashboard(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    _role(db, user, make_event("nec-landes"))
    response = _log_in(client, user, next="/nec-landes/programme/mine?ids=3")
    assert response.headers["Location"] == "/nec-landes/programme/mine?ids=3"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/",
        "//evil.example",
        "//evil",
        "/\\evil",
        "/\\/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        " //evil.example",
    ],
)
def test_login_next_to_another_site_lands_on_the_event_instead(client, db, make_user, make_event, target):
    user = make_user(password=PASSWORD)
    _role(db, user, make_event("nec-landes"))
    response = _log_in(client, user, next=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/nec-landes/manage/", target


def test_signed_in_organiser_opening_login_goes_to_the_dashboard(client, db, make_user, make_event):
    user = make_user(password=PASSWORD)
    _role(db, user, make_event("nec-landes"))
    _log_in(client, user)
    response = client.get("/login?next=//evil.example")
    assert response.headers["Location"] == "/nec-landes/manage/"


def test_signup_confirmation_returns_to_the_page_of_the_sign_up(client, db, make_event):
    make_event("nec-landes")
    client.post(
        "/signup",
        data={
            "full_name": "Camille Martin",
            "email": "camille@example.org",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "next": "/nec-landes/programme/",
        },
    )
    link = link_in(outbox(db)[-1], "/signup/confirm/")
    response = client.post(link, data={"password": PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/nec-landes/programme/"


def test_signup_confirmation_without_next_lands_on_the_events_list(client, db):
    client.post(
        "/signup",
        data={
            "full_name": "Camille",
            "email": "camille@example.org",
            "password": PASSWORD,
            "password_confirm": PASSWORD,
        },
    )
    link = link_in(outbox(db)[-1], "/signup/confirm/")
    response = client.post(link, data={"password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_magic_link_lands_organiser_on_the_dashboard(client, db, make_user, make_event):
    user = make_user(email="orga@example.org")
    _role(db, user, make_event("nec-landes"))
    client.post("/login/link", data={"link-email": "orga@example.org"})
    link = link_in(outbox(db)[-1], "/login/link/")
    response = client.post(link)
    assert response.headers["Location"] == "/nec-landes/manage/"


def test_magic_link_keeps_the_page_asked_for(client, db, make_user, make_event):
    make_user(email="camille@example.org")
    make_event("nec-landes")
    client.post("/login/link", data={"link-email": "camille@example.org", "link-next": "/nec-landes/"})
    link = link_in(outbox(db)[-1], "/login/link/")
    assert client.post(link).headers["Location"] == "/nec-landes/"


def test_login_links_of_an_event_page_carry_the_page(client, make_event):
    make_event("nec-landes")
    page = client.get("/nec-landes/").get_data(as_text=True)
    assert 'href="/login?next=/nec-landes/"' in page
    assert 'href="/signup?next=/nec-landes/"' in page


def test_login_page_link_to_signup_keeps_next(client):
    page = client.get("/login?next=/nec-landes/").get_data(as_text=True)
    assert 'href="/signup?next=/nec-landes/"' in page
