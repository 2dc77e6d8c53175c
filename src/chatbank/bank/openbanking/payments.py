"""Domestic payments: executed once per authorised consent through the books' transfer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.books import BankBooks, DomesticTransferRequest, TransferStatus
from chatbank.bank.openbanking.consents import Consent, Consents
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.tables import consents as consent_table
from chatbank.bank.openbanking.tables import domestic_payments, idempotency_records
from chatbank.core.clock import as_utc, utc_now
from chatbank.core.errors import ChatbankError, NotFound
from chatbank.core.ids import new_id
from chatbank.core.money import Money

IN_FLIGHT = "Pending"
STATUS_BY_TRANSFER = {
    TransferStatus.BOOKED: "AcceptedSettlementCompleted",
    TransferStatus.SETTLED: "AcceptedSettlementCompleted",
    TransferStatus.PENDING: "AcceptedSettlementInProcess",
    TransferStatus.REJECTED: "Rejected",
}


@dataclass(frozen=True)
class DomesticPayment:
    payment_id: str
    consent_id: str
    client_id: str
    status: str
    initiation: dict[str, Any]
    debtor_account_id: str
    transfer_ref: str | None
    reject_reason: str | None
    created_at: datetime
    status_updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> DomesticPayment:
        values = dict(row)
        values["created_at"] = as_utc(values["created_at"])
        values["status_updated_at"] = as_utc(values["status_updated_at"])
        return cls(**values)


def transfer_request(consent: Consent, initiation: dict[str, Any],
                     idempotency_id: str | None = None) -> DomesticTransferRequest:
    """The books' transfer for this consent; its idempotency id is the consent id unless
    given (a scheduled payment uses its payment id)."""
    amount = initiation["InstructedAmount"]
    money = Money.from_decimal_string(amount["Amount"], amount["Currency"])
    creditor = initiation["CreditorAccount"]
    remittance = initiation.get("RemittanceInformation") or {}
    reference = remittance.get("Reference") or initiation["EndToEndIdentification"]
    return DomesticTransferRequest(
        idempotency_id=idempotency_id or f"ob-payment:{consent.consent_id}",
        from_account_id=consent.account_ids[0],
        creditor_sort_code=creditor["Identification"][:6],
        creditor_account_number=creditor["Identification"][6:],
        creditor_name=creditor["Name"][:70], amount_minor=money.amount_minor,
        currency=money.currency, reference=reference[:35])


class DomesticPayments:
    """Creates, executes and reads domestic payments."""

    def __init__(self, engine: AsyncEngine, consents: Consents, books: BankBooks) -> None:
        self.engine = engine
        self.consents = consents
        self.books = books

    async def _open(self, consent: Consent, client_id: str) -> DomesticPayment:
        """Consume the consent and record the payment in one transaction (or resume one)."""
        now = utc_now()
        values = {"payment_id": new_id("dp")[:40], "consent_id": consent.consent_id,
                  "client_id": client_id, "status": IN_FLIGHT, "initiation": consent.initiation,
                  "debtor_account_id": consent.account_ids[0], "transfer_ref": None,
                  "reject_reason": None, "created_at": now, "status_updated_at": now}
        try:
            async with self.engine.begin() as conn:
                moved = await conn.execute(update(consent_table).where(
                    consent_table.c.consent_id == consent.consent_id,
                    consent_table.c.status == "Authorised").values(
                    status="Consumed", status_updated_at=now))
                if moved.rowcount == 1:
                    await conn.execute(insert(domestic_payments).values(**values))
                    return DomesticPayment.from_row(values)
        except IntegrityError:
            pass
        existing = await self._by_consent(consent.consent_id)
        # A finished payment whose answer was never stored: the bank stopped between paying and
        # remembering the idempotency key, and this is the client's retry. Answer it (once paid,
        # always the same payment); a payment already answered under a key stays consumed.
        if existing is None or (existing.status != IN_FLIGHT and (
                existing.client_id != client_id or await self._answered(existing))):
            raise OBError(403, "consent_consumed", "UK.OBIE.Resource.InvalidConsentStatus",
                          "This payment consent was already used.")
        return existing

    async def _answered(self, payment: DomesticPayment) -> bool:
        """Whether an idempotency record already holds this payment's answer."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(idempotency_records.c.key).where(
                idempotency_records.c.client_id == payment.client_id,
                idempotency_records.c.operation == "domestic-payment",
                idempotency_records.c.response_body.contains(f'"{payment.payment_id}"'),
            ).limit(1))).first()
        return row is not None

    async def execute(self, consent: Consent, client_id: str) -> DomesticPayment:
        """Run the payment exactly once; a refused transfer gives a Rejected payment."""
        payment = await self._open(consent, client_id)
        if payment.status != IN_FLIGHT:
            return await self.get(payment.payment_id, client_id)
        try:
            outcome = await self.books.domestic_transfer(
                consent.customer_id or "", transfer_request(consent, payment.initiation))
            status, ref, reason = STATUS_BY_TRANSFER[outcome.status], outcome.transfer_id, None
        except ChatbankError as error:
            status, ref, reason = "Rejected", None, f"{error.code}: {error.message}"[:200]
        await self._set(payment.payment_id, status=status, transfer_ref=ref,
                        reject_reason=reason)
        return await self.get(payment.payment_id, client_id)

    async def record_rejection(self, transfer_ref: str, reason: str) -> None:
        """Why the payment behind ledger transfer `transfer_ref` was refused after it left
        (the payee's bank, through the scheme); the first reason recorded stays."""
        async with self.engine.begin() as conn:
            await conn.execute(update(domestic_payments).where(
                domestic_payments.c.transfer_ref == transfer_ref,
                domestic_payments.c.reject_reason.is_(None)).values(reject_reason=reason[:200]))

    async def get(self, payment_id: str, client_id: str) -> DomesticPayment:
        """The client's payment, its status refreshed from the books while settling."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(domestic_payments).where(
                domestic_payments.c.payment_id == payment_id))).mappings().first()
        if row is None or row["client_id"] != client_id:
            raise NotFound("payment_not_found", "No such domestic payment for this client.")
        payment = DomesticPayment.from_row(row)
        if payment.status == "AcceptedSettlementInProcess" and payment.transfer_ref:
            outcome = await self.books.transfer_outcome(payment.transfer_ref)
            fresh = STATUS_BY_TRANSFER[outcome.status]
            if fresh != payment.status:
                await self._set(payment_id, status=fresh)
                return await self.get(payment_id, client_id)
        return payment

    async def _by_consent(self, consent_id: str) -> DomesticPayment | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(domestic_payments).where(
                domestic_payments.c.consent_id == consent_id))).mappings().first()
        return DomesticPayment.from_row(row) if row is not None else None

    async def _set(self, payment_id: str, **values: Any) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(update(domestic_payments).where(
                domestic_payments.c.payment_id == payment_id).values(
                status_updated_at=utc_now(), **values))
