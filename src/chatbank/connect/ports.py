"""What connect needs from privacy (vault, audit, policy) and from the rest of the platform."""

from __future__ import annotations

from typing import Protocol


class SealingVault(Protocol):
    """Envelope encryption with a per-user data key (privacy's token vault)."""

    async def seal(self, user_id: str, plaintext: bytes, associated_data: bytes) -> bytes: ...

    async def open(self, user_id: str, sealed: bytes, associated_data: bytes) -> bytes: ...

    async def destroy_user_key(self, user_id: str) -> None: ...


class AuditTrail(Protocol):
    """Appends one entry to the user-readable, hash-chained audit log."""

    async def record(self, *, user_id: str, actor: str, action: str, purpose: str | None,
                     bank: str | None, data_class: str | None, allowed: bool,
                     code: str | None, reason: str) -> None: ...


class LinkNotifier(Protocol):
    """Tells the user (in chat) that a bank link stopped working."""

    async def link_lost(self, user_id: str, bank_name: str, why: str) -> None: ...

    async def reconfirm_due(self, user_id: str, bank_name: str) -> None: ...
