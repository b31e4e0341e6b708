"""Every GET page of the app on the demo event, for the tests that go over all of them (a GET writes
nothing; nothing an organiser types becomes markup).

`seed_demo(make_user)` loads the demo event and adds what the demo lacks (a speaker with an account,
a proposal of theirs and a draft); `addresses(app, ids)` fills every GET route of the app with those
ids, so that a new route is covered without touching the tests.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import sqlalchemy as sa

from nec import demo
from nec.accounts.models import EventRole, EventRoleKind, User
from nec.core.views import LEGAL_PAGES
from nec.events.models import Event, EventDay, Room, SessionFormat, Theme
from nec.extensions import db
from nec.programme.models import GeneratorRun, ScheduleVersion, Slot
from nec.proposals.mail_kinds import MailTemplateKind
from nec.proposals.models import Question, ReviewCriterion, Session, SessionSpeaker, SessionState
from nec.registrations.models import Registration
from nec.registrations.stats import FIGURES

#: Addresses whose query string takes another path through a view.
WITH_QUERIES = [
    "/{ev}/manage/programme.csv?version=draft",
    "/{ev}/manage/programme.xlsx?version=1",
    "/{ev}/me/profile/photo?speaker={speaker_id}",
    "/{ev}/manage/proposals?sort=mean&order=desc&state=submitted",
    "/{ev}/programme/?day=1&theme=1&format=1&room=1",
    "/{ev}/review/{session_id}?x=1",
    "/{ev}/manage/registrations?state=confirmed&q=a&department=16&session={session_id}&page=2",
    "/{ev}/manage/registrations/message?session={session_id}",
]


@dataclass
class Seeded:
    event: Event
    users: dict[str, User]  # stranger, speaker, reviewer, organiser, admin
    ids: dict[str, list]  # a route's parameter -> the values to try
    submitted: Session  # the speaker's proposal (under review)


def _first_id(model, *where) -> int:
    return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1)) or 1


def seed_demo(make_user) -> Seeded:
    loaded = demo.load_demo(password="mot-de-passe-de-demo")
    event = db.session.scalar(sa.select(Event).where(Event.slug == demo.DEMO_SLUG))
    submitted = db.session.scalar(
        sa.select(Session)
        .where(Session.event_id == event.id, Session.state == SessionState.submitted)
        .order_by(Session.id)
        .limit(1)
    )
    profile = submitted.speakers[0].speaker
    speaker = make_user(profile.email, full_name=profile.full_name)
    profile.user_id = speaker.id
    submitted.submitted_by_id = speaker.id
    draft = Session(
        event_id=event.id,
        format_id=submitted.format_id,
        title="Mon brouillon",
        duration=60,
        state=SessionState.draft,
        submitted_by_id=speaker.id,
    )
    draft.speakers.append(SessionSpeaker(speaker=profile, role=submitted.speakers[0].role))
    db.session.add(draft)
    admin = make_user("admin@example.org", full_name="Adèle Admin", is_admin=True)
    db.session.add(EventRole(event_id=event.id, user_id=admin.id, role=EventRoleKind.organiser))
    users = {
        "stranger": make_user("visiteuse@example.org", full_name="Vera Visiteuse"),
        "speaker": speaker,
        "reviewer": db.session.scalar(sa.select(User).where(User.email == loaded.reviewer_email)),
        "organiser": db.session.scalar(sa.select(User).where(User.email == loaded.organiser_email)),
        "admin": admin,
    }
    db.session.commit()
    in_draft = sa.select(ScheduleVersion.id).where(ScheduleVersion.event_id == event.id)
    ids = {
        "ev": [event.slug],
        "slug": [event.slug],
        "session_id": [submitted.id, draft.id, _first_id(Session, Session.state == SessionState.confirmed)],
        "speaker_id": [profile.id],
        "criterion_id": [_first_id(ReviewCriterion, ReviewCriterion.event_id == event.id)],
        "day_id": [_first_id(EventDay, EventDay.event_id == event.id)],
        "room_id": [_first_id(Room, Room.event_id == event.id)],
        "theme_id": [_first_id(Theme, Theme.event_id == event.id)],
        "format_id": [_first_id(SessionFormat, SessionFormat.event_id == event.id)],
        "question_id": [_first_id(Question, Question.event_id == event.id)],
        "run_id": [_first_id(GeneratorRun, GeneratorRun.event_id == event.id)],
        "break_id": [_first_id(Slot, Slot.session_id.is_(None), Slot.version_id.in_(in_draft))],
        "kind": [kind.value for kind in MailTemplateKind],
        "page": list(LEGAL_PAGES),
        "what": ["proposals", "speakers", "reviews"],
        "fmt": ["csv", "xlsx"],
        "token": ["x"],
        "digest": ["x"],
        "_rest": ["x"],
        "registration_id": [_first_id(Registration, Registration.event_id == event.id)],
        "name": list(FIGURES),
    }
    return Seeded(event, users, ids, submitted)


def addresses(app, ids: dict[str, list]) -> list[str]:
    """Every GET route of the app with each combination of the given values, then WITH_QUERIES."""
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        for values in itertools.product(*(ids[name] for name in names)):
            found.append(rule.build(dict(zip(names, values, strict=True)), append_unknown=False)[1])
    single = {name: values[0] for name, values in ids.items()}
    return found + [address.format(**single) for address in WITH_QUERIES]
