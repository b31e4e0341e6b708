"""What a speaker can fix: the speaker side's error, with a French message that says what to do."""

from __future__ import annotations

from nec.core.errors import UserError


class ProposalError(UserError):
    """Something the speaker can fix; the message is in French and says what to do."""


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()
