"""A real SMTP server for the tests, in its own process, and the `smtp_server` fixture that drives it.

Run alone: `python -m tests.support.smtp --port 2525 --dir /tmp/mails [--auth user:password]
[--tls starttls|implicit --cert server.pem]` (the PEM holds the server's key and certificate chain).
Each message received is saved in the folder as `<n>.eml` (the data, as received) and `<n>.json` (the
envelope, the TLS version of the connection or null, and whether the client logged in). Recipients
whose local part starts with `refuse` are refused with a permanent 550 and those starting with `busy`
with a temporary 451, so tests can exercise both kinds of failure; a message to `crash...` is saved,
then the server process dies before it answers (the client cannot know the outcome).
"""

from __future__ import annotations

import argparse
import email
import email.policy
import itertools
import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.processes import stop_process, wait_until_answering

ROOT = Path(__file__).resolve().parents[2]
TLS_MODES = ("none", "starttls", "implicit")
SCHEMES = {"none": "smtp", "starttls": "smtp+starttls", "implicit": "smtps"}  # NEC_MAIL_URL for each mode


# --- the server (runs in the child process) ---------------------------------------------------------


class SavingHandler:
    """aiosmtpd handler: refuses the test recipients, saves every accepted message to a folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counter = itertools.count()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local_part = address.partition("@")[0].lower()
        if local_part.startswith("refuse"):
            return "550 5.1.1 Mailbox unavailable"
        if local_part.startswith("busy"):
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        # Names sort in arrival order, across restarts of the server on the same folder.
        name = f"{time.time_ns():020d}-{next(self.counter):06d}"
        # The client's address and port tell the tests which messages shared one connection.
        ssl_object = server.transport.get_extra_info("ssl_object") if server.transport else None
        envelope_data = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "peer": list(session.peer),
            "tls": ssl_object.version() if ssl_object else None,
            "authenticated": bool(session.authenticated),
        }
        (self.directory / f"{name}.json").write_text(json.dumps(envelope_data))
        partial = self.directory / f"{name}.eml.part"
        partial.write_bytes(envelope.original_content or envelope.content)
        partial.rename(self.directory / f"{name}.eml")  # readers never see half a message
        if any(address.lower().startswith("crash") for address in envelope.rcpt_tos):
            os._exit(0)  # the server dies after taking the message, before saying so: the outcome is unknown
        return "250 2.0.0 Message accepted for delivery"


def main(argv: list[str] | None = None) -> None:
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    parser = argparse.ArgumentParser(description="SMTP server for the NEC tests")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument("--auth", default="", help="user:password required from clients (AUTH PLAIN/LOGIN)")
    parser.add_argument("--tls", choices=TLS_MODES, default="none", help="STARTTLS, or TLS from the first byte")
    parser.add_argument("--cert", type=Path, help="PEM file with the server's private key and certificate chain")
    args = parser.parse_args(argv)
    args.dir.mkdir(parents=True, exist_ok=True)

    options: dict = {"enable_SMTPUTF8": True}
    if args.tls != "none":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert)
        if args.tls == "starttls":  # MAIL is refused until the client has switched to TLS
            options.update(tls_context=context, require_starttls=True)
        else:
            options.update(ssl_context=context)
    if args.auth:
        user, _, password = args.auth.partition(":")

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and (
                auth_data.login.decode() == user and auth_data.password.decode() == password
            )
            return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535 itself

        # With STARTTLS, AUTH is offered only once the connection is encrypted. aiosmtpd does not see the
        # TLS of an implicit-TLS listener, so it must not require it there (the whole connection is TLS).
        options.update(authenticator=authenticator, auth_required=True, auth_require_tls=args.tls == "starttls")

    # Block the stop signals before the server thread starts, so that only sigwait() below receives them.
    stop_signals = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    controller = Controller(SavingHandler(args.dir), hostname="127.0.0.1", port=args.port, **options)
    controller.start()
    try:
        signal.sigwait(stop_signals)
    finally:
        controller.stop()


# --- the fixture (runs in the test process) ---------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SmtpServer:
    """The SMTP server process: `.url`, `.messages()`, `.stop()` and `.start()` (same port, same folder).

    `tls="starttls"` or `"implicit"` needs `cert`: a PEM file with the server's key and certificate chain.
    """

    def __init__(
        self,
        directory: Path,
        *,
        auth: tuple[str, str] | None = None,
        tls: str = "none",
        cert: Path | str | None = None,
    ) -> None:
        if tls not in TLS_MODES or (tls != "none" and not cert):
            raise ValueError(f"tls must be one of {TLS_MODES}, and needs a certificate unless it is 'none'")
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.auth = auth
        self.tls = tls
        self.cert = cert
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"{SCHEMES[self.tls]}://127.0.0.1:{self.port}"

    def start(self) -> SmtpServer:
        if self.process is not None and self.process.poll() is None:
            return self
        cmd = [sys.executable, "-m", "tests.support.smtp", "--port", str(self.port), "--dir", str(self.directory)]
        if self.auth:
            cmd += ["--auth", ":".join(self.auth)]
        if self.tls != "none":
            cmd += ["--tls", self.tls, "--cert", str(self.cert)]
        log = open(self.directory / "server.log", "ab")  # noqa: SIM115  (the child process owns it)
        self.process = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log)
        log.close()
        try:
            wait_until_answering(self.process, self._answers, self.directory / "server.log", "SMTP server")
        except RuntimeError:
            self.stop()
            raise
        return self

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                if self.tls != "implicit":
                    return conn.recv(3) == b"220"
                # Only asks whether the listener is up: the tests check certificates with their own clients.
                probe = ssl.create_default_context()
                probe.check_hostname = False
                probe.verify_mode = ssl.CERT_NONE
                with probe.wrap_socket(conn) as tls_conn:
                    return tls_conn.recv(3) == b"220"
        except OSError:
            return False

    def stop(self) -> None:
        """Stop the process: connections to the port are refused until `start()`."""
        stop_process(self.process)
        self.process = None

    def _files(self) -> list[Path]:
        return sorted(self.directory.glob("*.eml"))

    def messages(self) -> list[EmailMessage]:
        """Every message received so far, parsed, in arrival order (line ends made local, as a mailbox does)."""
        return [
            email.message_from_bytes(p.read_bytes().replace(b"\r\n", b"\n"), policy=email.policy.default)
            for p in self._files()
        ]

    def envelopes(self) -> list[dict]:
        """The SMTP envelopes of the messages, in the same order: `mail_from`, `rcpt_tos`, the client's `peer`,
        `tls` (the connection's TLS version, e.g. "TLSv1.3", or None) and `authenticated` (AUTH succeeded)."""
        return [json.loads(p.with_suffix(".json").read_text()) for p in self._files()]


@pytest.fixture
def smtp_server(tmp_path):
    """A real SMTP server in its own process, killed at the end of the test."""
    server = SmtpServer(tmp_path / "smtp-received").start()
    yield server
    server.stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
