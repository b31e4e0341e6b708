"""What a speaker can fix: the speaker side's error, with a French message that says what to do."""

from __future__ import annotations

from nec.core.errors import UserError


class ProposalError(UserError):
    """Something the speaker can fix; the message is in French and says what to do."""


class IncompleteProposal(ProposalError):
    """A proposal sent before it is complete: each problem with the form field it belongs to (or None)."""

    def __init__(self, problems: list[tuple[str | None, str]]) -> None:
        super().__init__(" ".join(message for _field, message in problems))
        self.problems = problems


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()
