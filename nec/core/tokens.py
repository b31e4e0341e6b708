"""Signed, expiring links (itsdangerous), one salt per purpose so a link cannot serve another."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class InvalidLink(Exception):
    """A link that is altered, meant for something else, or too old; the message is for the person."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"nec.{purpose}")


def sign(data: Any, purpose: str) -> str:
    return _serializer(purpose).dumps(data)


def unsign(token: str, purpose: str, max_age: int) -> Any:
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise InvalidLink("Ce lien a expiré. Demandez-en un nouveau.") from exc
    except BadSignature as exc:
        raise InvalidLink(
            "Ce lien n'est pas valide. Vérifiez qu'il a été copié en entier, ou demandez-en un nouveau."
        ) from exc
