"""Fixtures of the security guards: the attacked world, and requests sent as one of its people."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from nec.extensions import db
from tests.security.world import World, build_world
from tests.support.web import log_in


@pytest.fixture
def world(app, monkeypatch) -> World:
    # A generator run started by a guard is only queued (as with NEC_GENERATOR_WORKER), never computed
    # by a thread that would outlive the test.
    monkeypatch.setitem(app.config, "NEC_GENERATOR_WORKER", True)
    return build_world()


@dataclass
class Answer:
    """What a request got: the response, or the exception the application raised (a 500)."""

    status: int
    location: str
    body: bytes
    content_type: str
    error: str = ""  # "ExceptionType: message" when the application raised


@pytest.fixture
def send(app, world):
    """send(role, method, url, data=None, **kw) -> Answer, from a fresh client signed in as `role`."""

    def request(role: str, method: str, url: str, data=None, **kw) -> Answer:
        client = app.test_client()
        user = world.user(role)
        if user is not None:
            log_in(client, user)
        try:
            response = client.open(url, method=method, data=data, **kw)
        except Exception as exc:  # TESTING propagates the application's exceptions: each one is a 500
            db.session.rollback()
            text = re.sub(r"\(raised as a result of Query-invoked autoflush;[^)]*\)", "", " ".join(str(exc).split()))
            return Answer(500, "", b"", "", f"{type(exc).__name__}: {text.strip()[:160]}")
        finally:
            db.session.expire_all()
        return Answer(
            response.status_code,
            response.headers.get("Location", ""),
            response.get_data(),
            response.headers.get("Content-Type", ""),
        )

    return request
