"""The privacy context's coded error."""

from __future__ import annotations

from chatbank.core.errors import ChatbankError


class PrivacyError(ChatbankError):
    """A privacy-context failure that is not a refused read (those are `Decision`s)."""
