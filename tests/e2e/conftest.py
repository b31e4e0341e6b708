"""The real-browser harness: the application served over HTTP, driven by Debian's Chromium.

Fixtures:
- `live_server`: the real application (CSRF on, rate limits off, the demo event loaded) on 127.0.0.1
  and a free port, in a background thread. Browser tests run on SQLite unless `--db` says otherwise
  (`--db postgresql` runs them on PostgreSQL, `--db sqlite --db postgresql` on both);
- `browser`: one Chromium for the whole session (never downloaded: Debian's /usr/bin/chromium, or
  NEC_TEST_CHROMIUM). A missing Chromium fails the browser tests, it never skips them;
- `page`: a new French browser context per test, with `live_server.url` as base URL. When a test fails,
  a screenshot and the page's HTML go to test-artifacts/;
- `organiser_page`: the same, signed in as the demo organiser through the real login form;
- `mailbox`: for one test, the live server's mail goes to a real SMTP server process (the `smtp_server`
  fixture); `mailbox.deliver()` runs the outbox worker (`deliver_due`, as `flask mail send` does) in the
  live application and returns the messages the SMTP server received since the previous call.

Every test here is marked `browser` (deselect them with `-m "not browser"`).
"""

from __future__ import annotations

import os
import re
import shutil
import threading
import traceback
import uuid
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
from flask import Flask, got_request_exception
from werkzeug.serving import make_server

from nec import create_app
from nec.core.mail import deliver_due
from nec.demo import load_demo
from nec.demo_upcoming import load_upcoming
from nec.extensions import db as _db

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# Without the networking switches, Chromium keeps trying to reach Google's services, which makes it
# slow (or makes it fail) on machines without outside access; as root it needs --no-sandbox.
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
]


def pytest_collection_modifyitems(items):
    """Everything under tests/e2e/ drives the browser: mark it even if a test forgot the marker."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so that `page` knows at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# --- the application over HTTP ---------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str
    database_url: str
    organiser: tuple[str, str]  # the demo organiser's e-mail and password
    errors: list[str] = field(default_factory=list)

    def take_errors(self) -> list[str]:
        errors, self.errors[:] = list(self.errors), []
        return errors


def _fresh_database_url(db_kind: str, request, tmp_path_factory) -> str:
    """A database of its own for the live server (the unit tests empty theirs after every test)."""
    if db_kind == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('e2e-sqlite') / 'nec-e2e.sqlite3'}"
    return request.getfixturevalue("postgres_server").create_database(f"nec_e2e_{uuid.uuid4().hex[:8]}")


DEMO_PASSWORD = "mot-de-passe-de-demo-e2e"


def load_data() -> tuple[str, str]:
    """The demo events, exactly as `./scripts/run` loads them (the upcoming one dated from today); returns the
    organiser's e-mail and password (also the demo participant's password)."""
    loaded = load_demo(password=DEMO_PASSWORD)
    assert loaded is not None, "the demo event was already in a database that should be new"
    assert load_upcoming(DEMO_PASSWORD) is not None
    return loaded.organiser_email, loaded.password


@pytest.fixture
def demo_organiser(live_server) -> tuple[str, str]:
    """E-mail and password of the demo event's organiser."""
    return live_server.organiser


@pytest.fixture(scope="session")
def live_server(db_kind, request, tmp_path_factory):
    database_url = _fresh_database_url(db_kind, request, tmp_path_factory)
    instance = tmp_path_factory.mktemp("e2e-instance")
    server = make_server("127.0.0.1", 0, None, threaded=True)  # bound first: the URL must be known
    port = server.socket.getsockname()[1]
    with pytest.MonkeyPatch.context() as env:
        env.setenv("NEC_INSTANCE_PATH", str(instance))
        app = _create_live_app(database_url, instance, port)
    with app.app_context():
        _db.drop_all()
        _db.create_all()
        organiser = load_data()
        _db.session.remove()

    live = LiveServer(app=app, url=f"http://127.0.0.1:{port}", database_url=database_url, organiser=organiser)

    def record(sender, exception, **extra):
        live.errors.append("".join(traceback.format_exception(exception)))

    got_request_exception.connect(record, app, weak=False)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="nec-live-server", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _create_live_app(database_url: str, instance: Path, port: int) -> Flask:
    return create_app(
        {
            "TESTING": False,  # behave as in production: error pages, not tracebacks
            "WTF_CSRF_ENABLED": True,
            "RATELIMIT_ENABLED": False,
            "SECRET_KEY": "e2e-secret-key-not-for-production",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "NEC_BASE_URL": f"http://127.0.0.1:{port}",
            "NEC_MAIL_URL": f"file://{instance / 'mail'}",
            "NEC_STORAGE_PATH": str(instance / "files"),
            "SERVER_NAME": None,
        }
    )


# --- mail through a real SMTP server --------------------------------------------------------------


@dataclass
class Mailbox:
    live: LiveServer
    smtp: object  # tests.support.smtp.SmtpServer
    seen: int = 0

    def deliver(self) -> list[EmailMessage]:
        """Send what the outbox holds through SMTP, then return the messages received since the last call."""
        with self.live.app.app_context():
            report = deliver_due(limit=1000)
            _db.session.remove()
        assert report.sent == report.handled and not report.stopped, f"the outbox worker did not send it all: {report}"
        messages, envelopes = self.smtp.messages(), self.smtp.envelopes()
        new, self.seen = list(zip(messages, envelopes, strict=True))[self.seen :], len(messages)
        for message, envelope in new:  # the SMTP envelope goes where the To header says
            assert envelope["rcpt_tos"] == [message["To"].addresses[0].addr_spec], (envelope, message["To"])
        return [message for message, _ in new]


@pytest.fixture
def mailbox(live_server, smtp_server):
    """The live server's NEC_MAIL_URL points at a real SMTP server process for the length of the test."""
    app = live_server.app
    with app.app_context():
        deliver_due(limit=100_000)  # what earlier tests queued goes where it was meant to go (the folder)
        _db.session.remove()
    previous = app.config["NEC_MAIL_URL"]
    app.config["NEC_MAIL_URL"] = smtp_server.url
    try:
        yield Mailbox(live=live_server, smtp=smtp_server)
    finally:
        app.config["NEC_MAIL_URL"] = previous


# --- the browser -------------------------------------------------------------------------------


def chromium_path() -> str:
    """Debian's Chromium (installed by ./scripts/test); Playwright never downloads a browser here."""
    wanted = os.environ.get("NEC_TEST_CHROMIUM")
    for candidate in [wanted] if wanted else ["/usr/bin/chromium", shutil.which("chromium")]:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail(
        "Chromium est introuvable : lancez ./scripts/test, qui installe le paquet Debian « chromium » "
        "(ou indiquez son chemin dans NEC_TEST_CHROMIUM). Pour lancer les autres tests : -m 'not browser'.",
        pytrace=False,
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's failures in test-artifacts/
    args = [*CHROMIUM_ARGS, *(["--no-sandbox"] if os.geteuid() == 0 else [])]
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=executable, args=args)
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def context(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport={"width": 1280, "height": 800},
    )
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context, live_server, request):
    live_server.take_errors()  # what an earlier test left is that test's business
    page = context.new_page()
    yield page
    call = getattr(request.node, "report_call", None)
    if call is not None and call.failed:
        _save_artifacts(page, request.node.nodeid)
    errors = live_server.take_errors()
    if errors:
        pytest.fail("Le serveur a levé une exception pendant le test :\n\n" + "\n".join(errors), pytrace=False)


def _save_artifacts(page, nodeid: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid).strip("_")
    try:
        page.screenshot(path=str(ARTIFACTS / f"{stem}.png"), full_page=True)
        (ARTIFACTS / f"{stem}.html").write_text(page.content(), encoding="utf-8")
    except Exception as exc:  # a crashed page must not hide the test's own failure
        (ARTIFACTS / f"{stem}.txt").write_text(f"no screenshot: {exc!r}\n", encoding="utf-8")


def log_in(page, email: str, password: str) -> None:
    """Fill and send the real login form (CSRF token included) of the page currently shown."""
    form = page.locator("form", has=page.locator("#password"))
    form.locator("#email").fill(email)
    form.locator("#password").fill(password)
    form.locator("[type=submit]").click()


@pytest.fixture
def organiser_page(page, demo_organiser):
    page.goto("/login")
    log_in(page, *demo_organiser)
    page.wait_for_url(re.compile(r"/manage/$"))  # an organiser lands on their event's dashboard
    return page
