"""What the interbank scheme calls at this bank (`/scheme/v1`, HMAC-signed by the scheme):

- `POST /inbound-payments`: credit a customer with money from another bank, once per scheme
  payment id; a first-time credit after the scheme's `deliver_by` is refused (`payment_expired`),
  so the scheme can never credit a payee after the payer's hold may have lapsed.
- `POST /outbound-payments/{transfer_id}/settle` | `/void`: post or release this bank's hold;
  a void carries the payee bank's `reason_code` and the scheme's `reason`, which become the
  rejected OB payment's `StatusReasonDescription` (payment-details).
  A settle that arrives after the hold expired is still honoured (the payee was credited): the
  money leaves through the suspense account ("settled_late") so no money is created.

Answers are 200 with `status`; a bad signature is 401, a malformed call 400 — all coded.
"""

from __future__ import annotations

import logging
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, StrictInt, ValidationError

from chatbank.bank.books import InboundCredit
from chatbank.bank.books.payments import credit_inbound, inbound_transfer_id
from chatbank.bank.books.system_accounts import (
    TransferCode,
    interbank_account_id,
    suspense_account_id,
)
from chatbank.bank.ledger import SqlLedger, TransferKind, TransferRequest, write_transaction
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime
from chatbank.core.clock import as_utc
from chatbank.core.errors import ChatbankError, Conflict, NotFound
from chatbank.scheme.protocol import (
    API_PREFIX,
    SCHEME_PARTICIPANT,
    SignatureError,
    scheme_payment_id,
    verify_request,
)

log = logging.getLogger("chatbank.bank.scheme")
router = APIRouter(prefix=API_PREFIX, include_in_schema=False)
RELEASED = ("transfer_expired", "transfer_already_rejected")


class InboundBody(BaseModel):
    payment_id: str
    amount_minor: StrictInt
    currency: str
    creditor_sort_code: str
    creditor_account_number: str
    creditor_name: str = ""
    debtor_name: str
    reference: str
    deliver_by: datetime


class FinishBody(BaseModel):
    payment_id: str
    reason_code: str | None = None  # on a void: why the payee's bank refused (a scheme code)
    reason: str | None = None  # … and the scheme's words for it, shown to the customer


def coded(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status)


async def _verified_body(request: Request, bank: BankRuntime) -> bytes | JSONResponse:
    """The raw body when the scheme signed it, else the coded refusal to send back."""
    secret = bank.settings.scheme_secret
    if not secret:
        return coded(404, "scheme_not_configured", "This bank is not a scheme member.")
    raw = await request.body()
    try:
        verify_request(request.headers, {SCHEME_PARTICIPANT: secret}, request.method,
                       request.url.path, raw)
    except SignatureError as error:
        return coded(401, error.code, error.message)
    return raw


@router.post("/inbound-payments")
async def inbound_payment(request: Request, bank: Runtime) -> JSONResponse:
    """Accept (credit the payee once) or reject a payment from another bank."""
    raw = await _verified_body(request, bank)
    if isinstance(raw, JSONResponse):
        return raw
    try:
        body = InboundBody.model_validate_json(raw)
    except ValidationError:
        return coded(400, "invalid_inbound_payment", "Send the payment fields as JSON.")
    credit = InboundCredit(body.payment_id, body.creditor_sort_code,
                           body.creditor_account_number, body.amount_minor, body.currency,
                           body.debtor_name[:70], body.reference[:35])
    now = bank.books.clock.now()
    try:
        async with write_transaction(bank.engine) as conn:
            credit_id = inbound_transfer_id(body.payment_id)
            known = await SqlLedger(conn).lookup_transfers([credit_id])
            if not known and now > as_utc(body.deliver_by):
                return JSONResponse({"status": "rejected", "code": "payment_expired"})
            outcome = await credit_inbound(conn, credit, now)
    except ChatbankError as error:
        log.info("scheme.inbound_rejected payment_id=%s code=%s", body.payment_id, error.code)
        return JSONResponse({"status": "rejected", "code": error.code})
    return JSONResponse({"status": "accepted", "transfer_id": outcome.transfer_id,
                         "replayed": outcome.replayed})


async def _outbound_hold(bank: BankRuntime, request: Request,
                         transfer_id: str) -> FinishBody | JSONResponse:
    """The call's body when it is signed and names one of this bank's scheme holds."""
    raw = await _verified_body(request, bank)
    if isinstance(raw, JSONResponse):
        return raw
    try:
        body = FinishBody.model_validate_json(raw)
    except ValidationError:
        return coded(400, "invalid_request", "Send {\"payment_id\": ...}.")
    if body.payment_id != scheme_payment_id(bank.settings.scheme_member_id, transfer_id):
        return coded(400, "payment_mismatch", "That payment is not this transfer's.")
    hold = (await bank.books.ledger.lookup_transfers([transfer_id])).get(transfer_id)
    if (hold is None or hold.kind != TransferKind.PENDING
            or hold.code != TransferCode.FASTER_PAYMENT_OUT):
        return coded(404, "transfer_not_found", "No outbound scheme transfer has that id.")
    return body


@router.post("/outbound-payments/{transfer_id}/settle")
async def settle_outbound(transfer_id: str, request: Request, bank: Runtime) -> JSONResponse:
    """The payee was credited: the held money leaves this bank (idempotent)."""
    body = await _outbound_hold(bank, request, transfer_id)
    if isinstance(body, JSONResponse):
        return body
    try:
        await bank.books.post_outbound(transfer_id)
    except Conflict as error:
        if error.code not in RELEASED:
            return coded(409, error.code, error.message)
        await _settle_late(bank, transfer_id)
        return JSONResponse({"status": "settled_late"})
    return JSONResponse({"status": "settled"})


async def _settle_late(bank: BankRuntime, transfer_id: str) -> None:
    # The hold lapsed before the scheme could settle: the bank still owes the scheme the money,
    # so it pays it out of suspense (to recover from the customer), never creating money.
    hold = (await bank.books.ledger.lookup_transfers([transfer_id]))[transfer_id]
    result = await bank.books.ledger.create_transfer(TransferRequest(
        id=f"{transfer_id}:late", debit_account_id=suspense_account_id(hold.currency),
        credit_account_id=interbank_account_id(hold.currency), amount_minor=hold.amount_minor,
        currency=hold.currency, code=TransferCode.FASTER_PAYMENT_OUT))
    if not result.succeeded:
        raise ChatbankError(result.value, f"Late settlement refused ({result.value}).")
    log.warning("scheme.late_settlement transfer_id=%s amount_minor=%d", transfer_id,
                hold.amount_minor)


@router.post("/outbound-payments/{transfer_id}/void")
async def void_outbound(transfer_id: str, request: Request, bank: Runtime) -> JSONResponse:
    """The payee refused: release the hold (idempotent; an expired hold is already released)."""
    body = await _outbound_hold(bank, request, transfer_id)
    if isinstance(body, JSONResponse):
        return body
    if body.reason:  # written before the hold is released, so "Rejected" never lacks its reason
        await bank.payments.record_rejection(transfer_id, body.reason)
        log.info("scheme.outbound_rejected transfer_id=%s code=%s", transfer_id,
                 (body.reason_code or "")[:40])
    try:
        await bank.books.void_outbound(transfer_id)
    except NotFound:
        return coded(404, "transfer_not_found", "No outbound scheme transfer has that id.")
    except Conflict as error:
        if error.code not in RELEASED:
            return coded(409, error.code, error.message)
    return JSONResponse({"status": "voided"})
