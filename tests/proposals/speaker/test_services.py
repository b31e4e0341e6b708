"""The speaker's side of the call, through the services: lineup rules, submission, invitations,
confirmation, profile photos, availability and consents."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from nec.accounts.models import User
from nec.core.db import utcnow
from nec.core.models import OutboxMessage
from nec.core.tokens import InvalidLink
from nec.events import services as event_services
from nec.events.models import FormatKind
from nec.proposals.models import (
    Availability,
    InvitationState,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)
from nec.proposals.session_speakers import SessionSpeakerData, session_speaker_problems
from nec.proposals.speaker import availability, co_speakers, confirmation, consents, profiles, submission
from nec.proposals.speaker.errors import ProposalError
from nec.proposals.speaker.submission import ProposalData
from tests.proposals.speaker.helpers import close_call, png_bytes, round_table_data, submit_round_table
from tests.support.data import fmt, outbox

# The fixtures shared by the speaker tests.

R = SpeakerRole


# --- the rules of an NEC -------------------------------------------------------------------------


def test_lineup_round_table_with_moderator_and_two_panelists_is_fine(app):
    assert session_speaker_problems(FormatKind.round_table, [R.moderator, R.panelist, R.panelist]) == []


def test_lineup_round_table_without_moderator_is_refused(app):
    problems = session_speaker_problems(FormatKind.round_table, [R.panelist, R.panelist, R.panelist])
    assert problems == [
        "Une table ronde a besoin d'une personne à la modération, qui anime les échanges : "
        "donnez ce rôle à l'une des personnes."
    ]


def test_lineup_round_table_with_six_panelists_is_refused(app):
    problems = session_speaker_problems(FormatKind.round_table, [R.moderator] + [R.panelist] * 6)
    assert len(problems) == 1
    assert "de 2 à 5 intervenant·es" in problems[0] and "(ici 6)" in problems[0]


def test_lineup_round_table_with_one_panelist_or_two_moderators_is_refused(app):
    assert "(ici 1)" in session_speaker_problems(FormatKind.round_table, [R.moderator, R.panelist])[0]
    problems = session_speaker_problems(FormatKind.round_table, [R.moderator, R.moderator, R.panelist, R.panelist])
    assert problems == [
        "Une table ronde a une seule personne à la modération (ici 2) : donnez aux autres le rôle d'intervenant·e."
    ]


def test_lineup_workshop_needs_facilitator_and_capacity_when_asked(app):
    assert session_speaker_problems(FormatKind.workshop, [R.facilitator]) == []
    assert session_speaker_problems(FormatKind.workshop, [R.facilitator], seat_capacity=12) == []
    problems = session_speaker_problems(FormatKind.workshop, [R.speaker], seat_capacity=None)
    assert len(problems) == 2
    assert problems[0].startswith("Un atelier a besoin d'au moins une personne à l'animation")
    assert problems[1].startswith("Indiquez le nombre de places de l'atelier")


def test_lineup_talk_and_plenary_rules(app):
    assert session_speaker_problems(FormatKind.talk, [R.speaker, R.speaker]) == []
    assert "(ici 3)" in session_speaker_problems(FormatKind.talk, [R.speaker] * 3)[0]
    assert session_speaker_problems(FormatKind.plenary, [R.speaker, R.moderator]) == []
    assert session_speaker_problems(FormatKind.plenary, [R.moderator]) == [
        "Une plénière a besoin d'au moins un·e intervenant·e : ajoutez-en un·e."
    ]


def test_lineup_refuses_a_role_of_another_format_and_accepts_pairs(app):
    problems = session_speaker_problems(FormatKind.talk, [(R.facilitator, object())])
    assert problems[0].startswith("Le rôle « Animation » n'existe pas dans ce format")


# --- submitting a proposal -------------------------------------------------------------------------


def test_submit_round_table_with_two_co_speakers_creates_everything_and_queues_mails(db, event, call, speaker):
    session = submit_round_table(db, event, speaker)

    assert session.state is SessionState.submitted
    assert session.submitted_by_id == speaker.id
    assert session.submitted_at is not None and session.submitted_at <= utcnow()
    assert session.duration == fmt(event, FormatKind.round_table).default_duration
    session_speakers = {p.speaker.email: p for p in session.speakers}
    assert set(session_speakers) == {"sophie@example.org", "paul@example.org", "nadia@example.org"}
    assert session_speakers["sophie@example.org"].role is R.moderator
    assert session_speakers["sophie@example.org"].invitation_state is InvitationState.accepted
    assert session_speakers["sophie@example.org"].speaker.user_id == speaker.id
    for email in ("paul@example.org", "nadia@example.org"):
        assert session_speakers[email].invitation_state is InvitationState.invited
        assert session_speakers[email].role is R.panelist
        assert session_speakers[email].speaker.user_id is None

    mails = outbox()
    assert [m.to_address for m in mails] == ["sophie@example.org", "paul@example.org", "nadia@example.org"]
    assert "est bien reçue" in mails[0].subject
    assert "Sophie Submitter vous invite" in mails[1].subject
    # The invitation's link leads to Paul's own part.
    link = next(line for line in mails[1].body_text.splitlines() if "/invitations/" in line).strip()
    token = link.rsplit("/invitations/", 1)[1]
    assert co_speakers.invitation_for(event, token).id == session_speakers["paul@example.org"].id


def test_submit_is_one_transaction_that_a_rollback_undoes_entirely(db, event, call, speaker):
    submission.save_proposal(event, speaker, fmt(event, FormatKind.round_table), round_table_data(), submit=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(SpeakerProfile.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_draft_sends_nothing_then_submitting_it_sends_mails(db, event, call, speaker):
    draft = submission.save_proposal(event, speaker, fmt(event, FormatKind.round_table), round_table_data())
    db.session.commit()
    assert draft.state is SessionState.draft and draft.submitted_at is None
    assert outbox() == []

    submission.save_proposal(event, speaker, draft.format, round_table_data(), session=draft, submit=True)
    db.session.commit()
    assert draft.state is SessionState.submitted
    assert len(outbox()) == 3


def test_a_co_speaker_dropped_from_a_draft_is_not_kept(db, event, call, speaker, make_user):
    """Their name and address came from someone else's form: once in no session, they are forgotten,
    unless the person has an account of their own."""
    draft = submission.save_proposal(event, speaker, fmt(event, FormatKind.round_table), round_table_data())
    db.session.commit()
    nadia = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.email == "nadia@example.org"))
    nadia.user_id = make_user("nadia@example.org").id
    db.session.commit()

    submission.save_proposal(event, speaker, draft.format, round_table_data(co_speakers=[]), session=draft)
    db.session.commit()

    emails = set(db.session.scalars(sa.select(SpeakerProfile.email)))
    assert "paul@example.org" not in emails  # made from the form, never claimed: gone
    assert "nadia@example.org" in emails  # her own account's profile stays
    assert {p.speaker.email for p in draft.speakers} == {speaker.email}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"own_role": "panelist"}, "besoin d'une personne à la modération"),
        (
            {
                "own_role": "panelist",
                "co_speakers": [SessionSpeakerData("Mo", "mo@example.org", "moderator")]
                + [SessionSpeakerData(f"P{i}", f"p{i}@example.org", "panelist") for i in range(5)],
            },
            "(ici 6)",
        ),
    ],
    ids=["no-moderator", "six-panelists"],
)
def test_submit_refuses_a_broken_lineup_and_keeps_nothing(db, event, call, speaker, overrides, expected):
    with pytest.raises(ProposalError) as exc:
        submission.save_proposal(
            event, speaker, fmt(event, FormatKind.round_table), round_table_data(**overrides), submit=True
        )
    db.session.rollback()
    assert expected in exc.value.message
    assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 0
    assert outbox() == []


def test_submit_workshop_without_capacity_is_refused(db, event, call, speaker):
    data = ProposalData(title="Atelier Pix", summary="S'entraîner.", own_role="facilitator", seat_capacity=None)
    with pytest.raises(ProposalError) as exc:
        submission.save_proposal(event, speaker, fmt(event, FormatKind.workshop), data, submit=True)
    db.session.rollback()
    assert "nombre de places" in exc.value.message
    data.seat_capacity = 12
    session = submission.save_proposal(event, speaker, fmt(event, FormatKind.workshop), data, submit=True)
    db.session.commit()
    assert session.seat_capacity == 12 and session.duration == 120


def test_submit_refuses_the_same_address_twice_and_oneself(db, event, call, speaker):
    twice = round_table_data(
        co_speakers=[
            SessionSpeakerData("A", "a@example.org", "panelist"),
            SessionSpeakerData("A bis", "A@example.org", "panelist"),
        ]
    )
    with pytest.raises(ProposalError, match="apparaît deux fois"):
        submission.save_proposal(event, speaker, fmt(event, FormatKind.round_table), twice, submit=True)
    db.session.rollback()
    oneself = round_table_data(co_speakers=[SessionSpeakerData("Moi", "sophie@example.org", "panelist")])
    with pytest.raises(ProposalError, match="Vous faites déjà partie"):
        submission.save_proposal(event, speaker, fmt(event, FormatKind.round_table), oneself, submit=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 0


def test_submit_after_the_deadline_is_refused(db, event, call, speaker):
    close_call(db, call)
    with pytest.raises(ProposalError, match="ne reçoit pas de propositions"):
        submission.save_proposal(event, speaker, fmt(event, FormatKind.round_table), round_table_data(), submit=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Session.id))) == 0


def test_edit_after_the_deadline_is_refused_and_changes_nothing(db, event, call, speaker, submitted):
    close_call(db, call)
    editable, why = submission.editing_status(submitted, utcnow())
    assert not editable and "L'appel est clos pour ce format" in why
    with pytest.raises(ProposalError, match="ne peut plus être modifiée"):
        submission.save_proposal(
            event, speaker, submitted.format, round_table_data(title="Autre titre"), session=submitted
        )
    db.session.rollback()
    assert db.session.get(Session, submitted.id).title == "Le métier de médiateur numérique"


def test_edit_submitted_invites_only_new_co_speakers_and_removes_dropped_ones(db, event, call, speaker, submitted):
    before = len(outbox())
    data = round_table_data(
        co_speakers=[
            SessionSpeakerData("Paul Panéliste", "paul@example.org", "panelist"),
            SessionSpeakerData("Zoé Nouvelle", "zoe@example.org", "panelist"),
        ]
    )
    submission.save_proposal(event, speaker, submitted.format, data, session=submitted)
    db.session.commit()
    emails = {p.speaker.email for p in submitted.speakers}
    assert emails == {"sophie@example.org", "paul@example.org", "zoe@example.org"}
    new_mails = outbox()[before:]
    assert [m.to_address for m in new_mails] == ["zoe@example.org"]


def test_only_the_submitter_can_edit_or_withdraw(db, event, call, speaker, stranger, submitted):
    with pytest.raises(ProposalError):
        submission.save_proposal(event, stranger, submitted.format, round_table_data(), session=submitted)
    db.session.rollback()
    with pytest.raises(ProposalError):
        submission.withdraw(submitted, stranger)
    db.session.rollback()
    assert db.session.get(Session, submitted.id).state is SessionState.submitted


def test_withdraw_before_decision_only(db, event, call, speaker, submitted):
    submission.withdraw(submitted, speaker)
    db.session.commit()
    assert submitted.state is SessionState.withdrawn
    submission.withdraw(submitted, speaker)  # again: nothing to do

    accepted = submit_round_table(db, event, speaker, title="Une autre")
    accepted.state = SessionState.accepted
    db.session.commit()
    with pytest.raises(ProposalError, match="ne peut plus être retirée"):
        submission.withdraw(accepted, speaker)


def test_sessions_of_shows_own_and_co_spoken_sessions_only(db, event, call, speaker, stranger, submitted):
    assert submission.sessions_of(event, speaker) == [submitted]
    assert submission.sessions_of(event, stranger) == []
    assert submission.get_own_session(event, stranger, submitted.id) is None
    assert submission.get_own_session(event, speaker, submitted.id) is submitted


def test_sessions_of_another_event_are_not_reachable(db, event, call, speaker, submitted, other_event):
    assert submission.get_own_session(other_event, speaker, submitted.id) is None
    assert submission.sessions_of(other_event, speaker) == []


# --- co-speaker invitations ----------------------------------------------------------------------


def _part(session, email) -> SessionSpeaker:
    return next(p for p in session.speakers if p.speaker.email == email)


def test_accept_invitation_creates_a_confirmed_account_without_password(db, event, submitted):
    session_speaker = _part(submitted, "paul@example.org")
    user, sign_in = co_speakers.accept_invitation(session_speaker, None)
    db.session.commit()
    assert sign_in  # the first answer, into an account the invitation made
    assert user.email == "paul@example.org" and user.full_name == "Paul Panéliste"
    assert user.password_hash is None and user.email_confirmed_at is not None
    assert session_speaker.invitation_state is InvitationState.accepted
    assert session_speaker.speaker.user_id == user.id
    assert submission.sessions_of(event, user) == [submitted]


def test_accept_invitation_links_an_existing_account(db, event, submitted, make_user):
    paul = make_user("paul@example.org", full_name="Paul Déjà Inscrit")
    session_speaker = _part(submitted, "paul@example.org")
    assert co_speakers.accept_invitation(session_speaker, None)[0].id == paul.id
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(User.id)).where(User.email == "paul@example.org")) == 1
    assert session_speaker.speaker.user_id == paul.id
    # Twice is harmless.
    co_speakers.accept_invitation(session_speaker, paul)
    db.session.commit()
    assert session_speaker.invitation_state is InvitationState.accepted


def test_accept_invitation_as_another_account_is_refused(db, event, submitted, stranger):
    session_speaker = _part(submitted, "paul@example.org")
    with pytest.raises(ProposalError, match=r"adressée à paul@example\.org"):
        co_speakers.accept_invitation(session_speaker, stranger)
    db.session.rollback()
    session_speaker = db.session.get(SessionSpeaker, session_speaker.id)
    assert session_speaker.invitation_state is InvitationState.invited and session_speaker.speaker.user_id is None


def test_decline_invitation(db, event, speaker, submitted):
    session_speaker = _part(submitted, "nadia@example.org")
    co_speakers.decline_invitation(session_speaker, None)
    db.session.commit()
    assert session_speaker.invitation_state is InvitationState.declined
    assert submission.open_invitations(event, speaker) == []


def test_invitation_link_tampered_expired_or_gone_is_refused(app, db, event, call, speaker, submitted):
    session_speaker = _part(submitted, "paul@example.org")
    token = co_speakers.invitation_token(session_speaker)
    with pytest.raises(InvalidLink, match="pas valide"):
        co_speakers.invitation_for(event, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"))
    saved = app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"]
    app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"] = -1
    try:
        with pytest.raises(InvalidLink, match="expiré"):
            co_speakers.invitation_for(event, token)
    finally:
        app.config["NEC_CO_SPEAKER_INVITATION_MAX_AGE"] = saved
    # Removed from the lineup: the old link no longer works.
    data = round_table_data(
        co_speakers=[
            SessionSpeakerData("N", "nadia@example.org", "panelist"),
            SessionSpeakerData("Z", "z@example.org", "panelist"),
        ]
    )
    submission.save_proposal(event, speaker, submitted.format, data, session=submitted)
    db.session.commit()
    with pytest.raises(InvalidLink, match="n'existe plus"):
        co_speakers.invitation_for(event, token)


def test_invitation_of_a_withdrawn_session_cannot_be_answered(db, event, speaker, submitted):
    submission.withdraw(submitted, speaker)
    db.session.commit()
    session_speaker = _part(submitted, "paul@example.org")
    assert "Retirée" in co_speakers.invitation_problem(session_speaker)
    with pytest.raises(ProposalError):
        co_speakers.accept_invitation(session_speaker, None)


# --- confirmation --------------------------------------------------------------------------------


def test_confirm_an_accepted_session_is_idempotent(db, event, speaker, submitted):
    submitted.state = SessionState.accepted
    db.session.commit()
    assert confirmation.confirm_session(submitted, speaker, confirm=True) is True
    db.session.commit()
    first = submitted.confirmed_at
    assert submitted.state is SessionState.confirmed and first is not None
    assert confirmation.confirm_session(submitted, speaker, confirm=True) is False
    assert submitted.confirmed_at == first


def test_decline_an_accepted_session(db, event, speaker, submitted):
    submitted.state = SessionState.accepted
    db.session.commit()
    confirmation.confirm_session(submitted, speaker, confirm=False)
    db.session.commit()
    assert submitted.state is SessionState.declined
    with pytest.raises(ProposalError, match="déjà été déclinée"):
        confirmation.confirm_session(submitted, speaker, confirm=True)


def test_confirm_a_session_not_accepted_or_by_a_stranger_is_refused(db, event, speaker, stranger, submitted):
    with pytest.raises(ProposalError, match="pas encore reçu de réponse"):
        confirmation.confirm_session(submitted, speaker, confirm=True)
    submitted.state = SessionState.accepted
    db.session.commit()
    with pytest.raises(ProposalError, match="Seul·es les intervenant·es"):
        confirmation.confirm_session(submitted, stranger, confirm=True)
    assert submitted.state is SessionState.accepted


def test_confirmation_token_of_another_event_is_refused(db, event, submitted, other_event):
    token = confirmation.confirmation_token(submitted)
    assert confirmation.session_for_confirmation(event, token).id == submitted.id
    with pytest.raises(InvalidLink):
        confirmation.session_for_confirmation(other_event, token)


# --- profiles and photos -------------------------------------------------------------------------


def test_profile_is_created_from_the_account_once(db, event, speaker):
    profile = profiles.get_or_create_profile(event, speaker)
    db.session.commit()
    assert (profile.full_name, profile.email, profile.user_id) == ("Sophie Submitter", speaker.email, speaker.id)
    assert profile.publish_consent is False
    assert profiles.get_or_create_profile(event, speaker).id == profile.id


def test_profile_made_for_an_invitee_is_claimed_only_with_a_proven_address(db, event, submitted, make_user):
    unproven = make_user("paul@example.org", full_name="Paul", email_confirmed_at=None)
    with pytest.raises(ProposalError, match="lien d'invitation"):
        profiles.get_or_create_profile(event, unproven)
    db.session.rollback()
    unproven.email_confirmed_at = utcnow()
    db.session.commit()
    profile = profiles.get_or_create_profile(event, unproven)
    assert profile.id == _part(submitted, "paul@example.org").speaker_id
    assert profile.user_id == unproven.id


def test_prepare_photo_reencodes_and_resizes(app):
    out = profiles.prepare_photo(png_bytes(size=(1600, 1000)))
    with Image.open(io.BytesIO(out)) as image:
        assert image.format == "JPEG"
        assert image.size == (800, 500)


def test_prepare_photo_keeps_small_images_small(app):
    with Image.open(io.BytesIO(profiles.prepare_photo(png_bytes(size=(40, 30))))) as image:
        assert image.size == (40, 30)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Ceci n'est pas une image, juste du texte.", "n'est pas une image JPEG, PNG ou WebP"),
        (b"", "n'est pas une image JPEG, PNG ou WebP"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "n'est pas une image JPEG, PNG ou WebP"),
    ],
    ids=["text", "empty", "truncated-png"],
)
def test_prepare_photo_refuses_files_that_are_not_images(app, data, expected):
    with pytest.raises(ProposalError, match=expected):
        profiles.prepare_photo(data)


def test_prepare_photo_refuses_gif_oversized_and_heavy_files(app):
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(ProposalError, match="JPEG, PNG ou WebP"):
        profiles.prepare_photo(gif.getvalue())
    with pytest.raises(ProposalError, match="4001 × 10 pixels"):
        profiles.prepare_photo(png_bytes(size=(4001, 10)))
    with pytest.raises(ProposalError, match="dépasse 5 Mo"):
        profiles.prepare_photo(b"\x00" * (profiles.PHOTO_MAX_BYTES + 1))


def test_set_photo_stores_a_file_with_a_random_name(app, db, event, speaker):
    from nec.core import storage

    profile = profiles.get_or_create_profile(event, speaker)
    assert profiles.set_photo(profile, png_bytes()) is None
    first = profile.photo_path
    assert first.startswith("photos/") and first.endswith(".jpg") and storage.exists(first)
    assert profiles.set_photo(profile, png_bytes()) == first
    assert profile.photo_path != first


# --- availability --------------------------------------------------------------------------------


@pytest.fixture
def winter_event(db, organiser):
    """Two days in January (Paris is UTC+1), with the default hours 9:00-17:30 and lunch 12:30-14:00."""
    ev = event_services.create_event(
        organiser, title="NEC d'hiver", slug="nec-hiver", start_date=date(2031, 1, 28), end_date=date(2031, 1, 29)
    )
    db.session.commit()
    return ev


def test_half_days_follow_opening_hours_and_lunch_in_utc(winter_event):
    periods = availability.half_days(winter_event)
    assert [p.key for p in periods] == ["2031-01-28-am", "2031-01-28-pm", "2031-01-29-am", "2031-01-29-pm"]
    morning, afternoon = periods[0], periods[1]
    assert (morning.starts_at, morning.ends_at) == (
        datetime(2031, 1, 28, 8, 0, tzinfo=UTC),
        datetime(2031, 1, 28, 11, 30, tzinfo=UTC),
    )
    assert (afternoon.starts_at, afternoon.ends_at) == (
        datetime(2031, 1, 28, 13, 0, tzinfo=UTC),
        datetime(2031, 1, 28, 16, 30, tzinfo=UTC),
    )


def test_half_days_in_summer_time_and_without_lunch(db, winter_event):
    day = winter_event.days[0]
    day.date = date(2031, 7, 1)  # Paris is UTC+2
    day.lunch_start = day.lunch_end = None
    db.session.commit()
    periods = [p for p in availability.half_days(winter_event) if p.day == date(2031, 7, 1)]
    assert [(p.starts_at.hour, p.ends_at.hour) for p in periods] == [(7, 10), (10, 15)]


def test_save_availability_replaces_rows_in_utc(db, winter_event, speaker):
    profile = profiles.get_or_create_profile(winter_event, speaker)
    availability.save_availability(profile, winter_event, ["2031-01-28-pm", "2031-01-29-am", "not-a-key"])
    db.session.commit()
    rows = db.session.scalars(sa.select(Availability).order_by(Availability.starts_at)).all()
    assert [(r.starts_at, r.ends_at) for r in rows] == [
        (datetime(2031, 1, 28, 13, 0, tzinfo=UTC), datetime(2031, 1, 28, 16, 30, tzinfo=UTC)),
        (datetime(2031, 1, 29, 8, 0, tzinfo=UTC), datetime(2031, 1, 29, 11, 30, tzinfo=UTC)),
    ]
    assert availability.available_keys(profile, availability.half_days(winter_event)) == {
        "2031-01-28-pm",
        "2031-01-29-am",
    }
    availability.save_availability(profile, winter_event, [])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Availability.id))) == 0


# --- consents ------------------------------------------------------------------------------------


def test_consents_are_separate_and_revocable(db, event, speaker, submitted):
    session_speaker = _part(submitted, "sophie@example.org")
    assert (session_speaker.recording_consent, session_speaker.replay_consent, session_speaker.consent_updated_at) == (
        None,
        None,
        None,
    )
    assert consents.set_consents(session_speaker, recording=True, replay=False) is True
    db.session.commit()
    assert (session_speaker.recording_consent, session_speaker.replay_consent) == (True, False)
    first = session_speaker.consent_updated_at
    assert consents.set_consents(session_speaker, recording=True, replay=False) is False
    consents.set_consents(session_speaker, recording=True, replay=True, now=first + timedelta(minutes=1))
    assert session_speaker.consent_updated_at > first
    consents.set_consents(session_speaker, recording=False, replay=True)
    assert (session_speaker.recording_consent, session_speaker.replay_consent) == (False, False)
