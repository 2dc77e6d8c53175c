"""What the messenger needs from the outside world."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from chatbank.messenger.adapters.send_path import PostOutcome, PostRequest
    from chatbank.messenger.model import Message


class EventPublisher(Protocol):
    """Delivers a real-time event to the sockets of `recipients`, on every instance.

    `text` is `event` already encoded as compact JSON, when the caller has it.
    """

    async def publish(self, recipients: list[str], event: dict[str, Any],
                      text: str | None = None) -> None: ...


class MessageWriter(Protocol):
    """Runs the send transaction (group-committed on SQLite)."""

    async def post(self, request: PostRequest) -> PostOutcome: ...

    async def close(self) -> None: ...


class MessageObserver(Protocol):
    """Told about every new message after it is stored (e.g. the assistant bot)."""

    def message_posted(self, message: Message, recipients: list[str]) -> None: ...
