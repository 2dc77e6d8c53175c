"""Routes for payments in chats: pay, request, split, authorise at the bank, cancel, decline."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import RedirectResponse
from pydantic import Field

from chatbank.core.errors import ChatbankError
from chatbank.core.money import format_money
from chatbank.payments import PaymentsContext
from chatbank.payments.model import Payment, ReceivingAccount
from chatbank.web.deps import AuthDep, PlatformDep
from chatbank.web.schemas import Body

router = APIRouter()
AMOUNT = Field(min_length=1, max_length=32)
NOTE = Field(default="", max_length=140)
CURRENCY = Field(default="GBP", min_length=1, max_length=8)
ID = Field(min_length=1, max_length=40)
CLIENT_ID = Field(default=None, min_length=1, max_length=64)


class NewPayment(Body):
    conversation_id: str = ID
    payee_id: str = ID
    amount: str = AMOUNT
    currency: str = CURRENCY
    note: str = NOTE
    client_id: str | None = CLIENT_ID  # a retry with the same client id returns the first


class NewRequest(Body):
    conversation_id: str = ID
    payer_id: str = ID
    amount: str = AMOUNT
    currency: str = CURRENCY
    note: str = NOTE
    client_id: str | None = CLIENT_ID


class NewSplit(Body):
    conversation_id: str = ID
    payer_ids: list[str] = Field(min_length=1, max_length=20)
    total: str = AMOUNT
    currency: str = CURRENCY
    note: str = NOTE
    include_me: bool = True
    client_id: str | None = CLIENT_ID


class Authorise(Body):
    bank_id: str | None = Field(default=None, max_length=40)


class ReceivingChoice(Body):
    link_id: str = ID
    account_id: str = Field(min_length=1, max_length=64)


def payment_out(payment: Payment) -> dict[str, Any]:
    return {"id": payment.id, "kind": payment.kind.value, "status": payment.status.value,
            "conversation_id": payment.conversation_id, "message_id": payment.message_id,
            "payer_id": payment.payer_id, "payee_id": payment.payee_id,
            "amount": {"minor": payment.amount.amount_minor, "currency": payment.amount.currency,
                       "display": format_money(payment.amount)},
            "note": payment.note, "payee_account": f"••{payment.creditor_last4}",
            "reason": payment.reason, "split_id": payment.split_id,
            "expires_at": payment.expires_at.isoformat() if payment.expires_at else None,
            "created_at": payment.created_at.isoformat(),
            "updated_at": payment.updated_at.isoformat()}


def account_out(account: ReceivingAccount) -> dict[str, Any]:
    return {"bank_id": account.bank_id, "link_id": account.link_id,
            "account_id": account.account_id, "account": f"••{account.last4}",
            "label": account.label}


def receiving_out(account: ReceivingAccount | None) -> dict[str, Any]:
    return {"receiving_account": account_out(account) if account else None}


def payments_of(platform: PlatformDep) -> PaymentsContext:
    assert platform.payments is not None
    return platform.payments


@router.get("/api/v1/payments/receiving-account")
async def get_receiving(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    found = await payments_of(platform).receiving.receiving_account_of(auth.user.id)
    return receiving_out(found)


@router.get("/api/v1/payments/receiving-account/options")
async def receiving_options(auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    options = await payments_of(platform).receiving.options_of(auth.user.id)
    return {"options": [account_out(a) for a in options]}


@router.put("/api/v1/payments/receiving-account")
async def set_receiving(body: ReceivingChoice, auth: AuthDep,
                        platform: PlatformDep) -> dict[str, Any]:
    chosen = await payments_of(platform).receiving.do_set_receiving_account(
        auth.user.id, body.link_id, body.account_id)
    return receiving_out(chosen)


@router.post("/api/v1/payments", status_code=201)
async def create_payment(body: NewPayment, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    payment = await payments_of(platform).payments.do_create_payment(
        auth.user.id, body.conversation_id, body.payee_id, body.amount, body.currency, body.note,
        body.client_id)
    return {"payment": payment_out(payment)}


@router.post("/api/v1/payments/requests", status_code=201)
async def request_money(body: NewRequest, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    payment = await payments_of(platform).payments.do_request_money(
        auth.user.id, body.conversation_id, body.payer_id, body.amount, body.currency, body.note,
        body.client_id)
    return {"payment": payment_out(payment)}


@router.post("/api/v1/payments/splits", status_code=201)
async def split_bill(body: NewSplit, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    made = await payments_of(platform).payments.do_split(
        auth.user.id, body.conversation_id, body.payer_ids, body.total, body.currency,
        body.note, body.include_me, body.client_id)
    return {"payments": [payment_out(p) for p in made]}


@router.get("/api/v1/payments")
async def list_payments(auth: AuthDep, platform: PlatformDep, conversation_id: str | None = None,
                        limit: int = 50) -> dict[str, Any]:
    payments = payments_of(platform).payments
    found = (await payments.payments_in_conversation(auth.user.id, conversation_id[:40], limit)
             if conversation_id else await payments.payments_of_user(auth.user.id, limit))
    return {"payments": [payment_out(p) for p in found]}


@router.get("/api/v1/payments/{payment_id}")
async def get_payment(payment_id: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    payment = await payments_of(platform).payments.access_payment_by_id(auth.user.id, payment_id)
    return {"payment": payment_out(payment)}


@router.post("/api/v1/payments/{payment_id}/authorise")
async def authorise(payment_id: str, auth: AuthDep, platform: PlatformDep,
                    body: Authorise | None = None) -> dict[str, Any]:
    url = await payments_of(platform).execution.do_authorise(
        auth.user.id, payment_id, body.bank_id if body else None)
    return {"authorize_url": url}


@router.post("/api/v1/payments/{payment_id}/cancel")
async def cancel(payment_id: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    payment = await payments_of(platform).payments.do_cancel(auth.user.id, payment_id)
    return {"payment": payment_out(payment)}


@router.post("/api/v1/payments/{payment_id}/decline")
async def decline(payment_id: str, auth: AuthDep, platform: PlatformDep) -> dict[str, Any]:
    payment = await payments_of(platform).payments.do_decline(auth.user.id, payment_id)
    return {"payment": payment_out(payment)}


@router.get("/payments/callback", include_in_schema=False)
async def payment_callback(auth: AuthDep, platform: PlatformDep, state: str = "",
                           code: str | None = None, error: str | None = None) -> RedirectResponse:
    """The payer's bank sends the browser back here; the payment is executed (once)."""
    try:
        payment = await payments_of(platform).execution.do_complete_authorisation(
            auth.user.id, state[:200], code, error)
    except ChatbankError as failure:
        return RedirectResponse(f"/#/?payment_error={quote(failure.code)}", 303)
    return RedirectResponse(
        f"/#/c/{quote(payment.conversation_id)}?payment={quote(payment.id)}"
        f"&status={payment.status.value}", 303)
