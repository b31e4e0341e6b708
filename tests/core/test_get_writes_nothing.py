"""Opening a page writes nothing: every GET route of the app, as every kind of person, on the demo event,
leaves every table of the database exactly as it was (the row counts after each request, every value
after each person's round).

A GET may be repeated by a browser, a mail scanner or a prefetch: what it creates (a speaker profile
made by opening /me/profile) shows up in the organisers' lists. A new route is covered without
touching this file; a route that must write on GET would have to be listed in EXPECTED_WRITES with why.
"""

from __future__ import annotations

import itertools
import re

import pytest
import sqlalchemy as sa

from nec import demo
from nec.accounts.models import EventRole, EventRoleKind
from nec.core.models import MailTemplateKind
from nec.core.views import LEGAL_PAGES
from nec.events.models import Event, EventDay, Room, SessionFormat, Theme
from nec.extensions import db as _db
from nec.programme.models import GeneratorRun, ScheduleVersion, Slot
from nec.proposals.models import Question, ReviewCriterion, Session, SessionSpeaker, SessionState
from tests.support.web import log_in, log_out

#: (table, column) a GET may change, with the reason. None today: signing in and its bookkeeping are POSTs.
EXPECTED_WRITES: dict[tuple[str, str], str] = {}

#: Extra addresses whose query string takes another path through a view.
WITH_QUERIES = [
    "/{ev}/manage/programme.csv?version=draft",
    "/{ev}/manage/programme.xlsx?version=1",
    "/{ev}/me/profile/photo?speaker={speaker_id}",
    "/{ev}/manage/proposals?sort=mean&order=desc&state=submitted",
    "/{ev}/programme/?day=1&theme=1&format=1&room=1",
    "/{ev}/review/{session_id}?x=1",
]


def _snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, with the columns a GET may change left out."""
    _db.session.expire_all()
    result = {}
    with _db.engine.connect() as conn:
        for table in _db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in EXPECTED_WRITES]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns)).all()
            result[table.name] = [tuple(row) for row in rows]
    return result


def _counts() -> dict[str, int]:
    """The number of rows of every table, in one query (taken after each request)."""
    tables = _db.metadata.sorted_tables
    query = sa.union_all(
        *(sa.select(sa.literal(t.name).label("name"), sa.func.count().label("n")).select_from(t) for t in tables)
    )
    with _db.engine.connect() as conn:
        return dict(conn.execute(query).all())


def _changes(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def _first_id(model, *where) -> int:
    return _db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1)) or 1


@pytest.fixture
def seeded(db, make_user):
    """The demo event, with a speaker who has an account, a proposal sent and a draft of their own."""
    loaded = demo.load_demo(password="mot-de-passe-de-demo")
    event = loaded.event
    event = _db.session.scalar(sa.select(Event).where(Event.slug == demo.DEMO_SLUG))
    submitted = _db.session.scalar(
        sa.select(Session).where(Session.event_id == event.id, Session.state == SessionState.submitted).limit(1)
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
    _db.session.add(draft)
    users = {
        "stranger": make_user("visiteuse@example.org", full_name="Vera Visiteuse"),
        "speaker": speaker,
        "reviewer": _db.session.scalar(sa.select(type(speaker)).where(type(speaker).email == loaded.reviewer_email)),
        "organiser": _db.session.scalar(sa.select(type(speaker)).where(type(speaker).email == loaded.organiser_email)),
    }
    admin = make_user("admin@example.org", is_admin=True)
    _db.session.add(EventRole(event_id=event.id, user_id=admin.id, role=EventRoleKind.organiser))
    users["admin"] = admin
    _db.session.commit()
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
        "break_id": [
            _first_id(
                Slot,
                Slot.session_id.is_(None),
                Slot.version_id.in_(sa.select(ScheduleVersion.id).where(ScheduleVersion.event_id == event.id)),
            )
        ],
        "kind": [kind.value for kind in MailTemplateKind],
        "page": list(LEGAL_PAGES),
        "what": ["proposals", "speakers", "reviews"],
        "fmt": ["csv", "xlsx"],
        "token": ["x"],
        "digest": ["x"],
        "_rest": ["x"],
    }
    return users, ids


def _addresses(app, ids) -> list[str]:
    found = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        names = sorted(rule.arguments)
        for values in itertools.product(*(ids[name] for name in names)):
            found.append(rule.build(dict(zip(names, values, strict=True)), append_unknown=False)[1])
    single = {name: values[0] for name, values in ids.items()}
    found += [address.format(**single) for address in WITH_QUERIES]
    return found


def _readable(address: str) -> str:
    return re.sub(r"\s+", " ", address)


def test_no_get_route_writes_to_the_database(app, client, seeded):
    users, ids = seeded
    addresses = _addresses(app, ids)
    assert len(addresses) > 100  # every module's pages, exports and feeds
    writes, errors = {}, {}
    for who in [None, *users]:
        if who is None:
            log_out(client)
        else:
            log_in(client, users[who])
        before, counted = _snapshot(), _counts()
        for address in addresses:
            status = client.get(address).status_code
            if status >= 500:
                errors[(who, _readable(address))] = status
            now = _counts()
            if now != counted:
                writes[(who, _readable(address))] = sorted(k for k in now if now[k] != counted[k])
                counted = now
        after = _snapshot()  # values changed without adding or removing rows: named per person
        if after != before:
            writes[(who, "(values)")] = _changes(before, after)
    assert writes == {}
    assert errors == {}
