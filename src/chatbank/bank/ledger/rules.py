"""Validation rules of the ledger, each returning the first result code that applies.

Pure Python: no framework imports.
"""

from __future__ import annotations

from datetime import datetime

from chatbank.bank.ledger.model import (
    PendingState,
    Transfer,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from chatbank.core.money import CURRENCY_EXPONENTS, MAX_AMOUNT_MINOR

MAX_ID_CHARS = 64


def check_new_transfer_shape(request: TransferRequest) -> TransferResult | None:
    """Rules a posted or pending request must satisfy before any account is looked at."""
    if request.pending_id:
        return TransferResult.PENDING_ID_MUST_BE_EMPTY
    if request.debit_account_id == request.credit_account_id:
        return TransferResult.ACCOUNTS_MUST_DIFFER
    if request.amount_minor <= 0:
        return TransferResult.AMOUNT_MUST_BE_POSITIVE
    if request.amount_minor > MAX_AMOUNT_MINOR:
        return TransferResult.AMOUNT_TOO_LARGE
    if request.currency not in CURRENCY_EXPONENTS:
        return TransferResult.UNKNOWN_CURRENCY
    if request.timeout_s < 0:
        return TransferResult.TIMEOUT_MUST_BE_POSITIVE
    if request.timeout_s and request.kind != TransferKind.PENDING:
        return TransferResult.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
    return None


def check_against_pending(
    request: TransferRequest, pending: Transfer, now: datetime
) -> TransferResult | None:
    """Rules for posting or voiding `pending`."""
    if pending.state == PendingState.POSTED:
        return TransferResult.PENDING_TRANSFER_ALREADY_POSTED
    if pending.state == PendingState.VOIDED:
        return TransferResult.PENDING_TRANSFER_ALREADY_VOIDED
    if pending.state == PendingState.EXPIRED or (
        pending.expires_at is not None and pending.expires_at <= now
        and not request.after_timeout
    ):
        return TransferResult.PENDING_TRANSFER_EXPIRED
    if request.debit_account_id and request.debit_account_id != pending.debit_account_id:
        return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT
    if request.credit_account_id and request.credit_account_id != pending.credit_account_id:
        return TransferResult.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT
    if request.currency and request.currency != pending.currency:
        return TransferResult.CURRENCY_MISMATCH
    if request.amount_minor > pending.amount_minor:
        return TransferResult.EXCEEDS_PENDING_TRANSFER_AMOUNT
    return None


def compare_with_existing(
    request: TransferRequest, existing: Transfer, transfers: dict[str, Transfer]
) -> TransferResult:
    """A retry with the same id: `exists` when the content matches, else what differs."""
    if request.kind != existing.kind:
        return TransferResult.EXISTS_WITH_DIFFERENT_KIND
    finishing = request.kind in (TransferKind.POST_PENDING, TransferKind.VOID_PENDING)
    if finishing and request.pending_id != existing.pending_id:
        return TransferResult.EXISTS_WITH_DIFFERENT_PENDING_ID
    if _differs(request.debit_account_id, existing.debit_account_id, finishing):
        return TransferResult.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT
    if _differs(request.credit_account_id, existing.credit_account_id, finishing):
        return TransferResult.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT
    if _differs(request.currency, existing.currency, finishing):
        return TransferResult.EXISTS_WITH_DIFFERENT_CURRENCY
    expected_amount = request.amount_minor
    if finishing and expected_amount == 0:
        pending = transfers.get(existing.pending_id)
        expected_amount = pending.amount_minor if pending is not None else existing.amount_minor
        if request.kind == TransferKind.VOID_PENDING:
            expected_amount = existing.amount_minor
    if expected_amount != existing.amount_minor:
        return TransferResult.EXISTS_WITH_DIFFERENT_AMOUNT
    if request.timeout_s != existing.timeout_s:
        return TransferResult.EXISTS_WITH_DIFFERENT_TIMEOUT
    if _differs_code(request.code, existing.code, finishing):
        return TransferResult.EXISTS_WITH_DIFFERENT_CODE
    return TransferResult.EXISTS


def _differs(requested: str, stored: str, may_be_empty: bool) -> bool:
    # Posting or voiding may leave accounts and currency empty: they come from the pending.
    return requested != stored and not (may_be_empty and requested == "")


def _differs_code(requested: int, stored: int, may_be_zero: bool) -> bool:
    return requested != stored and not (may_be_zero and requested == 0)
