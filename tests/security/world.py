"""The world the security guards attack: two events with an object of every kind, and six kinds of people.

Event A is the demo event (`nec.demo.load_demo`) with its call reopened; event B is a second copy of the
demo under another slug, organised by someone else, so that every id of A has a twin in B (cross-event
checks). A speaker with an account has a submitted proposal, a draft and an accepted session in A;
another speaker has a draft there. Built in about a second on SQLite.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import time, timedelta

import sqlalchemy as sa

from nec import demo
from nec.accounts.models import EventRole, EventRoleKind, LoginTokenPurpose, User
from nec.accounts.services import hash_password, issue_login_token
from nec.core.db import utcnow
from nec.core.time import localize
from nec.events.models import Event, EventDay, FormatKind, Room, SessionFormat, Theme
from nec.extensions import db
from nec.programme.editor import services as editor
from nec.programme.exports import device_calendars, subscriptions
from nec.programme.models import Favourite, GeneratorRun, ScheduleVersion, Slot
from nec.programme.releases.versions import latest_release
from nec.proposals.call import services as call_rules
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import (
    CallFormat,
    InvitationState,
    Question,
    QuestionTarget,
    ReviewCriterion,
    Session,
    SessionSpeaker,
    SessionState,
    SpeakerProfile,
    SpeakerRole,
)
from nec.proposals.session_speakers import SessionSpeakerData
from nec.proposals.sessions import services as programming
from nec.proposals.speaker import co_speakers, confirmation, profiles, submission
from nec.proposals.speaker.submission import ProposalData
from nec.registrations.models import Registration, RegistrationState

PASSWORD = "mot-de-passe-du-monde-1"
ROLES = ("anonymous", "stranger", "speaker", "reviewer", "other_organiser", "organiser")
OTHER_SLUG = "nec-autre-evenement"
DRAFTS = 24  # drafts of another speaker


@dataclass
class Side:
    """One event's slug and the id of one object of each kind, by name (see `_ids`)."""

    slug: str
    ids: dict[str, int | str] = field(default_factory=dict)


@dataclass
class World:
    a: Side  # "this event"
    b: Side  # "another event": the same kinds of objects, another organiser
    users: dict[str, int]  # role -> user id (no entry for anonymous)

    def user(self, role: str) -> User | None:
        return db.session.get(User, self.users[role]) if role in self.users else None


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def _user(email: str, name: str, **kw) -> User:
    user = User(email=email, full_name=name, password_hash=hash_password(PASSWORD), email_confirmed_at=utcnow(), **kw)
    db.session.add(user)
    return user


def _first(statement):
    found = db.session.scalars(statement.order_by(*statement.selected_columns).limit(1)).first()  # the same each call
    assert found is not None, f"the world lacks: {statement}"
    return found


def _open_call(event: Event) -> None:
    call = call_rules.get_call(event)
    now = utcnow()
    call.opens_at, call.closes_at = now - timedelta(days=10), now + timedelta(days=30)
    offered = {cf.format_id for cf in call.formats}
    for fmt in event.formats:
        if fmt.id not in offered:
            call.formats.append(CallFormat(format_id=fmt.id))
    for cf in call.formats:
        cf.closes_at = None


def _add_break(event: Event) -> None:
    day = min(event.days, key=lambda d: d.date)
    editor.save_break(event, None, day, time(12, 30), time(13, 30), "Pause déjeuner")


def _round_table(event: Event, title: str, co_speaker: str) -> ProposalData:
    return ProposalData(
        title=title,
        summary="Trois regards sur un métier jeune.",
        description="Une table ronde avec des médiateurs de Charente.",
        duration=60,
        own_role=SpeakerRole.moderator,
        co_speakers=[
            SessionSpeakerData("Paul Panéliste", co_speaker, SpeakerRole.panelist),
            SessionSpeakerData("Nadia Intervenante", "nadia.intervenante@example.org", SpeakerRole.panelist),
        ],
        answers=_required_answers(event),
    )


def _required_answers(event: Event) -> dict[int, object]:
    """An answer to each required question of the call (a proposal is sent complete)."""
    fmt = next(f for f in event.formats if f.kind == FormatKind.round_table)
    answers: dict[int, object] = {}
    for question in call_rules.questions_for(event, QuestionTarget.proposal, fmt):
        if question.required:
            kind = question.kind.value
            if kind == "yes_no":
                answers[question.id] = True
            elif kind == "multiple_choice":
                answers[question.id] = list(question.choices[:1])
            elif kind == "choice":
                answers[question.id] = question.choices[0]
            else:
                answers[question.id] = "Réponse"
    return answers


def _registration_of(event: Event, user: User) -> Registration:
    """The speaker also registered to attend, and was checked in at the door (their QR code, their certificate)."""
    start = min(day.date for day in event.days)
    return Registration(
        event=event, user_id=user.id, email=user.email, full_name=user.full_name, state=RegistrationState.confirmed,
        confirmed_at=utcnow(), checked_in_at=localize(start, time(9, 5), event.timezone),
    )  # fmt: skip


def _ids(event: Event) -> dict[str, int | str]:
    """The objects of one event that the routes take, by name."""
    eid = event.id
    release = latest_release(event)
    released = _first(
        sa.select(Slot.session_id).where(Slot.version_id == release.id, Slot.session_id.is_not(None)).order_by(Slot.id)
    )
    public_speaker = _first(
        sa.select(SpeakerProfile.id)
        .join(SessionSpeaker, SessionSpeaker.speaker_id == SpeakerProfile.id)
        .where(SessionSpeaker.session_id == released, SpeakerProfile.publish_consent.is_(True))
    )
    return {
        "ev": event.slug,
        "released": released,
        "proposal": _first(
            sa.select(Session.id).where(Session.event_id == eid, Session.state == SessionState.submitted)
        ),
        "day": _first(sa.select(EventDay.id).where(EventDay.event_id == eid).order_by(EventDay.date)),
        "day_date": min(day.date for day in event.days).isoformat(),
        "room": _first(sa.select(Room.id).where(Room.event_id == eid).order_by(Room.id.desc())),
        "theme": _first(sa.select(Theme.id).where(Theme.event_id == eid).order_by(Theme.id.desc())),
        "format": _first(
            sa.select(SessionFormat.id).where(SessionFormat.event_id == eid, SessionFormat.kind == FormatKind.talk)
        ),
        "criterion": _first(sa.select(ReviewCriterion.id).where(ReviewCriterion.event_id == eid)),
        "question": _first(sa.select(Question.id).where(Question.event_id == eid)),
        "run": _first(sa.select(GeneratorRun.id).where(GeneratorRun.event_id == eid)),
        "break": _first(
            sa.select(Slot.id)
            .join(ScheduleVersion)
            .where(ScheduleVersion.event_id == eid, ScheduleVersion.released_at.is_(None), Slot.session_id.is_(None))
        ),
        "role": _first(
            sa.select(EventRole.id).where(EventRole.event_id == eid, EventRole.role == EventRoleKind.reviewer)
        ),
        "unclaimed": _first(
            sa.select(SpeakerProfile.id).where(SpeakerProfile.event_id == eid, SpeakerProfile.user_id.is_(None))
        ),
        "public_speaker": public_speaker,
        "mail_kind": MailTemplateKind.accepted.value,
        "registration": _first(
            sa.select(Registration.id)
            .where(Registration.event_id == eid, Registration.state == RegistrationState.confirmed)
            .order_by(Registration.id)
        ),
        "workshop": _first(
            sa.select(Session.id)
            .where(Session.event_id == eid, Session.seat_capacity.is_not(None))
            .order_by(Session.id)
        ),
    }


def _registration_tokens(event: Event) -> dict[str, str]:
    """A participant's links: the confirmation of a pending registration, a confirmed one's personal link."""
    from nec.registrations import services as registrations
    from nec.registrations.models import Registration, RegistrationSettings, RegistrationState

    now = utcnow()
    pending = Registration(event=event, full_name="Paula Pending", email="paula@example.org", created_at=now)
    confirmed = Registration(
        event=event, full_name="Carl Confirmed", email="carl@example.org", created_at=now,
        state=RegistrationState.confirmed, confirmed_at=now,
    )  # fmt: skip
    db.session.add_all([pending, confirmed, RegistrationSettings(event=event, is_open=True)])
    db.session.flush()
    return {
        "registration_confirm_token": registrations.confirmation_url(pending).rpartition("/")[2],
        "personal_token": registrations.personal_token(confirmed),
        "bad_token": "not-a-token",
    }


def build_world() -> World:
    # Event B first: the demo, renamed, handed to another organiser.
    demo.load_demo(password=PASSWORD)
    other = demo.get_demo_event()
    other.slug, other.title = OTHER_SLUG, "NEC de l'autre équipe"
    db.session.execute(sa.delete(EventRole).where(EventRole.event_id == other.id))
    other_organiser = _user("autre.organisatrice@example.org", "Olga Autre-Organisatrice")
    other_reviewer = _user("autre.relecteur@example.org", "Romain Autre-Relecteur")
    db.session.add_all(
        [
            EventRole(event=other, user=other_organiser, role=EventRoleKind.organiser),
            EventRole(event=other, user=other_reviewer, role=EventRoleKind.reviewer),
        ]
    )
    db.session.commit()

    # Event A: the demo, with its organiser and reviewer, its call open again.
    demo.load_demo(password=PASSWORD)
    event = demo.get_demo_event()
    organiser = db.session.scalar(sa.select(User).where(User.email == demo.ORGANISER_EMAIL))
    reviewer = db.session.scalar(sa.select(User).where(User.email == demo.REVIEWER_EMAIL))
    stranger = _user("inconnu@example.org", "Inès Inconnue")
    speaker = _user("sophie.speaker@example.org", "Sophie Speaker")
    other_speaker = _user("otto.autre@example.org", "Otto Autre-Intervenant")
    newcomer = _user("nina.nouvelle@example.org", "Nina Nouvelle")  # signed up, address not confirmed yet
    newcomer.email_confirmed_at = None
    for each in (event, other):
        _open_call(each)
        _add_break(each)
    db.session.commit()

    round_table = next(f for f in event.formats if f.kind == FormatKind.round_table)
    own = submission.save_proposal(
        event, speaker, round_table, _round_table(event, "Ma table ronde", "paul.paneliste@example.org"), submit=True
    )
    own_draft = submission.save_proposal(
        event, speaker, round_table, _round_table(event, "Mon brouillon", "paul.paneliste@example.org")
    )
    accepted = submission.save_proposal(
        event, speaker, round_table, _round_table(event, "Ma session acceptée", "paul.paneliste@example.org"),
        submit=True,
    )  # fmt: skip
    other_drafts = [  # one per route that takes a session: a refused change to one cannot hide the next refusal
        submission.save_proposal(
            event, other_speaker, round_table, _round_table(event, f"Le brouillon d'Otto {n}", "zoe.zero@example.org")
        )
        for n in range(DRAFTS)
    ]
    other_draft = other_drafts[0]
    db.session.flush()
    accepted.state = SessionState.accepted
    profile = profiles.profile_for(event, speaker)
    profiles.update_profile(
        profile, full_name="Sophie Speaker", structure="Centre social", structure_type="association",
        territory="Charente", bio="Médiatrice.", publish_consent=True,
    )  # fmt: skip
    profiles.set_photo(profile, _png())
    public_profile = db.session.get(SpeakerProfile, _ids(event)["public_speaker"])
    profiles.set_photo(public_profile, _png())
    db.session.add(Favourite(user_id=speaker.id, session_id=_ids(event)["released"]))
    db.session.add(_registration_of(event, speaker))
    db.session.commit()

    invited = next(p for p in own.speakers if p.invitation_state is InvitationState.invited)
    unclaimed = db.session.get(SpeakerProfile, _ids(event)["unclaimed"])
    a_ids = _ids(event)
    a_ids.update(
        own=own.id,
        own_draft=own_draft.id,
        other_draft=other_draft.id,
        other_drafts=[d.id for d in other_drafts],
        accepted=accepted.id,
        digest=profiles.photo_digest(public_profile),
        invitation_token=co_speakers.invitation_token(invited),
        confirmation_token=confirmation.confirmation_token(accepted),
        claim_token=programming.claim_token(unclaimed),
        reset_token=issue_login_token(stranger, LoginTokenPurpose.password_reset),
        magic_token=issue_login_token(stranger, LoginTokenPurpose.magic_link),
        signup_token=issue_login_token(newcomer, LoginTokenPurpose.magic_link),
        subscription_token=subscriptions.subscription_token(speaker, event),
        device_token=device_calendars.create(event, [_ids(event)["released"]]),
        **_registration_tokens(event),
    )
    b_ids = _ids(other)
    b_ids.update(own=b_ids["proposal"], own_draft=b_ids["proposal"], other_draft=b_ids["proposal"])
    b_ids.update(accepted=b_ids["proposal"], digest=a_ids["digest"])
    db.session.commit()
    users = {
        "stranger": stranger.id,
        "speaker": speaker.id,
        "reviewer": reviewer.id,
        "other_organiser": other_organiser.id,
        "organiser": organiser.id,
        "other_speaker": other_speaker.id,
    }
    return World(a=Side(event.slug, a_ids), b=Side(other.slug, b_ids), users=users)
