"""Bank links: a user's consented access to one bank, and the redirect flow that creates it."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from chatbank.privacy.policy import LinkStatus

__all__ = ["LINK_ATTEMPT_TTL", "MAX_CONSENT_AGE", "BankLink", "LinkStatus", "PkcePair"]

MAX_CONSENT_AGE = timedelta(days=365)
LINK_ATTEMPT_TTL = timedelta(minutes=10)
RECONFIRM_ASK_EVERY = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class BankLink:
    """What the user allowed chatbank to do with one bank, and the consent at the bank."""

    id: str
    user_id: str
    bank_id: str
    consent_id: str
    purposes: tuple[str, ...]
    permissions: tuple[str, ...]
    status: LinkStatus
    created_at: datetime
    expires_at: datetime
    authorised_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
    confirmed_at: datetime | None = None
    reconfirm_asked_at: datetime | None = None

    def is_usable(self, now: datetime) -> bool:
        return self.status is LinkStatus.ACTIVE and now < self.expires_at


@dataclass(frozen=True, slots=True)
class PkcePair:
    verifier: str
    challenge: str

    @classmethod
    def new(cls) -> PkcePair:
        verifier = secrets.token_urlsafe(64)
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))


def state_digest(state: str) -> str:
    """Link attempts are stored by the hash of their state, never the state itself."""
    return hashlib.sha256(state.encode()).hexdigest()
