"""What the channels context needs from the outside world."""

from __future__ import annotations

from typing import Any, Protocol


class ChannelSender(Protocol):
    """One platform's Send API. Returns the platform's message id; raises `SendFailure`."""

    async def send(self, recipient: str, message: dict[str, Any]) -> str: ...

    async def close(self) -> None: ...


class AssistantChat(Protocol):
    """The user's chat with the assistant on chatbank's own messenger."""

    async def post_as(self, user_id: str, client_id: str, text: str) -> None:
        """Post `text` as the user (once per client id); the assistant answers it there."""
        ...

    async def client_id_of(self, message_id: str) -> str | None: ...

    async def display_name(self, user_id: str) -> str | None: ...

    async def tell(self, user_id: str, text: str) -> None:
        """A notice from the assistant in the user's chat with it on chatbank."""
        ...
