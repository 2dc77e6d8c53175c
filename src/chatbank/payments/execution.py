"""The bank side of a payment: consent, the payer's SCA at their bank, execution, status.

Exactly once: the callback's state is single-use; the payment moves awaiting_authorisation →
pending in one conditional update before the bank is called; the bank call carries the payment's
id as `x-idempotency-key`, so a retry after a lost answer gets the bank's first answer back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from chatbank.connect.errors import BankUnavailable
from chatbank.connect.gateway import DataGateway
from chatbank.connect.links import Links
from chatbank.connect.model import LinkStatus, state_digest
from chatbank.connect.pisp import (
    BankPayment,
    BankPaymentOutcome,
    Creditor,
    PaymentInitiation,
    PaymentOrder,
)
from chatbank.connect.ports import SealingVault
from chatbank.connect.views import balances_of
from chatbank.core.errors import ChatbankError, Conflict, Forbidden, InvalidInput
from chatbank.payments.model import AUTHORISATION_TTL, Payment, PaymentStatus, check_daily_limit
from chatbank.payments.services import Payments, start_of_day
from chatbank.payments.transactions import PaymentStore
from chatbank.privacy.purposes import DataClass, Purpose

log = logging.getLogger("chatbank.payments")
INSUFFICIENT_FUNDS = "insufficient_funds"


def _token_ad(payment_id: str) -> bytes:
    return f"payment-token:{payment_id}".encode()


def authorisation_invalid() -> Conflict:
    return Conflict("authorisation_invalid", "This bank answer was already used or is not "
                    "for a payment waiting for you; open the payment card again.")


class PaymentExecution:
    """Authorise at the payer's bank, execute once, follow the status to the end."""

    def __init__(self, payments: Payments, store: PaymentStore, pisp: PaymentInitiation,
                 links: Links, vault: SealingVault, gateway: DataGateway | None = None) -> None:
        self.payments, self.store, self.pisp = payments, store, pisp
        self.links, self.vault, self.gateway = links, vault, gateway
        self.clock = payments.clock
        # The tracker registers here: called for payments the bank has not finished yet.
        self.on_pending: Callable[[str], None] = lambda _payment_id: None

    def _bank_name(self, bank_id: str | None) -> str | None:
        return self.pisp.directory.get(bank_id).name if bank_id else None

    async def _order(self, payment: Payment) -> PaymentOrder:
        async with self.store.tx() as tx:
            creditor = await tx.creditor(payment.id)
        return PaymentOrder(payment.id, payment.amount, Creditor(**creditor),
                            payment.note or "chatbank")

    async def _payer_bank(self, user_id: str, bank_id: str | None) -> str:
        if bank_id:
            return self.pisp.directory.get(bank_id).id
        for link in await self.links.links_of(user_id):
            if link.status is LinkStatus.ACTIVE:
                return link.bank_id
        banks = self.pisp.directory.all()
        if len(banks) == 1:
            return banks[0].id
        raise InvalidInput("bank_required", "Choose the bank to pay from.")

    async def do_authorise(self, user_id: str, payment_id: str,
                           bank_id: str | None = None) -> str:
        """Create the consent at the payer's bank; return the bank page for their SCA."""
        payment = await self.payments.access_payment_by_id(user_id, payment_id)
        if payment.payer_id != user_id:
            raise Forbidden("not_payer", "Only the payer can authorise this payment.")
        payment.move(PaymentStatus.AWAITING_AUTHORISATION, self.clock.now())  # or invalid_state
        async with self.store.tx() as tx:
            spent = await tx.spent_since(user_id, start_of_day(self.clock.now()), payment.id)
        check_daily_limit(spent, payment.amount, self.payments.limits)
        bank = await self._payer_bank(user_id, bank_id)
        await self._check_known_balances(user_id, bank, payment)
        attempt = payment.attempts + 1
        consent_id = await self.pisp.create_consent(bank, await self._order(payment),
                                                    f"{payment.id}.c{attempt}")
        start = await self.pisp.start_authorisation(bank, consent_id)
        digest = state_digest(start.state)
        sealed = await self.vault.seal(user_id, start.verifier.encode(), digest.encode())
        now = self.clock.now()
        async with self.store.tx() as tx:
            if not await tx.move(payment.id, payment.status,
                                 status=PaymentStatus.AWAITING_AUTHORISATION, updated_at=now,
                                 bank_id=bank, consent_id=consent_id, attempts=attempt,
                                 reason=None):
                raise authorisation_invalid()
            await tx.insert_attempt(digest, payment, bank, consent_id, sealed, now,
                                    now + AUTHORISATION_TTL)
        await self.payments.publish(payment.id)
        if payment.status is PaymentStatus.DRAFT:
            await self.payments.record(user_id, "payment_initiated", payment, True, None,
                                       self._bank_name(bank))
        return start.url

    async def _check_known_balances(self, user_id: str, bank_id: str, payment: Payment) -> None:
        """Refuse early when the payer's linked balances at that bank cannot cover it.

        Only with a link granted for payments; any doubt (no link, bank down) lets the bank's
        own funds confirmation decide after SCA.
        """
        if self.gateway is None or not any(
                link.bank_id == bank_id and link.status is LinkStatus.ACTIVE
                and Purpose.MAKE_PAYMENTS_I_ASK_FOR.value in link.purposes
                for link in await self.links.links_of(user_id)):
            return
        try:
            result = await self.gateway.read(user_id, Purpose.MAKE_PAYMENTS_I_ASK_FOR,
                                             DataClass.BALANCES, payment.note or "payment",
                                             actor="payments", bank_id=bank_id)
        except ChatbankError:
            return
        available = [view.available for answer in result.answers
                     for view in balances_of(answer) if view.available is not None
                     and view.available.currency == payment.amount.currency]
        if result.answers and available and all(
                money.amount_minor < payment.amount.amount_minor for money in available):
            raise InvalidInput(INSUFFICIENT_FUNDS, "None of your accounts at that bank has "
                               "enough money for this payment right now.")

    async def do_complete_authorisation(self, user_id: str, state: str, code: str | None,
                                        error: str | None) -> Payment:
        """The bank sent the payer back: single-use state, same user, PKCE, then pay once."""
        now = self.clock.now()
        async with self.store.tx() as tx:
            attempt = await tx.claim_attempt(state_digest(state), now) if state else None
            payment = await tx.get(attempt.payment_id) if attempt is not None else None
        if attempt is None or payment is None:
            raise authorisation_invalid()
        if attempt.user_id != user_id:
            raise Forbidden("authorisation_other_user", "Someone else started this payment.")
        if payment.status is not PaymentStatus.AWAITING_AUTHORISATION:
            raise authorisation_invalid()  # e.g. a replayed callback: already paying
        bank_name = self._bank_name(attempt.bank_id)
        # An older attempt (the payer clicked twice) may still pay, but never undoes the latest.
        latest = payment.consent_id == attempt.consent_id
        if error or not code or attempt.expires_at.replace(tzinfo=now.tzinfo) < now:
            why = "You said no at the bank." if error == "access_denied" else (
                "The bank did not authorise the payment; try again.")
            await self.payments.record(user_id, "payment_authorised", payment, False,
                                       error or "no_code", bank_name)
            if not latest:
                raise authorisation_invalid()
            return await self.payments.move(payment, PaymentStatus.DRAFT, why)
        try:
            verifier = await self.vault.open(user_id, bytes(attempt.sealed_verifier),
                                             state_digest(state).encode())
            token = await self.pisp.exchange_code(attempt.bank_id, code, verifier.decode())
            funded = await self.pisp.funds_available(attempt.bank_id, attempt.consent_id, token)
        except ChatbankError as failure:
            await self.payments.record(user_id, "payment_authorised", payment, False,
                                       failure.code, bank_name)
            raise  # still awaiting authorisation: the payer may try again
        if not funded:
            await self.payments.record(user_id, "payment_rejected", payment, False,
                                       INSUFFICIENT_FUNDS, bank_name)
            if not latest:
                raise InvalidInput(INSUFFICIENT_FUNDS, "Not enough money in that account.")
            return await self.payments.move(payment, PaymentStatus.REJECTED,
                                            "Not enough money in the account you chose.")
        sealed = await self.vault.seal(user_id, token.encode(), _token_ad(payment.id))
        pending = await self.payments.move(payment, PaymentStatus.PENDING, None,
                                           sealed_token=sealed, bank_id=attempt.bank_id,
                                           consent_id=attempt.consent_id)
        await self.payments.record(user_id, "payment_authorised", payment, True, None,
                                   bank_name)
        return await self.execute(pending.id)

    async def execute(self, payment_id: str) -> Payment:
        """Send the pending payment to the bank (again, harmlessly) unless it already has it."""
        payment = await self.payments.reload(payment_id)
        if payment.status is not PaymentStatus.PENDING or payment.bank_payment_id:
            return payment
        assert payment.bank_id is not None and payment.consent_id is not None
        async with self.store.tx() as tx:
            sealed = await tx.sealed_token(payment.id)
        if sealed is None:
            return await self._finish(payment, BankPayment("", "Rejected",
                                                           "The authorisation was lost."))
        try:
            token = await self.vault.open(payment.payer_id, sealed, _token_ad(payment.id))
            answer = await self.pisp.execute(payment.bank_id, payment.consent_id,
                                             await self._order(payment), token.decode(),
                                             idempotency_key=payment.id)
        except BankUnavailable:
            log.warning("event=payment_execute_deferred payment=%s", payment.id)
            self.on_pending(payment.id)  # the tracker retries with the same key
            return payment
        except ChatbankError as failure:
            return await self._finish(payment, BankPayment("", "Rejected", failure.message))
        async with self.store.tx() as tx:
            await tx.set(payment.id, bank_payment_id=answer.payment_id)
        return await self._finish(await self.payments.reload(payment.id), answer)

    async def refresh(self, payment_id: str) -> Payment:
        """One look at the bank for a pending payment (execute first if it never got there)."""
        payment = await self.payments.reload(payment_id)
        if payment.status is not PaymentStatus.PENDING:
            return payment
        if not payment.bank_payment_id:
            return await self.execute(payment.id)
        assert payment.bank_id is not None
        try:
            answer = await self.pisp.status(payment.bank_id, payment.bank_payment_id)
        except ChatbankError as failure:
            log.warning("event=payment_status_failed payment=%s code=%s", payment.id,
                        failure.code)
            return payment
        return await self._finish(payment, answer)

    async def _finish(self, payment: Payment, answer: BankPayment) -> Payment:
        if answer.outcome is BankPaymentOutcome.IN_PROGRESS:
            self.on_pending(payment.id)
            return payment
        completed = answer.outcome is BankPaymentOutcome.COMPLETED
        status = PaymentStatus.COMPLETED if completed else PaymentStatus.REJECTED
        try:
            final = await self.payments.move(payment, status, None if completed else (
                answer.reason or "The bank rejected the payment."), sealed_token=None)
        except Conflict:
            return await self.payments.reload(payment.id)  # a twin finished it first
        await self.payments.record(
            payment.payer_id, "payment_completed" if completed else "payment_rejected", final,
            completed, None if completed else "rejected_by_bank", self._bank_name(payment.bank_id))
        return final
