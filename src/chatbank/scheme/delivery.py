"""The scheme's delivery loop: drives every unfinished payment to `settled` or `voided`.

The payments table is the outbox: after a crash or restart the loop simply finds the payments
whose next attempt is due. Each call to a bank is idempotent at the bank (keyed by the scheme
payment id or the bank's transfer id), so a call repeated after a lost answer changes nothing.
Failed calls are retried with exponential backoff, without limit: giving up could leave a payee
credited while the payer's hold is released.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from datetime import timedelta
from typing import Any

import httpx

from chatbank.core.clock import Clock, SystemClock
from chatbank.scheme.model import PaymentState, SchemePayment, retry_delay_s
from chatbank.scheme.protocol import (
    API_PREFIX,
    SCHEME_PARTICIPANT,
    reject_reason,
    sign_request,
)
from chatbank.scheme.settings import SchemeSettings
from chatbank.scheme.store import SqlPayments

log = logging.getLogger("chatbank.scheme")
BATCH = 50


class BankAnswerError(Exception):
    """A bank's answer the scheme cannot act on yet (down, 5xx, unexpected); retried later."""


class Delivery:
    """Moves payments forward by calling the payee's and the payer's banks."""

    def __init__(self, settings: SchemeSettings, store: SqlPayments, http: httpx.AsyncClient,
                 clock: Clock | None = None) -> None:
        self.settings = settings
        self.store = store
        self.http = http
        self.clock = clock or SystemClock()
        self.wake = asyncio.Event()

    async def run_forever(self) -> None:
        """Work through due payments; sleep `tick_s` (or until woken) when there are none."""
        while True:
            try:
                busy = await self.run_due()
            except Exception:  # the loop must outlive a database hiccup
                log.exception("scheme.delivery_failed")
                busy = 0
            if not busy:
                self.wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), self.settings.tick_s)

    async def run_due(self) -> int:
        """One pass over the due payments; returns how many were attempted."""
        due = await self.store.due(self.clock.now(), BATCH)
        await asyncio.gather(*(self.step(payment) for payment in due))
        return len(due)

    async def step(self, payment: SchemePayment) -> None:
        """One attempt to move `payment` to its next state."""
        try:
            if payment.state == PaymentState.SUBMITTED:
                await self._deliver(payment)
            elif payment.state in (PaymentState.ACCEPTED, PaymentState.REJECTED):
                await self._finish(payment, settle=payment.state == PaymentState.ACCEPTED)
        except (httpx.HTTPError, BankAnswerError, ValueError) as error:  # ValueError: not JSON
            delay = retry_delay_s(payment.attempts, self.settings.retry_base_s,
                                  self.settings.retry_max_s)
            now = self.clock.now()
            await self.store.postpone(payment, now + timedelta(seconds=delay),
                                      f"{type(error).__name__}: {error}", now)
            log.info("scheme.retry payment_id=%s state=%s attempts=%d delay_s=%.1f",
                     payment.payment_id, payment.state, payment.attempts + 1, delay)

    async def _deliver(self, payment: SchemePayment) -> None:
        answer = await self._call(payment.payee_bank, "/inbound-payments", {
            "payment_id": payment.payment_id, "amount_minor": payment.amount_minor,
            "currency": payment.currency, "creditor_sort_code": payment.creditor_sort_code,
            "creditor_account_number": payment.creditor_account_number,
            "creditor_name": payment.creditor_name, "debtor_name": payment.debtor_name,
            "reference": payment.reference, "deliver_by": payment.deliver_by.isoformat()})
        if answer.get("status") == "accepted":
            await self.store.move(payment.payment_id, PaymentState.SUBMITTED,
                                  PaymentState.ACCEPTED, self.clock.now())
        elif answer.get("status") == "rejected":
            await self.store.move(payment.payment_id, PaymentState.SUBMITTED,
                                  PaymentState.REJECTED, self.clock.now(),
                                  reject_code=str(answer.get("code") or "rejected"))
        else:
            raise BankAnswerError(f"unexpected answer {answer!r:.100}")
        log.info("scheme.delivered payment_id=%s status=%s", payment.payment_id,
                 answer.get("status"))
        self.wake.set()

    async def _finish(self, payment: SchemePayment, settle: bool) -> None:
        action = "settle" if settle else "void"
        path = f"/outbound-payments/{payment.payer_transfer_id}/{action}"
        body: dict[str, Any] = {"payment_id": payment.payment_id}
        if not settle:  # the payer's bank tells its customer why the payee's bank said no
            body |= {"reason_code": payment.reject_code or "rejected",
                     "reason": reject_reason(payment.reject_code)}
        await self._call(payment.payer_bank, path, body)
        await self.store.move(payment.payment_id, payment.state,
                              PaymentState.SETTLED if settle else PaymentState.VOIDED,
                              self.clock.now())
        log.info("scheme.finished payment_id=%s action=%s", payment.payment_id, action)

    async def _call(self, bank_id: str, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST a signed request to a member bank; its JSON answer, or `BankAnswerError`."""
        participant = self.settings.participant(bank_id)
        if participant is None:
            raise BankAnswerError(f"bank {bank_id} is no longer a member")
        raw = json.dumps(body).encode()
        full_path = API_PREFIX + path
        headers = sign_request(participant.secret, SCHEME_PARTICIPANT, "POST", full_path, raw)
        response = await self.http.post(
            participant.base_url.rstrip("/") + full_path, content=raw,
            headers={**headers, "content-type": "application/json"},
            timeout=self.settings.request_timeout_s)
        if response.status_code != 200:
            raise BankAnswerError(f"HTTP {response.status_code} {response.text[:120]}")
        answer: dict[str, Any] = response.json()
        return answer
