"""PISP domestic scheduled payments: consents, submission, reads and payment details.

Same flow as domestic payments (consent at the bank, SCA, approval bound to the exact
initiation including RequestedExecutionDateTime); the payment is executed by the bank's
background runner (scheduled.py) when that moment arrives.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from chatbank.bank.openbanking import views
from chatbank.bank.openbanking.access import client_grant, consent_grant
from chatbank.bank.openbanking.consents import MAX_CONSENT_DAYS, SCHEDULED_PAYMENT, Consent
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
from chatbank.bank.openbanking.posting import post_once
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime
from chatbank.bank.openbanking.scheduled import ScheduledPayment
from chatbank.bank.openbanking.schemas import ScheduledConsentRequest, ScheduledPaymentRequest
from chatbank.core.clock import as_utc

router = APIRouter(prefix=PISP)
CONSENTS = "/domestic-scheduled-payment-consents"
PAYMENTS = "/domestic-scheduled-payments"


def _links(bank: BankRuntime, path: str) -> dict[str, Any]:
    return {"Links": {"Self": f"{bank.settings.base_url}{PISP}{path}"}, "Meta": {}}


def check_execution_time(moment: datetime, now: datetime) -> None:
    """A scheduled payment is for the future, at most a year away."""
    when = as_utc(moment)
    if when <= now or when > now + timedelta(days=MAX_CONSENT_DAYS):
        raise OBError(400, "invalid_execution_date", "UK.OBIE.Field.InvalidDate",
                      "RequestedExecutionDateTime must be in the future, at most 12 months away.",
                      "Data.Initiation.RequestedExecutionDateTime")


def scheduled_consent_json(consent: Consent) -> dict[str, Any]:
    return {**consent_json(consent), "Permission": "Create"}


def scheduled_payment_json(payment: ScheduledPayment) -> dict[str, Any]:
    return {"DomesticScheduledPaymentId": payment.payment_id, "ConsentId": payment.consent_id,
            "Status": payment.status, "CreationDateTime": views.stamp(payment.created_at),
            "StatusUpdateDateTime": views.stamp(payment.status_updated_at),
            "Initiation": payment.initiation}


@router.post(CONSENTS, status_code=201)
async def create_scheduled_consent(request: Request, bank: Runtime) -> JSONResponse:
    """OBWriteDomesticScheduledConsent4 → a consent AwaitingAuthorisation."""
    grant = await client_grant(request, bank, "payments")

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(ScheduledConsentRequest, raw)
        check_initiation(body.Data.Initiation)
        check_execution_time(body.Data.Initiation.RequestedExecutionDateTime,
                             bank.scheduled.clock.now())
        initiation = json.loads(raw)["Data"]["Initiation"]
        consent = await bank.consents.create(SCHEDULED_PAYMENT, grant.client_id, permissions=[],
                                             risk=body.Risk, initiation=initiation)
        return StoredResponse(201, {
            "Data": scheduled_consent_json(consent), "Risk": consent.risk,
            **_links(bank, f"{CONSENTS}/{consent.consent_id}")})

    return await post_once(request, bank, grant.client_id, "scheduled-payment-consent", run,
                           signed=True)


@router.get(CONSENTS + "/{consent_id}")
async def get_scheduled_consent(consent_id: str, request: Request,
                                bank: Runtime) -> dict[str, Any]:
    """The consent with its status (AwaitingAuthorisation, Authorised, Rejected, Consumed)."""
    grant = await client_grant(request, bank, "payments")
    consent = await bank.consents.get_for_client(consent_id, grant.client_id, SCHEDULED_PAYMENT)
    return {"Data": scheduled_consent_json(consent), "Risk": consent.risk,
            **_links(bank, f"{CONSENTS}/{consent_id}")}


@router.post(PAYMENTS, status_code=201)
async def create_scheduled_payment(request: Request, bank: Runtime) -> JSONResponse:
    """OBWriteDomesticScheduled2: store exactly what the customer authorised, once."""
    grant, consent = await consent_grant(request, bank, SCHEDULED_PAYMENT,
                                         ("Authorised", "Consumed"))

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(ScheduledPaymentRequest, raw)
        check_submission(consent, body.Data.ConsentId, raw)
        payment = await bank.scheduled.create(
            consent, grant.client_id, body.Data.Initiation.RequestedExecutionDateTime)
        return StoredResponse(201, {"Data": scheduled_payment_json(payment),
                                    **_links(bank, f"{PAYMENTS}/{payment.payment_id}")})

    return await post_once(request, bank, grant.client_id, "scheduled-payment", run,
                           signed=True)


@router.get(PAYMENTS + "/{payment_id}")
async def get_scheduled_payment(payment_id: str, request: Request,
                                bank: Runtime) -> dict[str, Any]:
    """The scheduled payment and its status."""
    grant = await client_grant(request, bank, "payments")
    payment = await bank.scheduled.get(payment_id, grant.client_id)
    return {"Data": scheduled_payment_json(payment), **_links(bank, f"{PAYMENTS}/{payment_id}")}


@router.get(PAYMENTS + "/{payment_id}/payment-details")
async def get_scheduled_payment_details(payment_id: str, request: Request,
                                        bank: Runtime) -> dict[str, Any]:
    """Pending until the execution date, then the ledger transfer's status."""
    grant = await client_grant(request, bank, "payments")
    payment = await bank.scheduled.get(payment_id, grant.client_id)
    detail = status_detail(payment.transfer_ref or payment.payment_id,
                           await bank.scheduled.settlement_status(payment),
                           payment.status_updated_at, payment.reject_reason)
    return {"Data": {"PaymentStatus": [detail]},
            **_links(bank, f"{PAYMENTS}/{payment_id}/payment-details")}
