"""The mail outbox and its worker, against a real SMTP server process (tests/support/smtp.py)."""

from __future__ import annotations

import email
import email.policy
import os
import re
import subprocess
import sys
import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

import jinja2
import pytest

from nec.core.db import utcnow
from nec.core.mail import (
    claim_message,
    deliver_due,
    outbox_counts,
    parse_mail_url,
    queue_mail,
    requeue_stale,
    retry_delay,
    stale_messages,
)
from nec.core.models import OutboxMessage, OutboxState
from tests.support.smtp import SmtpServer

ROOT = Path(__file__).resolve().parents[2]
TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture(autouse=True)
def test_templates(app, monkeypatch):
    """mail/test_notice.{txt,html}: a minimal mail that extends the real layouts."""
    loader = jinja2.ChoiceLoader([app.jinja_env.loader, jinja2.FileSystemLoader(TEST_TEMPLATES)])
    monkeypatch.setattr(app.jinja_env, "loader", loader)


@pytest.fixture
def smtp_app(app, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", smtp_server.url)
    return app


def queue(to="camille@example.org", *, note="Votre inscription est enregistrée.", **kw) -> OutboxMessage:
    kw.setdefault("subject", "Inscription confirmée")
    return queue_mail(to, "test_notice", note=note, **kw)


def fresh(message: OutboxMessage) -> OutboxMessage:
    from nec.extensions import db

    db.session.refresh(message)
    return message


def received_ids(server: SmtpServer) -> list[str]:
    return [str(m["Message-ID"]) for m in server.messages()]


# --- building and delivering ---------------------------------------------------------------------------


def test_queued_mail_is_delivered_over_smtp_with_both_parts_and_headers(smtp_app, db, smtp_server, make_event):
    event = make_event(title="NEC Sud Charente", contact_email="contact@nec-sud-charente.example")
    message = queue(
        "Camille.Martin@Example.org",
        to_name="Camille Martin",
        event=event,
        subject="Votre atelier « Numérique & inclusion » est confirmé",
        note="Rendez-vous salle 2 à 14 h.",
    )
    db.session.commit()

    report = deliver_due()

    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [received] = smtp_server.messages()
    assert received["From"] == "NEC <ne-pas-repondre@nec.localhost>"
    assert received["To"].addresses[0].display_name == "Camille Martin"
    assert received["To"].addresses[0].addr_spec == "camille.martin@example.org"
    assert received["Reply-To"] == "contact@nec-sud-charente.example"
    assert received["Subject"] == "Votre atelier « Numérique & inclusion » est confirmé"
    assert received["Message-ID"] == message.message_id
    assert parsedate_to_datetime(received["Date"]) == message.created_at.replace(microsecond=0)
    assert received["Auto-Submitted"] == "auto-generated"
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Bonjour Camille Martin," in text
    assert "Rendez-vous salle 2 à 14 h." in text
    assert "NEC Sud Charente\n================" in text
    assert "Vous recevez ce message" in text
    assert '<html lang="fr">' in html
    assert "Rendez-vous salle 2 à 14 h." in html
    assert f"/{event.slug}/" in html
    assert "mailto:contact@nec-sud-charente.example" in html
    [envelope] = smtp_server.envelopes()
    assert envelope["mail_from"] == "ne-pas-repondre@nec.localhost"
    assert envelope["rcpt_tos"] == ["camille.martin@example.org"]

    message = fresh(message)
    assert message.state == OutboxState.sent
    assert message.sent_at is not None
    assert message.attempts == 1
    assert deliver_due().handled == 0  # nothing is sent twice


def test_mail_without_event_has_no_reply_to_and_generic_footer(smtp_app, db, smtp_server):
    queue()
    db.session.commit()

    deliver_due()

    [received] = smtp_server.messages()
    assert received["Reply-To"] is None
    assert "Numérique en Communs" in received.get_body(("html",)).get_content()


def test_layouts_escape_html_but_not_plain_text(app, db, make_event):
    event = make_event(title="Médiation & <numérique>")

    message = queue(event=event, note="Salle <B> & C")

    assert "Médiation & <numérique>" in message.body_text
    assert "Salle <B> & C" in message.body_text
    assert "Médiation &amp; &lt;numérique&gt;" in message.body_html
    assert "Salle &lt;B&gt; &amp; C" in message.body_html
    assert "<numérique>" not in message.body_html


def test_rolled_back_action_sends_nothing(smtp_app, db, smtp_server):
    queue()
    db.session.rollback()

    report = deliver_due()

    assert report.handled == 0
    assert smtp_server.messages() == []
    assert db.session.query(OutboxMessage).count() == 0


def test_batch_reuses_one_smtp_connection(smtp_app, db, smtp_server):
    for n in range(3):
        queue(f"personne{n}@example.org")
    db.session.commit()

    assert deliver_due().sent == 3

    peers = {tuple(e["peer"]) for e in smtp_server.envelopes()}
    assert len(smtp_server.envelopes()) == 3
    assert len(peers) == 1


def test_limit_caps_one_pass(smtp_app, db, smtp_server):
    for n in range(3):
        queue(f"personne{n}@example.org")
    db.session.commit()

    assert deliver_due(limit=2).sent == 2
    assert deliver_due(limit=2).sent == 1
    assert len(smtp_server.messages()) == 3


def test_file_transport_writes_parsable_eml(app, db, tmp_path, monkeypatch):
    folder = tmp_path / "not" / "yet" / "there"
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", f"file://{folder}")
    message = queue(to_name="Dominique Petit")
    db.session.commit()

    assert deliver_due().sent == 1

    files = list(folder.iterdir())
    assert [f.name for f in files] == [f"{message.id:08d}-{message.message_id.strip('<>')}.eml"]
    parsed = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert parsed["Message-ID"] == message.message_id
    assert parsed["To"].addresses[0].display_name == "Dominique Petit"
    assert "Votre inscription est enregistrée." in parsed.get_body(("plain",)).get_content()
    assert "Votre inscription est enregistrée." in parsed.get_body(("html",)).get_content()
    assert fresh(message).state == OutboxState.sent


def test_file_transport_that_cannot_write_retries_later(app, db, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(app.config, "NEC_MAIL_URL", f"file://{blocker}/mail")
    message = queue()
    db.session.commit()

    report = deliver_due()

    assert (report.retried, report.sent) == (1, 0)
    assert report.stopped
    assert fresh(message).state == OutboxState.pending


# --- failures and retries --------------------------------------------------------------------------------


def test_retry_delay_doubles_from_one_minute_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(9) == timedelta(minutes=256)
    assert retry_delay(10) == timedelta(hours=6)
    assert retry_delay(1000) == timedelta(hours=6)


def test_unreachable_server_retries_with_backoff_then_delivers_once(smtp_app, db, smtp_server):
    first = queue("a@example.org")
    second = queue("b@example.org")
    db.session.commit()
    smtp_server.stop()
    t0 = utcnow()

    report = deliver_due(now=t0)

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert "127.0.0.1" in report.stopped  # the pass stops at the first unreachable server
    first, second = fresh(first), fresh(second)
    assert first.state == OutboxState.pending
    assert first.attempts == 1
    assert first.next_attempt_at == t0 + timedelta(minutes=1)
    assert "cannot connect" in first.last_error
    assert second.attempts == 0  # not charged for the server's absence

    assert deliver_due(now=t0 + timedelta(seconds=10)).retried == 1  # the second one, this time
    assert deliver_due(now=t0 + timedelta(seconds=59)).handled == 0  # both waiting for their delay
    assert deliver_due(now=t0 + timedelta(minutes=1)).retried == 1
    assert fresh(first).attempts == 2
    assert first.next_attempt_at == t0 + timedelta(minutes=3)  # then 2 minutes

    smtp_server.start()
    report = deliver_due(now=t0 + timedelta(minutes=3))
    assert report.sent == 2
    assert deliver_due(now=t0 + timedelta(hours=1)).handled == 0
    assert sorted(received_ids(smtp_server)) == sorted([first.message_id, second.message_id])
    assert fresh(first).state == OutboxState.sent
    assert first.attempts == 3


def test_message_fails_after_max_attempts(smtp_app, db, smtp_server, monkeypatch):
    monkeypatch.setitem(smtp_app.config, "NEC_MAIL_MAX_ATTEMPTS", 3)
    message = queue("busy-mailbox@example.org")  # the test server answers 451 to busy...
    db.session.commit()
    t0 = utcnow()

    assert deliver_due(now=t0).retried == 1
    assert deliver_due(now=t0 + timedelta(minutes=1)).retried == 1
    report = deliver_due(now=t0 + timedelta(minutes=3))

    assert (report.retried, report.failed) == (0, 1)
    message = fresh(message)
    assert message.state == OutboxState.failed
    assert message.attempts == 3
    assert "451" in message.last_error
    assert deliver_due(now=t0 + timedelta(days=2)).handled == 0
    assert smtp_server.messages() == []


def test_recipient_refused_with_5xx_fails_at_once(smtp_app, db, smtp_server):
    refused = queue("refuse-me@example.org")
    accepted = queue("camille@example.org")
    db.session.commit()

    report = deliver_due()

    assert (report.sent, report.retried, report.failed) == (1, 0, 1)
    refused = fresh(refused)
    assert refused.state == OutboxState.failed
    assert refused.attempts == 1
    assert "550" in refused.last_error
    assert received_ids(smtp_server) == [accepted.message_id]  # the connection went on after the refusal


def test_a_line_break_in_a_subject_or_name_is_sent_on_one_line_without_injecting_a_header(smtp_app, db, smtp_server):
    """A title pasted with its line break (CR, LF) once made the message fail for good; it goes, on one line."""
    injected = queue(subject="Bonjour\r\nBcc: victime@example.org", to_name="Camille\rX-Evil: 1\x01")
    db.session.commit()

    report = deliver_due()

    assert (report.sent, report.failed) == (1, 0)
    assert fresh(injected).state == OutboxState.sent
    [received] = smtp_server.messages()
    assert received["Subject"] == "Bonjour Bcc: victime@example.org"
    assert received["Bcc"] is None and received["X-Evil"] is None
    assert received["To"].addresses[0].display_name == "Camille X-Evil: 1"
    assert [e["rcpt_tos"] for e in smtp_server.envelopes()] == [["camille@example.org"]]


def test_an_address_no_header_can_carry_fails_at_once_and_sends_nothing(smtp_app, db, smtp_server):
    injected = queue("camille@example.org\nbcc: victime@example.org")
    good = queue("dominique@example.org")
    db.session.commit()

    report = deliver_due()

    assert (report.sent, report.failed) == (1, 1)
    injected = fresh(injected)
    assert injected.state == OutboxState.failed
    assert injected.last_error.startswith("cannot build the message")
    assert received_ids(smtp_server) == [good.message_id]
    assert [e["rcpt_tos"] for e in smtp_server.envelopes()] == [["dominique@example.org"]]


def test_server_dying_during_data_leaves_message_uncertain_and_never_resends(smtp_app, db, smtp_server):
    doomed = queue("crash-test@example.org")  # the test server saves it, then dies without answering
    other = queue("camille@example.org")
    db.session.commit()
    t0 = utcnow()

    report = deliver_due(now=t0)

    assert report.uncertain == 1
    assert report.sent == 0
    doomed = fresh(doomed)
    assert doomed.state == OutboxState.sending
    assert doomed.last_error.startswith("uncertain delivery")
    smtp_server.start()
    assert deliver_due(now=t0 + timedelta(hours=1)).sent == 1
    assert sorted(received_ids(smtp_server)) == sorted([doomed.message_id, other.message_id])
    assert [m.id for m in stale_messages(now=t0 + timedelta(minutes=16))] == [doomed.id]


def test_smtp_login_uses_percent_decoded_credentials(app, db, tmp_path, monkeypatch):
    server = SmtpServer(tmp_path / "auth-smtp", auth=("nec@asso.example", "p@ss:w/rd%")).start()
    try:
        good = f"smtp://nec%40asso.example:p%40ss%3Aw%2Frd%25@127.0.0.1:{server.port}"
        bad = f"smtp://nec%40asso.example:wrong@127.0.0.1:{server.port}"
        message = queue()
        db.session.commit()

        monkeypatch.setitem(app.config, "NEC_MAIL_URL", bad)
        report = deliver_due()
        assert report.retried == 1
        assert "535" in report.stopped

        monkeypatch.setitem(app.config, "NEC_MAIL_URL", good)
        assert deliver_due(now=utcnow() + timedelta(minutes=5)).sent == 1
        assert received_ids(server) == [message.message_id]
    finally:
        server.stop()


# --- claims and concurrency --------------------------------------------------------------------------


def test_two_claims_of_one_message_only_one_wins(app, db):
    message = queue()
    db.session.commit()

    assert claim_message(message.id) is True
    assert claim_message(message.id) is False
    assert fresh(message).state == OutboxState.sending
    assert deliver_due().handled == 0


def test_concurrent_workers_deliver_each_message_exactly_once(smtp_app, db, smtp_server):
    expected = [queue(f"personne{n}@example.org").message_id for n in range(40)]
    db.session.commit()
    workers = 4
    barrier = threading.Barrier(workers)
    reports, errors = [], []

    def work():
        with smtp_app.app_context():
            try:
                barrier.wait()
                reports.append(deliver_due(limit=100))
            except Exception as exc:
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert errors == []
    assert sum(r.sent for r in reports) == 40
    assert sum(r.handled for r in reports) == 40
    received = received_ids(smtp_server)
    assert len(received) == 40
    assert sorted(received) == sorted(expected)  # each Message-ID exactly once
    assert outbox_counts()[OutboxState.sent] == 40


@pytest.mark.postgresql_only
def test_worker_processes_deliver_each_message_exactly_once(smtp_app, db, smtp_server, tmp_path):
    """Several `flask mail send` processes on one PostgreSQL, as in a deployment."""
    expected = [queue(f"personne{n}@example.org").message_id for n in range(60)]
    db.session.commit()
    env = {
        **os.environ,
        "NEC_DATABASE_URL": smtp_app.config["SQLALCHEMY_DATABASE_URI"],
        "NEC_MAIL_URL": smtp_server.url,
        "NEC_INSTANCE_PATH": str(tmp_path / "instance"),
        "NEC_SECRET_KEY": "worker-test",
    }
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "send", "--limit", "1000"]
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]

    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    sent = [int(re.search(r"Envoyés : (\d+)", out).group(1)) for out, _ in outputs]
    assert sum(sent) == 60
    assert sorted(received_ids(smtp_server)) == sorted(expected)


# --- stale messages ------------------------------------------------------------------------------------


def test_stale_sending_message_is_not_resent_until_requeued(smtp_app, db, smtp_server):
    message = queue()
    recent = queue("recent@example.org")
    db.session.commit()
    t0 = utcnow()
    claim_message(message.id, now=t0 - timedelta(minutes=20))  # a worker that died 20 minutes ago
    claim_message(recent.id, now=t0 - timedelta(minutes=5))  # a worker maybe still at work

    assert deliver_due(now=t0).handled == 0
    assert smtp_server.messages() == []
    assert [m.id for m in stale_messages(now=t0)] == [message.id]

    assert requeue_stale(now=t0) == 1
    db.session.commit()
    assert deliver_due(now=t0).sent == 1
    assert received_ids(smtp_server) == [message.message_id]
    assert fresh(recent).state == OutboxState.sending


# --- configuration ---------------------------------------------------------------------------------------


def test_parse_mail_url_reads_every_transport():
    assert parse_mail_url("file:///var/lib/nec/mail").path == "/var/lib/nec/mail"
    plain = parse_mail_url("smtp://relay.local")
    assert (plain.host, plain.port, plain.tls, plain.username) == ("relay.local", 25, "none", "")
    starttls = parse_mail_url("smtp+starttls://nec%40asso.fr:p%40ss%3Aword@smtp.example.org")
    assert (starttls.port, starttls.tls) == (587, "starttls")
    assert (starttls.username, starttls.password) == ("nec@asso.fr", "p@ss:word")
    implicit = parse_mail_url("smtps://u:p@smtp.example.org")
    assert (implicit.port, implicit.tls) == (465, "implicit")
    assert parse_mail_url("smtp+starttls://smtp.example.org:2525").port == 2525
    assert "p@ss" not in repr(starttls)  # the password never ends up in a log line


@pytest.mark.parametrize("url", ["ftp://example.org", "smtp://", "file://"])
def test_parse_mail_url_refuses_what_it_cannot_use(url):
    with pytest.raises(ValueError, match="NEC_MAIL_URL"):
        parse_mail_url(url)


def test_default_mail_url_is_a_folder_in_the_instance(tmp_path):
    from nec.config import load_config

    config = load_config(str(tmp_path), environ={})
    assert config["NEC_MAIL_URL"] == f"file://{tmp_path / 'mail'}"
    assert parse_mail_url(config["NEC_MAIL_URL"]).path == str(tmp_path / "mail")


# --- the CLI ---------------------------------------------------------------------------------------------


def test_cli_mail_send_prints_counts(smtp_app, db, smtp_server):
    queue("camille@example.org")
    queue("refuse-me@example.org")
    db.session.commit()

    result = smtp_app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0, result.output
    assert "Envoyés : 1, à réessayer plus tard : 0, en échec : 1" in result.output
    assert len(smtp_server.messages()) == 1


def test_cli_mail_send_loop_runs_passes_until_stopped(smtp_app, db, smtp_server):
    queue()
    db.session.commit()

    result = smtp_app.test_cli_runner().invoke(args=["mail", "send", "--loop", "--interval", "0", "--max-passes", "2"])

    assert result.exit_code == 0, result.output
    assert "Envoyés : 1" in result.output
    assert "Arrêt de l'envoi des e-mails." in result.output
    assert len(smtp_server.messages()) == 1


def test_cli_mail_send_warns_about_stale_messages(app, db):
    message = queue()
    db.session.commit()
    claim_message(message.id, now=utcnow() - timedelta(hours=1))

    result = app.test_cli_runner().invoke(args=["mail", "send"])

    assert result.exit_code == 0
    assert "1 message(s) bloqué(s)" in result.output


def test_cli_mail_status_counts_by_state(app, db):
    for n in range(2):
        queue(f"p{n}@example.org")
    sent = queue("s@example.org")
    db.session.commit()
    claim_message(sent.id)
    db.session.query(OutboxMessage).filter_by(id=sent.id).update({"state": OutboxState.sent})
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["mail", "status"])

    assert result.exit_code == 0
    assert "En attente (pending) : 2" in result.output
    assert "Envoyé (sent) : 1" in result.output
    assert "Échec (failed) : 0" in result.output
    assert outbox_counts() == {
        OutboxState.pending: 2,
        OutboxState.sending: 0,
        OutboxState.sent: 1,
        OutboxState.failed: 0,
    }


def test_cli_requeue_stale_lists_and_requeues_only_with_yes(app, db):
    message = queue(subject="Rappel : atelier demain")
    db.session.commit()
    claim_message(message.id, now=utcnow() - timedelta(minutes=30))
    runner = app.test_cli_runner()

    listed = runner.invoke(args=["mail", "requeue-stale"])

    assert listed.exit_code == 0
    assert f"#{message.id} à camille@example.org « Rappel : atelier demain »" in listed.output
    assert "--yes" in listed.output
    assert fresh(message).state == OutboxState.sending

    done = runner.invoke(args=["mail", "requeue-stale", "--yes"])

    assert done.exit_code == 0
    assert "1 message(s) remis en file d'envoi." in done.output
    assert fresh(message).state == OutboxState.pending
    assert runner.invoke(args=["mail", "requeue-stale"]).output.startswith("Aucun message bloqué")
