"""Personal data (RGPD): a person's export, the erasure of their account, the retention purge."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from nec.accounts import personal_data, services
from nec.accounts.models import EventRole, EventRoleKind, LoginToken, LoginTokenPurpose, User
from nec.core import storage
from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.core.models import AuditLogEntry, OutboxMessage, OutboxState
from nec.events import services as event_services
from nec.events.models import Event, FormatKind
from nec.programme.models import Favourite
from nec.proposals.models import (
    Answer,
    Availability,
    Question,
    QuestionKind,
    QuestionTarget,
    Review,
    ReviewCriterion,
    ReviewScore,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)
from nec.registrations.models import Registration, Seat
from tests.accounts.helpers import PASSWORD
from tests.support.data import fmt
from tests.support.web import log_in, page_text

OTHER_SECRETS = ("dominique.autre@example.org", "Dominique Autre", "Bio de Dominique", "Avis de Dominique")


# --- the world: one event, the person, and another person with the same kinds of data --------------


@dataclass
class World:
    event: Event
    organiser: User
    person: User
    other: User
    mine: Session  # proposed by the person, with the other as a co-speaker
    theirs: Session  # the other's alone: the person reviewed it and keeps it in "Mon programme"
    photo: str


def _message(db, to, subject, state, *, age_days=0, body="Corps secret du message"):
    now = utcnow() - timedelta(days=age_days)
    message = OutboxMessage(
        to_address=to,
        subject=subject,
        body_text=body,
        message_id=f"<{subject}-{to}-{age_days}@test>",
        state=state,
        created_at=now,
        next_attempt_at=now,
        sent_at=now if state is OutboxState.sent else None,
    )
    db.session.add(message)
    return message


def _profile(db, event, user, *, bio, photo=None):
    profile = SpeakerProfile(
        event_id=event.id,
        user_id=user.id,
        full_name=user.full_name,
        email=user.email,
        structure=f"Structure de {user.full_name}",
        bio=bio,
        photo_path=photo,
        publish_consent=True,
    )
    db.session.add(profile)
    db.session.flush()
    start = utcnow().replace(microsecond=0) + timedelta(days=30)
    db.session.add(Availability(speaker_id=profile.id, starts_at=start, ends_at=start + timedelta(hours=4)))
    return profile


def _session(db, event, title, submitted_by):
    session = Session(
        event_id=event.id,
        format_id=fmt(event, FormatKind.round_table).id,
        title=title,
        duration=75,
        state=SessionState.submitted,
        submitted_by_id=submitted_by.id,
    )
    db.session.add(session)
    db.session.flush()
    return session


@pytest.fixture
def world(db, make_user):
    organiser = make_user("orga@example.org", full_name="Odile Organisatrice", password=PASSWORD)
    start = date.today() + timedelta(days=30)
    event = event_services.create_event(
        organiser, title="NEC Sud Charente", slug="nec-sud-charente", start_date=start, end_date=start
    )
    person = make_user("camille@example.org", full_name="Camille Martin", password=PASSWORD)
    other = make_user("dominique.autre@example.org", full_name="Dominique Autre", password=PASSWORD)
    for user in (person, other):
        db.session.add(EventRole(event_id=event.id, user_id=user.id, role=EventRoleKind.reviewer))
    photo = storage.save(b"jpeg", folder="photos", suffix=".jpg")
    mine_profile = _profile(db, event, person, bio="Médiatrice numérique à Barbezieux.", photo=photo)
    other_profile = _profile(db, event, other, bio="Bio de Dominique")
    mine = _session(db, event, "Le métier de médiateur", person)
    theirs = _session(db, event, "Les tiers-lieux", other)
    db.session.add_all(
        [
            SessionSpeaker(
                session_id=mine.id, speaker_id=mine_profile.id, role=SpeakerRole.moderator,
                recording_consent=True, replay_consent=False,
            ),
            SessionSpeaker(session_id=mine.id, speaker_id=other_profile.id, role=SpeakerRole.panelist, position=1),
            SessionSpeaker(session_id=theirs.id, speaker_id=other_profile.id, role=SpeakerRole.panelist),
        ]
    )  # fmt: skip
    question = Question(event_id=event.id, target=QuestionTarget.speaker, kind=QuestionKind.short_text, label="Ville")
    db.session.add(question)
    db.session.flush()
    db.session.add_all(
        [
            Answer(question_id=question.id, speaker_id=mine_profile.id, value="Barbezieux"),
            Answer(question_id=question.id, speaker_id=other_profile.id, value="Réponse de Dominique"),
            Favourite(user_id=person.id, session_id=theirs.id),
            Favourite(user_id=other.id, session_id=mine.id),
        ]
    )
    criterion = ReviewCriterion(event_id=event.id, name="Utilité", max_score=5)
    db.session.add(criterion)
    db.session.flush()
    for reviewer, session, comment in ((person, theirs, "Très utile"), (other, mine, "Avis de Dominique")):
        review = Review(session_id=session.id, reviewer_id=reviewer.id, comment=comment)
        review.scores = [ReviewScore(criterion_id=criterion.id, value=4)]
        db.session.add(review)
    for user in (person, other):
        registration = Registration(event_id=event.id, user_id=user.id, email=user.email, full_name=user.full_name)
        registration.seats = [Seat(session_id=theirs.id)]
        db.session.add(registration)
        _message(db, user.email, f"Bienvenue {user.full_name}", OutboxState.sent)
        _message(db, user.email, f"Rappel {user.full_name}", OutboxState.pending)
        log_action("proposal.submitted", actor=user, event=event)
        services.issue_login_token(user, LoginTokenPurpose.magic_link)
    db.session.commit()
    return World(event, organiser, person, other, mine, theirs, photo)


def _count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _download(client):
    response = client.post("/account/data")
    assert response.status_code == 200, response.status_code
    return response, json.loads(response.get_data(as_text=True))


# --- export ----------------------------------------------------------------------------------------


def test_export_as_the_owner_is_a_dated_json_attachment_with_their_data(client, world):
    log_in(client, world.person)
    response, data = _download(client)

    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="nec-mes-donnees-\d{4}-\d{2}-\d{2}\.json"', response.headers["Content-Disposition"]
    )
    assert data["generated_at"]
    assert data["account"]["email"] == "camille@example.org"
    assert data["account"]["full_name"] == "Camille Martin"
    assert data["account"]["has_password"] is True
    assert [(r["event"]["slug"], r["role"]) for r in data["event_roles"]] == [("nec-sud-charente", "reviewer")]
    [profile] = data["speaker_profiles"]
    assert profile["bio"] == "Médiatrice numérique à Barbezieux."
    assert profile["structure"] == "Structure de Camille Martin"
    assert profile["publish_consent"] is True
    assert profile["photo_file"] == world.photo.rpartition("/")[2]
    assert len(profile["availability"]) == 1
    [part] = data["sessions"]
    assert part["title"] == "Le métier de médiateur"
    assert (part["state"], part["role"], part["invitation_state"]) == ("submitted", "moderator", "accepted")
    assert (part["recording_consent"], part["replay_consent"], part["submitted_by_me"]) == (True, False, True)
    assert [(a["question"], a["value"], a["about"]) for a in data["answers"]] == [("Ville", "Barbezieux", "speaker")]
    assert [f["session"] for f in data["favourites"]] == ["Les tiers-lieux"]
    [review] = data["reviews"]
    assert (review["session"], review["comment"]) == ("Les tiers-lieux", "Très utile")
    assert review["scores"] == [{"criterion": "Utilité", "value": 4, "max": 5}]
    [registration] = data["registrations"]
    assert registration["seats"][0]["session"] == "Les tiers-lieux"
    assert sorted((m["subject"], m["state"]) for m in data["mails"]) == [
        ("Bienvenue Camille Martin", "sent"),
        ("Rappel Camille Martin", "pending"),
    ]
    assert [e["action"] for e in data["audit_log"]] == ["proposal.submitted"]


def test_export_never_contains_another_persons_data(client, world):
    log_in(client, world.person)
    response, _data = _download(client)
    text = response.get_data(as_text=True)
    for secret in (*OTHER_SECRETS, "Réponse de Dominique", "Bienvenue Dominique"):
        assert secret not in text


def test_export_contains_no_secret(client, db, world):
    log_in(client, world.person)
    response, data = _download(client)
    text = response.get_data(as_text=True)
    token_hashes = db.session.scalars(sa.select(LoginToken.secret_hash).where(LoginToken.user_id == world.person.id))
    for secret in (world.person.password_hash, "$argon2", *token_hashes, "Corps secret du message"):
        assert secret not in text
    assert "password_hash" not in data["account"] and "session_version" not in data["account"]


def test_export_runs_a_constant_number_of_queries(db, world, count_queries):
    with count_queries() as small:
        personal_data.export_personal_data(world.person)
    # Much more history: another event, more sessions, favourites, reviews, mails.
    for n in range(5):
        session = _session(db, world.event, f"Session {n}", world.person)
        profile = db.session.scalar(sa.select(SpeakerProfile).where(SpeakerProfile.user_id == world.person.id))
        db.session.add(SessionSpeaker(session_id=session.id, speaker_id=profile.id, role=SpeakerRole.panelist))
        db.session.add(Favourite(user_id=world.person.id, session_id=session.id))
        db.session.add(Review(session_id=session.id, reviewer_id=world.person.id, comment=f"Avis {n}"))
        _message(db, world.person.email, f"Message {n}", OutboxState.sent)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as large:
        data = personal_data.export_personal_data(world.person)
    assert len(data["sessions"]) == 6 and len(data["reviews"]) == 6
    assert large.count == small.count


def test_export_anonymous_is_redirected_to_login(client, world):
    response = client.post("/account/data")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_export_by_get_is_not_allowed(client, world):
    log_in(client, world.person)
    assert client.get("/account/data").status_code == 405


def test_export_without_csrf_token_is_refused_when_csrf_is_enabled(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    log_in(client, world.person)
    assert client.post("/account/data").status_code == 400
    assert client.post("/account/data", data={"csrf_token": "faux"}).status_code == 400

    page = page_text(client.get("/account"))
    assert "Télécharger mes données" in page
    token = re.search(
        r'action="/account/data">\s*<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page
    )
    response = client.post("/account/data", data={"csrf_token": token.group(1)})
    assert response.status_code == 200
    assert json.loads(response.get_data(as_text=True))["account"]["email"] == "camille@example.org"


# --- erasure ---------------------------------------------------------------------------------------


def _snapshot(db) -> dict:
    models = (
        User, EventRole, LoginToken, SpeakerProfile, Availability, Answer, Session, SessionSpeaker, Favourite,
        Review, ReviewScore, Registration, Seat, OutboxMessage, AuditLogEntry,
    )  # fmt: skip
    return {model.__name__: _count(db, model) for model in models}


def test_delete_page_says_what_is_deleted_and_what_is_kept(client, world):
    log_in(client, world.person)
    page = page_text(client.get("/account/delete"))
    assert "Ce qui sera supprimé" in page and "Ce qui sera gardé, et pourquoi" in page
    assert "Vos relectures de propositions" in page
    assert "au plus 90 jours" in page and "au bout de 365 jours" in page
    assert 'name="password"' in page and 'name="confirmation"' not in page
    assert "Supprimer mon compte" in page_text(client.get("/account"))


def test_delete_page_anonymous_is_redirected_to_login(client, world):
    for response in (client.get("/account/delete"), client.post("/account/delete", data={"password": PASSWORD})):
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_delete_with_a_wrong_password_changes_nothing(client, db, world):
    log_in(client, world.person)
    before = _snapshot(db)
    for password, message in (
        ("pas le bon mot de passe", "Le mot de passe est incorrect : votre compte n'a pas été supprimé."),
        ("", "Indiquez votre mot de passe pour confirmer."),
    ):
        response = client.post("/account/delete", data={"password": password})
        assert response.status_code == 200
        assert message in page_text(response)
    db.session.expire_all()
    assert _snapshot(db) == before
    assert client.get("/account").status_code == 200  # still signed in


def test_delete_with_the_right_password_deletes_exactly_what_is_promised(client, db, world):
    person_id, other_id, person_email = world.person.id, world.other.id, world.person.email
    mine_id, theirs_id, photo = world.mine.id, world.theirs.id, world.photo
    assert storage.exists(photo)
    log_in(client, world.person)

    response = client.post("/account/delete", data={"password": PASSWORD}, follow_redirects=True)

    assert "Votre compte et vos données personnelles sont supprimés." in page_text(response)
    db.session.expire_all()
    assert db.session.get(User, person_id) is None
    for model, column in (
        (EventRole, EventRole.user_id), (LoginToken, LoginToken.user_id), (Favourite, Favourite.user_id),
        (SpeakerProfile, SpeakerProfile.user_id), (Registration, Registration.user_id),
        (Review, Review.reviewer_id),
    ):  # fmt: skip
        assert _count(db, model, column == person_id) == 0, model
        assert _count(db, model, column == other_id) >= 1, model  # the other person's are all there
    assert not storage.exists(photo)
    # The sessions stay, with the other speaker; the person's part, availability and answers are gone.
    assert {s.title for s in db.session.scalars(sa.select(Session))} == {"Le métier de médiateur", "Les tiers-lieux"}
    assert [p.speaker.user_id for p in db.session.get(Session, mine_id).speakers] == [other_id]
    assert db.session.get(Session, mine_id).submitted_by_id is None
    assert db.session.get(Session, theirs_id).submitted_by_id == other_id
    assert _count(db, Availability) == 1 and _count(db, Answer) == 1 and _count(db, SessionSpeaker) == 2
    # Reviews cannot outlive their author (reviewer_id is NOT NULL): the person's went, the other's stays.
    assert [r.comment for r in db.session.scalars(sa.select(Review))] == ["Avis de Dominique"]
    assert _count(db, ReviewScore) == 1
    # Mail: the pending one is gone, the sent one waits for the retention purge.
    assert [
        m.state for m in db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == person_email))
    ] == [OutboxState.sent]
    assert _count(db, OutboxMessage, OutboxMessage.to_address == world.other.email) == 2
    # The audit log keeps the action without the actor, and says the account was deleted, with nothing personal.
    submitted = db.session.scalars(sa.select(AuditLogEntry).where(AuditLogEntry.action == "proposal.submitted"))
    assert sorted((e.actor_id or 0) for e in submitted) == [0, other_id]
    deleted = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "account.deleted"))
    assert (deleted.actor_id, deleted.target_id, deleted.data) == (None, None, {})
    # Signed out.
    assert client.get("/account").status_code == 302


def test_delete_forgets_the_person_in_audit_entries_about_them(client, db, world):
    entry = log_action(
        "role.granted", actor=world.organiser, event=world.event, target=world.person, role="reviewer",
        email=world.person.email,
    )  # fmt: skip
    db.session.commit()
    entry_id = entry.id
    log_in(client, world.person)
    client.post("/account/delete", data={"password": PASSWORD})
    db.session.expire_all()
    entry = db.session.get(AuditLogEntry, entry_id)
    assert (entry.action, entry.actor_id, entry.target_id, entry.data) == (
        "role.granted", world.organiser.id, None, {"role": "reviewer"},
    )  # fmt: skip


def test_delete_without_password_needs_the_typed_word(client, db, make_user):
    user = make_user("sans-mot-de-passe@example.org")
    user_id = user.id
    log_in(client, user)
    page = page_text(client.get("/account/delete"))
    assert 'name="confirmation"' in page and 'name="password"' not in page

    response = client.post("/account/delete", data={"confirmation": "oui"})
    assert "tapez le mot SUPPRIMER en entier" in page_text(response)
    db.session.expire_all()
    assert db.session.get(User, user_id) is not None

    response = client.post("/account/delete", data={"confirmation": " supprimer "})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, user_id) is None


def test_delete_as_the_last_organiser_is_refused(client, db, world):
    organiser_id = world.organiser.id
    log_in(client, world.organiser)
    page = page_text(client.get("/account/delete"))
    assert "Vous ne pouvez pas encore supprimer votre compte" in page
    assert "/nec-sud-charente/manage/team" in page
    before = _snapshot(db)

    response = client.post("/account/delete", data={"password": PASSWORD})

    assert response.status_code == 200
    assert "Vous ne pouvez pas encore supprimer votre compte" in page_text(response)
    db.session.expire_all()
    assert _snapshot(db) == before and db.session.get(User, organiser_id) is not None


def test_delete_account_service_names_the_events_of_the_last_organiser(db, world):
    with pytest.raises(services.AccountError) as refused:
        personal_data.delete_account(world.organiser, password=PASSWORD)
    assert str(refused.value) == (
        "Vous êtes la seule personne qui organise : « NEC Sud Charente ». Nommez d'abord une autre personne "
        "organisatrice (page « Gérer l'équipe » de l'événement), puis revenez supprimer votre compte."
    )


def test_delete_as_an_organiser_with_another_organiser_is_allowed(client, db, world):
    organiser_id = world.organiser.id
    db.session.add(EventRole(event_id=world.event.id, user_id=world.other.id, role=EventRoleKind.organiser))
    db.session.commit()
    log_in(client, world.organiser)
    assert client.post("/account/delete", data={"password": PASSWORD}).status_code == 302
    db.session.expire_all()
    assert db.session.get(User, organiser_id) is None
    roles = db.session.scalars(sa.select(EventRole.user_id).where(EventRole.role == EventRoleKind.organiser))
    assert list(roles) == [world.other.id]


# --- retention purge ----------------------------------------------------------------------------------


def _old_and_recent_rows(db, make_user):
    """For each rule, one row just past its limit and one just within it (or protected)."""
    now = utcnow()
    _message(db, "a@example.org", "vieux envoyé", OutboxState.sent, age_days=91)
    _message(db, "a@example.org", "vieux échec", OutboxState.failed, age_days=91)
    _message(db, "a@example.org", "récent envoyé", OutboxState.sent, age_days=89)
    _message(db, "a@example.org", "vieux en attente", OutboxState.pending, age_days=200)  # never purged: not sent

    def account(email, *, age_days=31, **kw):
        kw.setdefault("email_confirmed_at", None)  # never confirmed unless said
        return make_user(email, created_at=now - timedelta(days=age_days), **kw)

    stale = account("jamais-confirme@example.org")
    account("recent@example.org", age_days=29)
    account("confirme@example.org", email_confirmed_at=now - timedelta(days=31))
    account("admin@example.org", is_admin=True)
    account("connecte@example.org", last_login_at=now - timedelta(days=2))
    with_role = account("avec-role@example.org")
    event = Event(slug="nec-purge", title="NEC", start_date=date.today(), end_date=date.today())
    db.session.add(event)
    db.session.flush()
    db.session.add(EventRole(event_id=event.id, user_id=with_role.id, role=EventRoleKind.reviewer))

    owner = account("proprietaire@example.org", email_confirmed_at=now)

    def token(created_days, *, used=False, lives_days=1):
        created = now - timedelta(days=created_days)
        db.session.add(
            LoginToken(
                user_id=owner.id, purpose=LoginTokenPurpose.magic_link,
                secret_hash=f"{created_days}-{used}-{lives_days}",
                created_at=created, expires_at=created + timedelta(days=lives_days),
                used_at=created + timedelta(minutes=1) if used else None,
            )
        )  # fmt: skip

    token(8)  # expired a week ago
    token(8, used=True, lives_days=30)  # used, and old
    token(6)  # expired, but recent
    token(8, lives_days=30)  # old but still valid (a long team invitation): kept

    for days in (366, 364):
        db.session.add(AuditLogEntry(action=f"test.{days}", created_at=now - timedelta(days=days)))
    log_action("account.created", actor=stale, target=stale)
    db.session.commit()
    return stale.id


def _purge(app, *args):
    result = app.test_cli_runner().invoke(args=["data", "purge", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _counts_in(output: str) -> list[int]:
    return [int(n) for n in re.findall(r" : (\d+)$", output, re.M)]


def test_purge_dry_run_changes_nothing_and_prints_the_counts(app, db, make_user):
    _old_and_recent_rows(db, make_user)
    before = _snapshot(db)

    output = _purge(app, "--dry-run")

    assert "Simulation (--dry-run) : rien n'a été supprimé." in output
    assert "e-mails envoyés ou en échec depuis plus de 90 jours : 2" in output
    assert "liens de connexion utilisés ou expirés, créés il y a plus de 7 jours : 2" in output
    assert "comptes jamais confirmés, inutilisés depuis plus de 30 jours : 1" in output
    assert "lignes du journal des actions de plus de 365 jours : 1" in output
    db.session.expire_all()
    assert _snapshot(db) == before


def test_purge_deletes_exactly_the_old_rows_and_keeps_the_recent_ones(app, db, make_user):
    stale_id = _old_and_recent_rows(db, make_user)

    output = _purge(app)

    assert output.startswith("Supprimés :")
    assert _counts_in(output) == [2, 2, 1, 1, 0, 0, 0]
    db.session.expire_all()
    subjects = set(db.session.scalars(sa.select(OutboxMessage.subject)))
    assert subjects == {"récent envoyé", "vieux en attente"}
    assert set(db.session.scalars(sa.select(LoginToken.secret_hash))) == {"6-False-1", "8-False-30"}
    assert db.session.get(User, stale_id) is None
    emails = set(db.session.scalars(sa.select(User.email)))
    assert emails == {
        "recent@example.org", "confirme@example.org", "admin@example.org", "connecte@example.org",
        "avec-role@example.org", "proprietaire@example.org",
    }  # fmt: skip
    actions = set(db.session.scalars(sa.select(AuditLogEntry.action)))
    assert "test.366" not in actions and {"test.364", "account.created"} <= actions
    created = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "account.created"))
    assert (created.actor_id, created.target_id) == (None, None)

    # Idempotent: a second run finds nothing more.
    assert _counts_in(_purge(app)) == [0, 0, 0, 0, 0, 0, 0]


def test_purge_follows_the_configured_retention_periods(app, db, make_user, monkeypatch):
    _old_and_recent_rows(db, make_user)
    monkeypatch.setitem(app.config, "NEC_MAIL_RETENTION_DAYS", 30)
    monkeypatch.setitem(app.config, "NEC_AUDIT_RETENTION_DAYS", 1000)
    output = _purge(app, "--dry-run")
    assert "e-mails envoyés ou en échec depuis plus de 30 jours : 3" in output
    assert "lignes du journal des actions de plus de 1000 jours : 0" in output


def test_purge_a_year_after_an_event_forgets_its_participants_and_proposals_not_retained(app, db, make_user):
    """What the privacy page promises: a year after the event, registrations keep only what makes the
    figures, and the proposals not retained are deleted; a recent event is left alone."""
    organiser = make_user("orga-purge@example.org")
    today = date.today()
    old = event_services.create_event(
        organiser, title="NEC 2024", slug="nec-ancien", start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=399),
    )  # fmt: skip
    recent = event_services.create_event(
        organiser, title="NEC récent", slug="nec-recent", start_date=today - timedelta(days=30),
        end_date=today - timedelta(days=29),
    )  # fmt: skip
    person = make_user("participante@example.org", full_name="Paule Participante")
    for event in (old, recent):
        db.session.add(
            Registration(
                event_id=event.id, user_id=person.id, email=person.email, full_name=person.full_name,
                structure="EPN de Barbezieux", commune="Barbezieux", accessibility_needs="Fauteuil",
                consent_accessibility=True, consent_news=True,
            )
        )  # fmt: skip
        talk = fmt(event, FormatKind.talk)
        for state in SessionState:
            db.session.add(
                Session(event_id=event.id, format_id=talk.id, title=f"{state.value}", duration=30, state=state)
            )
    db.session.commit()

    dry = _purge(app, "--dry-run")
    assert "propositions non retenues d'événements finis depuis plus d'un an : 4" in dry
    assert "inscriptions anonymisées (événements finis depuis plus longtemps que leur durée de conservation) : 1" in dry

    _purge(app)
    db.session.expire_all()

    kept_old = set(db.session.scalars(sa.select(Session.title).where(Session.event_id == old.id)))
    assert kept_old == {"accepted", "confirmed", "declined", "cancelled"}  # they were in the programme
    assert len(set(db.session.scalars(sa.select(Session.title).where(Session.event_id == recent.id)))) == len(
        SessionState
    )
    anonymous = db.session.scalar(sa.select(Registration).where(Registration.event_id == old.id))
    assert anonymous.user_id is None and anonymous.full_name == personal_data.ANONYMOUS_NAME
    assert (anonymous.structure, anonymous.commune, anonymous.accessibility_needs) == ("", "", "")
    assert anonymous.email == f"anonyme-{anonymous.id}@anonyme.invalid" and anonymous.consent_news is False
    untouched = db.session.scalar(sa.select(Registration).where(Registration.event_id == recent.id))
    assert (untouched.full_name, untouched.user_id) == ("Paule Participante", person.id)
    assert _counts_in(_purge(app))[-2:] == [0, 0]  # idempotent


# --- the privacy page ------------------------------------------------------------------------------------


def test_privacy_page_explains_the_buttons_and_the_configured_retention(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_MAIL_RETENTION_DAYS", 45)
    monkeypatch.setitem(app.config, "NEC_AUDIT_RETENTION_DAYS", 400)
    page = page_text(client.get("/legal/donnees-personnelles"))
    assert "le bouton « Télécharger mes données »" in page and "le bouton « Supprimer mon compte »" in page
    assert "Les e-mails envoyés : 45 jours après leur envoi." in page
    assert "(le journal des actions) : 400 jours." in page
    assert "3 ans" not in page  # no promise the purge command does not keep
