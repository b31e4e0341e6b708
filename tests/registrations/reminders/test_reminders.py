"""Reminders before the event (J-7, J-1) and before each workshop: sent once, whatever the number of workers
and their restarts, with the join link, the personal link and an .ics file."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa

from nec.core import hooks
from nec.core import worker as periodic
from nec.core.db import utcnow
from nec.core.models import OutboxMessage
from nec.extensions import db
from nec.registrations import reminders, seats, services
from nec.registrations.models import EventReminder, Registration, RegistrationSettings, Seat, SeatState
from tests.registrations.helpers import participant

ROOT = Path(__file__).resolve().parents[3]


def reminder_mails(to: str | None = None) -> list[OutboxMessage]:
    """The reminders queued so far (event and workshop ones), oldest first."""
    query = sa.select(OutboxMessage).where(OutboxMessage.subject.like("Rappel%")).order_by(OutboxMessage.id)
    if to is not None:
        query = query.where(OutboxMessage.to_address == to)
    return list(db.session.scalars(query))


def stages() -> list[tuple[str, int]]:
    rows = db.session.execute(
        sa.select(Registration.email, EventReminder.days_before).join(
            Registration, EventReminder.registration_id == Registration.id
        )
    )
    return sorted((email, days) for email, days in rows)


def settings(reg) -> RegistrationSettings:
    return db.session.get(RegistrationSettings, reg.event.id)


def at_stage(reg, days: int, after: timedelta = timedelta(minutes=1)):
    return reminders.reminder_due_at(reg.event, days) + after


def send(now) -> int:
    count = reminders.send_due(now)
    db.session.commit()
    return count


def calendar_of(message: OutboxMessage) -> icalendar.Calendar:
    [attachment] = message.attachments
    assert attachment["media_type"] == "text/calendar"
    return icalendar.Calendar.from_ical(attachment["content"])


# --- when ---------------------------------------------------------------------------------------------------


def test_reminder_days_read_whole_days_farthest_first_and_ignore_the_rest():
    assert reminders.reminder_days("7,1") == [7, 1]
    assert reminders.reminder_days(" 1; 7 , 3,3") == [7, 3, 1]
    assert reminders.reminder_days("0,-2,huit,999,2.5") == [0]
    assert reminders.reminder_days("") == []


def test_an_event_reminder_is_due_at_nine_in_the_event_time_zone(reg):
    due = reminders.reminder_due_at(reg.event, 7)

    local = due.astimezone(ZoneInfo(reg.event.timezone))
    assert (local.date(), local.hour, local.minute) == (reg.event.start_date - timedelta(days=7), 9, 0)


# --- event reminders ----------------------------------------------------------------------------------------


def test_the_j7_reminder_reaches_each_confirmed_registration_once(reg):
    participant(reg, "ana@example.org")
    participant(reg, "bruno@example.org")
    services.register(reg.event, services.RegistrationData("Pas Confirmé", "pc@example.org"), utcnow())
    services.cancel(participant(reg, "parti@example.org"), utcnow())
    db.session.commit()

    assert send(at_stage(reg, 7, after=-timedelta(minutes=1))) == 0  # not yet nine o'clock
    assert send(at_stage(reg, 7)) == 2
    assert send(at_stage(reg, 7, after=timedelta(hours=5))) == 0

    assert sorted(m.to_address for m in reminder_mails()) == ["ana@example.org", "bruno@example.org"]
    assert stages() == [("ana@example.org", 7), ("bruno@example.org", 7)]


def test_j7_then_j1_each_once_and_nothing_once_the_event_has_begun(reg):
    participant(reg, "ana@example.org")

    assert send(at_stage(reg, 7)) == 1
    assert send(at_stage(reg, 1)) == 1
    assert send(reg.start_of(reg.a) - timedelta(minutes=1)) == 0
    assert send(reg.start_of(reg.a) + timedelta(minutes=1)) == 0

    assert stages() == [("ana@example.org", 1), ("ana@example.org", 7)]
    assert [m.subject for m in reminder_mails()] == [
        "Rappel : NEC Sud Charente, c'est dans 7 jours",
        "Rappel : NEC Sud Charente, c'est demain",
    ]


def test_a_worker_stopped_for_days_sends_only_the_latest_reminder_due(reg):
    participant(reg, "ana@example.org")

    assert send(at_stage(reg, 1, after=timedelta(hours=2))) == 1
    assert send(at_stage(reg, 1, after=timedelta(hours=3))) == 0

    assert stages() == [("ana@example.org", 1)]


def test_someone_registered_after_j7_gets_only_j1(reg):
    late = participant(reg, "tardif@example.org")
    late.confirmed_at = at_stage(reg, 7, after=timedelta(days=2))
    db.session.commit()

    assert send(at_stage(reg, 7, after=timedelta(days=3))) == 0
    assert send(at_stage(reg, 1)) == 1
    assert stages() == [("tardif@example.org", 1)]


def test_the_event_reminder_days_follow_the_settings(reg):
    participant(reg, "ana@example.org")
    settings(reg).reminder_days = "3"
    db.session.commit()

    assert send(at_stage(reg, 7)) == 0
    assert send(at_stage(reg, 3)) == 1
    assert send(at_stage(reg, 1)) == 0
    assert stages() == [("ana@example.org", 3)]


def test_an_unpublished_event_sends_no_reminder(reg):
    participant(reg, "ana@example.org")
    reg.event.is_published = False
    db.session.commit()

    assert send(at_stage(reg, 7)) == 0


def test_the_event_reminder_carries_the_workshops_the_links_and_a_calendar(reg):
    ana = participant(reg, "ana@example.org")
    others = [participant(reg, f"p{n}@example.org") for n in range(3)]  # Atelier C has three seats
    now = utcnow()
    for person in others:
        seats.take_seat(person, reg.c, now)
    seats.take_seat(ana, reg.a, now)
    seats.take_seat(ana, reg.c, now)  # C is full: Ana waits, first in line
    db.session.commit()

    send(at_stage(reg, 7))

    [mail] = reminder_mails("ana@example.org")
    body = mail.body_text
    assert "c'est dans 7 jours" in body and "Vous y êtes inscrit·e sur place" in body
    assert "Vos ateliers :" in body
    assert "- « Atelier A », " in body and "à 10h00" in body
    assert "- « Atelier C », " in body and "(liste d'attente, position 1)" in body
    assert services.personal_url(ana) in body
    assert f"Pour suivre en ligne : {mail_base()}/{reg.event.slug}/programme/" in body
    calendar = calendar_of(mail)
    events = calendar.walk("VEVENT")
    assert [str(e["SUMMARY"]) for e in events] == ["NEC Sud Charente", "Atelier A"]  # a waiting seat is no date
    whole = events[0]
    assert whole.decoded("DTSTART") == reg.event.start_date
    assert whole.decoded("DTEND") == reg.event.end_date + timedelta(days=1)
    assert events[1].decoded("DTSTART") == reg.start_of(reg.a)


def mail_base() -> str:
    from flask import current_app

    return current_app.config["NEC_BASE_URL"].rstrip("/")


def test_a_join_link_given_by_a_module_goes_into_the_reminders(reg):
    def join(registration, session_id):
        return f"https://visio.example/{registration.id}/{session_id or 'event'}"

    hooks.register_join_link(join)
    try:
        settings(reg).reminder_days = "7"
        ana = participant(reg, "ana@example.org")
        seats.take_seat(ana, reg.a, utcnow())
        db.session.commit()
        send(at_stage(reg, 7))
        send(reg.start_of(reg.a) - timedelta(hours=1))
    finally:
        hooks._join_links.remove(join)

    event_mail, workshop_mail = reminder_mails("ana@example.org")
    assert f"Pour suivre en ligne : https://visio.example/{ana.id}/event" in event_mail.body_text
    assert f"Pour suivre en ligne : https://visio.example/{ana.id}/{reg.a.id}" in workshop_mail.body_text
    assert hooks.join_link(ana, None) is None


# --- workshop reminders -------------------------------------------------------------------------------------


def test_the_workshop_reminder_reaches_its_seat_holders_once_a_day_before(reg):
    settings(reg).reminder_days = ""  # only the workshops' reminders here
    holder, other = participant(reg, "ana@example.org"), participant(reg, "bruno@example.org")
    waiting = participant(reg, "chloe@example.org")
    now = utcnow()
    for person in (holder, other, waiting):
        seats.take_seat(person, reg.a, now)
    db.session.commit()
    start = reg.start_of(reg.a)

    assert send(start - timedelta(hours=24, minutes=1)) == 0
    assert send(start - timedelta(hours=23)) == 2
    assert send(start - timedelta(hours=1)) == 0

    mails = reminder_mails()
    assert sorted(m.to_address for m in mails) == ["ana@example.org", "bruno@example.org"]
    body = mails[0].body_text
    assert "Vous avez une place dans l'atelier « Atelier A » (NEC Sud Charente)" in body and "à 10h00" in body
    assert "salle : Salle Aliénor" in body
    assert f"/{reg.event.slug}/sessions/{reg.a.id}/" in body
    [entry] = calendar_of(mails[0]).walk("VEVENT")
    assert str(entry["SUMMARY"]) == "Atelier A" and entry.decoded("DTSTART") == start
    assert {s.state: s.reminded_at is not None for s in db.session.scalars(sa.select(Seat))} == {
        SeatState.booked: True,
        SeatState.waiting: False,
    }


def test_a_seat_booked_after_the_reminder_time_is_not_reminded_and_zero_hours_sends_none(reg):
    settings(reg).reminder_days = ""
    late = participant(reg, "tardif@example.org")
    start = reg.start_of(reg.c)
    seats.take_seat(late, reg.c, start - timedelta(hours=2))
    db.session.commit()

    assert send(start - timedelta(hours=1)) == 0

    seats.take_seat(participant(reg, "ana@example.org"), reg.a, utcnow())
    settings(reg).workshop_reminder_hours = 0
    db.session.commit()
    assert send(reg.start_of(reg.a) - timedelta(hours=1)) == 0


def test_a_pass_that_fails_sends_nothing_and_the_next_sends_each_reminder_once(reg):
    for n in range(3):
        participant(reg, f"p{n}@example.org")

    def broken(now):
        reminders.send_due(now)
        raise RuntimeError("le processus s'arrête en pleine passe")

    failed = periodic.run_pass(hooks.Duty("broken", 1, broken), at_stage(reg, 7))
    assert not failed.ok and reminder_mails() == [] and stages() == []

    [duty] = periodic.select_duties(only=["reminders"])
    assert periodic.run_pass(duty, at_stage(reg, 7)).count == 3
    assert periodic.run_pass(duty, at_stage(reg, 7)).count == 0
    assert len(reminder_mails()) == 3


# --- several workers at once, restarts, delivery ------------------------------------------------------------


def test_two_workers_at_once_send_each_reminder_once(app, reg):
    people = [participant(reg, f"p{n}@example.org") for n in range(12)]
    for person in people[:2]:
        seats.take_seat(person, reg.a, utcnow())
    db.session.commit()
    now = reg.start_of(reg.a) - timedelta(hours=1)  # J-1 is due, and Atelier A's reminder
    barrier = threading.Barrier(2)
    counts, errors = [], []

    def work():
        with app.app_context():
            try:
                barrier.wait()
                counts.append(reminders.send_due(now))
                db.session.commit()
            except Exception as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(counts) == 14  # twelve J-1 reminders and the two seat holders' workshop reminders
    mails = reminder_mails()
    assert len(mails) == 14
    assert sorted(m.to_address for m in mails if "atelier" in m.subject) == ["p0@example.org", "p1@example.org"]
    assert len({m.to_address for m in mails if "atelier" not in m.subject}) == 12


def _worker(app, tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "NEC_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "NEC_MAIL_URL": app.config["NEC_MAIL_URL"],
        "NEC_INSTANCE_PATH": str(tmp_path / "instance"),
        "NEC_SECRET_KEY": "worker-test",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _due_now(reg) -> None:
    """Make a reminder due at the real time of the worker processes: 31 days before a first day 30 days away
    (to people who registered before that)."""
    settings(reg).reminder_days = "31"
    db.session.execute(sa.update(Registration).values(confirmed_at=utcnow() - timedelta(days=3)))
    db.session.commit()


@pytest.mark.postgresql_only
def test_worker_processes_at_once_then_a_restart_send_each_reminder_once(app, reg, tmp_path):
    for n in range(30):
        participant(reg, f"p{n}@example.org")
    _due_now(reg)

    processes = [_worker(app, tmp_path, "--only", "reminders") for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    restarted = _worker(app, tmp_path, "--only", "reminders")
    again = restarted.communicate(timeout=120)

    assert restarted.returncode == 0, again
    assert "rappels envoyés (événement, ateliers) : 0" in again[0]
    db.session.rollback()
    mails = reminder_mails()
    assert len(mails) == 30 and len({m.to_address for m in mails}) == 30
    assert len(stages()) == 30


def test_a_restarted_worker_sends_nothing_twice(app, reg, tmp_path):
    participant(reg, "ana@example.org")
    _due_now(reg)

    outputs = []
    for _ in range(2):  # the same worker, stopped and started again
        process = _worker(app, tmp_path, "--only", "reminders")
        outputs.append(process.communicate(timeout=120))
        assert process.returncode == 0, outputs

    assert "rappels envoyés (événement, ateliers) : 1" in outputs[0][0]
    assert "rappels envoyés (événement, ateliers) : 0" in outputs[1][0]
    db.session.rollback()
    assert [m.to_address for m in reminder_mails()] == ["ana@example.org"]


def test_a_reminder_is_delivered_over_smtp_with_its_ics(smtp_app, reg, smtp_server):
    ana = participant(reg, "ana@example.org")
    seats.take_seat(ana, reg.a, utcnow())
    db.session.commit()
    send(at_stage(reg, 1))

    results = periodic.run_once(periodic.select_duties(only=["mail"]))

    assert results[0].ok
    [received] = [m for m in smtp_server.messages() if m["Subject"].startswith("Rappel")]
    assert received["To"].addresses[0].addr_spec == "ana@example.org"
    assert "c'est demain" in received.get_body(("plain",)).get_content()
    [attachment] = list(received.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_filename() == f"{reg.event.slug}.ics"
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["NEC Sud Charente", "Atelier A"]


def test_the_reminders_default_wordings_use_only_their_placeholders():
    from nec.core.mail_templates import DEFAULTS, mail_kind, unknown_placeholders
    from nec.registrations.mail_kinds import ReminderMailKind

    for kind in ReminderMailKind:
        subject, body = DEFAULTS[kind]
        assert mail_kind(kind.value) is kind
        assert unknown_placeholders(kind, subject + body) == [], kind
