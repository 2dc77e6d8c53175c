"""`x-idempotency-key`: the same key and body get the same response for 24 hours."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.tables import idempotency_records
from chatbank.core.clock import as_utc, utc_now

KEY_PATTERN = re.compile(r"^(?!\s)(.*)(\S)$")
TTL = timedelta(hours=24)


@dataclass(frozen=True)
class StoredResponse:
    status_code: int
    body: dict[str, Any]


def check_key(key: str | None, required: bool) -> str | None:
    """Validate the header per the spec (≤ 40 chars, no leading/trailing space)."""
    if key is None:
        if required:
            raise OBError(400, "idempotency_key_missing", "UK.OBIE.Header.Missing",
                          "x-idempotency-key is required.", "x-idempotency-key")
        return None
    if len(key) > 40 or not KEY_PATTERN.match(key):
        raise OBError(400, "idempotency_key_invalid", "UK.OBIE.Header.Invalid",
                      "x-idempotency-key must be 1-40 characters without edge spaces.",
                      "x-idempotency-key")
    return key


class IdempotencyStore:
    """Remembers responses per (client, operation, key)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def replay(self, client_id: str, operation: str, key: str,
                     body: bytes) -> StoredResponse | None:
        """The stored response for this key, or None; another body with the key is refused."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(idempotency_records).where(
                idempotency_records.c.client_id == client_id,
                idempotency_records.c.operation == operation,
                idempotency_records.c.key == key))).mappings().first()
        if row is None or as_utc(row["created_at"]) < utc_now() - TTL:
            return None
        if row["body_sha256"] != hashlib.sha256(body).hexdigest():
            raise OBError(400, "idempotency_key_reused", "UK.OBIE.Resource.ConsentMismatch",
                          "This x-idempotency-key was used with a different body.",
                          "x-idempotency-key")
        return StoredResponse(row["status_code"], json.loads(row["response_body"]))

    async def remember(self, client_id: str, operation: str, key: str, body: bytes,
                       response: StoredResponse) -> StoredResponse:
        """Store `response`; if a concurrent twin stored one first, return that instead."""
        keys = {"client_id": client_id, "operation": operation, "key": key}
        try:
            async with self.engine.begin() as conn:
                await conn.execute(delete(idempotency_records).where(
                    *(getattr(idempotency_records.c, k) == v for k, v in keys.items()),
                    idempotency_records.c.created_at < utc_now() - TTL))
                await conn.execute(insert(idempotency_records).values(
                    **keys, body_sha256=hashlib.sha256(body).hexdigest(),
                    status_code=response.status_code, response_body=json.dumps(response.body),
                    created_at=utc_now()))
        except IntegrityError:
            earlier = await self.replay(client_id, operation, key, body)
            if earlier is not None:
                return earlier
        return response
