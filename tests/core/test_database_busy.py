"""A write while the database is busy, for real: another process holds SQLite's write lock beyond the busy
timeout. The person gets a French "réessayez" page (503, Retry-After), never a crash; and the error pages
render even when the request's session failed (they roll it back before reading anything)."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa
from flask import g

from nec import create_app
from nec.accounts.models import User
from nec.core.db import utcnow
from nec.events.models import Theme
from nec.extensions import db
from tests.conftest import TEST_SETTINGS, FreshGlobalsClient
from tests.support.events import nec_event
from tests.support.web import log_in, page_text


@pytest.fixture
def busy_app(tmp_path):
    """An application on its own SQLite file whose writes wait 0.2 s for the lock, then give up."""
    database = tmp_path / "nec.sqlite3"
    app = create_app(
        {
            **TEST_SETTINGS,
            "PROPAGATE_EXCEPTIONS": False,  # as in production: an error reaches the error pages
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "NEC_SQLITE_BUSY_TIMEOUT": 0.2,
        }
    )
    app.test_client_class = FreshGlobalsClient
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def write_lock(busy_app):
    """`with write_lock():` another connection holds SQLite's exclusive write lock on the file."""
    from contextlib import contextmanager

    path = sa.make_url(busy_app.config["SQLALCHEMY_DATABASE_URI"]).database

    @contextmanager
    def hold():
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()

    return hold


def test_a_write_while_the_database_is_locked_answers_503_in_french(busy_app, write_lock):
    organiser = User(email="orga@example.org", full_name="Odile Organisatrice", email_confirmed_at=utcnow())
    db.session.add(organiser)
    db.session.commit()
    event = nec_event(organiser)
    client = busy_app.test_client()
    log_in(client, organiser)

    with write_lock():
        response = client.post(f"/{event.slug}/manage/themes", data={"name": "Inclusion", "colour": "#123456"})

    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    text = page_text(response)
    assert "Service indisponible" in text
    assert "réessayez dans un instant" in text
    assert "Se déconnecter" in text and "NEC Sud Charente" in text  # its menu read the database, after the rollback
    db.session.remove()
    assert db.session.scalars(sa.select(Theme)).all() == []  # nothing half-written

    # Once the lock is gone, the same form goes through.
    response = client.post(f"/{event.slug}/manage/themes", data={"name": "Inclusion", "colour": "#123456"})
    assert response.status_code == 302
    assert [t.name for t in db.session.scalars(sa.select(Theme))] == ["Inclusion"]


def test_the_500_page_renders_after_a_failed_flush(busy_app):
    """A bug that leaves the session failed (here a row the database refuses, never rolled back): the 500
    page still renders its menu (the event, the signed-in person) instead of crashing on PendingRollbackError."""
    organiser = User(email="orga@example.org", full_name="Odile Organisatrice", email_confirmed_at=utcnow())
    db.session.add(organiser)
    db.session.commit()
    event = nec_event(organiser)
    event_id = event.id

    @busy_app.route("/test-only/failed-flush")
    def failed_flush():
        g.event = db.session.get(type(event), event_id)
        db.session.add(Theme(event_id=event_id, name=None, colour="#123456"))
        db.session.flush()  # IntegrityError (NOT NULL): the session now needs a rollback
        return "unreachable"

    client = busy_app.test_client()
    log_in(client, organiser)
    response = client.get("/test-only/failed-flush")

    assert response.status_code == 500
    text = page_text(response)
    assert "Une erreur inattendue s'est produite de notre côté. Réessayez dans un instant." in text
    assert "Se déconnecter" in text and "NEC Sud Charente" in text  # its menu, read after the rollback
