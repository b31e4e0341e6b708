"""The speaker's consents for a session (/<ev>/me/proposals/<id>/consents): recording, and so on."""

from __future__ import annotations

from datetime import datetime

from nec.core.audit import log_action
from nec.core.db import utcnow
from nec.proposals.models import (
    SessionSpeaker,
)

# --- consents ------------------------------------------------------------------------------------


def set_consents(
    part: SessionSpeaker, *, recording: bool | None, replay: bool | None, now: datetime | None = None
) -> bool:
    """Record the speaker's two separate consents; returns whether they changed."""
    if recording is False:
        replay = False  # nothing recorded, nothing to publish
    if (part.recording_consent, part.replay_consent) == (recording, replay):
        return False
    part.recording_consent = recording
    part.replay_consent = replay
    part.consent_updated_at = now or utcnow()
    log_action(
        "consent.updated",
        actor=part.speaker.user,
        event=part.session.event,
        target=part.session,
        recording=recording,
        replay=replay,
    )
    return True
