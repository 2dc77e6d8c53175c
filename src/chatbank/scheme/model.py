"""Scheme payments and their states. Pure Python: no framework imports.

    submitted --payee bank credits--> accepted --payer bank posts its hold--> settled
    submitted --payee bank refuses--> rejected --payer bank voids its hold--> voided

A payment is created `submitted` by the payer's bank (its funds already held by a pending ledger
transfer that expires at `hold_expires_at`). The scheme delivers it to the payee's bank only
until `deliver_by`, halfway to the hold's expiry, so the payer's bank has the second half to
post the hold; the payee's bank itself refuses first-time credits after `deliver_by`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from chatbank.core.errors import InvalidInput
from chatbank.core.money import Money

SORT_CODE = re.compile(r"\d{6}")
ACCOUNT_NUMBER = re.compile(r"\d{8}")
MAX_TRANSFER_ID_CHARS = 128
MAX_NAME_CHARS = 70
MAX_REFERENCE_CHARS = 35


class PaymentState(StrEnum):
    SUBMITTED = "submitted"  # to deliver to the payee's bank
    ACCEPTED = "accepted"  # payee credited; to settle at the payer's bank
    REJECTED = "rejected"  # payee refused; to void at the payer's bank
    SETTLED = "settled"  # final: money moved at both banks
    VOIDED = "voided"  # final: the payer's hold released, the payee never credited


FINAL_STATES = frozenset({PaymentState.SETTLED, PaymentState.VOIDED})


@dataclass(frozen=True, slots=True)
class Submission:
    """What the payer's bank sends: its held transfer and the creditor it is for."""

    transfer_id: str
    amount_minor: int
    currency: str
    creditor_sort_code: str
    creditor_account_number: str
    creditor_name: str
    debtor_name: str
    reference: str
    hold_expires_at: datetime


@dataclass(frozen=True, slots=True)
class SchemePayment:
    payment_id: str
    payer_bank: str
    payer_transfer_id: str
    payee_bank: str
    amount_minor: int
    currency: str
    creditor_sort_code: str
    creditor_account_number: str
    creditor_name: str
    debtor_name: str
    reference: str
    state: PaymentState
    reject_code: str | None
    hold_expires_at: datetime
    deliver_by: datetime
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    updated_at: datetime

    def same_content(self, submission: Submission) -> bool:
        """True when a resubmission describes this very payment."""
        return (self.amount_minor, self.currency, self.creditor_sort_code,
                self.creditor_account_number) == (
            submission.amount_minor, submission.currency, submission.creditor_sort_code,
            submission.creditor_account_number)


def check_submission(submission: Submission, now: datetime) -> None:
    """Refuse malformed submissions with stable codes before anything is stored."""
    if not 0 < len(submission.transfer_id) <= MAX_TRANSFER_ID_CHARS:
        raise InvalidInput("invalid_transfer_id",
                           f"Give the bank's transfer id (1 to {MAX_TRANSFER_ID_CHARS} chars).")
    Money(submission.amount_minor, submission.currency)  # unknown_currency / invalid_amount
    if submission.amount_minor <= 0:
        raise InvalidInput("amount_must_be_positive", "The amount must be more than zero.")
    if not SORT_CODE.fullmatch(submission.creditor_sort_code):
        raise InvalidInput("invalid_sort_code", "A sort code is 6 digits.")
    if not ACCOUNT_NUMBER.fullmatch(submission.creditor_account_number):
        raise InvalidInput("invalid_account_number", "An account number is 8 digits.")
    if (len(submission.creditor_name) > MAX_NAME_CHARS
            or len(submission.debtor_name) > MAX_NAME_CHARS
            or len(submission.reference) > MAX_REFERENCE_CHARS):
        raise InvalidInput("invalid_reference",
                           "Names are at most 70 characters, the reference at most 35.")
    if submission.hold_expires_at <= now:
        raise InvalidInput("hold_expired", "The payer's hold has already expired.")


def delivery_deadline(now: datetime, hold_expires_at: datetime) -> datetime:
    """Halfway between now and the hold's expiry: the rest is the payer bank's time to post."""
    return now + (hold_expires_at - now) / 2


def retry_delay_s(attempts: int, base_s: float, max_s: float) -> float:
    """Exponential backoff: base, 2×base, 4×base … capped at `max_s`."""
    return float(min(max_s, base_s * 2 ** min(attempts, 30)))
