"""Errors a user can cause: every front end shows their message to the caller alone."""


class UserError(Exception):
    """Bad input or a refused request; the message says what was wrong and how to write it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
