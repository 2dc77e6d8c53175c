"""PISP domestic standing orders: consents, submission, reads and payment details.

Same consent flow as domestic payments (the page shows amount, payee, first date and
frequency; approval is bound to the exact initiation). Submitting stores the standing order in
the books (so `GET /accounts/{id}/standing-orders` lists it) and its first payment as a
scheduled payment, which the bank's runner pays on FirstPaymentDateTime. The standing order's
id is derived from its consent's, so the consent is the OB resource's record.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from chatbank.bank.books import StandingOrder
from chatbank.bank.openbanking import views
from chatbank.bank.openbanking.access import client_grant, consent_grant
from chatbank.bank.openbanking.consents import STANDING_ORDER, Consent
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.idempotency import StoredResponse
from chatbank.bank.openbanking.parsing import parse_body
from chatbank.bank.openbanking.pisp import (
    PISP,
    check_initiation,
    check_submission,
    consent_json,
    status_detail,
)
from chatbank.bank.openbanking.pisp_scheduled import check_execution_time
from chatbank.bank.openbanking.posting import post_once
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime
from chatbank.bank.openbanking.schemas import (
    Initiation,
    StandingOrderConsentRequest,
    StandingOrderInitiation,
    StandingOrderRequest,
)
from chatbank.core.money import Money

router = APIRouter(prefix=PISP)
CONSENTS = "/domestic-standing-order-consents"
ORDERS = "/domestic-standing-orders"
ORDER_PREFIX = "dso_"
FIRST_PAYMENT_PREFIX = "sof_"


def _links(bank: BankRuntime, path: str) -> dict[str, Any]:
    return {"Links": {"Self": f"{bank.settings.base_url}{PISP}{path}"}, "Meta": {}}


def order_id_of(consent_id: str) -> str:
    return ORDER_PREFIX + consent_id.split("_", 1)[1]


def first_payment(initiation: dict[str, Any]) -> dict[str, Any]:
    """The first payment as a single-payment initiation (what the runner pays)."""
    reference = initiation.get("Reference") or "Standing order"
    return {"InstructionIdentification": reference, "EndToEndIdentification": reference,
            "InstructedAmount": initiation["FirstPaymentAmount"],
            "CreditorAccount": initiation["CreditorAccount"],
            "RemittanceInformation": {"Reference": reference}}


def check_order(order: StandingOrderInitiation, now: datetime) -> None:
    """Each amount as a single payment's; the first payment in the future; GBP throughout."""
    for name in ("FirstPaymentAmount", "RecurringPaymentAmount", "FinalPaymentAmount"):
        amount = getattr(order, name)
        if amount is not None:
            check_initiation(Initiation(
                InstructionIdentification="so", EndToEndIdentification="so",
                InstructedAmount=amount, CreditorAccount=order.CreditorAccount,
                DebtorAccount=order.DebtorAccount))
    check_execution_time(order.FirstPaymentDateTime, now)


def books_order(consent: Consent, order: StandingOrderInitiation) -> StandingOrder:
    initiation = consent.initiation or {}
    amount = initiation.get("RecurringPaymentAmount") or initiation["FirstPaymentAmount"]
    money = Money.from_decimal_string(amount["Amount"], amount["Currency"])
    creditor = initiation["CreditorAccount"]
    first = order.FirstPaymentDateTime.date()
    final = order.FinalPaymentDateTime
    return StandingOrder(
        id=order_id_of(consent.consent_id), account_id=consent.account_ids[0],
        frequency=initiation["Frequency"],
        reference=initiation.get("Reference") or "Standing order",
        first_payment_date=first, next_payment_date=first,
        final_payment_date=final.date() if final else None,
        amount_minor=money.amount_minor, currency=money.currency,
        creditor_name=creditor["Name"][:70], creditor_sort_code=creditor["Identification"][:6],
        creditor_account_number=creditor["Identification"][6:14], status="Active")


def order_json(consent: Consent) -> dict[str, Any]:
    return {"DomesticStandingOrderId": order_id_of(consent.consent_id),
            "ConsentId": consent.consent_id, "Status": "InitiationCompleted",
            "CreationDateTime": views.stamp(consent.status_updated_at),
            "StatusUpdateDateTime": views.stamp(consent.status_updated_at),
            "Initiation": consent.initiation}


async def consent_of_order(bank: BankRuntime, order_id: str, client_id: str) -> Consent:
    """The consumed consent behind the client's standing order; others' do not exist."""
    consent = None
    if order_id.startswith(ORDER_PREFIX):
        consent = await bank.consents.find("soc_" + order_id[len(ORDER_PREFIX):])
    if consent is None or consent.client_id != client_id or consent.kind != STANDING_ORDER \
            or consent.status != "Consumed":
        raise OBError(400, "standing_order_not_found", "UK.OBIE.Resource.NotFound",
                      "No such standing order for this client.", "DomesticStandingOrderId")
    return consent


@router.post(CONSENTS, status_code=201)
async def create_order_consent(request: Request, bank: Runtime) -> JSONResponse:
    """OBWriteDomesticStandingOrderConsent5 → a consent AwaitingAuthorisation."""
    grant = await client_grant(request, bank, "payments")

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(StandingOrderConsentRequest, raw)
        check_order(body.Data.Initiation, bank.scheduled.clock.now())
        consent = await bank.consents.create(
            STANDING_ORDER, grant.client_id, permissions=[], risk=body.Risk,
            initiation=json.loads(raw)["Data"]["Initiation"])
        return StoredResponse(201, {
            "Data": {**consent_json(consent), "Permission": "Create"}, "Risk": consent.risk,
            **_links(bank, f"{CONSENTS}/{consent.consent_id}")})

    return await post_once(request, bank, grant.client_id, "standing-order-consent", run,
                           signed=True)


@router.get(CONSENTS + "/{consent_id}")
async def get_order_consent(consent_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The consent with its status (AwaitingAuthorisation, Authorised, Rejected, Consumed)."""
    grant = await client_grant(request, bank, "payments")
    consent = await bank.consents.get_for_client(consent_id, grant.client_id, STANDING_ORDER)
    return {"Data": {**consent_json(consent), "Permission": "Create"}, "Risk": consent.risk,
            **_links(bank, f"{CONSENTS}/{consent_id}")}


@router.post(ORDERS, status_code=201)
async def create_order(request: Request, bank: Runtime) -> JSONResponse:
    """OBWriteDomesticStandingOrder3: set up exactly what the customer authorised, once."""
    grant, consent = await consent_grant(request, bank, STANDING_ORDER,
                                         ("Authorised", "Consumed"))

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(StandingOrderRequest, raw)
        check_submission(consent, body.Data.ConsentId, raw)
        initiation = consent.initiation or {}
        await bank.scheduled.create(
            consent, grant.client_id, body.Data.Initiation.FirstPaymentDateTime,
            initiation=first_payment(initiation),
            payment_id=FIRST_PAYMENT_PREFIX + consent.consent_id.split("_", 1)[1],
            standing_order=books_order(consent, body.Data.Initiation))
        stored = await consent_of_order(bank, order_id_of(consent.consent_id), grant.client_id)
        return StoredResponse(201, {"Data": order_json(stored), **_links(
            bank, f"{ORDERS}/{order_id_of(consent.consent_id)}")})

    return await post_once(request, bank, grant.client_id, "standing-order", run, signed=True)


@router.get(ORDERS + "/{order_id}")
async def get_order(order_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The standing order and its status."""
    grant = await client_grant(request, bank, "payments")
    consent = await consent_of_order(bank, order_id, grant.client_id)
    return {"Data": order_json(consent), **_links(bank, f"{ORDERS}/{order_id}")}


@router.get(ORDERS + "/{order_id}/payment-details")
async def get_order_details(order_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The first payment: Pending until FirstPaymentDateTime, then the transfer's status."""
    grant = await client_grant(request, bank, "payments")
    consent = await consent_of_order(bank, order_id, grant.client_id)
    payment = await bank.scheduled.get(
        FIRST_PAYMENT_PREFIX + consent.consent_id.split("_", 1)[1], grant.client_id,
        FIRST_PAYMENT_PREFIX)
    detail = status_detail(payment.transfer_ref or payment.payment_id,
                           await bank.scheduled.settlement_status(payment),
                           payment.status_updated_at, payment.reject_reason)
    return {"Data": {"PaymentStatus": [detail]},
            **_links(bank, f"{ORDERS}/{order_id}/payment-details")}
