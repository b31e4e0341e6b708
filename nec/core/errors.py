"""The one kind of error a service raises for what the user can fix (each module names its own subclass)."""

from __future__ import annotations


class UserError(Exception):
    """A change that cannot be made; `message` (French) says why and what to do, `field` where."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
