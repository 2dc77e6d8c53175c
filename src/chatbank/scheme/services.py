"""The scheme's use cases for member banks: submit a payment, read where it stands."""

from __future__ import annotations

from chatbank.core.clock import Clock, SystemClock
from chatbank.core.errors import Conflict, InvalidInput, NotFound
from chatbank.scheme.model import (
    PaymentState,
    SchemePayment,
    Submission,
    check_submission,
    delivery_deadline,
)
from chatbank.scheme.protocol import scheme_payment_id
from chatbank.scheme.settings import SchemeSettings
from chatbank.scheme.store import SqlPayments


class Scheme:
    """Accepts payments from payer banks (idempotently) and answers status queries."""

    def __init__(self, settings: SchemeSettings, store: SqlPayments,
                 clock: Clock | None = None) -> None:
        self.settings = settings
        self.store = store
        self.clock = clock or SystemClock()

    async def submit(self, payer_bank: str, submission: Submission) -> tuple[SchemePayment, bool]:
        """Record the payment once; True when new. The same transfer sent again is the same
        payment (`payment_id_reused` when its content differs).

        Errors: invalid_* / amount_* / unknown_currency / hold_expired, unknown_sort_code
        (no member owns the creditor's sort code), same_bank (use the bank's own books).
        """
        now = self.clock.now()
        payment_id = scheme_payment_id(payer_bank, submission.transfer_id)
        existing = await self.store.get(payment_id)
        if existing is not None:
            return self._replayed(existing, submission), False
        check_submission(submission, now)
        payee = self.settings.route(submission.creditor_sort_code)
        if payee is None:
            raise InvalidInput("unknown_sort_code", "No member bank owns that sort code.")
        if payee.bank_id == payer_bank:
            raise InvalidInput("same_bank", "Pay customers of your own bank in your own books.")
        payment = SchemePayment(
            payment_id=payment_id, payer_bank=payer_bank,
            payer_transfer_id=submission.transfer_id, payee_bank=payee.bank_id,
            amount_minor=submission.amount_minor, currency=submission.currency,
            creditor_sort_code=submission.creditor_sort_code,
            creditor_account_number=submission.creditor_account_number,
            creditor_name=submission.creditor_name, debtor_name=submission.debtor_name,
            reference=submission.reference, state=PaymentState.SUBMITTED, reject_code=None,
            hold_expires_at=submission.hold_expires_at,
            deliver_by=delivery_deadline(now, submission.hold_expires_at), attempts=0,
            next_attempt_at=now, last_error=None, created_at=now, updated_at=now)
        if await self.store.insert(payment):
            return payment, True
        raced = await self.store.get(payment_id)  # the same submission arrived twice at once
        if raced is None:
            raise Conflict("payment_id_reused", "The transfer id clashes with another payment.")
        return self._replayed(raced, submission), False

    @staticmethod
    def _replayed(existing: SchemePayment, submission: Submission) -> SchemePayment:
        if not existing.same_content(submission):
            raise Conflict("payment_id_reused",
                           "This transfer id was already submitted with other details.")
        return existing

    async def status(self, bank_id: str, payment_id: str) -> SchemePayment:
        """The payment, for its payer's or payee's bank only (else `payment_not_found`)."""
        payment = await self.store.get(payment_id)
        if payment is None or bank_id not in (payment.payer_bank, payment.payee_bank):
            raise NotFound("payment_not_found", "No payment of your bank has that id.")
        return payment
