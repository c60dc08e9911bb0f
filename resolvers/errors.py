"""Errors a client can cause, each with a stable code for ``extensions.code``."""

from enum import StrEnum


class ErrorCode(StrEnum):
    BAD_USER_INPUT = "BAD_USER_INPUT"


class UserInputError(Exception):
    """Bad input a client can fix; ``field`` names the argument at fault when there is one."""

    code = ErrorCode.BAD_USER_INPUT

    def __init__(self, message: str, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument
