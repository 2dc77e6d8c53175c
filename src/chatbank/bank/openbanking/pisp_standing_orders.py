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
from chatbank.bank.books.model import StandingOrderPayment
from chatbank.bank.books.standing_orders import FAILED
from chatbank.bank.openbanking import views
from chatbank.bank.openbanking.access import client_grant, consent_grant
from chatbank.bank.openbanking.consents import STANDING_ORDER, Consent
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.idempotency import StoredResponse
from chatbank.bank.openbanking.parsing import parse_body
from chatbank.bank.openbanking.payments import STATUS_BY_TRANSFER
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
from chatbank.bank.openbanking.standing import FIRST_PAYMENT_PREFIX, ORDER_PREFIX
from chatbank.bank.openbanking.standing_terms import check_schedule, day, minor
from chatbank.core.clock import as_utc

router = APIRouter(prefix=PISP)
CONSENTS = "/domestic-standing-order-consents"
ORDERS = "/domestic-standing-orders"


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
    """Each amount as a single payment's; the first payment in the future; GBP throughout; a
    Frequency this bank can schedule; later dates after the first; a whole number of payments."""
    for name in ("FirstPaymentAmount", "RecurringPaymentAmount", "FinalPaymentAmount"):
        amount = getattr(order, name)
        if amount is not None:
            check_initiation(Initiation(
                InstructionIdentification="so", EndToEndIdentification="so",
                InstructedAmount=amount, CreditorAccount=order.CreditorAccount,
                DebtorAccount=order.DebtorAccount))
    check_execution_time(order.FirstPaymentDateTime, now)
    check_schedule(order)


def books_order(consent: Consent, order: StandingOrderInitiation) -> StandingOrder:
    """The standing order as the books keep it (and AISP lists it)."""
    initiation = consent.initiation or {}
    first = minor(initiation["FirstPaymentAmount"])
    recurring = initiation.get("RecurringPaymentAmount")
    final = initiation.get("FinalPaymentAmount")
    creditor = initiation["CreditorAccount"]
    first_date = as_utc(order.FirstPaymentDateTime).date()
    return StandingOrder(
        id=order_id_of(consent.consent_id), account_id=consent.account_ids[0],
        frequency=initiation["Frequency"],
        reference=initiation.get("Reference") or "Standing order",
        first_payment_date=first_date, next_payment_date=first_date,
        final_payment_date=day(order.FinalPaymentDateTime),
        amount_minor=minor(recurring) if recurring else first,
        currency=initiation["FirstPaymentAmount"]["Currency"],
        creditor_name=creditor["Name"][:70], creditor_sort_code=creditor["Identification"][:6],
        creditor_account_number=creditor["Identification"][6:14], status="Active",
        recurring_payment_date=day(order.RecurringPaymentDateTime), first_amount_minor=first,
        final_amount_minor=minor(final) if final else None,
        number_of_payments=int(order.NumberOfPayments) if order.NumberOfPayments else None)


def order_json(consent: Consent, order: StandingOrder | None) -> dict[str, Any]:
    """OB standing order: Cancelled once the customer cancelled it at the bank."""
    cancelled = order is not None and order.cancelled_at is not None
    updated = order.cancelled_at if order and order.cancelled_at else consent.status_updated_at
    return {"DomesticStandingOrderId": order_id_of(consent.consent_id),
            "ConsentId": consent.consent_id,
            "Status": "Cancelled" if cancelled else "InitiationCompleted",
            "CreationDateTime": views.stamp(consent.status_updated_at),
            "StatusUpdateDateTime": views.stamp(updated),
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
        order = await bank.scheduled.standing.book.get(order_id_of(consent.consent_id))
        return StoredResponse(201, {"Data": order_json(stored, order), **_links(
            bank, f"{ORDERS}/{order_id_of(consent.consent_id)}")})

    return await post_once(request, bank, grant.client_id, "standing-order", run, signed=True)


@router.get(ORDERS + "/{order_id}")
async def get_order(order_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The standing order and its status."""
    grant = await client_grant(request, bank, "payments")
    consent = await consent_of_order(bank, order_id, grant.client_id)
    order = await bank.scheduled.standing.book.get(order_id)
    return {"Data": order_json(consent, order), **_links(bank, f"{ORDERS}/{order_id}")}


@router.get(ORDERS + "/{order_id}/payment-details")
async def get_order_details(order_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Every payment so far: the first (Pending until FirstPaymentDateTime, then its
    transfer's status), then each later one (its transfer's status, or Rejected and why)."""
    grant = await client_grant(request, bank, "payments")
    consent = await consent_of_order(bank, order_id, grant.client_id)
    payment = await bank.scheduled.get(
        FIRST_PAYMENT_PREFIX + consent.consent_id.split("_", 1)[1], grant.client_id,
        FIRST_PAYMENT_PREFIX)
    details = [status_detail(payment.transfer_ref or payment.payment_id,
                             await bank.scheduled.settlement_status(payment),
                             payment.status_updated_at, payment.reject_reason)]
    for later in await bank.scheduled.standing.book.history([order_id]):
        if later.sequence > 1:
            details.append(status_detail(
                later.transfer_ref or f"{order_id}-{later.sequence}",
                await later_status(bank, later), later.recorded_at or later.claimed_at,
                later.reason))
    return {"Data": {"PaymentStatus": details},
            **_links(bank, f"{ORDERS}/{order_id}/payment-details")}


async def later_status(bank: BankRuntime, later: StandingOrderPayment) -> str:
    """OB payment status of a later payment: its transfer's, Rejected, or Pending (claimed)."""
    if later.transfer_ref is not None:
        outcome = await bank.books.transfer_outcome(later.transfer_ref)
        return STATUS_BY_TRANSFER[outcome.status]
    return "Rejected" if later.status == FAILED else "Pending"
