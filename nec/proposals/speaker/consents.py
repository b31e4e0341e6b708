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
    session_speaker: SessionSpeaker, *, recording: bool | None, replay: bool | None, now: datetime | None = None
) -> bool:
    """Record the speaker's two separate consents; returns whether they changed."""
    if recording is False:
        replay = False  # nothing recorded, nothing to publish
    if (session_speaker.recording_consent, session_speaker.replay_consent) == (recording, replay):
        return False
    session_speaker.recording_consent = recording
    session_speaker.replay_consent = replay
    session_speaker.consent_updated_at = now or utcnow()
    log_action(
        "consent.updated",
        actor=session_speaker.speaker.user,
        event=session_speaker.session.event,
        target=session_speaker.session,
        recording=recording,
        replay=replay,
    )
    return True
