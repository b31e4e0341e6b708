"""Mail over TLS, for real: the outbox worker against an SMTP server process speaking STARTTLS or implicit TLS.

The server's certificate is made for the test by a certificate authority made for the test (trustme);
the worker trusts it only through NEC_MAIL_CA_FILE, as an administrator with a private authority would.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import jinja2
import pytest
import trustme

from nec.config import load_config
from nec.core.db import utcnow
from nec.core.mail import deliver_due, queue_mail
from nec.core.models import OutboxMessage, OutboxState
from nec.extensions import db as _db
from tests.support.smtp import SmtpServer

TEST_TEMPLATES = Path(__file__).parent / "templates"
USER, PASSWORD = "nec@asso.example", "p@ss:w/rd"
CREDENTIALS = "nec%40asso.example:p%40ss%3Aw%2Frd"  # USER and PASSWORD, percent-encoded for the URL


@dataclass(frozen=True)
class Certificates:
    ca: Path  # the authority that signed the servers' certificates
    other_ca: Path  # an authority that signed nothing here
    server: Path  # key and chain for 127.0.0.1 and localhost, signed by `ca`
    wrong_name: Path  # key and chain for mail.example.org only, signed by `ca`


@pytest.fixture(scope="module")
def certs(tmp_path_factory) -> Certificates:
    folder = tmp_path_factory.mktemp("tls")
    ca, other_ca = trustme.CA(), trustme.CA()
    paths = Certificates(
        ca=folder / "ca.pem",
        other_ca=folder / "other-ca.pem",
        server=folder / "server.pem",
        wrong_name=folder / "wrong-name.pem",
    )
    ca.cert_pem.write_to_path(paths.ca)
    other_ca.cert_pem.write_to_path(paths.other_ca)
    ca.issue_cert("127.0.0.1", "localhost").private_key_and_cert_chain_pem.write_to_path(paths.server)
    ca.issue_cert("mail.example.org").private_key_and_cert_chain_pem.write_to_path(paths.wrong_name)
    return paths


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory, certs):
    """`tls_server("starttls" | "implicit", auth=None, cert=None)`: a TLS SMTP server process.

    One process per kind for the whole module (tests compare what arrived after their start, see `Received`).
    """
    servers: dict[tuple, SmtpServer] = {}

    def start(tls: str, *, auth: tuple[str, str] | None = None, cert: Path | None = None) -> SmtpServer:
        key = (tls, auth, cert)
        if key not in servers:
            folder = tmp_path_factory.mktemp(f"smtp-{tls}")
            servers[key] = SmtpServer(folder, tls=tls, cert=cert or certs.server, auth=auth).start()
        return servers[key]

    yield start
    for server in servers.values():
        server.stop()


class Received:
    """What a (shared) server received from now on: `.ids()` and `.envelopes()`."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self.before = len(server.envelopes())

    def ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.server.messages()[self.before :]]

    def envelopes(self) -> list[dict]:
        return self.server.envelopes()[self.before :]


@pytest.fixture
def test_templates(app, monkeypatch):
    """mail/test_notice.{txt,html}: a minimal mail that extends the real layouts."""
    loader = jinja2.ChoiceLoader([app.jinja_env.loader, jinja2.FileSystemLoader(TEST_TEMPLATES)])
    monkeypatch.setattr(app.jinja_env, "loader", loader)


@pytest.fixture
def mail_settings(app, test_templates, monkeypatch):
    """`mail_settings(url, ca_file)`: NEC_MAIL_URL and NEC_MAIL_CA_FILE for this test (and the test mail)."""

    def configure(url: str, ca_file: Path | str = "") -> None:
        monkeypatch.setitem(app.config, "NEC_MAIL_URL", url)
        monkeypatch.setitem(app.config, "NEC_MAIL_CA_FILE", str(ca_file))

    return configure


def queue(to: str = "camille@example.org") -> OutboxMessage:
    message = queue_mail(to, "test_notice", subject="Inscription confirmée", note="Votre inscription est enregistrée.")
    _db.session.commit()
    return message


def fresh(message: OutboxMessage) -> OutboxMessage:
    _db.session.refresh(message)
    return message


def with_credentials(url: str, credentials: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{credentials}@{rest}"


# --- delivery over TLS ------------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_tls_delivers_when_the_authority_is_trusted(app, db, tls, tls_server, certs, mail_settings):
    server = tls_server(tls)
    received = Received(server)
    mail_settings(server.url, certs.ca)
    message = queue()

    report = deliver_due()

    assert (report.sent, report.handled, report.stopped) == (1, 1, "")
    assert fresh(message).state == OutboxState.sent
    assert received.ids() == [message.message_id]
    [envelope] = received.envelopes()
    assert envelope["tls"] in ("TLSv1.2", "TLSv1.3")  # the server saw the message arrive encrypted
    assert envelope["rcpt_tos"] == ["camille@example.org"]


@pytest.mark.parametrize(
    ("tls", "trusted"), [("starttls", "other authority"), ("implicit", "other authority"), ("implicit", "system")]
)
def test_tls_with_untrusted_certificate_is_refused_and_retried_later(
    app, db, tls, trusted, tls_server, certs, mail_settings
):
    server = tls_server(tls)
    received = Received(server)
    mail_settings(server.url, certs.other_ca if trusted == "other authority" else "")
    message, other = queue(), queue("dominique@example.org")
    t0 = utcnow()

    report = deliver_due(now=t0)

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    assert "not trusted" in report.stopped  # the pass stops: the other message is not charged an attempt
    message = fresh(message)
    assert message.state == OutboxState.pending
    assert (message.attempts, message.next_attempt_at, message.sent_at) == (1, t0 + timedelta(minutes=1), None)
    assert f"cannot connect to 127.0.0.1:{server.port}: its certificate is not trusted" in message.last_error
    assert "NEC_MAIL_CA_FILE" in message.last_error  # says what to do
    assert fresh(other).attempts == 0
    assert received.ids() == []

    # The administrator points NEC_MAIL_CA_FILE at the right authority: both leave, once each.
    mail_settings(server.url, certs.ca)
    assert deliver_due(now=t0 + timedelta(minutes=1)).sent == 2
    assert sorted(received.ids()) == sorted([message.message_id, other.message_id])
    assert fresh(message).state == OutboxState.sent
    assert deliver_due(now=t0 + timedelta(hours=1)).handled == 0


def test_tls_certificate_for_another_name_is_refused(app, db, tls_server, certs, mail_settings):
    server = tls_server("starttls", cert=certs.wrong_name)  # signed by the trusted authority, for another host
    received = Received(server)
    mail_settings(server.url, certs.ca)
    message = queue()

    report = deliver_due()

    assert report.retried == 1
    message = fresh(message)
    assert message.state == OutboxState.pending
    assert "certificate is not trusted" in message.last_error
    assert "127.0.0.1" in message.last_error  # the name it was checked against
    assert received.ids() == []


def test_starttls_never_falls_back_to_clear_text(app, db, smtp_server, mail_settings):
    # smtp_server speaks plain SMTP only: asked for STARTTLS, the worker sends neither password nor message.
    mail_settings(with_credentials(smtp_server.url.replace("smtp://", "smtp+starttls://"), "nec:secret"))
    message = queue()

    report = deliver_due()

    assert report.retried == 1
    message = fresh(message)
    assert message.state == OutboxState.pending
    assert "does not offer STARTTLS, so nothing was sent" in message.last_error
    assert smtp_server.messages() == []


def test_unreadable_ca_file_is_a_clear_error_and_retried(app, db, tls_server, tmp_path, mail_settings):
    server = tls_server("starttls")
    received = Received(server)
    missing = tmp_path / "absent-ca.pem"
    mail_settings(server.url, missing)
    message = queue()

    report = deliver_due()

    assert report.retried == 1
    message = fresh(message)
    assert message.state == OutboxState.pending
    assert message.last_error.startswith(f"NEC_MAIL_CA_FILE {missing}: cannot load the certificates")
    assert received.ids() == []


# --- logging in over TLS ----------------------------------------------------------------------------


@pytest.mark.parametrize("tls", ["starttls", "implicit"])
def test_login_over_tls_and_wrong_password_is_a_clear_error(app, db, tls, tls_server, certs, mail_settings):
    server = tls_server(tls, auth=(USER, PASSWORD))
    received = Received(server)
    message = queue()
    t0 = utcnow()

    mail_settings(with_credentials(server.url, "nec%40asso.example:not-the-password"), certs.ca)
    report = deliver_due(now=t0)

    assert (report.sent, report.retried, report.failed) == (0, 1, 0)
    message = fresh(message)
    assert message.state == OutboxState.pending  # kept: the next pass, with the right password, sends it
    assert "login refused for nec@asso.example (535" in message.last_error
    assert "check the user name and password in NEC_MAIL_URL" in message.last_error
    assert "not-the-password" not in message.last_error
    assert received.ids() == []

    mail_settings(with_credentials(server.url, CREDENTIALS), certs.ca)
    assert deliver_due(now=t0 + timedelta(minutes=1)).sent == 1
    assert received.ids() == [message.message_id]
    [envelope] = received.envelopes()
    assert envelope["authenticated"] is True
    assert envelope["tls"] in ("TLSv1.2", "TLSv1.3")


# --- the setting ------------------------------------------------------------------------------------


def test_mail_ca_file_setting_defaults_to_the_system_store(tmp_path):
    assert load_config(str(tmp_path), {})["NEC_MAIL_CA_FILE"] == ""
    environ = {"NEC_MAIL_CA_FILE": "/etc/nec/mail-ca.pem"}
    assert load_config(str(tmp_path), environ)["NEC_MAIL_CA_FILE"] == "/etc/nec/mail-ca.pem"
