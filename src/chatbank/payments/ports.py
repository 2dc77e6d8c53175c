"""What payments needs from the rest of the platform (the chat, the vault, the audit log)."""

from __future__ import annotations

from typing import Any, Protocol


class Chat(Protocol):
    """The conversations payments live in, and the cards that show them."""

    async def active_members(self, conversation_id: str) -> list[str]:
        """Human members (no bots) of the conversation; empty if it does not exist."""
        ...

    async def either_blocked(self, user_a: str, user_b: str) -> bool: ...

    async def display_names(self, user_ids: list[str]) -> dict[str, str]: ...

    async def post_card(self, sender_id: str, conversation_id: str, client_id: str,
                        payload: dict[str, Any]) -> str:
        """Post (once per client id) a payment card; returns the message id."""
        ...

    async def update_card(self, actor_id: str, message_id: str,
                          payload: dict[str, Any]) -> None: ...


class Receipts(Protocol):
    """Where the receipt of a completed payment is posted (once per payment)."""

    async def post_receipt(self, sender_id: str, conversation_id: str, client_id: str,
                           payload: dict[str, Any]) -> None: ...
