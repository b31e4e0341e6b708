"""The speaker's pages through the test client: the call page, proposing, invitations, confirmation,
profile and photo, availability, consents; and every page as the wrong person."""

from __future__ import annotations

import io
import re
from datetime import UTC

import pytest
import sqlalchemy as sa
from PIL import Image

from nec.accounts.models import User
from nec.core import storage
from nec.events.models import FormatKind
from nec.proposals.models import (
    Availability,
    InvitationState,
    Session,
    SessionState,
    SpeakerProfile,
)
from nec.proposals.speaker import availability, co_speakers, confirmation
from tests.proposals.speaker.helpers import close_call, png_bytes, submit_round_table
from tests.support.data import fmt, outbox
from tests.support.web import log_in, log_out, page_text

EV = "/nec-sud-charente"


def _part(session, email):
    return next(p for p in session.speakers if p.speaker.email == email)


def _proposal_form(**overrides) -> dict:
    data = {
        "title": "Le métier de médiateur numérique",
        "summary": "Trois regards sur un métier jeune.",
        "description": "",
        "theme_id": "",
        "duration": "75",
        "audience": "Médiateurs",
        "level": "beginner",
        "language": "fr",
        "attendance_mode": "either",
        "needs": "",
        "own_role": "moderator",
        "co_speakers-0-name": "Paul Panéliste",
        "co_speakers-0-email": "paul@example.org",
        "co_speakers-0-role": "panelist",
        "co_speakers-1-name": "Nadia Intervenante",
        "co_speakers-1-email": "nadia@example.org",
        "co_speakers-1-role": "panelist",
        "submit": "1",
    }
    for i in range(2, 5):
        data.update({f"co_speakers-{i}-name": "", f"co_speakers-{i}-email": "", f"co_speakers-{i}-role": "panelist"})
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _assert_login_redirect(response, path):
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    assert path.replace("/", "%2F") in response.headers["Location"] or path in response.headers["Location"]


# --- the call page and the event home ------------------------------------------------------------


def test_call_page_shows_introduction_formats_and_sign_up_for_visitors(client, event, call):
    response = client.get(f"{EV}/call/")
    text = page_text(response)
    assert response.status_code == 200
    assert "Proposez vos tables rondes et vos ateliers." in text
    assert "Table ronde" in text and "Atelier" in text and "120 minutes" in text
    assert "L'appel à participation est ouvert jusqu'au" in text
    assert "/signup?next=/nec-sud-charente/me/proposals/new" in text
    assert "/login?next=/nec-sud-charente/me/proposals/new" in text


def test_call_page_for_a_signed_in_speaker_has_the_big_button(client, event, call, speaker):
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/call/"))
    assert 'href="/nec-sud-charente/me/proposals/new">Proposer une session' in text


def test_call_page_when_closed_says_so(db, client, event, call):
    close_call(db, call)
    text = page_text(client.get(f"{EV}/call/"))
    assert "L'appel à participation est clos depuis le" in text
    assert "il n'est plus possible d'envoyer une proposition" in text


def test_call_page_without_call_is_404_and_home_has_no_link(client, event):
    assert client.get(f"{EV}/call/").status_code == 404
    assert "/call/" not in page_text(client.get(f"{EV}/"))


def test_event_home_links_to_the_call(client, event, call):
    assert 'href="/nec-sud-charente/call/"' in page_text(client.get(f"{EV}/"))


# --- proposing -------------------------------------------------------------------------------------


def test_new_proposal_asks_for_the_format_first(client, event, call, speaker):
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/me/proposals/new"))
    assert "Étape 1 sur 2" in text
    for f in event.formats:
        assert f'value="{f.id}"' in text


def test_new_proposal_form_adapts_to_the_format(client, event, call, speaker):
    log_in(client, speaker)
    round_table = page_text(client.get(f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}"))
    assert 'value="75"' in round_table and "Modération" in round_table
    assert "Nombre de places" not in round_table
    workshop = page_text(client.get(f"{EV}/me/proposals/new?format={fmt(event, FormatKind.workshop).id}"))
    assert "Nombre de places" in workshop and 'value="120"' in workshop and "Animation" in workshop


def test_new_proposal_with_an_unknown_format_explains(client, event, call, speaker, other_event):
    log_in(client, speaker)
    foreign = other_event.formats[0].id
    response = client.get(f"{EV}/me/proposals/new?format={foreign}")
    assert response.status_code == 400
    assert "Ce format ne reçoit pas de propositions en ce moment" in page_text(response)


def test_submit_round_table_with_two_co_speakers(db, client, event, call, speaker):
    log_in(client, speaker)
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=_proposal_form()
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/nec-sud-charente/me/")
    session = db.session.scalar(sa.select(Session))
    assert session.state is SessionState.submitted and session.submitted_by_id == speaker.id
    assert {p.speaker.email: p.invitation_state for p in session.speakers} == {
        "sophie@example.org": InvitationState.accepted,
        "paul@example.org": InvitationState.invited,
        "nadia@example.org": InvitationState.invited,
    }
    assert sorted(m.to_address for m in outbox()) == ["nadia@example.org", "paul@example.org", "sophie@example.org"]
    area = page_text(client.get(f"{EV}/me/"))
    assert "Le métier de médiateur numérique" in area and "Proposée" in area
    assert "Paul Panéliste (Intervenant·e de table ronde) : Invité·e" in area


def test_save_draft_sends_nothing(db, client, event, call, speaker):
    log_in(client, speaker)
    form = _proposal_form(submit=None, save_draft="1")
    client.post(f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=form)
    session = db.session.scalar(sa.select(Session))
    assert session.state is SessionState.draft
    assert outbox() == []
    assert "Terminer et envoyer la proposition" in page_text(client.get(f"{EV}/me/"))


@pytest.mark.parametrize(
    ("kind", "overrides", "message"),
    [
        (FormatKind.round_table, {"own_role": "panelist"}, "Une table ronde a besoin d'une personne à la modération"),
        (
            FormatKind.round_table,
            {
                "own_role": "panelist",
                "co_speakers-0-role": "moderator",
                **{f"co_speakers-{i}-name": f"P{i}" for i in range(1, 5)},
                **{f"co_speakers-{i}-email": f"p{i}@example.org" for i in range(1, 5)},
                **{f"co_speakers-{i}-role": "panelist" for i in range(1, 5)},
                "co_speakers-1-email": "x1@example.org",
            },
            None,
        ),
        (
            FormatKind.workshop,
            {
                "own_role": "facilitator",
                "co_speakers-0-role": "facilitator",
                "co_speakers-1-role": "facilitator",
                "duration": "120",
            },
            "Indiquez le nombre de places de l'atelier.",
        ),
        (
            FormatKind.round_table,
            {"co_speakers-2-name": "Sans adresse"},
            "Indiquez à la fois le nom et l'adresse e-mail de la personne, ou aucun des deux.",
        ),
        (FormatKind.round_table, {"title": ""}, "Donnez un titre à votre session."),
    ],
    ids=["no-moderator", "five-panelists-ok", "workshop-without-capacity", "half-row", "no-title"],
)
def test_submit_refused_changes_nothing(db, client, event, call, speaker, kind, overrides, message):
    log_in(client, speaker)
    response = client.post(f"{EV}/me/proposals/new?format={fmt(event, kind).id}", data=_proposal_form(**overrides))
    if message is None:  # own panelist + 4 more panelists, one moderator: within the rules
        assert response.status_code == 302
        return
    assert response.status_code == 400
    assert message in page_text(response)
    assert "Rien n'a été enregistré" in page_text(response)
    assert _count(db, Session) == 0 and outbox() == []


def test_six_panelists_are_refused(db, client, event, call, speaker):
    log_in(client, speaker)
    overrides = {"own_role": "panelist"}
    for i in range(5):
        overrides.update({f"co_speakers-{i}-name": f"P{i}", f"co_speakers-{i}-email": f"p{i}@example.org"})
        overrides[f"co_speakers-{i}-role"] = "panelist"
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=_proposal_form(**overrides)
    )
    assert response.status_code == 400
    text = page_text(response)
    assert "besoin d'une personne à la modération" in text
    assert "de 2 à 5 intervenant·es en plus de la modération (ici 6)" in text
    assert _count(db, Session) == 0 and outbox() == []


def test_submit_after_the_deadline_is_refused(db, client, event, call, speaker):
    close_call(db, call)
    log_in(client, speaker)
    page = page_text(client.get(f"{EV}/me/proposals/new"))
    assert "Aucun format ne reçoit de propositions en ce moment." in page
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=_proposal_form()
    )
    assert response.status_code == 400
    assert _count(db, Session) == 0 and outbox() == []


# --- editing and withdrawing -----------------------------------------------------------------------


def test_edit_until_the_deadline_then_read_only(db, client, event, call, speaker, submitted):
    log_in(client, speaker)
    url = f"{EV}/me/proposals/{submitted.id}"
    assert 'value="Le métier de médiateur numérique"' in page_text(client.get(url))
    response = client.post(url, data=_proposal_form(title="Un nouveau titre"))
    assert response.status_code == 302
    assert db.session.get(Session, submitted.id).title == "Un nouveau titre"

    close_call(db, call)
    text = page_text(client.get(url))
    assert "L'appel est clos pour ce format : la proposition ne peut plus être modifiée." in text
    assert '<form method="post" novalidate>' not in text
    response = client.post(url, data=_proposal_form(title="Trop tard"))
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).title == "Un nouveau titre"


def test_withdraw_with_confirmation(db, client, event, call, speaker, submitted):
    log_in(client, speaker)
    url = f"{EV}/me/proposals/{submitted.id}/withdraw"
    assert "Oui, retirer la proposition" in page_text(client.get(url))
    assert client.post(url).status_code == 302
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).state is SessionState.withdrawn


def test_withdraw_after_a_decision_is_refused(db, client, event, call, speaker, submitted):
    submitted.state = SessionState.accepted
    db.session.commit()
    log_in(client, speaker)
    url = f"{EV}/me/proposals/{submitted.id}/withdraw"
    assert "ne peut plus être retirée ici" in page_text(client.get(url))
    client.post(url)
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).state is SessionState.accepted


# --- co-speaker invitations ----------------------------------------------------------------------


def _invitation_path(session_speaker) -> str:
    return f"{EV}/invitations/{co_speakers.invitation_token(session_speaker)}"


def test_invitation_accept_creates_an_account_and_logs_in(db, client, event, submitted):
    session_speaker = _part(submitted, "paul@example.org")
    url = _invitation_path(session_speaker)
    text = page_text(client.get(url))
    assert "Sophie Submitter vous invite à intervenir dans la session « Le métier de médiateur numérique »" in text
    response = client.post(url, data={"action": "accept"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/profile")
    paul = db.session.scalar(sa.select(User).where(User.email == "paul@example.org"))
    assert paul is not None and paul.password_hash is None and paul.email_confirmed_at is not None
    db.session.expire_all()
    assert _part(db.session.get(Session, submitted.id), "paul@example.org").invitation_state is InvitationState.accepted
    # Logged in: the speaker's area shows the session, and the profile page is theirs.
    assert "Le métier de médiateur numérique" in page_text(client.get(f"{EV}/me/"))
    assert 'value="Paul Panéliste"' in page_text(client.get(f"{EV}/me/profile"))


def test_invitation_accept_with_an_existing_account(db, client, event, submitted, make_user):
    paul = make_user("paul@example.org", full_name="Paul Existant")
    session_speaker = _part(submitted, "paul@example.org")
    client.post(_invitation_path(session_speaker), data={"action": "accept"})
    assert _count(db, User) == 3  # organiser, Sophie, Paul: no new account
    db.session.expire_all()
    assert db.session.get(SpeakerProfile, session_speaker.speaker_id).user_id == paul.id


def test_invitation_decline_is_seen_by_the_submitter(db, client, event, speaker, submitted):
    session_speaker = _part(submitted, "nadia@example.org")
    client.post(_invitation_path(session_speaker), data={"action": "decline"})
    db.session.expire_all()
    assert db.session.get(type(session_speaker), session_speaker.id).invitation_state is InvitationState.declined
    log_in(client, speaker)
    assert "Nadia Intervenante (Intervenant·e de table ronde) : A décliné" in page_text(client.get(f"{EV}/me/"))


@pytest.mark.parametrize("how", ["tampered", "truncated", "expired", "other-event"])
def test_invitation_bad_links_explain_and_change_nothing(app, db, client, event, submitted, other_event, how):
    session_speaker = _part(submitted, "paul@example.org")
    token = co_speakers.invitation_token(session_speaker)
    path = f"{EV}/invitations/{token}"
    if how == "tampered":
        path = f"{EV}/invitations/{token[:-4]}AAAA"
    elif how == "truncated":
        path = f"{EV}/invitations/{token[:20]}"
    elif how == "expired":
        app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"] = -1
    elif how == "other-event":
        path = f"/nec-gironde/invitations/{token}"
    try:
        get = client.get(path)
        post = client.post(path, data={"action": "accept"})
    finally:
        app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"] = 30 * 24 * 3600
    assert get.status_code == post.status_code == 400
    text = page_text(post)
    assert "Ce lien ne peut pas servir" in text and "Rien n'a été modifié." in text
    assert ("expiré" in text) if how == "expired" else ("n'est pas valide" in text or "n'existe plus" in text)
    db.session.expire_all()
    assert db.session.get(type(session_speaker), session_speaker.id).invitation_state is InvitationState.invited
    assert _count(db, User) == 2


def test_invitation_opened_while_logged_in_as_someone_else(db, client, event, submitted, stranger):
    session_speaker = _part(submitted, "paul@example.org")
    log_in(client, stranger)
    text = page_text(client.get(_invitation_path(session_speaker)))
    assert "Cette invitation est adressée à paul@example.org, mais vous êtes connecté·e avec un autre compte" in text
    assert "Se déconnecter" in text
    client.post(_invitation_path(session_speaker), data={"action": "accept"})
    db.session.expire_all()
    session_speaker = db.session.get(type(session_speaker), session_speaker.id)
    assert session_speaker.invitation_state is InvitationState.invited and session_speaker.speaker.user_id is None


# --- confirmation --------------------------------------------------------------------------------


def _accept(db, session):
    session.state = SessionState.accepted
    db.session.commit()
    return f"{EV}/confirm/{confirmation.confirmation_token(session)}"


def test_confirm_requires_login_and_comes_back(db, client, event, submitted):
    path = _accept(db, submitted)
    response = client.get(path)
    assert response.status_code == 302
    assert "/login?next=" in response.headers["Location"]
    assert "confirm" in response.headers["Location"]


def test_confirm_then_again_is_idempotent(db, client, event, speaker, submitted):
    path = _accept(db, submitted)
    log_in(client, speaker)
    assert "Je confirme" in page_text(client.get(path))
    assert client.post(path, data={"action": "confirm"}).status_code == 302
    db.session.expire_all()
    session = db.session.get(Session, submitted.id)
    assert session.state is SessionState.confirmed and session.confirmed_at is not None
    first = session.confirmed_at
    client.post(path, data={"action": "confirm"})
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).confirmed_at == first


def test_confirmation_decline(db, client, event, speaker, submitted):
    path = _accept(db, submitted)
    log_in(client, speaker)
    client.post(path, data={"action": "decline"})
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).state is SessionState.declined


def test_confirmation_of_a_session_not_accepted_explains(db, client, event, speaker, submitted):
    log_in(client, speaker)
    path = f"{EV}/confirm/{confirmation.confirmation_token(submitted)}"
    assert "n'a pas encore reçu de réponse" in page_text(client.get(path))
    client.post(path, data={"action": "confirm"})
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).state is SessionState.submitted


def test_confirmation_by_a_stranger_or_with_a_bad_link(db, client, event, stranger, speaker, submitted):
    path = _accept(db, submitted)
    log_in(client, stranger)
    assert client.get(path).status_code == 403
    assert client.post(path, data={"action": "confirm"}).status_code == 403
    log_in(client, speaker)
    bad = client.post(path[:-5] + "xxxxx", data={"action": "confirm"})
    assert bad.status_code == 400 and "n'est pas valide" in page_text(bad)
    db.session.expire_all()
    assert db.session.get(Session, submitted.id).state is SessionState.accepted


# --- profile and photo ---------------------------------------------------------------------------


def _profile_form(**overrides):
    data = {
        "full_name": "Sophie Submitter",
        "structure": "Centre social de Barbezieux",
        "structure_type": "social_centre",
        "territory": "Sud Charente",
        "bio": "Médiatrice numérique depuis 2015.",
    }
    data.update(overrides)
    return data


def test_profile_is_created_by_the_first_valid_form_sent_not_by_the_visit(db, client, event, speaker):
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/me/profile"))
    assert 'value="Sophie Submitter"' in text
    assert db.session.scalar(sa.select(sa.func.count(SpeakerProfile.id))) == 0
    assert client.post(f"{EV}/me/profile", data=_profile_form(full_name="  ")).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(SpeakerProfile.id))) == 0
    assert client.post(f"{EV}/me/profile", data=_profile_form(publish_consent="y")).status_code == 302
    db.session.expire_all()
    profile = db.session.scalar(sa.select(SpeakerProfile))
    assert profile.user_id == speaker.id
    assert profile.structure == "Centre social de Barbezieux" and profile.publish_consent is True
    assert profile.structure_type.value == "social_centre"


def test_a_visitor_opening_the_speaker_pages_is_no_speaker(db, client, event, speaker, organiser):
    """Opening /me/profile and /me/availability writes nothing: the visitor is in no organiser's list."""
    log_in(client, speaker)
    assert client.get(f"{EV}/me/profile").status_code == 200
    assert client.get(f"{EV}/me/availability").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(SpeakerProfile.id))) == 0
    log_in(client, organiser)
    assert "Sophie Submitter" not in page_text(client.get(f"{EV}/manage/speakers"))
    export = client.get(f"{EV}/manage/export/speakers.csv")
    assert export.status_code == 200 and speaker.email not in export.get_data(as_text=True)


def test_availability_sent_creates_the_profile(db, client, event, speaker):
    log_in(client, speaker)
    assert client.post(f"{EV}/me/availability", data={"whole_event": "y"}).status_code == 302
    profile = db.session.scalar(sa.select(SpeakerProfile))
    assert profile.user_id == speaker.id and profile.availabilities


def test_photo_upload_accepted_and_served_to_owner_and_organisers(db, client, event, speaker, organiser, stranger):
    log_in(client, speaker)
    data = _profile_form(photo=(io.BytesIO(png_bytes(size=(1200, 900))), "moi.png"))
    assert client.post(f"{EV}/me/profile", data=data, content_type="multipart/form-data").status_code == 302
    profile = db.session.scalar(sa.select(SpeakerProfile))
    assert storage.exists(profile.photo_path)
    photo = client.get(f"{EV}/me/profile/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(photo.data)) as image:
        assert image.size == (800, 600)

    log_in(client, organiser)
    assert client.get(f"{EV}/me/profile/photo?speaker={profile.id}").status_code == 200
    log_in(client, stranger)
    assert client.get(f"{EV}/me/profile/photo?speaker={profile.id}").status_code == 403
    assert client.get(f"{EV}/me/profile/photo").status_code == 404
    log_out(client)
    assert client.get(f"{EV}/me/profile/photo").status_code == 302


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"<?php echo 'not an image'; ?>", "n'est pas une image JPEG, PNG ou WebP"),
        (None, "ne doit pas dépasser 4000 pixels"),
    ],
    ids=["text-renamed-png", "oversized"],
)
def test_photo_upload_refused_changes_nothing(db, client, event, speaker, payload, message):
    log_in(client, speaker)
    assert client.post(f"{EV}/me/profile", data=_profile_form(structure="")).status_code == 302
    if payload is None:
        payload = png_bytes(size=(4100, 20))
    data = _profile_form(structure="Nouvelle structure", photo=(io.BytesIO(payload), "photo.png"))
    response = client.post(f"{EV}/me/profile", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert message in page_text(response)
    db.session.expire_all()
    profile = db.session.scalar(sa.select(SpeakerProfile))
    assert profile.photo_path is None and profile.structure == ""


# --- availability --------------------------------------------------------------------------------


def test_availability_saved_in_utc_and_shown_again(db, client, event, speaker):
    log_in(client, speaker)
    periods = availability.half_days(event)
    text = page_text(client.get(f"{EV}/me/availability"))
    assert all(f'value="{p.key}"' in text for p in periods)
    client.post(f"{EV}/me/availability", data={"half_day": [periods[1].key, "2000-01-01-am"]})
    rows = db.session.scalars(sa.select(Availability)).all()
    assert [(r.starts_at, r.ends_at) for r in rows] == [(periods[1].starts_at, periods[1].ends_at)]
    assert rows[0].starts_at.tzinfo is UTC
    # 14:00 in Paris is 12:00 or 13:00 UTC depending on the season.
    assert rows[0].starts_at.hour in (12, 13)
    assert f'value="{periods[1].key}" id="half-{periods[1].key}" checked' in page_text(
        client.get(f"{EV}/me/availability")
    )


def test_availability_whole_event_shortcut(db, client, event, speaker):
    log_in(client, speaker)
    client.post(f"{EV}/me/availability", data={"whole_event": "y"})
    assert _count(db, Availability) == len(availability.half_days(event)) == 4


# --- consents ------------------------------------------------------------------------------------


def test_consents_saved_and_revoked(db, client, event, speaker, submitted):
    log_in(client, speaker)
    url = f"{EV}/me/proposals/{submitted.id}/consents"
    text = page_text(client.get(url))
    assert "droit à l'image" in text and "RGPD" in text
    client.post(url, data={"recording": "yes", "replay": "yes"})
    session_speaker = _part(db.session.get(Session, submitted.id), "sophie@example.org")
    db.session.refresh(session_speaker)
    assert (session_speaker.recording_consent, session_speaker.replay_consent) == (True, True)
    client.post(url, data={"recording": "yes", "replay": "no"})
    db.session.refresh(session_speaker)
    assert (session_speaker.recording_consent, session_speaker.replay_consent) == (True, False)
    assert session_speaker.consent_updated_at is not None
    response = client.post(url, data={"recording": "yes"})
    assert response.status_code == 400 and "Dites si vous acceptez la publication du replay." in page_text(response)


# --- every page as the wrong person --------------------------------------------------------------


def _speaker_pages(session_id: int) -> list[tuple[str, str]]:
    return [
        ("GET", f"{EV}/me/"),
        ("GET", f"{EV}/me/proposals/new"),
        ("GET", f"{EV}/me/proposals/{session_id}"),
        ("POST", f"{EV}/me/proposals/{session_id}"),
        ("GET", f"{EV}/me/proposals/{session_id}/withdraw"),
        ("POST", f"{EV}/me/proposals/{session_id}/withdraw"),
        ("GET", f"{EV}/me/proposals/{session_id}/consents"),
        ("POST", f"{EV}/me/proposals/{session_id}/consents"),
        ("GET", f"{EV}/me/profile"),
        ("POST", f"{EV}/me/profile"),
        ("GET", f"{EV}/me/profile/photo"),
        ("GET", f"{EV}/me/availability"),
        ("POST", f"{EV}/me/availability"),
    ]


def _snapshot(db, session_id):
    db.session.expire_all()
    session = db.session.get(Session, session_id)
    session_speakers = sorted(
        (p.speaker.email, p.invitation_state.value, p.recording_consent) for p in session.speakers
    )
    return (session.title, session.state, session_speakers, _count(db, Availability), _count(db, SpeakerProfile))


def test_every_speaker_page_sends_visitors_to_login(db, client, event, call, submitted):
    before = _snapshot(db, submitted.id)
    for method, path in _speaker_pages(submitted.id):
        response = client.open(path, method=method, data={"title": "Piraté", "recording": "yes", "replay": "yes"})
        assert response.status_code == 302, path
        assert "/login?next=" in response.headers["Location"], path
    assert _snapshot(db, submitted.id) == before


def test_another_speaker_cannot_reach_someone_elses_proposal(db, client, event, call, submitted, stranger):
    before = _snapshot(db, submitted.id)
    log_in(client, stranger)
    for method, path in [
        ("GET", f"{EV}/me/proposals/{submitted.id}"),
        ("POST", f"{EV}/me/proposals/{submitted.id}"),
        ("GET", f"{EV}/me/proposals/{submitted.id}/withdraw"),
        ("POST", f"{EV}/me/proposals/{submitted.id}/withdraw"),
        ("GET", f"{EV}/me/proposals/{submitted.id}/consents"),
        ("POST", f"{EV}/me/proposals/{submitted.id}/consents"),
    ]:
        response = client.open(path, method=method, data={**_proposal_form(title="Piraté"), "recording": "yes"})
        assert response.status_code == 404, path
    assert "Le métier de médiateur numérique" not in page_text(client.get(f"{EV}/me/"))
    assert _snapshot(db, submitted.id) == before


def test_a_co_speaker_sees_but_cannot_edit_or_withdraw(db, client, event, call, submitted):
    session_speaker = _part(submitted, "paul@example.org")
    client.post(_invitation_path(session_speaker), data={"action": "accept"})  # Paul is now logged in
    assert "Le métier de médiateur numérique" in page_text(client.get(f"{EV}/me/proposals/{submitted.id}"))
    before = _snapshot(db, submitted.id)
    assert client.post(f"{EV}/me/proposals/{submitted.id}", data=_proposal_form(title="X")).status_code == 403
    assert client.get(f"{EV}/me/proposals/{submitted.id}/withdraw").status_code == 403
    assert client.post(f"{EV}/me/proposals/{submitted.id}/withdraw").status_code == 403
    assert _snapshot(db, submitted.id) == before
    # Their own consents, though, are theirs to give.
    assert client.get(f"{EV}/me/proposals/{submitted.id}/consents").status_code == 200


def test_a_speaker_of_another_event_cannot_reach_this_events_proposals(
    db, client, event, call, submitted, other_event, make_user
):
    from nec.core.db import utcnow

    elsewhere = make_user("gironde@example.org", full_name="Gaëlle Gironde", email_confirmed_at=utcnow())
    theirs = submit_round_table(db, other_event, elsewhere, title="En Gironde")
    before = _snapshot(db, submitted.id)
    log_in(client, elsewhere)
    assert client.get(f"{EV}/me/proposals/{submitted.id}").status_code == 404
    assert client.post(f"{EV}/me/proposals/{submitted.id}/withdraw").status_code == 404
    # Their own session, but through the wrong event's address.
    assert client.get(f"{EV}/me/proposals/{theirs.id}").status_code == 404
    assert client.get(f"/nec-gironde/me/proposals/{theirs.id}").status_code == 200
    confirm = f"/nec-gironde/confirm/{confirmation.confirmation_token(submitted)}"
    assert client.get(confirm).status_code == 400
    assert _snapshot(db, submitted.id) == before


def test_unpublished_event_pages_are_hidden(db, client, event, call, speaker):
    event.is_published = False
    db.session.commit()
    log_in(client, speaker)
    assert client.get(f"{EV}/call/").status_code == 404
    assert client.get(f"{EV}/me/").status_code == 404


def test_unpublished_event_is_reachable_by_its_speakers_and_by_signed_links(db, client, event, call, speaker):
    session = submit_round_table(db, event, speaker)
    event.is_published = False
    db.session.commit()
    session_speaker = next(p for p in session.speakers if p.speaker.email == "paul@example.org")

    log_in(client, speaker)
    assert client.get(f"{EV}/me/").status_code == 200  # the speaker's own area
    assert client.get(f"{EV}/").status_code == 200  # and the event home, as a speaker of it
    log_out(client)

    assert client.get(f"{EV}/").status_code == 404  # the public still sees nothing
    assert client.get(f"{EV}/invitations/{co_speakers.invitation_token(session_speaker)}").status_code == 200
    assert client.get(f"{EV}/invitations/not-a-valid-token").status_code == 400


def test_submit_on_an_event_without_themes_needs_no_theme(db, client, event, call, speaker):
    """The form shows no theme field when the event has none: the absent value means no theme."""
    for theme in list(event.themes):
        db.session.delete(theme)
    db.session.commit()
    log_in(client, speaker)
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=_proposal_form(theme_id=None)
    )
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session))
    assert session.state is SessionState.submitted and session.theme_id is None


def test_a_proposal_can_ask_for_a_step_free_room(db, client, event, call, speaker):
    log_in(client, speaker)
    response = client.post(
        f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}",
        data=_proposal_form(needs_accessible_room="y"),
    )
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session))
    assert session.needs_accessible_room is True
    page = client.get(f"{EV}/me/proposals/{session.id}").get_data(as_text=True)
    (checkbox,) = re.findall(r"<input[^>]*name=\"needs_accessible_room\"[^>]*>", page)
    assert "checked" in checkbox


# --- an invitation link is not a password-less login (issue 9, finding 2) -------------------------


def _signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def test_invitation_link_signs_in_only_the_first_client(app, db, client, event, submitted):
    url = _invitation_path(_part(submitted, "paul@example.org"))
    first, second = app.test_client(), app.test_client()
    assert first.post(url, data={"action": "accept"}).headers["Location"].endswith("/me/profile")
    assert _signed_in(first)
    response = second.post(url, data={"action": "accept"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(second)
    # Declining then accepting again does not sign in either: only the first answer may.
    second.post(url, data={"action": "decline"})
    second.post(url, data={"action": "accept"})
    assert not _signed_in(second)
    db.session.expire_all()
    assert _part(db.session.get(Session, submitted.id), "paul@example.org").invitation_state is InvitationState.accepted


@pytest.mark.parametrize("kind", ["password", "organiser", "admin"])
def test_invitation_link_never_signs_into_an_account_with_a_password_or_a_role(
    app, db, client, event, submitted, make_user, kind
):
    from nec.accounts.models import EventRole, EventRoleKind

    paul = make_user(
        "paul@example.org", full_name="Paul", password="une phrase assez longue" if kind == "password" else None
    )
    if kind == "organiser":
        db.session.add(EventRole(event_id=event.id, user_id=paul.id, role=EventRoleKind.organiser))
    paul.is_admin = kind == "admin"
    db.session.commit()
    url = _invitation_path(_part(submitted, "paul@example.org"))
    response = client.post(url, data={"action": "accept"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert not _signed_in(client)
    db.session.expire_all()
    session_speaker = _part(db.session.get(Session, submitted.id), "paul@example.org")
    assert session_speaker.invitation_state is InvitationState.accepted and session_speaker.speaker.user_id == paul.id


def test_invitation_accepted_on_an_account_someone_else_created_is_the_invitee_s(app, db, client, event, submitted):
    hijacker = app.test_client()
    data = {"full_name": "Faux Paul", "email": "paul@example.org", "password": "x" * 14, "password_confirm": "x" * 14}
    hijacker.post("/signup", data=data)
    url = _invitation_path(_part(submitted, "paul@example.org"))
    assert client.post(url, data={"action": "accept"}).headers["Location"].endswith("/me/profile")
    paul = db.session.scalar(sa.select(User).where(User.email == "paul@example.org"))
    db.session.refresh(paul)
    assert paul.password_hash is None and paul.email_confirmed_at is not None
    hijacker.post("/login", data={"email": "paul@example.org", "password": "x" * 14})
    assert not _signed_in(hijacker)
    assert _signed_in(client)


def test_co_speaker_with_an_address_and_no_name_field_is_explained(db, client, event, call, speaker):
    """The name field missing from the request (not only empty) was an AttributeError, a 500."""
    log_in(client, speaker)
    data = _proposal_form(**{"co_speakers-1-name": None})
    response = client.post(f"{EV}/me/proposals/new?format={fmt(event, FormatKind.round_table).id}", data=data)
    assert response.status_code == 400
    assert "Indiquez à la fois le nom et l'adresse e-mail de la personne" in page_text(response)
    assert _count(db, Session) == 0


def test_profile_consent_says_the_name_is_always_published(db, client, event, speaker):
    log_in(client, speaker)
    text = page_text(client.get(f"{EV}/me/profile"))
    assert "Votre nom apparaît dans tous les cas sur le programme public" in text
    assert "ma structure, mon territoire, ma photo et ma présentation soient publiés avec mon nom" in text
    assert "seul votre nom apparaît" not in text
