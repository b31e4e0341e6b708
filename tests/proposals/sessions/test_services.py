"""Direct programming through the services: sessions without the call, speakers without accounts, claims."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner

from nec.core.models import AuditLogEntry
from nec.core.tokens import InvalidLink
from nec.events.models import FormatKind
from nec.proposals.models import (
    InvitationState,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.sessions import services as session_services
from nec.proposals.sessions.services import SessionDetails, SessionsError
from nec.proposals.speaker.profiles import profile_is_complete
from tests.support.data import fmt, outbox

R = SpeakerRole


def round_table(event, title="Table ronde invitée"):
    return SessionDetails(format=fmt(event, FormatKind.round_table), theme=event.themes[0], title=title)


def lineup(*people):
    return [SessionSpeakerData(name, email, role) for name, email, role in people]


TRIO = lineup(
    ("Mona Modératrice", "mona@example.org", R.moderator),
    ("Paul Panéliste", "paul@example.org", R.panelist),
    ("Pia Panéliste", "pia@example.org", R.panelist),
)


def test_create_session_makes_profiles_without_accounts(db, event, organiser):
    session = session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.confirmed)
    db.session.commit()
    assert session.state == SessionState.confirmed and session.decided_at and session.confirmed_at
    assert session.duration == 75 and session.seat_capacity is None
    profiles = db.session.scalars(sa.select(SpeakerProfile).order_by(SpeakerProfile.id)).all()
    assert [(p.email, p.user_id, p.event_id) for p in profiles] == [
        ("mona@example.org", None, event.id),
        ("paul@example.org", None, event.id),
        ("pia@example.org", None, event.id),
    ]
    assert db.session.scalar(
        sa.select(AuditLogEntry.action).where(
            AuditLogEntry.target_type == "Session", AuditLogEntry.target_id == session.id
        )
    ) == ("session.programmed")


def test_create_session_reuses_the_profile_with_the_same_address(db, event, organiser):
    session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.confirmed)
    db.session.commit()
    talk = SessionDetails(format=fmt(event, FormatKind.talk), theme=None, title="Retour d'expérience")
    session_services.create_session(
        event, organiser, talk, lineup(("Paul P.", "paul@example.org", R.speaker)), SessionState.accepted
    )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpeakerProfile)) == 3
    paul = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "paul@example.org"))
    assert paul.full_name == "Paul Panéliste"  # the existing profile is kept as it is
    assert len(paul.sessions) == 2


@pytest.mark.parametrize(
    ("people", "message"),
    [
        (TRIO[1:], "modération"),
        (TRIO + TRIO[1:2], "apparaît deux fois"),
        (TRIO[:1] + TRIO[1:2], "de 2 à 5"),
        (lineup(("A", "a@example.org", R.facilitator)), "n'existe pas dans ce format"),
    ],
)
def test_create_session_refuses_a_broken_lineup(db, event, organiser, people, message):
    with pytest.raises(SessionsError) as error:
        session_services.create_session(event, organiser, round_table(event), people, SessionState.confirmed)
    assert message in error.value.message
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Session)) == 0


def test_create_workshop_needs_seats_and_keeps_them(db, event, organiser):
    details = SessionDetails(format=fmt(event, FormatKind.workshop), theme=None, title="Atelier")
    people = lineup(("Alix", "alix@example.org", R.facilitator))
    with pytest.raises(SessionsError, match="nombre de places"):
        session_services.create_session(event, organiser, details, people, SessionState.confirmed)
    details.seat_capacity = 24
    session = session_services.create_session(event, organiser, details, people, SessionState.confirmed)
    assert session.seat_capacity == 24 and session.duration == 120


def test_create_session_refuses_a_state_other_than_accepted_or_confirmed(db, event, organiser):
    with pytest.raises(SessionsError) as error:
        session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.submitted)
    assert error.value.field == "state"


def test_seats_are_dropped_for_a_format_without_seats(db, event, organiser):
    details = round_table(event)
    details.seat_capacity = 40
    session = session_services.create_session(event, organiser, details, TRIO, SessionState.confirmed)
    assert session.seat_capacity is None


def test_update_session_replaces_speakers_keeping_the_parts_that_stay(db, event, organiser):
    session = session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.accepted)
    db.session.commit()
    mona_part = session.speakers[0]
    mona_part.replay_consent = False
    db.session.commit()

    new_lineup = lineup(
        ("Zoé Modératrice", "zoe@example.org", R.moderator),
        ("Mona Modératrice", "mona@example.org", R.panelist),
        ("Paul Panéliste", "paul@example.org", R.panelist),
    )
    session_services.update_session(
        session, organiser, round_table(event, "Nouveau titre"), new_lineup, SessionState.confirmed
    )
    db.session.commit()
    db.session.expire_all()
    session = db.session.get(Session, session.id)
    assert session.title == "Nouveau titre" and session.state == SessionState.confirmed and session.confirmed_at
    assert [(p.speaker.email, p.role, p.position) for p in session.speakers] == [
        ("zoe@example.org", R.moderator, 0),
        ("mona@example.org", R.panelist, 1),
        ("paul@example.org", R.panelist, 2),
    ]
    assert session.speakers[1].id == mona_part.id and session.speakers[1].replay_consent is False
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionSpeaker)) == 3  # Pia's part is gone
    pia = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "pia@example.org"))
    assert pia is not None and pia.sessions == []  # her profile stays


def test_update_session_cannot_move_a_proposal_out_of_review(db, event, organiser):
    session = session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.accepted)
    session.state = SessionState.submitted
    db.session.commit()
    with pytest.raises(SessionsError):
        session_services.update_session(session, organiser, round_table(event), TRIO, SessionState.confirmed)
    db.session.rollback()
    assert db.session.get(Session, session.id).state == SessionState.submitted


def test_cancel_session_then_not_twice(db, event, organiser):
    session = session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.confirmed)
    session_services.cancel_session(session, organiser)
    db.session.commit()
    assert session.state == SessionState.cancelled
    with pytest.raises(SessionsError, match="déjà dans l'état « Annulée »"):
        session_services.cancel_session(session, organiser)


def test_list_sessions_and_speakers_cover_every_state(db, event, organiser):
    a = session_services.create_session(event, organiser, round_table(event, "B"), TRIO, SessionState.confirmed)
    b = session_services.create_session(event, organiser, round_table(event, "A"), TRIO, SessionState.accepted)
    a.state = SessionState.rejected
    db.session.commit()
    assert [s.title for s in session_services.list_sessions(event)] == ["A", "B"]
    assert {s.state for s in session_services.list_sessions(event)} == {SessionState.rejected, b.state}
    assert [p.full_name for p in session_services.list_speakers(event)] == [
        "Mona Modératrice",
        "Paul Panéliste",
        "Pia Panéliste",
    ]


def test_list_speakers_leaves_out_drafts_and_people_only_in_drafts(db, event, organiser, make_user):
    """A draft is its author's alone: the organisers see neither its title nor its co-speakers."""
    listed = session_services.create_session(
        event, organiser, round_table(event, "Publique"), TRIO, SessionState.accepted
    )
    author = make_user("auteur@example.org", full_name="Alix Auteur")
    alix = session_services.find_or_create_speaker(event, "Alix Auteur", author.email)
    camille = session_services.find_or_create_speaker(event, "Camille Cachée", "camille@example.org")
    db.session.commit()
    moderator, panelist = listed.speakers[0].role, listed.speakers[1].role
    draft = Session(event=event, format=listed.format, title="Idée en brouillon", duration=60)
    draft.state = SessionState.draft
    db.session.add(draft)
    db.session.add_all(
        [
            SessionSpeaker(session=draft, speaker=alix, role=moderator, invitation_state=InvitationState.accepted),
            SessionSpeaker(session=draft, speaker=camille, role=panelist, invitation_state=InvitationState.invited),
            # Alix also takes part in the public session.
            SessionSpeaker(session=listed, speaker=alix, role=panelist, invitation_state=InvitationState.accepted),
        ]
    )
    db.session.commit()
    db.session.expire_all()  # the profiles' sessions are loaded afresh by list_speakers

    speakers = {
        p.full_name: [session_speaker.session.title for session_speaker in p.sessions]
        for p in session_services.list_speakers(event)
    }

    assert "Camille Cachée" not in speakers
    assert speakers["Alix Auteur"] == ["Publique"]
    assert all("Idée en brouillon" not in titles for titles in speakers.values())


def test_profile_is_complete_needs_structure_and_bio(db, event, organiser):
    profile = session_services.find_or_create_speaker(event, "Léa", "lea@example.org")
    assert not profile_is_complete(profile)
    profile.structure, profile.bio = "EPN Le Clic", "Médiatrice numérique."
    assert profile_is_complete(profile)


# --- claim links ------------------------------------------------------------------------------------


@pytest.fixture
def profile(db, event, organiser):
    session_services.create_session(event, organiser, round_table(event), TRIO, SessionState.confirmed)
    db.session.commit()
    return db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "mona@example.org"))


def test_send_claim_link_queues_a_mail_with_a_working_link(db, event, organiser, profile):
    session_services.send_claim_link(profile, organiser)
    db.session.commit()
    [mail] = outbox()
    assert mail.to_address == "mona@example.org" and mail.template == "claim_profile"
    assert "30 jours" in mail.body_text
    token = mail.body_text.split(f"/{event.slug}/claim/", 1)[1].split()[0]
    assert session_services.profile_from_claim(event, token).id == profile.id


def test_claim_link_tampered_or_expired_or_for_an_old_address_is_refused(db, event, profile, monkeypatch):
    token = session_services.claim_token(profile)
    with pytest.raises(InvalidLink, match="n'est pas valide"):
        session_services.profile_from_claim(event, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 31 * 24 * 3600)
    old = session_services.claim_token(profile)
    monkeypatch.undo()
    with pytest.raises(InvalidLink, match="expiré"):
        session_services.profile_from_claim(event, old)

    profile.email = "mona.nouvelle@example.org"
    db.session.commit()
    with pytest.raises(InvalidLink, match="a changé"):
        session_services.profile_from_claim(event, token)


def test_claim_link_within_30_days_still_works(db, event, profile, monkeypatch):
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 29 * 24 * 3600)
    token = session_services.claim_token(profile)
    monkeypatch.undo()
    assert session_services.profile_from_claim(event, token).id == profile.id


def test_claim_with_link_creates_the_account_once(db, event, profile):
    user, sign_in = session_services.claim_with_link(profile, None)
    db.session.commit()
    assert user.email == "mona@example.org" and profile.user_id == user.id and sign_in
    assert session_services.claim_with_link(profile, user) == (user, False)  # again: nothing to do
    with pytest.raises(SessionsError):
        session_services.send_claim_link(profile, None)


def test_claim_of_a_profile_claimed_by_someone_else_is_refused(db, event, profile, stranger, make_user):
    profile.user_id = stranger.id
    db.session.commit()
    owner = make_user("mona@example.org", full_name="Mona")
    with pytest.raises(SessionsError, match="déjà relié à un autre compte"):
        session_services.claim_with_link(profile, owner)
    with pytest.raises(SessionsError, match="déjà relié à un autre compte"):
        session_services.claim_with_link(profile, None)
    db.session.rollback()
    assert db.session.get(SpeakerProfile, profile.id).user_id == stranger.id


def test_claim_by_an_account_with_another_address_is_refused(db, event, profile, stranger):
    with pytest.raises(SessionsError, match=r"envoyé à mona@example\.org"):
        session_services.claim_with_link(profile, stranger)
    assert profile.user_id is None


def test_claim_refused_when_the_account_already_has_a_profile_in_the_event(db, event, profile, make_user):
    owner = make_user("mona@example.org", full_name="Mona")
    other = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "paul@example.org"))
    other.user_id = owner.id
    db.session.commit()
    with pytest.raises(SessionsError, match="déjà relié à un autre profil"):
        session_services.claim_with_link(profile, owner)
