"""Proposals and speakers: submission, co-speakers, profiles, availability, consents, confirmation."""

from __future__ import annotations

from flask import current_app

from nec.core.links import external_url
from nec.core.tokens import sign, unsign
from nec.proposals.models import Session, SessionSpeaker

# Signed links sent by e-mail (no database row: accepting twice is harmless and idempotent).
CONFIRMATION_PURPOSE = "session-confirmation"
INVITATION_PURPOSE = "co-speaker-invitation"


def confirmation_token(session: Session) -> str:
    return sign({"session": session.id}, CONFIRMATION_PURPOSE)


def confirmation_url(session: Session) -> str:
    """The link an accepted session's speakers follow to confirm or decline (endpoint proposals.confirm)."""
    return external_url("proposals.confirm", ev=session.event.slug, token=confirmation_token(session))


def session_id_from_confirmation(token: str) -> int:
    """Raises nec.core.tokens.InvalidLink (with a French message) when altered or too old."""
    max_age = current_app.config.get("NEC_CONFIRMATION_MAX_AGE", 60 * 24 * 3600)
    return int(unsign(token, CONFIRMATION_PURPOSE, max_age)["session"])


def invitation_token(part: SessionSpeaker) -> str:
    return sign({"part": part.id, "email": part.speaker.email}, INVITATION_PURPOSE)


def invitation_url(part: SessionSpeaker) -> str:
    """The link a co-speaker follows to accept or decline (endpoint proposals.invitation)."""
    return external_url("proposals.invitation", ev=part.session.event.slug, token=invitation_token(part))


def invitation_from_token(token: str) -> dict:
    """{"part": SessionSpeaker id, "email": invited address}; raises InvalidLink."""
    max_age = current_app.config.get("NEC_INVITATION_LINK_MAX_AGE", 30 * 24 * 3600)
    return unsign(token, INVITATION_PURPOSE, max_age)
