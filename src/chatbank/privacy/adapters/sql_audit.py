"""SQL adapter for the audit log: serialised appends, per-user pages, chain walking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from chatbank.core.clock import as_utc
from chatbank.privacy.adapters.tables import audit_chain_head, audit_log
from chatbank.privacy.audit import AuditEntry, AuditRecord, chain_entry
from chatbank.privacy.errors import PrivacyError

HEAD_ID = 1


def row_to_entry(row: Any) -> AuditEntry:
    return AuditEntry(
        seq=row.seq, at=as_utc(row.at), user_id=row.user_id, actor=row.actor,
        action=row.action, purpose=row.purpose, bank=row.bank, data_class=row.data_class,
        result=row.result, code=row.code, reason=row.reason, prev_hash=row.prev_hash,
        hash=row.hash,
    )


def _missing_head() -> PrivacyError:
    return PrivacyError("audit_log_not_initialised",
                        "The audit log has no chain head; run `chatbank migrate`.")


class SqlAuditLog:
    """The audit log on one open connection; `append` must run inside a transaction."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def append(self, record: AuditRecord, now: Callable[[], datetime]) -> AuditEntry:
        """Chain `record` after the current head. Writers queue on the head row's lock."""
        # Writing the head first takes the lock before anything is read: PostgreSQL locks the
        # row until commit, SQLite takes the database write lock. Two writers never fork.
        head = (await self.conn.execute(
            update(audit_chain_head).where(audit_chain_head.c.id == HEAD_ID)
            .values(last_seq=audit_chain_head.c.last_seq + 1)
            .returning(audit_chain_head.c.last_seq, audit_chain_head.c.last_hash)
        )).first()
        if head is None:
            raise _missing_head()
        entry = chain_entry(record, head.last_seq, now(), head.last_hash)
        await self.conn.execute(insert(audit_log).values(
            seq=entry.seq, at=entry.at, user_id=entry.user_id, actor=entry.actor,
            action=entry.action, purpose=entry.purpose, bank=entry.bank,
            data_class=entry.data_class, result=entry.result, code=entry.code,
            reason=entry.reason, prev_hash=entry.prev_hash, hash=entry.hash,
        ))
        await self.conn.execute(
            update(audit_chain_head).where(audit_chain_head.c.id == HEAD_ID)
            .values(last_hash=entry.hash)
        )
        return entry

    async def head(self) -> tuple[int, str]:
        """The sequence number and hash of the last entry appended."""
        row = (await self.conn.execute(
            select(audit_chain_head.c.last_seq, audit_chain_head.c.last_hash)
            .where(audit_chain_head.c.id == HEAD_ID)
        )).first()
        if row is None:
            raise _missing_head()
        return int(row.last_seq), str(row.last_hash)

    async def entries_between(self, after_seq: int, up_to_seq: int,
                              limit: int) -> list[AuditEntry]:
        """Up to `limit` entries with after_seq < seq <= up_to_seq, in order."""
        rows = await self.conn.execute(
            select(audit_log)
            .where(audit_log.c.seq > after_seq, audit_log.c.seq <= up_to_seq)
            .order_by(audit_log.c.seq).limit(limit)
        )
        return [row_to_entry(r) for r in rows]

    async def entries_for_user(self, user_id: str, limit: int,
                               before: int | None) -> list[AuditEntry]:
        """The user's newest entries first, older than `before` when given."""
        query = select(audit_log).where(audit_log.c.user_id == user_id)
        if before is not None:
            query = query.where(audit_log.c.seq < before)
        rows = await self.conn.execute(query.order_by(audit_log.c.seq.desc()).limit(limit))
        return [row_to_entry(r) for r in rows]
