"""What the messenger needs from the outside world."""

from __future__ import annotations

from typing import Any, Protocol


class EventPublisher(Protocol):
    """Delivers a real-time event to the sockets of `recipients`, on every instance."""

    async def publish(self, recipients: list[str], event: dict[str, Any]) -> None: ...
