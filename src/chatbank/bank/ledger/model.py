"""Double-entry ledger rules in TigerBeetle's vocabulary. Pure Python: no framework imports.

A customer account is a liability of the bank: its balance is what the bank owes the customer,
`credits_posted - debits_posted`. Money enters or leaves the bank's books through the
settlement, interbank and suspense accounts, which carry no limit, so the sum of
`credits_posted - debits_posted` over all accounts of a currency is always zero.

Rules live in `rules.py`, and `batch.LedgerBatch` applies requests to a snapshot of accounts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class AccountKind(StrEnum):
    CUSTOMER = "customer"
    SETTLEMENT = "settlement"
    SUSPENSE = "suspense"
    INTERBANK = "interbank"


class TransferKind(StrEnum):
    POSTED = "posted"  # single-phase: moves money at once
    PENDING = "pending"  # phase one: reserves money until posted, voided or expired
    POST_PENDING = "post_pending"  # phase two: moves (part of) a pending transfer's money
    VOID_PENDING = "void_pending"  # phase two: releases a pending transfer's reservation


class PendingState(StrEnum):
    PENDING = "pending"
    POSTED = "posted"
    VOIDED = "voided"
    EXPIRED = "expired"


class TransferResult(StrEnum):
    """Outcome of one transfer request. Only `ok` and `exists` mean the transfer stands."""

    OK = "ok"
    EXISTS = "exists"
    EXISTS_WITH_DIFFERENT_KIND = "exists_with_different_kind"
    EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT = "exists_with_different_debit_account"
    EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT = "exists_with_different_credit_account"
    EXISTS_WITH_DIFFERENT_AMOUNT = "exists_with_different_amount"
    EXISTS_WITH_DIFFERENT_CURRENCY = "exists_with_different_currency"
    EXISTS_WITH_DIFFERENT_PENDING_ID = "exists_with_different_pending_id"
    EXISTS_WITH_DIFFERENT_TIMEOUT = "exists_with_different_timeout"
    EXISTS_WITH_DIFFERENT_CODE = "exists_with_different_code"
    ID_MUST_NOT_BE_EMPTY = "id_must_not_be_empty"
    ID_TOO_LONG = "id_too_long"
    ACCOUNTS_MUST_DIFFER = "accounts_must_differ"
    AMOUNT_MUST_BE_POSITIVE = "amount_must_be_positive"
    AMOUNT_TOO_LARGE = "amount_too_large"
    UNKNOWN_CURRENCY = "unknown_currency"
    CURRENCY_MISMATCH = "currency_mismatch"
    DEBIT_ACCOUNT_NOT_FOUND = "debit_account_not_found"
    CREDIT_ACCOUNT_NOT_FOUND = "credit_account_not_found"
    EXCEEDS_CREDITS = "exceeds_credits"
    TIMEOUT_RESERVED_FOR_PENDING_TRANSFER = "timeout_reserved_for_pending_transfer"
    TIMEOUT_MUST_BE_POSITIVE = "timeout_must_be_positive"
    PENDING_ID_REQUIRED = "pending_id_required"
    PENDING_ID_MUST_BE_EMPTY = "pending_id_must_be_empty"
    PENDING_TRANSFER_NOT_FOUND = "pending_transfer_not_found"
    PENDING_TRANSFER_NOT_PENDING = "pending_transfer_not_pending"
    PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT = "pending_transfer_has_different_debit_account"
    PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT = "pending_transfer_has_different_credit_account"
    PENDING_TRANSFER_ALREADY_POSTED = "pending_transfer_already_posted"
    PENDING_TRANSFER_ALREADY_VOIDED = "pending_transfer_already_voided"
    PENDING_TRANSFER_EXPIRED = "pending_transfer_expired"
    EXCEEDS_PENDING_TRANSFER_AMOUNT = "exceeds_pending_transfer_amount"

    @property
    def succeeded(self) -> bool:
        return self in (TransferResult.OK, TransferResult.EXISTS)


# Account kinds whose balance is limited by `overdraft_limit_minor`; the bank's own accounts are
# the counterparty of money entering or leaving the books and carry no limit.
LIMITED_KINDS = frozenset({AccountKind.CUSTOMER})


@dataclass(slots=True)
class LedgerAccount:
    """A ledger account and its four running totals (all integer minor units)."""

    id: str
    currency: str
    kind: AccountKind
    overdraft_limit_minor: int = 0
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0

    @property
    def booked_minor(self) -> int:
        """What the bank owes the account holder (negative: what the holder owes the bank)."""
        return self.credits_posted - self.debits_posted

    @property
    def available_minor(self) -> int:
        """Booked balance less money reserved by pending debits, plus the overdraft."""
        return self.booked_minor - self.debits_pending + self.overdraft_limit_minor

    def can_be_debited(self, amount_minor: int) -> bool:
        if self.kind not in LIMITED_KINDS:
            return True
        return amount_minor <= self.available_minor


@dataclass(frozen=True, slots=True)
class TransferRequest:
    """What a caller asks the ledger to do. `id` is chosen by the caller and is idempotent.

    For `post_pending` / `void_pending`, accounts and currency may be left empty: they are taken
    from the pending transfer; `amount_minor` 0 posts the whole pending amount.
    `after_timeout` lets a post or void finish a pending transfer whose timeout has passed but
    that was not released: holds released only on a third party's word (the scheme's) keep
    their reservation until that word comes.
    """

    id: str
    debit_account_id: str = ""
    credit_account_id: str = ""
    amount_minor: int = 0
    currency: str = ""
    kind: TransferKind = TransferKind.POSTED
    pending_id: str = ""
    timeout_s: int = 0
    code: int = 0  # caller's category of the transfer (e.g. card payment, salary)
    after_timeout: bool = False


@dataclass(frozen=True, slots=True)
class Transfer:
    """A transfer the ledger accepted: one journal line, immutable except a pending's state."""

    id: str
    debit_account_id: str
    credit_account_id: str
    amount_minor: int
    currency: str
    kind: TransferKind
    pending_id: str
    timeout_s: int
    code: int
    created_at: datetime
    expires_at: datetime | None = None
    state: PendingState | None = None  # only for kind == pending
    debit_balance_after_minor: int = 0  # booked balances right after this transfer
    credit_balance_after_minor: int = 0
