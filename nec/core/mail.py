"""The mail outbox: actions queue messages in their own transaction; a worker delivers them.

`queue_mail` only adds a row to the current database session: the caller's commit sends it (or its
rollback forgets it), so a mail is never sent for an action that did not happen. It writes the mail in
the recipient's language (given by the caller), never in that of the person whose action sends it.

`deliver_due` is the worker. It claims due messages one by one with an atomic UPDATE committed before
it talks to the mail server, so any number of workers may run on one PostgreSQL. A message whose
worker died while sending stays in the `sending` state: it is never sent again automatically (sending
a message twice is worse than having to requeue it by hand, see `stale_messages` and `requeue_stale`).
"""

from __future__ import annotations

import email.policy
import os
import re
import smtplib
import ssl
import tempfile
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, getaddresses
from pathlib import Path
from urllib.parse import unquote, urlsplit

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale

from nec.core.db import claim, claim_next, utcnow
from nec.core.models import OutboxMessage, OutboxState
from nec.core.text import clean_text
from nec.extensions import db

#: A message claimed longer ago than this, still `sending`, belongs to a worker that probably died.
STALE_AFTER = timedelta(minutes=15)
FIRST_RETRY_DELAY = timedelta(minutes=1)
MAX_RETRY_DELAY = timedelta(hours=6)
SMTP_TIMEOUT = 30  # seconds, for connecting and for each command
# Python's header folding (gh-144156, unfixed in 3.11) drops the space between two encoded words when it
# folds a non-ASCII header at 78 characters: "médiateur numérique" arrives as "médiateurnumérique".
# Folding only at the hard limit of RFC 5322 (998) keeps French subjects whole.
SMTP_POLICY = email.policy.SMTP.clone(max_line_length=998)
SMTPUTF8_POLICY = email.policy.SMTPUTF8.clone(max_line_length=998)
#: The languages a mail can be written in; a recipient without an account gets the event's, French.
MAIL_LOCALES = ("fr", "en")
DEFAULT_MAIL_LOCALE = "fr"


@dataclass(frozen=True)
class Attachment:
    """A text file sent with a message: its name, its media type (text/calendar) and its content."""

    filename: str
    media_type: str
    content: str

    def as_json(self) -> dict[str, str]:
        return {"filename": self.filename, "media_type": self.media_type, "content": self.content}


def queue_mail(
    to_address: str,
    template: str,
    *,
    subject: str | Callable[[], str],
    to_name: str = "",
    event=None,
    reply_to: str = "",
    locale: str | None = None,
    attachments: list[Attachment] | None = None,
    **context,
) -> OutboxMessage:
    """Render templates/mail/<template>.txt and .html with `context` and queue the message.

    `attachments`: small text files sent with it (a speaker's .ics), kept in the outbox row until sent.

    `locale` is the recipient's language (User.locale, see accounts.services.mail_locales); French when
    None. Subject, bodies and dates are rendered in it, whatever the language of the current request:
    so pass the subject as a lazy string (`lazy_gettext`) or a callable, evaluated in that language.
    """
    context = {"event": event, "to_name": to_name, "base_url": current_app.config["NEC_BASE_URL"], **context}
    with force_locale(locale if locale in MAIL_LOCALES else DEFAULT_MAIL_LOCALE):
        subject = str(subject() if callable(subject) else subject)
        body_text = render_template(f"mail/{template}.txt", **context)
        body_html = render_template(f"mail/{template}.html", subject=subject, **context)
    domain = current_app.config["NEC_MAIL_FROM"].rpartition("@")[2].rstrip(">") or "nec.localhost"
    message = OutboxMessage(
        event_id=getattr(event, "id", None),
        to_address=to_address.strip().lower(),
        to_name=to_name,
        reply_to=reply_to or (getattr(event, "contact_email", "") or ""),
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        message_id=f"<{uuid.uuid4().hex}@{domain}>",
        template=template,
        attachments=[a.as_json() for a in attachments] if attachments else None,
    )
    db.session.add(message)
    return message


# --- Building the message --------------------------------------------------------------------------


def build_message(outbox, sender: str) -> EmailMessage:
    """The RFC 5322 message for an outbox row (an OutboxMessage or a row with the same columns).

    Raises ValueError when an address cannot be written in a header (the message can never be sent).
    """
    message = EmailMessage()
    message["From"] = sender
    # A header is one line without control characters: a CR or LF in a name or a title (a session's, an
    # event's) would inject a header, or make the message refused for good.
    to_name = clean_text(outbox.to_name or "", single_line=True)
    message["To"] = Address(display_name=to_name, addr_spec=outbox.to_address)
    if outbox.reply_to:
        message["Reply-To"] = outbox.reply_to
    message["Subject"] = clean_text(outbox.subject, single_line=True)
    message["Date"] = format_datetime(outbox.created_at or utcnow())
    message["Message-ID"] = outbox.message_id
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to robots, please
    message.set_content(outbox.body_text)
    if outbox.body_html:
        message.add_alternative(outbox.body_html, subtype="html")
    for attachment in outbox.attachments or []:  # text files: sent as text/<subtype>; charset=utf-8
        _text, _slash, subtype = attachment["media_type"].partition("/")
        message.add_attachment(attachment["content"], subtype=subtype, filename=attachment["filename"])
    return message


def envelope_sender(sender: str) -> str:
    """The bare address of a From header such as `NEC <ne-pas-repondre@nec.localhost>`."""
    addresses = getaddresses([sender])
    return addresses[0][1] if addresses else sender


# --- Transports -------------------------------------------------------------------------------------


class DeliveryError(Exception):
    """A delivery failed but may succeed later: the message is retried after a delay."""


class PermanentDeliveryError(DeliveryError):
    """The server refused the message for good (5xx, bad address): retrying would not help."""


class ServerUnavailable(DeliveryError):
    """The mail server (or folder) cannot be reached or refuses us: stop this pass, retry later."""


class UncertainDelivery(DeliveryError):
    """The connection broke after the message was handed over: it may have been sent, do not resend."""


@dataclass(frozen=True)
class MailURL:
    """NEC_MAIL_URL, parsed: `file:///dir`, `smtp://`, `smtp+starttls://` or `smtps://user:pass@host:port`."""

    scheme: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)
    path: str = ""

    @property
    def tls(self) -> str:
        return {"smtp": "none", "smtp+starttls": "starttls", "smtps": "implicit"}.get(self.scheme, "none")


DEFAULT_PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


def parse_mail_url(url: str) -> MailURL:
    """Parse NEC_MAIL_URL; credentials are percent-decoded (`p%40ss` is `p@ss`)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "file":
        # file:///abs/dir is the norm; file://dir (no third slash) is read as a relative folder.
        netloc = "" if parts.netloc in ("", "localhost") else parts.netloc
        path = unquote(netloc + parts.path)
        if not path:
            raise ValueError("NEC_MAIL_URL file:// needs a folder, for example file:///var/lib/nec/mail")
        return MailURL(scheme="file", path=path)
    if scheme not in DEFAULT_PORTS:
        raise ValueError(f"NEC_MAIL_URL: unknown scheme {scheme!r} (file, smtp, smtp+starttls or smtps)")
    if not parts.hostname:
        raise ValueError(f"NEC_MAIL_URL: {scheme}:// needs a host, for example {scheme}://smtp.example.org")
    return MailURL(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS[scheme],
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )


class FileTransport:
    """Writes each message as `<outbox id>-<message id>.eml` into a folder (the single-machine default)."""

    def __init__(self, directory: str) -> None:
        self.directory = Path(directory)

    def __enter__(self) -> FileTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        pass

    def send(self, outbox_id: int, message: EmailMessage, mail_from: str, recipient: str) -> None:
        safe_id = re.sub(r"[^A-Za-z0-9@._-]", "_", str(message["Message-ID"]).strip("<> "))
        target = self.directory / f"{outbox_id:08d}-{safe_id}.eml"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, partial = tempfile.mkstemp(dir=self.directory, prefix=".partial-", suffix=".eml")
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes(policy=SMTP_POLICY))
            os.replace(partial, target)  # atomic: a reader never sees half a message
        except OSError as exc:
            raise ServerUnavailable(f"cannot write to {self.directory}: {exc}") from exc


class SMTPTransport:
    """Sends through an SMTP server, reusing one connection for a whole batch (opened on first use).

    With TLS the server's certificate and name are always verified, against `ca_file` (a PEM bundle,
    NEC_MAIL_CA_FILE) when given, else against the system's trust store.
    """

    def __init__(self, url: MailURL, timeout: float = SMTP_TIMEOUT, ca_file: str = "") -> None:
        self.url = url
        self.timeout = timeout
        self.ca_file = ca_file
        self.connection: smtplib.SMTP | None = None

    def __enter__(self) -> SMTPTransport:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _tls_context(self) -> ssl.SSLContext:
        try:
            return ssl.create_default_context(cafile=self.ca_file or None)
        except OSError as exc:  # a missing or unreadable file, or one without PEM certificates (ssl.SSLError)
            raise ServerUnavailable(
                f"NEC_MAIL_CA_FILE {self.ca_file}: cannot load the certificates: {_describe(exc)}"
            ) from exc

    def _connect(self) -> smtplib.SMTP:
        url = self.url
        where = f"{url.host}:{url.port}"
        context = self._tls_context() if url.tls != "none" else None
        try:
            if url.tls == "implicit":
                conn = smtplib.SMTP_SSL(url.host, url.port, timeout=self.timeout, context=context)
            else:
                conn = smtplib.SMTP(url.host, url.port, timeout=self.timeout)
            try:
                conn.ehlo_or_helo_if_needed()
                if url.tls == "starttls":
                    if not conn.has_extn("starttls"):  # never fall back to sending the password in clear
                        raise ServerUnavailable(
                            f"cannot connect to {where}: the server does not offer STARTTLS, so nothing was sent "
                            "(use smtps:// if it expects TLS from the start)"
                        )
                    conn.starttls(context=context)
                    conn.ehlo()
                if url.username:
                    conn.login(url.username, url.password)
            except BaseException:
                conn.close()
                raise
        except ssl.SSLCertVerificationError as exc:
            raise ServerUnavailable(
                f"cannot connect to {where}: its certificate is not trusted ({exc.verify_message}); if the server "
                "uses a private certificate authority, give that authority's certificate in NEC_MAIL_CA_FILE"
            ) from exc
        except smtplib.SMTPAuthenticationError as exc:
            raise ServerUnavailable(
                f"cannot connect to {where}: login refused for {url.username} ({_describe(exc)}); "
                "check the user name and password in NEC_MAIL_URL"
            ) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise ServerUnavailable(f"cannot connect to {where}: {_describe(exc)}") from exc
        return conn

    def close(self) -> None:
        if self.connection is None:
            return
        try:
            self.connection.quit()
        except (smtplib.SMTPException, OSError):
            self.connection.close()
        self.connection = None

    def _reset(self) -> None:
        """After a refusal: RSET so the connection can serve the next message, or drop it."""
        try:
            self.connection.rset()
        except (smtplib.SMTPException, OSError):
            self.connection.close()
            self.connection = None

    def send(self, outbox_id: int, message: EmailMessage, mail_from: str, recipient: str) -> None:
        if self.connection is None:
            self.connection = self._connect()
        conn = self.connection
        needs_utf8 = not (mail_from.isascii() and recipient.isascii())
        policy = SMTPUTF8_POLICY if needs_utf8 else SMTP_POLICY
        data = message.as_bytes(policy=policy)
        options = ["SMTPUTF8", "BODY=8BITMIME"] if needs_utf8 else []
        try:
            if needs_utf8 and not conn.has_extn("smtputf8"):
                raise PermanentDeliveryError("the server cannot deliver to a non-ASCII address (no SMTPUTF8)")
            code, reply = conn.mail(mail_from, options)
            if code != 250:
                self._reset()
                raise ServerUnavailable(f"sender {mail_from} refused: {code} {_text(reply)}")
            code, reply = conn.rcpt(recipient)
            if code not in (250, 251):
                self._reset()
                raise _refusal(f"recipient {recipient} refused", code, reply)
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.connection = None
            conn.close()
            raise DeliveryError(f"connection lost: {_describe(exc)}") from exc
        try:
            code, reply = conn.data(data)
        except smtplib.SMTPDataError as exc:  # DATA itself refused: nothing was handed over
            self._reset()
            raise _refusal("DATA refused", exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            self.connection = None
            conn.close()
            raise UncertainDelivery(f"connection lost while sending the message: {_describe(exc)}") from exc
        if code != 250:
            self._reset()
            raise _refusal("message refused", code, reply)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _refusal(what: str, code: int, reply: bytes | str) -> DeliveryError:
    error = PermanentDeliveryError if 500 <= code < 600 else DeliveryError
    return error(f"{what}: {code} {_text(reply)}")


def open_transport(url: str, ca_file: str | None = None):
    """The transport for NEC_MAIL_URL, to use as a context manager.

    `ca_file` defaults to the application's NEC_MAIL_CA_FILE ("" outside an application: the system's store).
    """
    parsed = parse_mail_url(url)
    if parsed.scheme == "file":
        return FileTransport(parsed.path)
    if ca_file is None:
        ca_file = current_app.config.get("NEC_MAIL_CA_FILE", "") if current_app else ""
    return SMTPTransport(parsed, ca_file=ca_file)


# --- The worker -------------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What one pass of `deliver_due` did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    uncertain: int = 0
    #: Why the pass stopped early (the server could not be reached), or "".
    stopped: str = ""

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.uncertain


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after `attempts` failed attempts: 1 min, 2, 4, ... at most 6 hours."""
    return min(FIRST_RETRY_DELAY * 2 ** min(max(attempts - 1, 0), 20), MAX_RETRY_DELAY)


def deliver_due(limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Claim and send up to `limit` due messages, one at a time; safe with many concurrent workers.

    Uses its own connections and commits as it goes (a claim must be committed before the mail server
    is contacted), so the caller's `db.session` must have nothing uncommitted. `now` is for tests.
    """
    clock: Callable[[], datetime] = (lambda: now) if now is not None else utcnow
    config = current_app.config
    sender = config["NEC_MAIL_FROM"]
    mail_from = envelope_sender(sender)
    max_attempts = max(int(config["NEC_MAIL_MAX_ATTEMPTS"]), 1)
    report = DeliveryReport()
    with open_transport(config["NEC_MAIL_URL"]) as transport:
        while report.handled < limit:
            row = _claim_next(clock())
            if row is None:
                break
            try:
                message = build_message(row, sender)
            except Exception as exc:  # an address or a subject no header can carry: never sendable
                _record_failure(row, f"cannot build the message: {exc}", clock(), max_attempts, permanent=True)
                report.failed += 1
                continue
            try:
                transport.send(row.id, message, mail_from, row.to_address)
            except UncertainDelivery as exc:
                _record_uncertain(row, str(exc))
                report.uncertain += 1
            except PermanentDeliveryError as exc:
                _record_failure(row, str(exc), clock(), max_attempts, permanent=True)
                report.failed += 1
            except DeliveryError as exc:
                if _record_failure(row, str(exc), clock(), max_attempts, permanent=False):
                    report.failed += 1
                else:
                    report.retried += 1
                if isinstance(exc, ServerUnavailable):
                    report.stopped = str(exc)
                    break
            except Exception as exc:  # a bug: we cannot tell whether it left, so never resend it blindly
                _record_uncertain(row, _describe(exc))
                raise
            else:
                _record_sent(row, clock())
                report.sent += 1
    return report


def _claim_next(now: datetime):
    """Atomically move the oldest due message from pending to sending and return its row, or None."""
    table = OutboxMessage.__table__
    with db.engine.begin() as conn:
        claimed = claim_next(
            conn,
            table,
            OutboxState.pending,
            due=table.c.next_attempt_at <= now,
            order_by=(table.c.next_attempt_at,),
            state=OutboxState.sending,
            claimed_at=now,
        )
        if claimed is None:
            return None
        return conn.execute(sa.select(table).where(table.c.id == claimed)).one()


def _claim(conn, message_id: int, now: datetime) -> bool:
    table = OutboxMessage.__table__
    return claim(conn, table, message_id, OutboxState.pending, state=OutboxState.sending, claimed_at=now)


def claim_message(message_id: int, now: datetime | None = None) -> bool:
    """Claim one pending message for sending, in its own committed transaction. False if someone else did."""
    with db.engine.begin() as conn:
        return _claim(conn, message_id, now or utcnow())


def _update_claimed(row, **values) -> None:
    """Write the outcome of a claimed message (only while it is still ours, in `sending`)."""
    table = OutboxMessage.__table__
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(table).where(table.c.id == row.id, table.c.state == OutboxState.sending).values(**values)
        )


def _record_sent(row, now: datetime) -> None:
    _update_claimed(row, state=OutboxState.sent, sent_at=now, attempts=row.attempts + 1, last_error="")


def _record_failure(row, error: str, now: datetime, max_attempts: int, *, permanent: bool) -> bool:
    """Count the attempt; back to pending after a delay, or failed. Returns True when failed."""
    attempts = row.attempts + 1
    failed = permanent or attempts >= max_attempts
    current_app.logger.warning("mail %s to %s: attempt %d failed: %s", row.id, row.to_address, attempts, error)
    _update_claimed(
        row,
        state=OutboxState.failed if failed else OutboxState.pending,
        attempts=attempts,
        last_error=error[:2000],
        next_attempt_at=now if failed else now + retry_delay(attempts),
    )
    return failed


def _record_uncertain(row, error: str) -> None:
    """Leave it in `sending`: it may have reached the server. An administrator decides (requeue-stale)."""
    current_app.logger.error("mail %s to %s: outcome unknown, not retried: %s", row.id, row.to_address, error)
    _update_claimed(row, attempts=row.attempts + 1, last_error=f"uncertain delivery, not retried: {error}"[:2000])


# --- Watching the outbox ------------------------------------------------------------------------------


def _stale_condition(now: datetime | None, older_than: timedelta):
    cutoff = (now or utcnow()) - older_than
    return sa.and_(OutboxMessage.state == OutboxState.sending, OutboxMessage.claimed_at < cutoff)


def stale_messages(now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> list[OutboxMessage]:
    """Messages stuck in `sending` (their worker died, or the outcome was uncertain), oldest claim first."""
    query = sa.select(OutboxMessage).where(_stale_condition(now, older_than)).order_by(OutboxMessage.claimed_at)
    # populate_existing: the worker writes with its own connections, so objects in the session may be stale.
    return list(db.session.scalars(query.execution_options(populate_existing=True)))


def requeue_stale(now: datetime | None = None, older_than: timedelta = STALE_AFTER) -> int:
    """Put stale `sending` messages back in the queue (they may then be received twice). The caller commits."""
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(_stale_condition(now, older_than))
        .values(state=OutboxState.pending, next_attempt_at=now or utcnow(), claimed_at=None)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def outbox_counts() -> dict[OutboxState, int]:
    """How many messages are in each state (every state present, zero included)."""
    rows = db.session.execute(sa.select(OutboxMessage.state, sa.func.count()).group_by(OutboxMessage.state))
    counts = dict.fromkeys(OutboxState, 0)
    counts.update({OutboxState(state): n for state, n in rows})
    return counts
