"""Domestic scheduled payments: stored when the third party submits them, executed by the bank
when their RequestedExecutionDateTime arrives.

The ledger transfer's idempotency id is derived from the payment id, so a payment runs once
even if two runners (or a restarted bank) pick it up: the second transfer is a replay.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.bank.books import BankBooks, StandingOrder
from chatbank.bank.books.sql_arrangements import SqlArrangements
from chatbank.bank.openbanking.consents import Consent, Consents
from chatbank.bank.openbanking.errors import OBError
from chatbank.bank.openbanking.payments import STATUS_BY_TRANSFER, transfer_request
from chatbank.bank.openbanking.standing import StandingOrderRunner
from chatbank.bank.openbanking.tables import consents as consent_table
from chatbank.bank.openbanking.tables import scheduled_payments
from chatbank.core.clock import Clock, SystemClock, as_utc
from chatbank.core.errors import ChatbankError, NotFound
from chatbank.core.ids import new_id

log = logging.getLogger(__name__)
SCHEDULED = "InitiationCompleted"
FAILED = "InitiationFailed"
POLL_INTERVAL_S = 1.0
BATCH = 100


@dataclass(frozen=True)
class ScheduledPayment:
    payment_id: str
    consent_id: str
    client_id: str
    customer_id: str
    status: str
    initiation: dict[str, Any]
    debtor_account_id: str
    execute_at: datetime
    executed_at: datetime | None
    transfer_ref: str | None
    reject_reason: str | None
    created_at: datetime
    status_updated_at: datetime

    @classmethod
    def from_row(cls, row: Any) -> ScheduledPayment:
        values = dict(row)
        for name in ("execute_at", "created_at", "status_updated_at"):
            values[name] = as_utc(values[name])
        if values["executed_at"] is not None:
            values["executed_at"] = as_utc(values["executed_at"])
        return cls(**values)

    def ledger_idempotency_id(self) -> str:
        return f"ob-scheduled:{self.payment_id}"


class ScheduledPayments:
    """Stores scheduled payments and executes the due ones (on the injectable clock)."""

    def __init__(self, engine: AsyncEngine, consents: Consents, books: BankBooks,
                 clock: Clock | None = None) -> None:
        self.engine = engine
        self.consents = consents
        self.books = books
        self.clock: Clock = clock or SystemClock()
        self.standing = StandingOrderRunner(engine, books, self.clock)

    async def create(self, consent: Consent, client_id: str, execute_at: datetime, *,
                     initiation: dict[str, Any] | None = None, payment_id: str | None = None,
                     standing_order: StandingOrder | None = None) -> ScheduledPayment:
        """Consume the authorised consent and store the payment, in one transaction (with the
        standing order it is the first payment of, which then shows in the AISP listing)."""
        now = self.clock.now()
        values = {"payment_id": payment_id or new_id("dsp")[:40],
                  "consent_id": consent.consent_id,
                  "client_id": client_id, "customer_id": consent.customer_id or "",
                  "status": SCHEDULED, "initiation": initiation or consent.initiation,
                  "debtor_account_id": consent.account_ids[0], "execute_at": as_utc(execute_at),
                  "executed_at": None, "transfer_ref": None, "reject_reason": None,
                  "created_at": now, "status_updated_at": now}
        async with self.engine.begin() as conn:
            moved = await conn.execute(update(consent_table).where(
                consent_table.c.consent_id == consent.consent_id,
                consent_table.c.status == "Authorised").values(
                status="Consumed", status_updated_at=now))
            if moved.rowcount != 1:
                raise OBError(403, "consent_consumed", "UK.OBIE.Resource.InvalidConsentStatus",
                              "This scheduled payment consent was already used.")
            await conn.execute(insert(scheduled_payments).values(**values))
            if standing_order is not None:
                await SqlArrangements(conn).insert_all([standing_order])
        return ScheduledPayment.from_row(values)

    async def get(self, payment_id: str, client_id: str,
                  prefix: str = "dsp_") -> ScheduledPayment:
        """The client's scheduled payment (`sof_…` ids: a standing order's first payment, read
        through the standing order); others' do not exist for it."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(scheduled_payments).where(
                scheduled_payments.c.payment_id == payment_id))).mappings().first()
        if row is None or row["client_id"] != client_id or not payment_id.startswith(prefix):
            raise NotFound("payment_not_found", "No such scheduled payment for this client.")
        return ScheduledPayment.from_row(row)

    async def settlement_status(self, payment: ScheduledPayment) -> str:
        """Where the money stands: Pending until executed, then the ledger transfer's status."""
        if payment.status == FAILED:
            return "Rejected"
        if payment.transfer_ref is None:
            return "Pending"
        outcome = await self.books.transfer_outcome(payment.transfer_ref)
        return STATUS_BY_TRANSFER[outcome.status]

    async def run_due(self) -> int:
        """Execute every payment whose time has come, then the standing orders' later
        payments; returns how many were executed now."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(select(scheduled_payments).where(
                scheduled_payments.c.executed_at.is_(None),
                scheduled_payments.c.status == SCHEDULED,
                scheduled_payments.c.execute_at <= self.clock.now()).order_by(
                scheduled_payments.c.execute_at).limit(BATCH))).mappings().all()
        for row in rows:
            await self._execute(ScheduledPayment.from_row(row))
        return len(rows) + await self.standing.run_due()

    async def _execute(self, payment: ScheduledPayment) -> None:
        consent = await self.consents.find(payment.consent_id)
        assert consent is not None  # the payment was created from it
        values: dict[str, Any]
        try:
            outcome = await self.books.domestic_transfer(payment.customer_id, transfer_request(
                consent, payment.initiation, payment.ledger_idempotency_id()))
            values = {"transfer_ref": outcome.transfer_id}
        except ChatbankError as error:
            values = {"status": FAILED, "reject_reason": f"{error.code}: {error.message}"[:200]}
        now = self.clock.now()
        async with self.engine.begin() as conn:
            await conn.execute(update(scheduled_payments).where(
                scheduled_payments.c.payment_id == payment.payment_id,
                scheduled_payments.c.executed_at.is_(None)).values(
                executed_at=now, status_updated_at=now, **values))

    async def run_forever(self, interval_s: float = POLL_INTERVAL_S) -> None:
        """The bank's background runner: look for due payments every `interval_s`."""
        while True:
            try:
                await self.run_due()
            except Exception:  # keep the runner alive; the next round retries
                log.exception("scheduled payments round failed")
            await asyncio.sleep(interval_s)
