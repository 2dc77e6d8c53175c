"""Payment initiation (UK OB PISP) at the payer's bank: consent, authorisation, execution, status.

Stateless on purpose: the payments context keeps the attempts (state digest, sealed PKCE
verifier) and the payment's own id, which becomes the bank's `x-idempotency-key`, so a retried
or replayed execution is answered by the bank with the one payment it already made.
Every POST is signed (`x-jws-signature`, detached PS256) with the platform's registered key.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from chatbank.connect.directory import BankDirectory, BankEntry
from chatbank.connect.model import PkcePair
from chatbank.connect.ob_client import OpenBankingClient
from chatbank.connect.signing import RequestSigner
from chatbank.core.money import Money

SORT_CODE_SCHEME = "UK.OBIE.SortCodeAccountNumber"
TRUST_ANCHOR = "openbanking.org.uk"
COMPLETED = ("AcceptedSettlementCompleted", "AcceptedCreditSettlementCompleted")
REJECTED = ("Rejected",)


class BankPaymentOutcome(StrEnum):
    """Where the bank says a payment stands, in the platform's words."""

    COMPLETED = "completed"
    REJECTED = "rejected"
    IN_PROGRESS = "in_progress"


@dataclass(frozen=True, slots=True)
class Creditor:
    """The payee's account as the payer's bank must see it (never shown in full to people)."""

    sort_code: str
    account_number: str
    name: str


@dataclass(frozen=True, slots=True)
class PaymentOrder:
    """What the payer authorises: the amount and the payee, bound at the bank."""

    instruction_id: str  # ≤ 35 chars, the payment's id
    amount: Money
    creditor: Creditor
    reference: str

    def initiation(self) -> dict[str, Any]:
        """The OB `Initiation` (amount as a decimal string: the only place it is one)."""
        return {
            "InstructionIdentification": self.instruction_id[:35],
            "EndToEndIdentification": self.instruction_id[:35],
            "LocalInstrument": "UK.OBIE.FPS",
            "InstructedAmount": {"Amount": self.amount.to_decimal_string(),
                                 "Currency": self.amount.currency},
            "CreditorAccount": {"SchemeName": SORT_CODE_SCHEME,
                                "Identification": self.creditor.sort_code
                                + self.creditor.account_number,
                                "Name": self.creditor.name[:70]},
            "RemittanceInformation": {"Reference": (self.reference or "chatbank")[:35],
                                      "Unstructured": (self.reference or "chatbank")[:140]},
        }


@dataclass(frozen=True, slots=True)
class AuthorisationStart:
    """Where to send the payer's browser, and what to keep (hashed/sealed) to finish."""

    url: str
    state: str
    verifier: str


@dataclass(frozen=True, slots=True)
class BankPayment:
    payment_id: str
    status: str
    reason: str | None = None

    @property
    def outcome(self) -> BankPaymentOutcome:
        if self.status in COMPLETED:
            return BankPaymentOutcome.COMPLETED
        if self.status in REJECTED:
            return BankPaymentOutcome.REJECTED
        return BankPaymentOutcome.IN_PROGRESS


class PaymentInitiation:
    """The PISP calls, one method per step of the flow."""

    def __init__(self, directory: BankDirectory, ob: OpenBankingClient, key: RequestSigner,
                 callback_url: str) -> None:
        self.directory, self.ob, self.key = directory, ob, key
        self.callback_url = callback_url

    def _signer(self, bank: BankEntry) -> Any:
        return lambda raw: self.key.sign_detached(raw, bank.client_id, TRUST_ANCHOR)

    async def create_consent(self, bank_id: str, order: PaymentOrder,
                             idempotency_key: str) -> str:
        """`POST /domestic-payment-consents`; returns the consent id (AwaitingAuthorisation)."""
        bank = self.directory.get(bank_id)
        token = await self.ob.client_token(bank, "payments")
        body = await self.ob.api(bank, "POST", "pisp", "/domestic-payment-consents", token,
                                 {"Data": {"Initiation": order.initiation()}, "Risk": {}},
                                 idempotency_key=idempotency_key, signer=self._signer(bank))
        return str(body["Data"]["ConsentId"])

    async def start_authorisation(self, bank_id: str, consent_id: str) -> AuthorisationStart:
        """PAR + PKCE: the URL of the payer's bank page showing the amount and the payee."""
        bank = self.directory.get(bank_id)
        pkce, state = PkcePair.new(), secrets.token_urlsafe(32)
        url = await self.ob.push_authorisation(bank, consent_id, "openid payments",
                                               self.callback_url, state,
                                               secrets.token_urlsafe(16), pkce.challenge)
        return AuthorisationStart(url, state, pkce.verifier)

    async def exchange_code(self, bank_id: str, code: str, verifier: str) -> str:
        """The payer's one-payment access token for the authorised consent."""
        bank = self.directory.get(bank_id)
        tokens = await self.ob.exchange_code(bank, code, self.callback_url, verifier)
        return tokens.access_token

    async def funds_available(self, bank_id: str, consent_id: str, token: str) -> bool:
        """Funds confirmation on the account the payer picked at the bank."""
        bank = self.directory.get(bank_id)
        body = await self.ob.api(bank, "GET", "pisp",
                                 f"/domestic-payment-consents/{consent_id}/funds-confirmation",
                                 token)
        return bool(body["Data"]["FundsAvailableResult"]["FundsAvailable"])

    async def execute(self, bank_id: str, consent_id: str, order: PaymentOrder, token: str,
                      idempotency_key: str) -> BankPayment:
        """`POST /domestic-payments` (same key → the same single payment at the bank)."""
        bank = self.directory.get(bank_id)
        body = await self.ob.api(bank, "POST", "pisp", "/domestic-payments", token,
                                 {"Data": {"ConsentId": consent_id,
                                           "Initiation": order.initiation()}, "Risk": {}},
                                 idempotency_key=idempotency_key, signer=self._signer(bank))
        return await self._with_reason(bank, body["Data"])

    async def status(self, bank_id: str, bank_payment_id: str) -> BankPayment:
        """`GET /domestic-payments/{id}` with a client token (status refreshed by the bank)."""
        bank = self.directory.get(bank_id)
        token = await self.ob.client_token(bank, "payments")
        body = await self.ob.api(bank, "GET", "pisp", f"/domestic-payments/{bank_payment_id}",
                                 token)
        return await self._with_reason(bank, body["Data"])

    async def _with_reason(self, bank: BankEntry, data: dict[str, Any]) -> BankPayment:
        payment = BankPayment(str(data["DomesticPaymentId"]), str(data["Status"]))
        if payment.outcome is not BankPaymentOutcome.REJECTED:
            return payment
        token = await self.ob.client_token(bank, "payments")
        details = await self.ob.api(bank, "GET", "pisp",
                                    f"/domestic-payments/{payment.payment_id}/payment-details",
                                    token)
        statuses = details.get("Data", {}).get("PaymentStatus") or [{}]
        reason = (statuses[0].get("StatusDetail") or {}).get("StatusReasonDescription")
        return BankPayment(payment.payment_id, payment.status,
                           str(reason) if reason else "The bank rejected the payment.")
