"""The demo event nec-sud-charente: its content, its idempotent loading, its command and its accounts."""

from __future__ import annotations

import stat
import time
from collections import Counter
from datetime import date
from datetime import time as clock
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from nec import demo
from nec.accounts.models import EventRole, EventRoleKind, User
from nec.accounts.services import authenticate
from nec.core.time import localize
from nec.events.models import DEFAULT_DURATIONS, Event, EventFormat, FormatKind, RoomKind
from nec.models import (
    Availability,
    EventDay,
    Registration,
    Room,
    Seat,
    Session,
    SessionFormat,
    SessionSpeaker,
    SpeakerProfile,
    Theme,
)
from nec.proposals.models import (
    Answer,
    Call,
    CallFormat,
    Question,
    QuestionTarget,
    Review,
    ReviewCriterion,
    ReviewScore,
    SessionState,
    SpeakerRole,
)
from nec.registrations.models import RegistrationState, SeatState

RESERVED_DOMAINS = ("@example.org", "@example.net", "@example.com")
TABLES = [Event, EventDay, Room, Theme, SessionFormat, SpeakerProfile, Availability, Session, SessionSpeaker,
          Registration, Seat, EventRole, User, Call, CallFormat, Question, Answer, ReviewCriterion, Review,
          ReviewScore]  # fmt: skip


def _count(db, model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _counts(db) -> dict[str, int]:
    return {model.__name__: _count(db, model) for model in TABLES}


def _sessions(db, event) -> list[Session]:
    return list(db.session.scalars(sa.select(Session).where(Session.event_id == event.id).order_by(Session.id)))


def test_demo_anchors_name_existing_structures():
    structures = {name for name, *_rest in demo.SPEAKER_STRUCTURES}
    for plan in demo.PROGRAMME:
        assert set(plan.anchors) <= structures, plan.title


def test_demo_load_creates_the_online_event_with_its_frame(db):
    started = time.perf_counter()
    loaded = demo.load_demo(password="mot-de-passe-de-demo")
    elapsed = time.perf_counter() - started
    if db.engine.dialect.name == "sqlite":  # bulk adds and one commit: no per-row round trips
        assert elapsed < 5, f"loading the demo took {elapsed:.1f} s"

    event = db.session.scalar(sa.select(Event).where(Event.slug == "nec-sud-charente"))
    assert event is not None and event.id == loaded.event.id
    assert event.title == "Numérique en Communs Sud Charente"
    assert (event.start_date, event.end_date) == (date(2021, 1, 28), date(2021, 1, 29))
    assert event.format == EventFormat.online
    assert event.timezone == "Europe/Paris"
    assert event.is_published
    assert event.organiser_name == "Espace Numérique Sud Charente (ENSC)"
    assert "fictives" in event.description
    assert [d.date for d in event.days] == [date(2021, 1, 28), date(2021, 1, 29)]
    assert all(d.lunch_start and d.lunch_end for d in event.days)
    assert 4 <= len(event.rooms) <= 5
    assert all(r.kind == RoomKind.virtual and r.capacity for r in event.rooms)
    theme_names = {t.name for t in event.themes}
    assert {"Le métier de médiateur numérique", "Financer la médiation numérique", "Animer un réseau"} <= theme_names
    assert {f.kind: f.default_duration for f in event.formats} == DEFAULT_DURATIONS


def test_demo_every_speaker_has_a_session_and_a_few_have_two(db):
    event = demo.load_demo().event
    speakers = list(db.session.scalars(sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id)))
    assert 60 <= len(speakers) <= 70
    per_speaker = Counter(
        db.session.scalars(sa.select(SessionSpeaker.speaker_id).join(Session).where(Session.event_id == event.id)).all()
    )
    assert all(per_speaker[s.id] >= 1 for s in speakers)
    assert 1 <= sum(1 for s in speakers if per_speaker[s.id] == 2) <= 8
    assert max(per_speaker.values()) == 2
    assert len({s.email for s in speakers}) == len(speakers)
    assert all(s.email.endswith(RESERVED_DOMAINS) for s in speakers)
    assert all(s.structure and s.territory and s.bio for s in speakers)
    assert len({s.structure_type for s in speakers}) >= 6
    private = sum(1 for s in speakers if not s.publish_consent)
    assert 1 <= private <= len(speakers) // 5


def test_demo_availability_is_mostly_full_and_within_the_event(db):
    event = demo.load_demo().event
    speakers = list(db.session.scalars(sa.select(SpeakerProfile).where(SpeakerProfile.event_id == event.id)))
    first_open = localize(date(2021, 1, 28), clock(9, 0), "Europe/Paris")
    last_close = localize(date(2021, 1, 29), clock(17, 0), "Europe/Paris")
    full = partial = none = 0
    for speaker in speakers:
        periods = [(a.starts_at, a.ends_at) for a in speaker.availabilities]
        assert all(first_open <= start < end <= last_close for start, end in periods)
        hours = _hours(speaker)
        if not periods:
            none += 1
        elif hours >= 16:
            full += 1
        else:
            partial += 1
    assert full >= 0.8 * len(speakers)
    assert 3 <= partial <= 8
    assert 1 <= none <= 5
    # At most one partly available speaker per session, so that each session can still be placed.
    for session in _sessions(db, event):
        limited = [p for p in session.speakers if 0 < _hours(p.speaker) < 16]
        assert len(limited) <= 1, session.title


def _hours(speaker) -> float:
    return sum((a.ends_at - a.starts_at).total_seconds() for a in speaker.availabilities) / 3600


def test_demo_sessions_follow_the_rules_of_their_format(db):
    event = demo.load_demo().event
    sessions = _sessions(db, event)
    assert 18 <= len(sessions) <= 24
    kinds = Counter(s.format.kind for s in sessions)
    assert kinds[FormatKind.plenary] >= 1 and kinds[FormatKind.talk] >= 2
    assert kinds[FormatKind.round_table] >= 4 and kinds[FormatKind.workshop] >= 6
    assert all(s.theme is not None for s in sessions)
    confirmed = [s for s in sessions if s.state == SessionState.confirmed]
    assert len(confirmed) >= 0.6 * len(sessions)  # mostly confirmed: what a finished call leaves
    confirmed_kinds = Counter(s.format.kind for s in confirmed)
    assert confirmed_kinds[FormatKind.plenary] == 2 and confirmed_kinds[FormatKind.talk] >= 2
    assert confirmed_kinds[FormatKind.round_table] >= 4 and confirmed_kinds[FormatKind.workshop] >= 5
    assert any("ouverture" in s.title.lower() for s in sessions if s.format.kind == FormatKind.plenary)
    for session in sessions:
        roles = Counter(p.role for p in session.speakers)
        if session.format.kind == FormatKind.round_table:
            assert roles[SpeakerRole.moderator] == 1, session.title
            assert 2 <= roles[SpeakerRole.panelist] <= 5, session.title
            assert set(roles) == {SpeakerRole.moderator, SpeakerRole.panelist}
        elif session.format.kind == FormatKind.workshop:
            assert roles[SpeakerRole.facilitator] >= 1 and set(roles) == {SpeakerRole.facilitator}
            assert session.seat_capacity and session.seat_capacity > 0
        else:
            assert session.seat_capacity is None
            assert roles[SpeakerRole.speaker] >= 1
        assert session.duration == DEFAULT_DURATIONS[session.format.kind]
    consents = Counter(p.recording_consent for s in sessions for p in s.speakers)
    assert consents[True] > 0.8 * sum(consents.values())
    assert consents[None] >= 1
    assert 1 <= consents[False] <= 2
    replay_refusals = [p for s in sessions for p in s.speakers if p.replay_consent is False]
    assert any(p.recording_consent for p in replay_refusals)  # consents are separate


def test_demo_sessions_are_in_the_states_a_call_leaves(db):
    event = demo.load_demo().event
    sessions = _sessions(db, event)
    states = Counter(s.state for s in sessions)
    assert states[SessionState.submitted] == 3
    assert states[SessionState.rejected] == 2
    assert states[SessionState.withdrawn] == 1
    assert states[SessionState.accepted] == 1
    assert states[SessionState.confirmed] == len(sessions) - 7
    assert not states[SessionState.draft] and not states[SessionState.cancelled]

    call = db.session.scalar(sa.select(Call).where(Call.event_id == event.id))
    opens, closes = (
        localize(date(2020, 9, 21), clock(9, 0), "Europe/Paris"),
        localize(date(2020, 11, 20), clock(18, 0), "Europe/Paris"),
    )
    assert (call.opens_at, call.closes_at) == (opens, closes)
    assert {cf.format.kind for cf in call.formats} == {FormatKind.round_table, FormatKind.workshop, FormatKind.talk}
    for session in sessions:
        if session.format.kind == FormatKind.plenary:
            assert session.submitted_at is None  # the team invited the plenaries
        else:
            assert opens <= session.submitted_at <= closes, session.title
        decided = session.state in (SessionState.accepted, SessionState.rejected, SessionState.confirmed)
        assert (session.decided_at is not None) == decided, session.title
        assert (session.confirmed_at is not None) == (session.state == SessionState.confirmed), session.title
        if session.confirmed_at:
            assert session.confirmed_at > session.decided_at > closes

    criteria = db.session.scalars(
        sa.select(ReviewCriterion).where(ReviewCriterion.event_id == event.id).order_by(ReviewCriterion.position)
    ).all()
    assert [c.name for c in criteria] == [
        "Pertinence pour les acteurs de la médiation numérique",
        "Clarté",
        "Diversité des intervenant·es",
    ]
    reviews = db.session.scalars(sa.select(Review).join(Review.session).where(Session.event_id == event.id)).all()
    reviewed_states = Counter(r.session.state for r in reviews)
    assert 1 <= reviewed_states[SessionState.submitted] < states[SessionState.submitted]  # some, not all
    assert all(r.reviewer.email == demo.REVIEWER_EMAIL for r in reviews)
    assert all(len(r.scores) == 3 and all(0 <= s.value <= s.criterion.max_score for s in r.scores) for r in reviews)

    questions = db.session.scalars(sa.select(Question).where(Question.event_id == event.id)).all()
    assert 2 <= len(questions) <= 3
    answers = db.session.scalars(sa.select(Answer).where(Answer.question_id.in_([q.id for q in questions]))).all()
    proposal_questions = {q.id for q in questions if q.target == QuestionTarget.proposal}
    speaker_questions = {q.id for q in questions if q.target == QuestionTarget.speaker}
    assert proposal_questions and speaker_questions
    assert any(a.question_id in proposal_questions and a.session_id for a in answers)
    assert any(a.question_id in speaker_questions and a.speaker_id for a in answers)
    required = [q for q in questions if q.required]
    for question in required:  # every proposal from the call answered the required question, with a choice
        answered = [a for a in answers if a.question_id == question.id]
        assert len(answered) == sum(1 for s in sessions if s.submitted_at is not None)
        assert all(a.value in question.choices for a in answered)


def test_demo_registrations_and_seats_stay_within_capacity(db):
    event = demo.load_demo().event
    registrations = list(db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id)))
    assert 250 <= len(registrations) <= 400
    assert len({r.email for r in registrations}) == len(registrations)
    assert all(r.email.endswith(RESERVED_DOMAINS) for r in registrations)
    assert any(r.consent_news for r in registrations) and not all(r.consent_news for r in registrations)
    assert any(r.consent_image for r in registrations)
    assert sum(1 for r in registrations if r.structure and r.commune) > 0.9 * len(registrations)
    cancelled = [r for r in registrations if r.state == RegistrationState.cancelled]
    assert all(r.cancelled_at and not r.seats for r in cancelled)

    full = 0
    for workshop in (s for s in _sessions(db, event) if s.format.kind == FormatKind.workshop):
        seats = list(db.session.scalars(sa.select(Seat).where(Seat.session_id == workshop.id)))
        if workshop.state != SessionState.confirmed:  # nobody books a seat in a workshop not programmed
            assert seats == [], workshop.title
            continue
        booked = [s for s in seats if s.state == SeatState.booked]
        waiting = [s for s in seats if s.state == SeatState.waiting]
        assert len(booked) <= workshop.seat_capacity, workshop.title
        if waiting:
            assert len(booked) == workshop.seat_capacity, workshop.title
            assert len(waiting) <= demo.WAITING_LIST_MAX
            assert min(s.created_at for s in waiting) >= max(s.created_at for s in booked)
            full += 1
        assert all(s.created_at >= s.registration.created_at for s in seats)
    assert full >= 1
    assert _count(db, Seat) >= 100


def test_demo_organiser_and_reviewer_can_log_in(db):
    loaded = demo.load_demo(password="une phrase de passe de démo")
    organiser = authenticate(demo.ORGANISER_EMAIL, "une phrase de passe de démo")
    reviewer = authenticate(demo.REVIEWER_EMAIL, "une phrase de passe de démo")
    assert organiser is not None and reviewer is not None
    assert authenticate(demo.ORGANISER_EMAIL, "pas le bon mot de passe") is None
    roles = {
        (r.user_id, r.role)
        for r in db.session.scalars(sa.select(EventRole).where(EventRole.event_id == loaded.event.id))
    }
    assert roles == {(organiser.id, EventRoleKind.organiser), (reviewer.id, EventRoleKind.reviewer)}


def test_demo_load_generates_a_password_when_none_is_given(db):
    first = demo.load_demo()
    assert len(first.password) >= 16
    assert authenticate(demo.ORGANISER_EMAIL, first.password) is not None


def test_demo_loading_twice_changes_nothing(db):
    first = demo.load_demo(password="premier-mot-de-passe")
    before = _counts(db)
    assert demo.load_demo(password="second-mot-de-passe") is None
    assert _counts(db) == before
    assert authenticate(demo.ORGANISER_EMAIL, "premier-mot-de-passe") is not None
    assert authenticate(demo.ORGANISER_EMAIL, "second-mot-de-passe") is None
    assert db.session.scalar(sa.select(Event.id).where(Event.slug == demo.DEMO_SLUG)) == first.event.id


def test_demo_reset_gives_the_same_event_and_leaves_no_orphans(db, make_event):
    other_id = make_event("autre-nec").id
    first = demo.load_demo(password="premier-mot-de-passe")
    titles = [s.title for s in _sessions(db, first.event)]
    emails = sorted(db.session.scalars(sa.select(Registration.email)).all())
    before = _counts(db)

    assert demo.delete_demo() is True
    assert db.session.scalar(sa.select(Event.slug)) == "autre-nec"
    for model in (Session, SessionSpeaker, SpeakerProfile, Availability, Registration, Seat, EventRole, Room,
                  Call, CallFormat, Question, Answer, ReviewCriterion, Review, ReviewScore):  # fmt: skip
        assert _count(db, model) == 0, model.__name__
    assert demo.delete_demo() is False

    second = demo.load_demo(password="second-mot-de-passe")
    assert _counts(db) == before  # the accounts were kept and reused
    assert [s.title for s in _sessions(db, second.event)] == titles
    assert sorted(db.session.scalars(sa.select(Registration.email)).all()) == emails
    assert authenticate(demo.ORGANISER_EMAIL, "premier-mot-de-passe") is None
    assert authenticate(demo.ORGANISER_EMAIL, "second-mot-de-passe") is not None
    assert db.session.get(Event, other_id) is not None


def test_demo_event_home_page_shows_the_event(client):
    demo.load_demo()
    response = client.get("/nec-sud-charente/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Numérique en Communs Sud Charente" in page
    assert "Espace Numérique Sud Charente (ENSC)" in page


def test_demo_load_command_prints_the_login_and_keeps_it(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setenv("NEC_DEMO_PASSWORD", "mot-de-passe-du-test")
    runner = app.test_cli_runner()

    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "Événement de démonstration chargé" in result.output
    assert "/login" in result.output
    assert demo.ORGANISER_EMAIL in result.output
    assert "Mot de passe : mot-de-passe-du-test" in result.output
    login_file = tmp_path / "demo-login.txt"
    assert stat.S_IMODE(login_file.stat().st_mode) == 0o600
    assert "mot-de-passe-du-test" in login_file.read_text(encoding="utf-8")
    assert authenticate(demo.ORGANISER_EMAIL, "mot-de-passe-du-test") is not None

    before = _counts(db)
    again = runner.invoke(args=["demo", "load"])
    assert again.exit_code == 0, again.output
    assert "existent déjà" in again.output
    assert "mot-de-passe-du-test" in again.output  # the login is shown again
    assert _counts(db) == before


def test_demo_load_command_reset_reloads_with_a_new_password(app, db, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.delenv("NEC_DEMO_PASSWORD", raising=False)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    old_text = (tmp_path / "demo-login.txt").read_text(encoding="utf-8")

    result = runner.invoke(args=["demo", "load", "--reset"])
    assert result.exit_code == 0, result.output
    assert "supprimé" in result.output and "Événement de démonstration chargé" in result.output
    new_text = (tmp_path / "demo-login.txt").read_text(encoding="utf-8")
    assert new_text != old_text
    password = next(line for line in new_text.splitlines() if "Mot de passe" in line).split(":", 1)[1].strip()
    assert authenticate(demo.ORGANISER_EMAIL, password) is not None
    assert _count(db, Event) == 2  # the archive and the upcoming event


def test_demo_programme_is_generated_and_released_as_v1(db):
    from nec.programme.models import GeneratorRun, RunState, ScheduleVersion, Slot

    event = demo.load_demo().event
    versions = db.session.scalars(
        sa.select(ScheduleVersion).where(ScheduleVersion.event_id == event.id).order_by(ScheduleVersion.id)
    ).all()
    assert [(v.name, v.released_at is not None) for v in versions] == [(None, False), ("v1", True)]
    draft, release = versions
    assert release.released_at == localize(*demo.PROGRAMME_RELEASED_ON, "Europe/Paris")
    confirmed = [s for s in _sessions(db, event) if s.state == SessionState.confirmed]
    for version in (draft, release):
        slots = db.session.scalars(sa.select(Slot).where(Slot.version_id == version.id)).all()
        assert {s.session_id for s in slots} >= {s.id for s in confirmed}  # every confirmed session placed
        for i, a in enumerate(slots):
            assert a.room_id is not None and a.ends_at > a.starts_at
            day = next(d for d in event.days if d.date == a.starts_at.astimezone(ZoneInfo("Europe/Paris")).date())
            assert localize(day.date, day.opens_at, "Europe/Paris") <= a.starts_at
            assert a.ends_at <= localize(day.date, day.closes_at, "Europe/Paris")
            for b in slots[i + 1 :]:
                if a.starts_at < b.ends_at and b.starts_at < a.ends_at:
                    assert a.room_id != b.room_id, (a.session.title, b.session.title)  # no room overlap
                    people_a = {p.speaker_id for p in a.session.speakers}
                    people_b = {p.speaker_id for p in b.session.speakers}
                    assert not people_a & people_b, (a.session.title, b.session.title)  # nobody in two places
    opening = next(s for s in confirmed if s.title.startswith("Ouverture"))
    opening_slot = db.session.scalar(
        sa.select(Slot).where(Slot.version_id == release.id, Slot.session_id == opening.id)
    )
    assert opening_slot.starts_at == localize(date(2021, 1, 28), clock(9, 0), "Europe/Paris")
    run = db.session.scalar(sa.select(GeneratorRun).where(GeneratorRun.event_id == event.id))
    assert run.state == RunState.finished and run.report["unplaced"] == []
