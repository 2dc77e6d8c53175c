"""Use cases of the audit log: append, show a user their own log, verify the chain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from chatbank.core.clock import Clock, SystemClock
from chatbank.core.errors import InvalidInput
from chatbank.privacy.adapters.sql_audit import SqlAuditLog
from chatbank.privacy.audit import (
    AuditEntry,
    AuditRecord,
    ChainVerifier,
    VerifyResult,
    parse_action,
)
from chatbank.privacy.purposes import parse_data_class, parse_purpose
from chatbank.privacy.wording import BankNamer, default_bank_name, describe_entry

MAX_PAGE = 200
VERIFY_BATCH = 1000


@dataclass(frozen=True, slots=True)
class AuditLine:
    """One entry as the privacy centre shows it."""

    seq: int
    at: datetime
    action: str
    allowed: bool
    code: str | None
    text: str


@dataclass(frozen=True, slots=True)
class AuditPage:
    """Newest first; pass `next_before` as `before` for the next (older) page."""

    lines: list[AuditLine]
    next_before: int | None


class AuditLog:
    """The platform's one append-only, hash-chained audit log."""

    def __init__(self, engine: AsyncEngine, clock: Clock | None = None,
                 bank_name: BankNamer = default_bank_name) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.bank_name = bank_name

    async def append(self, record: AuditRecord) -> AuditEntry:
        """Append `record` in its own transaction and return the chained entry."""
        async with self.engine.begin() as conn:
            return await self.append_in(conn, record)

    async def append_in(self, conn: AsyncConnection, record: AuditRecord) -> AuditEntry:
        """Append inside the caller's transaction, so the action and its entry commit together."""
        return await SqlAuditLog(conn).append(record, self.clock.now)

    async def record(self, *, user_id: str, actor: str, action: str, purpose: str | None,
                     bank: str | None, data_class: str | None, allowed: bool,
                     code: str | None, reason: str) -> None:
        """Append one entry from plain values (raises `unknown_audit_action`/`unknown_purpose`)."""
        await self.append(AuditRecord(
            user_id=user_id, actor=actor, action=parse_action(action),
            purpose=parse_purpose(purpose) if purpose is not None else None, bank=bank,
            data_class=parse_data_class(data_class) if data_class is not None else None,
            allowed=allowed, code=code, reason=reason,
        ))

    async def access_audit_log_by_user(self, user_id: str, limit: int = 50,
                                       before: int | None = None) -> AuditPage:
        """`user_id`'s own entries in plain words, newest first. Nobody else's are reachable."""
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput("invalid_limit", f"Ask for between 1 and {MAX_PAGE} entries.")
        async with self.engine.connect() as conn:
            entries = await SqlAuditLog(conn).entries_for_user(user_id, limit + 1, before)
        page = entries[:limit]
        lines = [AuditLine(e.seq, e.at, e.action, e.allowed, e.code,
                           describe_entry(e, self.bank_name)) for e in page]
        return AuditPage(lines, page[-1].seq if len(entries) > limit else None)

    async def verify(self) -> VerifyResult:
        """Walk the whole chain; see `verify_chain`."""
        return await verify_chain(self.engine)


async def verify_chain(engine: AsyncEngine) -> VerifyResult:
    """Recompute every hash from the first entry to the recorded head; report the first break."""
    verifier = ChainVerifier()
    async with engine.connect() as conn:
        log = SqlAuditLog(conn)
        # Read the head first: every entry up to it was committed together with it.
        head_seq, head_hash = await log.head()
        after = 0
        while after < head_seq:
            batch = await log.entries_between(after, head_seq, VERIFY_BATCH)
            if not batch:
                break
            if not all(verifier.feed(entry) for entry in batch):
                return verifier.finish(head_seq, head_hash)
            after = batch[-1].seq
    return verifier.finish(head_seq, head_hash)
