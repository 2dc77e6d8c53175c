"""The shared path of every OB POST: verify the JWS (PISP), then run once per idempotency key."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse

from chatbank.bank.openbanking.idempotency import StoredResponse, check_key
from chatbank.bank.openbanking.jws import verify_detached
from chatbank.bank.openbanking.runtime import BankRuntime


async def post_once(
    request: Request, bank: BankRuntime, client_id: str, operation: str,
    run: Callable[[bytes], Awaitable[StoredResponse]], *, signed: bool,
) -> JSONResponse:
    """Check the signature when `signed`; replay a stored answer for a repeated key.

    PISP POSTs must carry `x-idempotency-key` and `x-jws-signature`; on other POSTs the key is
    optional and honoured when present.
    """
    raw = await request.body()
    if signed:
        client = await bank.clients.get(client_id)
        verify_detached(request.headers.get("x-jws-signature"), raw,
                        client.jwks if client else [], client_id)
    key = check_key(request.headers.get("x-idempotency-key"), required=signed)
    if key is None:
        stored = await run(raw)
        return JSONResponse(stored.body, stored.status_code)
    stored_or_none = await bank.idempotency.replay(client_id, operation, key, raw)
    if stored_or_none is None:
        stored_or_none = await bank.idempotency.remember(client_id, operation, key, raw,
                                                         await run(raw))
    return JSONResponse(stored_or_none.body, stored_or_none.status_code)
