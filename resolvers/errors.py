"""Errors a client can cause; ``schema.errors`` reports them with the code ``BAD_USER_INPUT``."""


class UserInputError(Exception):
    """Bad input a client can fix; ``argument`` names the argument at fault when there is one."""

    def __init__(self, message: str, argument: str | None = None) -> None:
        super().__init__(message)
        self.argument = argument
