"""Domain errors: raised by services when a rule forbids a change; the message is for the user."""

from __future__ import annotations


class DomainError(Exception):
    """A change the rules forbid. `field` names the form field at fault, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
