"""Organiser pages of direct programming, the speakers list, claim links, import and export pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nec.accounts.models import User
from nec.core.models import AuditLogEntry
from nec.events.models import FormatKind
from nec.proposals.models import Session, SessionSpeaker, SessionState, SpeakerProfile, SpeakerRole
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.sessions import services as session_services
from nec.proposals.sessions.services import SessionDetails
from tests.support.data import fmt, outbox
from tests.support.web import log_in, page_text

PAGES = [
    "/{ev}/manage/sessions",
    "/{ev}/manage/sessions/new",
    "/{ev}/manage/sessions/{session}",
    "/{ev}/manage/sessions/{session}/cancel",
    "/{ev}/manage/speakers",
    "/{ev}/manage/import",
    "/{ev}/manage/import/example.csv",
    "/{ev}/manage/import/example.xlsx",
    "/{ev}/manage/import/example-speakers.csv",
    "/{ev}/manage/import/example-speakers.xlsx",
    "/{ev}/manage/export/proposals.csv",
    "/{ev}/manage/export/speakers.xlsx",
    "/{ev}/manage/export/reviews.csv",
]
POSTS = [
    "/{ev}/manage/sessions/new",
    "/{ev}/manage/sessions/{session}",
    "/{ev}/manage/sessions/{session}/cancel",
    "/{ev}/manage/speakers/{speaker}/claim-link",
    "/{ev}/manage/import",
]


def plenary(db, event, organiser, email="ana.invitee@example.org"):
    session = session_services.create_session(
        event,
        organiser,
        SessionDetails(format=fmt(event, FormatKind.plenary), theme=None, title="Ouverture"),
        [SessionSpeakerData("Ana Invitée", email, SpeakerRole.speaker)],
        SessionState.confirmed,
    )
    db.session.commit()
    return session


@pytest.fixture
def urls(db, event, organiser):
    session = plenary(db, event, organiser)
    ids = {"ev": event.slug, "session": session.id, "speaker": session.speakers[0].speaker_id}
    return lambda page: page.format(**ids)


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- who may open what ----------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_programming_page_works_for_the_organiser(client, organiser, urls, page):
    log_in(client, organiser)
    response = client.get(urls(page))
    assert response.status_code == 200
    if page.endswith((".csv", ".xlsx")):
        assert response.headers["Content-Disposition"].startswith("attachment;")
    else:
        assert "Gestion de l’événement" in page_text(response)


@pytest.mark.parametrize("page", PAGES)
def test_programming_page_sends_anonymous_to_login(client, urls, page):
    response = client.get(urls(page))
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("page", PAGES)
def test_programming_page_is_forbidden_to_a_stranger(client, stranger, urls, page):
    log_in(client, stranger)
    assert client.get(urls(page)).status_code == 403


@pytest.mark.parametrize("page", PAGES)
def test_programming_page_is_forbidden_to_a_reviewer(client, reviewer, urls, page):
    log_in(client, reviewer)
    assert client.get(urls(page)).status_code == 403


@pytest.mark.parametrize("page", POSTS)
@pytest.mark.parametrize("who", ["anonymous", "stranger", "reviewer"])
def test_programming_post_by_the_wrong_person_changes_nothing(db, client, urls, page, who, stranger, reviewer):
    if who != "anonymous":
        log_in(client, stranger if who == "stranger" else reviewer)
    before = (_count(db, Session), _count(db, SpeakerProfile), len(outbox()))
    response = client.post(
        urls(page), data={"title": "Piratée", "format_id": "1", "speakers-0-full_name": "X", "kind": "sessions"}
    )
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert "/login" in response.headers["Location"]
    assert (_count(db, Session), _count(db, SpeakerProfile), len(outbox())) == before
    assert db.session.scalar(sa.select(Session.state)) == SessionState.confirmed
    assert db.session.scalar(sa.select(Session.title)) == "Ouverture"


def test_programming_pages_of_another_event_are_forbidden_to_its_organiser(db, client, make_user, urls):
    from datetime import date

    from nec.events import services as event_services

    other = make_user("autre-orga@example.org", full_name="Autre Orga")
    event_services.create_event(
        other, title="Autre NEC", slug="autre-nec", start_date=date(2031, 1, 1), end_date=date(2031, 1, 1),
        is_published=True,
    )  # fmt: skip
    db.session.commit()
    log_in(client, other)
    assert client.get(urls("/{ev}/manage/sessions")).status_code == 403
    assert client.get(urls("/{ev}/manage/export/speakers.csv")).status_code == 403
    # and a session of the first event is not reachable through the second one
    assert client.get(urls("/autre-nec/manage/sessions/{session}")).status_code == 404


# --- sessions ---------------------------------------------------------------------------------------


def round_table_form(event, **overrides):
    data = {
        "format_id": str(fmt(event, FormatKind.round_table).id),
        "theme_id": str(event.themes[0].id),
        "title": "Financer la médiation dans la durée",
        "summary": "Des financeurs et des structures échangent.",
        "description": "",
        "duration": "",
        "seat_capacity": "",
        "state": "confirmed",
        "speakers-0-full_name": "Mona Modératrice",
        "speakers-0-email": "Mona@Example.org",
        "speakers-0-role": "moderator",
        "speakers-1-full_name": "Paul Panéliste",
        "speakers-1-email": "paul@example.org",
        "speakers-1-role": "panelist",
        "speakers-2-full_name": "Pia Panéliste",
        "speakers-2-email": "pia@example.org",
        "speakers-2-role": "panelist",
    }
    data.update(overrides)
    return data


def test_new_session_creates_a_confirmed_round_table_with_speakers_without_account(db, client, organiser, event):
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/sessions/new", data=round_table_form(event))
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{event.slug}/manage/sessions")

    session = db.session.scalar(sa.select(Session).where(Session.title == "Financer la médiation dans la durée"))
    assert session.state == SessionState.confirmed and session.confirmed_at is not None
    assert session.submitted_by_id is None
    assert session.duration == 75  # the format's default
    assert session.theme.name == "Financer la médiation"
    assert [(p.speaker.email, p.role) for p in session.speakers] == [
        ("mona@example.org", SpeakerRole.moderator),
        ("paul@example.org", SpeakerRole.panelist),
        ("pia@example.org", SpeakerRole.panelist),
    ]
    assert all(p.speaker.user_id is None for p in session.speakers)

    listing = page_text(client.get(f"/{event.slug}/manage/sessions"))
    assert "Financer la médiation dans la durée" in listing
    assert "Mona Modératrice" in listing and "Confirmée" in listing


def test_new_session_with_a_broken_lineup_says_why_and_changes_nothing(db, client, organiser, event):
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/sessions/new",
        data=round_table_form(event, **{"speakers-0-role": "panelist"}),
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Rien n'a été enregistré" in text
    assert "modération" in text
    assert _count(db, Session) == 0 and _count(db, SpeakerProfile) == 0


def test_new_session_line_without_email_is_pointed_at(db, client, organiser, event):
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/sessions/new", data=round_table_form(event, **{"speakers-2-email": ""})
    )
    assert response.status_code == 422
    text = page_text(response)
    assert "Indiquez l'adresse e-mail de cette personne." in text
    assert 'href="#speakers-2-email"' in text
    assert _count(db, Session) == 0


def test_new_workshop_needs_seats(db, client, organiser, event):
    log_in(client, organiser)
    data = {
        "format_id": str(fmt(event, FormatKind.workshop).id),
        "theme_id": "0",
        "title": "Atelier réseau",
        "state": "accepted",
        "speakers-0-full_name": "Alix Animatrice",
        "speakers-0-email": "alix@example.org",
        "speakers-0-role": "facilitator",
    }
    response = client.post(f"/{event.slug}/manage/sessions/new", data=data)
    assert response.status_code == 422
    assert "nombre de places" in page_text(response)
    assert _count(db, Session) == 0

    response = client.post(f"/{event.slug}/manage/sessions/new", data={**data, "seat_capacity": "20"})
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session))
    assert (session.state, session.seat_capacity, session.confirmed_at) == (SessionState.accepted, 20, None)


def test_new_session_state_cannot_be_forced_to_submitted(db, client, organiser, event):
    log_in(client, organiser)
    response = client.post(f"/{event.slug}/manage/sessions/new", data=round_table_form(event, state="submitted"))
    assert response.status_code == 422
    assert _count(db, Session) == 0


def test_edit_session_changes_speakers_and_keeps_consents(db, client, organiser, event, urls):
    session = db.session.scalar(sa.select(Session))
    session.speakers[0].recording_consent = True
    db.session.commit()
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/sessions/{session.id}"))
    assert 'value="ana.invitee@example.org"' in page

    data = {
        "format_id": str(session.format_id),
        "theme_id": "0",
        "title": "Ouverture des deux journées",
        "duration": "45",
        "state": "confirmed",
        "speakers-0-full_name": "Ana Invitée",
        "speakers-0-email": "ana.invitee@example.org",
        "speakers-0-role": "speaker",
        "speakers-1-full_name": "Marc Modérateur",
        "speakers-1-email": "marc@example.org",
        "speakers-1-role": "moderator",
    }
    response = client.post(f"/{event.slug}/manage/sessions/{session.id}", data=data)
    assert response.status_code == 302
    db.session.expire_all()
    session = db.session.get(Session, session.id)
    assert (session.title, session.duration) == ("Ouverture des deux journées", 45)
    assert [(p.speaker.email, p.role) for p in session.speakers] == [
        ("ana.invitee@example.org", SpeakerRole.speaker),
        ("marc@example.org", SpeakerRole.moderator),
    ]
    assert session.speakers[0].recording_consent is True


def test_cancel_session_asks_then_cancels(db, client, organiser, event, urls):
    session = db.session.scalar(sa.select(Session))
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/sessions/{session.id}/cancel"))
    assert "Annuler la session « Ouverture » ?" in page
    assert db.session.scalar(sa.select(Session.state)) == SessionState.confirmed

    response = client.post(f"/{event.slug}/manage/sessions/{session.id}/cancel")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Session.state)) == SessionState.cancelled
    assert db.session.scalar(sa.select(AuditLogEntry.id).where(AuditLogEntry.action == "session.cancelled"))

    again = client.post(f"/{event.slug}/manage/sessions/{session.id}/cancel", follow_redirects=True)
    assert "ne peut pas être annulée" in page_text(again)


def test_unknown_session_is_not_found(client, organiser, event):
    log_in(client, organiser)
    assert client.get(f"/{event.slug}/manage/sessions/999999").status_code == 404
    assert client.post(f"/{event.slug}/manage/sessions/999999/cancel").status_code == 404


DRAFT_GETS = [
    "/{ev}/manage/sessions/{session}",
    "/{ev}/manage/sessions/{session}/cancel",
    "/{ev}/manage/proposals/{session}",
    "/{ev}/manage/programme/sessions/{session}/place",
    "/{ev}/manage/programme/sessions/{session}/preview",
]
DRAFT_POSTS = [
    "/{ev}/manage/sessions/{session}",
    "/{ev}/manage/sessions/{session}/cancel",
    "/{ev}/manage/proposals/{session}/decision",
    "/{ev}/manage/programme/sessions/{session}/place",
    "/{ev}/manage/programme/sessions/{session}/move",
    "/{ev}/manage/programme/sessions/{session}/unschedule",
]


def test_a_speakers_draft_is_not_found_on_any_organiser_page(db, client, organiser, event, urls):
    """A draft is its author's alone: no organiser route that takes a session id opens or changes it."""
    session = db.session.scalar(sa.select(Session))
    session.title, session.state = "Brouillon secret", SessionState.draft
    db.session.commit()
    log_in(client, organiser)
    for page in DRAFT_GETS:
        assert client.get(urls(page)).status_code == 404, page
    for page in DRAFT_POSTS:
        data = {"title": "Changé", "room": "1", "starts_at": "2025-01-01T10:00", "decision": "accept"}
        assert client.post(urls(page), data=data).status_code == 404, page
    assert "Brouillon secret" not in page_text(client.get(f"/{event.slug}/manage/sessions"))
    db.session.expire_all()
    assert (session.title, session.state, session.staged_decision) == ("Brouillon secret", SessionState.draft, None)


# --- speakers and claim links ---------------------------------------------------------------------


def test_speakers_page_lists_profiles_and_sends_a_claim_link(db, client, organiser, event, urls):
    log_in(client, organiser)
    text = page_text(client.get(f"/{event.slug}/manage/speakers"))
    assert "Ana Invitée" in text and "ana.invitee@example.org" in text and "Ouverture" in text
    assert "Sans compte" in text and "À compléter" in text
    assert "Envoyer le lien pour réclamer son profil" in text

    profile = db.session.scalar(sa.select(SpeakerProfile))
    response = client.post(f"/{event.slug}/manage/speakers/{profile.id}/claim-link")
    assert response.status_code == 302
    [mail] = outbox()
    assert mail.to_address == "ana.invitee@example.org"
    assert f"/{event.slug}/claim/" in mail.body_text
    assert "Réclamer mon profil" in mail.body_html
    assert mail.event_id == event.id


def _claim_path(db, event) -> str:
    profile = db.session.scalar(sa.select(SpeakerProfile))
    return f"/{event.slug}/claim/{session_services.claim_token(profile)}"


def test_claim_get_changes_nothing_and_post_creates_the_account_and_logs_in(db, client, event, urls):
    path = _claim_path(db, event)
    page = client.get(path)
    assert page.status_code == 200
    assert "Réclamer mon profil" in page_text(page)
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) is None
    assert db.session.scalar(sa.select(User).where(User.email == "ana.invitee@example.org")) is None

    response = client.post(path)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/{event.slug}/me/")
    user = db.session.scalar(sa.select(User).where(User.email == "ana.invitee@example.org"))
    assert user is not None and user.full_name == "Ana Invitée" and user.email_confirmed_at is not None
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) == user.id
    with client.session_transaction() as s:
        assert s["_user_id"] == user.get_id()


def test_claim_by_an_existing_account_logs_it_in(db, client, make_user, event, urls):
    user = make_user("ana.invitee@example.org", full_name="Ana I.")
    response = client.post(_claim_path(db, event))
    assert response.status_code == 302
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) == user.id
    assert _count(db, User) == 2  # the organiser and Ana: no second account for Ana
    with client.session_transaction() as s:
        assert s["_user_id"] == user.get_id()


def test_claim_link_does_not_sign_into_an_account_with_a_password_or_a_role(app, db, client, make_user, event, urls):
    user = make_user("ana.invitee@example.org", full_name="Ana I.", password="une phrase assez longue")
    path = _claim_path(db, event)
    response = client.post(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) == user.id  # claimed, not signed in
    assert client.get("/account").status_code == 302
    again = app.test_client()  # the link is spent: a second browser gets nothing either
    assert again.post(path).status_code == 409
    assert again.get("/account").status_code == 302


def test_claim_by_the_signed_in_owner_of_the_address(db, client, make_user, event, urls):
    user = make_user("ana.invitee@example.org", full_name="Ana I.")
    log_in(client, user)
    assert client.post(_claim_path(db, event)).status_code == 302
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) == user.id
    page = page_text(client.get(_claim_path(db, event)))
    assert "déjà relié à votre compte" in page


def test_claim_while_signed_in_with_another_address_is_refused(db, client, stranger, event, urls):
    log_in(client, stranger)
    response = client.post(_claim_path(db, event))
    assert response.status_code == 409
    assert "vous êtes connecté·e avec un autre compte" in page_text(response)
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) is None


def test_claim_of_a_profile_already_claimed_by_someone_else_is_refused(db, client, make_user, stranger, event, urls):
    profile = db.session.scalar(sa.select(SpeakerProfile))
    path = _claim_path(db, event)
    profile.user_id = stranger.id
    db.session.commit()
    response = client.post(path)
    assert response.status_code == 409
    assert "déjà relié à un autre compte" in page_text(response)
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) == stranger.id
    assert db.session.scalar(sa.select(User).where(User.email == "ana.invitee@example.org")) is None


def test_claim_with_a_tampered_link_is_refused(db, client, event, urls):
    path = _claim_path(db, event)
    response = client.post(path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb"))
    assert response.status_code == 400
    assert "n'est pas valide" in page_text(response)
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) is None


def test_claim_with_an_expired_link_is_refused(db, client, event, urls, monkeypatch):
    import time

    from itsdangerous import TimestampSigner

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 31 * 24 * 3600)
    path = _claim_path(db, event)
    monkeypatch.undo()
    response = client.post(path)
    assert response.status_code == 400
    assert "expiré" in page_text(response)
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) is None


def test_claim_link_of_another_event_is_refused(db, client, make_user, event, urls):
    from datetime import date

    from nec.events import services as event_services

    event_services.create_event(
        make_user("x@example.org"), title="Autre", slug="autre-nec", start_date=date(2031, 1, 1),
        end_date=date(2031, 1, 1), is_published=True,
    )  # fmt: skip
    db.session.commit()
    token = _claim_path(db, event).rsplit("/", 1)[1]
    response = client.post(f"/autre-nec/claim/{token}")
    assert response.status_code == 400
    assert db.session.scalar(sa.select(SpeakerProfile.user_id)) is None


def test_sessions_page_shows_sessions_in_every_state(db, client, organiser, event, urls):
    session = db.session.scalar(sa.select(Session))
    session.state = SessionState.withdrawn
    db.session.commit()
    log_in(client, organiser)
    text = page_text(client.get(f"/{event.slug}/manage/sessions"))
    assert "Ouverture" in text and "Retirée" in text
    assert f"/manage/sessions/{session.id}/cancel" not in text  # a withdrawn session cannot be cancelled


def test_sessions_page_query_count_does_not_grow_with_sessions(db, client, organiser, event, count_queries):
    log_in(client, organiser)
    plenary(db, event, organiser, "un@example.org")
    with count_queries() as few:
        client.get(f"/{event.slug}/manage/sessions")
    for i in range(5):
        s = session_services.create_session(
            event,
            organiser,
            SessionDetails(format=fmt(event, FormatKind.talk), theme=event.themes[0], title=f"Intervention {i}"),
            [SessionSpeakerData(f"P{i}", f"p{i}@example.org", SpeakerRole.speaker)],
            SessionState.confirmed,
        )
        assert s.id
    db.session.commit()
    with count_queries() as many:
        client.get(f"/{event.slug}/manage/sessions")
    assert many.count == few.count
    assert _count(db, SessionSpeaker) == 6


def test_edit_of_a_proposal_under_review_keeps_its_state(db, client, organiser, event, urls):
    session = db.session.scalar(sa.select(Session))
    session.state = SessionState.submitted
    db.session.commit()
    log_in(client, organiser)
    page = page_text(client.get(f"/{event.slug}/manage/sessions/{session.id}"))
    assert "État : Proposée" in page and 'name="state"' not in page
    data = {
        "format_id": str(session.format_id),
        "theme_id": "0",
        "title": "Ouverture corrigée",
        "state": "confirmed",  # ignored: there is no such field for a proposal under review
        "speakers-0-full_name": "Ana Invitée",
        "speakers-0-email": "ana.invitee@example.org",
        "speakers-0-role": "speaker",
    }
    assert client.post(f"/{event.slug}/manage/sessions/{session.id}", data=data).status_code == 302
    db.session.expire_all()
    session = db.session.get(Session, session.id)
    assert (session.title, session.state) == ("Ouverture corrigée", SessionState.submitted)


def test_new_session_with_a_blank_role_is_explained(db, client, organiser, event):
    """A role of spaces was a ValueError (a 500): it is a role not chosen."""
    log_in(client, organiser)
    response = client.post(
        f"/{event.slug}/manage/sessions/new", data=round_table_form(event, **{"speakers-0-role": "   "})
    )
    assert response.status_code == 422
    assert "Choisissez le rôle de cette personne." in page_text(response)
    assert _count(db, Session) == 0
