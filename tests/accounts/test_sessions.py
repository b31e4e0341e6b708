"""Logout, a password change and account deletion end every session, server side; cookies are Secure on
https (issue 9, finding 3)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from nec import create_app
from tests.accounts.helpers import PASSWORD
from tests.conftest import TEST_SETTINGS, FreshGlobalsClient


def _log_in(client, email="camille@example.org", password=PASSWORD):
    response = client.post("/login", data={"email": email, "password": password, "remember": "y"})
    assert response.status_code == 302
    return response


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name).value for name in ("session", "remember_token")}


def _replay(app, cookies: dict[str, str], only: tuple[str, ...] = ("session", "remember_token")):
    """A fresh browser holding copies of the cookies."""
    other = app.test_client()
    for name in only:
        other.set_cookie(name, cookies[name])
    return other


@pytest.mark.parametrize("only", [("session", "remember_token"), ("session",), ("remember_token",)])
def test_cookies_copied_before_logout_sign_nobody_in_after(app, client, make_user, only):
    make_user("camille@example.org", password=PASSWORD)
    _log_in(client)
    copied = _cookies(client)
    assert _replay(app, copied, only).get("/account").status_code == 200  # the copies work before
    client.post("/logout")
    assert _replay(app, copied, only).get("/account").status_code == 302
    # Signing in again works, with new cookies.
    _log_in(client)
    assert client.get("/account").status_code == 200


def test_password_change_ends_the_other_sessions_and_remember_cookies(app, client, make_user):
    make_user("camille@example.org", password=PASSWORD)
    _log_in(client)
    elsewhere = _cookies(client)
    new = "une autre phrase assez longue"
    data = {"current_password": PASSWORD, "password": new, "password_confirm": new}
    assert client.post("/account/password", data=data).status_code == 302
    assert client.get("/account").status_code == 200  # this browser stays
    assert _replay(app, elsewhere, ("remember_token",)).get("/account").status_code == 302
    assert _replay(app, elsewhere).get("/account").status_code == 302


def test_account_deletion_ends_every_session(app, client, make_user):
    make_user("camille@example.org", password=PASSWORD)
    _log_in(client)
    copied = _cookies(client)
    response = client.post("/account/delete", data={"password": PASSWORD, "confirmation": "SUPPRIMER"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert _replay(app, copied).get("/account").status_code == 302


def test_every_cookie_is_secure_on_https_and_remember_lasts_30_days(app, monkeypatch):
    monkeypatch.setenv("NEC_BASE_URL", "https://nec.example.org")  # read by load_config, as in a deployment
    monkeypatch.delenv("NEC_SECURE_COOKIES", raising=False)
    settings = {key: value for key, value in TEST_SETTINGS.items() if key != "NEC_BASE_URL"}
    secure = create_app({**settings, **_same_database(app)})
    secure.test_client_class = FreshGlobalsClient
    with secure.app_context():
        from nec.accounts.models import User
        from nec.accounts.services import hash_password
        from nec.core.db import utcnow
        from nec.extensions import db

        db.session.add(
            User(
                email="camille@example.org",
                full_name="Camille",
                password_hash=hash_password(PASSWORD),
                email_confirmed_at=utcnow(),
            )
        )
        db.session.commit()
        client = secure.test_client()
        response = _log_in(client)
        headers = response.headers.getlist("Set-Cookie")
        db.session.remove()
    names = {header.split("=", 1)[0]: header for header in headers}
    assert set(names) >= {"session", "remember_token"}
    for header in headers:
        assert "; Secure" in header and "HttpOnly" in header, header
    expires = parsedate_to_datetime(names["remember_token"].split("Expires=")[1].split(";")[0])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=30))) < timedelta(minutes=5)


def _same_database(app) -> dict:
    return {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}


def test_remember_duration_is_configurable(tmp_path):
    from nec.config import load_config

    config = load_config(str(tmp_path), environ={"NEC_REMEMBER_DAYS": "7", "NEC_BASE_URL": "http://localhost"})
    assert config["REMEMBER_COOKIE_DURATION"] == timedelta(days=7)
    assert config["REMEMBER_COOKIE_SECURE"] is False
