"""PISP routes (`/open-banking/v3.1/pisp`): domestic payment consents and domestic payments.

POSTs carry `x-jws-signature` (checked against the client's registered JWKS) and
`x-idempotency-key` (same key + same body → the same response for 24 h).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from chatbank.bank.openbanking import views
from chatbank.bank.openbanking.access import client_grant, consent_grant
from chatbank.bank.openbanking.consents import DOMESTIC_PAYMENT, Consent
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.idempotency import StoredResponse
from chatbank.bank.openbanking.parsing import parse_body
from chatbank.bank.openbanking.payments import DomesticPayment
from chatbank.bank.openbanking.posting import post_once
from chatbank.bank.openbanking.runtime import BankRuntime, Runtime
from chatbank.bank.openbanking.schemas import (
    SORT_CODE_SCHEME,
    DomesticConsentRequest,
    DomesticPaymentRequest,
    Initiation,
)
from chatbank.core.money import Money

PISP = "/open-banking/v3.1/pisp"
router = APIRouter(prefix=PISP)
AMOUNT_PATH = "Data.Initiation.InstructedAmount.Amount"
LOCAL_INSTRUMENTS = (None, "UK.OBIE.FPS")


def check_initiation(initiation: Initiation) -> None:
    """Amounts exact and positive, a known currency, UK sort code + account number only."""
    money = Money.from_decimal_string(initiation.InstructedAmount.Amount,
                                      initiation.InstructedAmount.Currency)
    if money.amount_minor <= 0:
        raise OBError(400, "amount_not_positive", "UK.OBIE.Field.Invalid",
                      "The amount must be more than zero.", AMOUNT_PATH)
    if money.currency != "GBP":
        raise OBError(400, "unsupported_currency", "UK.OBIE.Unsupported.Currency",
                      "Domestic payments are in GBP.", "Data.Initiation.InstructedAmount.Currency")
    if initiation.LocalInstrument not in LOCAL_INSTRUMENTS:
        raise OBError(400, "unsupported_local_instrument", "UK.OBIE.Unsupported.LocalInstrument",
                      "Only UK.OBIE.FPS is offered.", "Data.Initiation.LocalInstrument")
    for name, account in (("CreditorAccount", initiation.CreditorAccount),
                          ("DebtorAccount", initiation.DebtorAccount)):
        if account is None:
            continue
        if account.SchemeName != SORT_CODE_SCHEME:
            raise OBError(400, "unsupported_scheme", "UK.OBIE.Unsupported.Scheme",
                          f"Only {SORT_CODE_SCHEME} is supported.",
                          f"Data.Initiation.{name}.SchemeName")
        if not (account.Identification.isdigit() and len(account.Identification) == 14):
            raise OBError(400, "invalid_account_identifier",
                          "UK.OBIE.Unsupported.AccountIdentifier",
                          "Identification is a 6-digit sort code and 8-digit account number.",
                          f"Data.Initiation.{name}.Identification")


def check_submission(consent: Consent, consent_id: str, raw: bytes) -> None:
    """A payment submission names the token's consent and repeats its initiation exactly."""
    if consent_id != consent.consent_id:
        raise OBError(400, "consent_mismatch", "UK.OBIE.Resource.ConsentMismatch",
                      "Data.ConsentId is not the consent of this token.", "Data.ConsentId")
    if json.loads(raw)["Data"]["Initiation"] != consent.initiation:
        raise OBError(400, "initiation_mismatch", "UK.OBIE.Resource.ConsentMismatch",
                      "Data.Initiation differs from the authorised consent.", "Data.Initiation")


def status_detail(transaction_id: str, status: str, updated_at: datetime,
                  reject_reason: str | None) -> dict[str, Any]:
    """One entry of the OB payment-details `PaymentStatus` list."""
    detail: dict[str, Any] = {"PaymentTransactionId": transaction_id, "Status": status,
                              "StatusUpdateDateTime": views.stamp(updated_at)}
    if reject_reason:
        detail["StatusDetail"] = {"Status": "Rejected", "StatusReason": "ProprietaryRejection",
                                  "StatusReasonDescription": reject_reason[:256]}
    return detail


def consent_json(consent: Consent) -> dict[str, Any]:
    return {"ConsentId": consent.consent_id, "Status": consent.status,
            "CreationDateTime": views.stamp(consent.created_at),
            "StatusUpdateDateTime": views.stamp(consent.status_updated_at),
            "Initiation": consent.initiation}


def payment_json(payment: DomesticPayment) -> dict[str, Any]:
    return {"DomesticPaymentId": payment.payment_id, "ConsentId": payment.consent_id,
            "Status": payment.status, "CreationDateTime": views.stamp(payment.created_at),
            "StatusUpdateDateTime": views.stamp(payment.status_updated_at),
            "Initiation": payment.initiation}


def _self(bank: BankRuntime, path: str) -> dict[str, Any]:
    return {"Links": {"Self": f"{bank.settings.base_url}{PISP}{path}"}, "Meta": {}}


@router.post("/domestic-payment-consents", status_code=201)
async def create_payment_consent(request: Request, bank: Runtime) -> JSONResponse:
    """OBWriteDomesticConsent4 → a consent AwaitingAuthorisation."""
    grant = await client_grant(request, bank, "payments")

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(DomesticConsentRequest, raw)
        check_initiation(body.Data.Initiation)
        initiation = json.loads(raw)["Data"]["Initiation"]
        consent = await bank.consents.create(DOMESTIC_PAYMENT, grant.client_id, permissions=[],
                                             risk=body.Risk, initiation=initiation)
        return StoredResponse(201, {
            "Data": consent_json(consent), "Risk": consent.risk,
            **_self(bank, f"/domestic-payment-consents/{consent.consent_id}")})

    return await post_once(request, bank, grant.client_id, "domestic-payment-consent", run,
                           signed=True)


@router.get("/domestic-payment-consents/{consent_id}")
async def get_payment_consent(consent_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The consent with its status (AwaitingAuthorisation, Authorised, Rejected, Consumed)."""
    grant = await client_grant(request, bank, "payments")
    consent = await bank.consents.get_for_client(consent_id, grant.client_id, DOMESTIC_PAYMENT)
    return {"Data": consent_json(consent), "Risk": consent.risk,
            **_self(bank, f"/domestic-payment-consents/{consent_id}")}


@router.get("/domestic-payment-consents/{consent_id}/funds-confirmation")
async def funds_confirmation(consent_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """Whether the debtor account can pay the consented amount now."""
    _grant, consent = await consent_grant(request, bank, DOMESTIC_PAYMENT)
    if consent.consent_id != consent_id:
        raise OBError(403, "consent_mismatch", "UK.OBIE.Resource.ConsentMismatch",
                      "The token is bound to another consent.", "ConsentId")
    balances = await bank.books.balances(consent.customer_id or "", consent.account_ids[0])
    wanted = (consent.initiation or {})["InstructedAmount"]
    money = Money.from_decimal_string(wanted["Amount"], wanted["Currency"])
    return {"Data": {"FundsAvailableResult": {
        "FundsAvailableDateTime": views.stamp(balances.as_of),
        "FundsAvailable": balances.available_minor >= money.amount_minor}},
        **_self(bank, f"/domestic-payment-consents/{consent_id}/funds-confirmation")}


@router.post("/domestic-payments", status_code=201)
async def create_payment(request: Request, bank: Runtime) -> JSONResponse:
    """OBWriteDomestic2: pay exactly what the customer authorised, once."""
    grant, consent = await consent_grant(request, bank, DOMESTIC_PAYMENT,
                                         ("Authorised", "Consumed"))

    async def run(raw: bytes) -> StoredResponse:
        body = parse_body(DomesticPaymentRequest, raw)
        check_submission(consent, body.Data.ConsentId, raw)
        payment = await bank.payments.execute(consent, grant.client_id)
        return StoredResponse(201, {
            "Data": payment_json(payment),
            **_self(bank, f"/domestic-payments/{payment.payment_id}")})

    return await post_once(request, bank, grant.client_id, "domestic-payment", run, signed=True)


@router.get("/domestic-payments/{payment_id}")
async def get_payment(payment_id: str, request: Request, bank: Runtime) -> dict[str, Any]:
    """The payment and where it stands."""
    grant = await client_grant(request, bank, "payments")
    payment = await bank.payments.get(payment_id, grant.client_id)
    return {"Data": payment_json(payment), **_self(bank, f"/domestic-payments/{payment_id}")}


@router.get("/domestic-payments/{payment_id}/payment-details")
async def get_payment_details(payment_id: str, request: Request,
                              bank: Runtime) -> dict[str, Any]:
    """The payment's status history in the OB payment-details shape."""
    grant = await client_grant(request, bank, "payments")
    payment = await bank.payments.get(payment_id, grant.client_id)
    detail = status_detail(payment.transfer_ref or payment.payment_id, payment.status,
                           payment.status_updated_at, payment.reject_reason)
    return {"Data": {"PaymentStatus": [detail]},
            **_self(bank, f"/domestic-payments/{payment_id}/payment-details")}
