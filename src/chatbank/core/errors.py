"""Coded errors. Every context raises a subclass of `ChatbankError` with a stable `code`.

The web layer maps codes to HTTP statuses once (`chatbank.web.errors`); messages say what went
wrong and what to do next.
"""

from __future__ import annotations

from typing import Any


class ChatbankError(Exception):
    """An expected failure with a stable machine-readable code and a human message."""

    def __init__(self, code: str, message: str, **details: Any) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {self.message!r})"


class NotFound(ChatbankError):
    """The object does not exist, or the caller may not know that it does."""


class Forbidden(ChatbankError):
    """The caller is known but may not do this."""


class Unauthenticated(ChatbankError):
    """No valid session or token was presented."""


class Conflict(ChatbankError):
    """The request clashes with the current state (e.g. a replayed id with other content)."""


class InvalidInput(ChatbankError):
    """The request is well-formed but its values are not acceptable."""


class RateLimited(ChatbankError):
    """Too many attempts; retry after `retry_after_s` seconds."""
