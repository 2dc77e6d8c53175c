"""The NLU context's coded error."""

from __future__ import annotations

from chatbank.core.errors import ChatbankError


class NluError(ChatbankError):
    """The NLU cannot run: a missing or corrupt model artefact, or unreadable evaluation data."""
