"""Errors a client can cause; ``schema.errors`` reports them with the code ``BAD_USER_INPUT``."""

from typing import Any


class UserInputError(Exception):
    """Bad input a client can fix; ``argument`` names the argument at fault when there is one,
    ``details`` are further ``extensions`` entries (e.g. the unknown value and a suggestion)."""

    def __init__(
        self, message: str, argument: str | None = None, details: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.argument = argument
        self.details = details or {}


class NotFoundError(UserInputError):
    """A well-formed key that names nothing (``schema.errors`` reports it as ``NOT_FOUND``):
    an item of a batch lookup, reported at that item's path."""
