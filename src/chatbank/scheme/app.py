"""The scheme's ASGI app: member banks submit payments and read their status; a background
delivery loop (started with the app) carries each payment to the payee's and payer's banks.

`create_scheme_app(settings)` runs in-process (tests, the demo) exactly as `chatbank scheme
serve` runs it in its own process. Its tables are created on start when missing.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated, Any

import httpx
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictInt, ValidationError

from chatbank.core.clock import as_utc
from chatbank.core.errors import ChatbankError, Conflict, InvalidInput, NotFound
from chatbank.db.engine import create_engine_for_url
from chatbank.scheme.delivery import Delivery
from chatbank.scheme.model import SchemePayment, Submission
from chatbank.scheme.protocol import API_PREFIX, SignatureError, verify_request
from chatbank.scheme.services import Scheme
from chatbank.scheme.settings import SchemeSettings
from chatbank.scheme.store import SqlPayments

STATUS_OF = {InvalidInput: 400, NotFound: 404, Conflict: 409}


class SubmissionBody(BaseModel):
    transfer_id: str
    amount_minor: StrictInt
    currency: str
    creditor_sort_code: str
    creditor_account_number: str
    creditor_name: str
    debtor_name: str
    reference: str
    hold_expires_at: datetime


def error_response(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


def payment_json(payment: SchemePayment) -> dict[str, Any]:
    return {"payment_id": payment.payment_id, "state": payment.state.value,
            "reject_code": payment.reject_code, "payer_bank": payment.payer_bank,
            "payee_bank": payment.payee_bank, "amount_minor": payment.amount_minor,
            "currency": payment.currency, "transfer_id": payment.payer_transfer_id,
            "deliver_by": payment.deliver_by.isoformat(),
            "updated_at": payment.updated_at.isoformat()}


async def signed_by(request: Request) -> str:
    """The member bank that signed this request (401 with a stable code otherwise)."""
    settings: SchemeSettings = request.app.state.settings
    body = await request.body()
    try:
        signer = verify_request(request.headers, settings.secrets(), request.method,
                                request.url.path, body)
    except SignatureError as error:
        raise ChatbankError(error.code, error.message, status=401) from None
    return signer.participant


SignedBy = Annotated[str, Depends(signed_by)]


def _scheme(request: Request) -> Scheme:
    scheme: Scheme = request.app.state.scheme
    return scheme


SchemeDep = Annotated[Scheme, Depends(_scheme)]


def create_scheme_app(settings: SchemeSettings) -> FastAPI:
    """Build the scheme's app on its own database."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await asyncio.to_thread(settings.data_dir.mkdir, parents=True, exist_ok=True)
        engine = create_engine_for_url(settings.resolved_database_url)
        store = SqlPayments(engine)
        await store.create_tables()
        http = httpx.AsyncClient()
        delivery = Delivery(settings, store, http)
        app.state.settings = settings
        app.state.scheme = Scheme(settings, store)
        app.state.delivery = delivery
        worker = asyncio.create_task(delivery.run_forever(), name="scheme-delivery")
        try:
            yield
        finally:
            worker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await worker
            await http.aclose()
            await engine.dispose()

    app = FastAPI(title="chatbank interbank scheme", lifespan=lifespan, docs_url=None,
                  redoc_url=None, openapi_url=None)

    @app.exception_handler(ChatbankError)
    async def coded_error(_request: Request, error: ChatbankError) -> JSONResponse:
        status = int(error.details.get("status") or STATUS_OF.get(type(error), 400))
        return error_response(status, error.code, error.message)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "scheme"}

    @app.post(f"{API_PREFIX}/payments")
    async def submit_payment(request: Request, bank_id: SignedBy,
                             scheme: SchemeDep) -> JSONResponse:
        """A payer bank submits its held transfer: 201 new, 200 the same payment again."""
        try:
            body = SubmissionBody.model_validate_json(await request.body())
        except ValidationError:
            return error_response(400, "invalid_submission",
                                  "Send the payment fields as JSON (see docs/scheme.md).")
        submission = Submission(**{**body.model_dump(),
                                   "hold_expires_at": as_utc(body.hold_expires_at)})
        payment, created = await scheme.submit(bank_id, submission)
        if created:
            request.app.state.delivery.wake.set()
        return JSONResponse(payment_json(payment), status_code=201 if created else 200)

    @app.get(f"{API_PREFIX}/payments/{{payment_id}}")
    async def payment_status(payment_id: str, bank_id: SignedBy,
                             scheme: SchemeDep) -> dict[str, Any]:
        """Where a payment of the calling bank (as payer or payee) stands."""
        return payment_json(await scheme.status(bank_id, payment_id))

    return app
