"""Publishing: the draft copied into a named release, refusals, the audit log, the speakers' e-mails."""

from __future__ import annotations

import icalendar
import pytest
import sqlalchemy as sa

from nec.core.mail import deliver_due
from nec.core.models import AuditLogEntry, OutboxMessage
from nec.extensions import db
from nec.programme.models import ScheduleVersion, Slot
from nec.programme.releases import services as publishing
from nec.programme.releases.services import ReleaseError
from nec.proposals.models import SessionState
from tests.programme.public.helpers import DAY_ONE, DAY_TWO, build_programme, paris


def _draft_slot(programme, key) -> Slot:
    return next(slot for slot in programme.draft.slots if slot.session_id == programme.sessions[key].id)


def _versions(event) -> list[ScheduleVersion]:
    return list(db.session.scalars(sa.select(ScheduleVersion).where(ScheduleVersion.event_id == event.id)))


def _mails() -> dict[str, OutboxMessage]:
    return {m.to_address: m for m in db.session.scalars(sa.select(OutboxMessage))}


def test_release_copies_publishable_slots_and_keeps_the_draft(db, make_event, organiser):
    programme = build_programme(db, make_event)
    draft_before = [(s.id, s.session_id, s.room_id, s.starts_at) for s in programme.draft.slots]

    published = publishing.release(programme.event, " v2 ", "Ajout d'une session", organiser, notify=False)
    db.session.commit()

    version = published.version
    assert (version.name, version.comment) == ("v2", "Ajout d'une session")
    assert version.released_at is not None and not version.is_draft
    copied = {(s.session_id, s.room_id, s.starts_at, s.ends_at, s.title) for s in version.slots}
    expected = {
        (s.session_id, s.room_id, s.starts_at, s.ends_at, s.title)
        for s in programme.draft.slots
        if s.session is None or s.session.state in (SessionState.accepted, SessionState.confirmed)
    }
    assert copied == expected
    assert "Pause déjeuner" in {s.title for s in version.slots}  # breaks are copied
    session_ids = {s.session_id for s in version.slots}
    assert programme.sessions["cancelled"].id not in session_ids  # no longer takes place: not published
    assert programme.sessions["rejected"].id not in session_ids
    assert programme.sessions["draft_only"].id in session_ids

    db.session.expire_all()
    draft = db.session.get(ScheduleVersion, programme.draft.id)
    assert draft.is_draft
    assert [(s.id, s.session_id, s.room_id, s.starts_at) for s in draft.slots] == draft_before
    assert len(_versions(programme.event)) == 3  # v1, the draft, v2


def test_release_reports_its_changelog(db, make_event, organiser):
    programme = build_programme(db, make_event)
    slot = _draft_slot(programme, "talk")
    slot.starts_at, slot.ends_at = paris(DAY_TWO, 16), paris(DAY_TWO, 16, 30)
    db.session.commit()

    changes = publishing.preview(programme.event)
    published = publishing.release(programme.event, "v2", "", organiser, notify=False)
    assert published.changelog == changes
    assert [p.title for p in changes.new] == ["Session secrète du brouillon"]
    assert [m.title for m in changes.moved] == ["Financer l'inclusion numérique"]
    assert {p.title for p in changes.cancelled} == {
        "Session annulée après la publication",
        "Session refusée par erreur publiée",
    }


def test_release_writes_the_audit_log(db, make_event, organiser):
    programme = build_programme(db, make_event)
    published = publishing.release(programme.event, "v2", "", organiser, notify=False)
    db.session.commit()
    entry = db.session.scalar(sa.select(AuditLogEntry).where(AuditLogEntry.action == "programme.released"))
    assert entry.actor_id == organiser.id
    assert entry.event_id == programme.event.id
    assert (entry.target_type, entry.target_id) == ("ScheduleVersion", published.version.id)
    assert entry.data["name"] == "v2"
    assert (entry.data["new"], entry.data["moved"], entry.data["cancelled"]) == (1, 0, 2)


def test_release_refuses_a_name_already_used(db, make_event, organiser):
    programme = build_programme(db, make_event)
    with pytest.raises(ReleaseError) as refused:
        publishing.release(programme.event, "v1", "", organiser, notify=True)
    assert "« v1 »" in refused.value.message
    assert "autre nom" in refused.value.message
    db.session.rollback()
    assert len(_versions(programme.event)) == 2
    assert _mails() == {}


def test_release_refuses_an_empty_name(db, make_event, organiser):
    programme = build_programme(db, make_event)
    with pytest.raises(ReleaseError) as refused:
        publishing.release(programme.event, "   ", "", organiser, notify=False)
    assert "Donnez un nom" in refused.value.message


def test_release_refuses_a_too_long_name(db, make_event, organiser):
    programme = build_programme(db, make_event)
    with pytest.raises(ReleaseError) as refused:
        publishing.release(programme.event, "v" * 121, "", organiser, notify=False)
    assert "trop long" in refused.value.message


def test_release_refuses_an_empty_draft(db, make_event, organiser):
    event = make_event()
    with pytest.raises(ReleaseError) as refused:
        publishing.release(event, "v1", "", organiser, notify=False)
    assert "aucune session à publier" in refused.value.message
    db.session.rollback()
    assert [v for v in _versions(event) if not v.is_draft] == []


def test_release_refuses_a_draft_of_breaks_and_cancelled_sessions(db, make_event, organiser):
    programme = build_programme(db, make_event, released=False)
    for session in programme.sessions.values():
        session.state = SessionState.cancelled
    db.session.commit()
    with pytest.raises(ReleaseError):
        publishing.release(programme.event, "v1", "", organiser, notify=False)
    db.session.rollback()
    assert [v for v in _versions(programme.event) if not v.is_draft] == []


def test_release_without_notify_queues_no_mail(db, make_event, organiser):
    programme = build_programme(db, make_event)
    published = publishing.release(programme.event, "v2", "", organiser, notify=False)
    db.session.commit()
    assert published.notified == 0
    assert _mails() == {}


def test_release_notifies_only_speakers_of_new_or_moved_sessions(app, db, make_event, organiser):
    programme = build_programme(db, make_event)
    # The workshop moves to the afternoon: Chloé facilitates it; Alice declined her invitation to it.
    slot = _draft_slot(programme, "workshop")
    slot.starts_at, slot.ends_at = paris(DAY_ONE, 15), paris(DAY_ONE, 17)
    db.session.commit()

    published = publishing.release(programme.event, "v2", "", organiser, notify=True)
    db.session.commit()

    mails = _mails()
    # Denis: the new session; Chloé: the moved workshop. Not Alice (declined), not Bruno (nothing changed).
    assert set(mails) == {"denis@example.org", "chloe@example.org"}
    assert published.notified == 2

    base = app.config["NEC_BASE_URL"]
    slug = programme.event.slug
    denis = mails["denis@example.org"]
    assert denis.template == "programme_update"
    assert denis.to_name == "Denis Brouillon"
    assert denis.event_id == programme.event.id
    assert "NEC de test" in denis.subject
    new_id = programme.sessions["draft_only"].id
    for body in (denis.body_text, denis.body_html):
        assert "Session secrète du brouillon" in body
        assert "mercredi 29 janvier 2031" in body
        assert "de 09h00 à 10h00" in body
        assert "Salle Aliénor" in body
        assert f"{base}/{slug}/sessions/{new_id}/session.ics" in body
        assert "Fabriquer son tiers-lieu" not in body
    assert "Avant" not in denis.body_text

    chloe = mails["chloe@example.org"]
    workshop_id = programme.sessions["workshop"].id
    assert "Fabriquer son tiers-lieu" in chloe.body_text
    assert "mardi 28 janvier 2031, de 15h00 à 17h00" in chloe.body_text  # Paris time, not UTC
    assert "Avant : mardi 28 janvier 2031, de 09h00 à 11h00, Salle Bastide" in chloe.body_text
    assert f"{base}/{slug}/sessions/{workshop_id}/session.ics" in chloe.body_text
    assert "Session secrète du brouillon" not in chloe.body_text


def test_release_mail_lists_every_changed_session_of_a_speaker(db, make_event, organiser):
    programme = build_programme(db, make_event)
    # Alice moderates the round table and gives the talk: both move.
    _draft_slot(programme, "table").room = programme.rooms["B"]
    talk = _draft_slot(programme, "talk")
    talk.starts_at, talk.ends_at = paris(DAY_TWO, 11), paris(DAY_TWO, 11, 30)
    db.session.commit()

    publishing.release(programme.event, "v2", "", organiser, notify=True)
    db.session.commit()

    alice = [m for m in _mails().values() if m.to_address == "alice@example.org"]
    assert len(alice) == 1  # one e-mail per speaker, however many sessions
    body = alice[0].body_text
    assert body.index("Le métier de médiateur numérique") < body.index("Financer l'inclusion numérique")
    assert "Salle Bastide" in body and "Salle Aliénor" in body


def test_release_mail_attaches_the_speakers_sessions_as_ics(db, make_event, organiser):
    programme = build_programme(db, make_event)
    _draft_slot(programme, "table").room = programme.rooms["B"]
    talk = _draft_slot(programme, "talk")
    talk.starts_at, talk.ends_at = paris(DAY_TWO, 11), paris(DAY_TWO, 11, 30)
    db.session.commit()

    publishing.release(programme.event, "v2", "", organiser, notify=True)
    db.session.commit()

    mails = _mails()
    [attachment] = mails["alice@example.org"].attachments
    assert attachment["filename"] == f"{programme.event.slug}-mes-sessions.ics"
    assert attachment["media_type"] == "text/calendar"
    calendar = icalendar.Calendar.from_ical(attachment["content"])
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    table_title = programme.sessions["table"].title
    talk_title = programme.sessions["talk"].title
    assert set(events) == {table_title, talk_title}  # her two changed sessions, nothing else
    assert events[talk_title].decoded("DTSTART") == paris(DAY_TWO, 11)
    assert "Ces sessions sont aussi dans le fichier joint" in mails["alice@example.org"].body_text
    denis = mails["denis@example.org"].attachments
    assert [str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(denis[0]["content"]).walk("VEVENT")] == [
        programme.sessions["draft_only"].title
    ]


def test_release_mail_arrives_with_its_ics_over_smtp(app, db, make_event, organiser, smtp_server, monkeypatch):
    """Through the outbox and a real SMTP server: the attachment is a text/calendar part a calendar can read."""
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", smtp_server.url)
    programme = build_programme(db, make_event)
    talk = _draft_slot(programme, "talk")
    talk.starts_at, talk.ends_at = paris(DAY_TWO, 11), paris(DAY_TWO, 11, 30)
    db.session.commit()
    publishing.release(programme.event, "v2", "", organiser, notify=True)
    db.session.commit()

    deliver_due()

    received = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages()}
    alice = received["alice@example.org"]
    [part] = [p for p in alice.iter_attachments()]
    assert part.get_content_type() == "text/calendar"
    assert part.get_filename() == f"{programme.event.slug}-mes-sessions.ics"
    calendar = icalendar.Calendar.from_ical(part.get_content())
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == programme.sessions["talk"].title
    assert alice.get_body(("plain",)).get_content().startswith("NEC de test")
