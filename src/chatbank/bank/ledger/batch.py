"""Applying transfer requests, in order, to a snapshot of the accounts and transfers they touch.

The SQL adapter loads the snapshot, runs the batch, and writes the collected changes back in the
same database transaction. Pure Python: no framework imports.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from chatbank.bank.ledger.model import (
    LedgerAccount,
    PendingState,
    Transfer,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from chatbank.bank.ledger.rules import (
    MAX_ID_CHARS,
    check_against_pending,
    check_new_transfer_shape,
    compare_with_existing,
)


@dataclass(slots=True)
class LedgerBatch:
    """Applies requests in order to a snapshot; collects the rows to insert and update."""

    accounts: dict[str, LedgerAccount]
    transfers: dict[str, Transfer]
    now: datetime
    new_transfers: list[Transfer] = field(default_factory=list)
    changed_account_ids: set[str] = field(default_factory=set)
    changed_pending_ids: set[str] = field(default_factory=set)

    def create(self, request: TransferRequest) -> TransferResult:
        """Apply one request; on any rejection nothing in the snapshot changes."""
        if not request.id:
            return TransferResult.ID_MUST_NOT_BE_EMPTY
        if len(request.id) > MAX_ID_CHARS:
            return TransferResult.ID_TOO_LONG
        existing = self.transfers.get(request.id)
        if existing is not None:
            return compare_with_existing(request, existing, self.transfers)
        if request.kind in (TransferKind.POST_PENDING, TransferKind.VOID_PENDING):
            return self._finish_pending(request)
        return self._create_new(request)

    def _create_new(self, request: TransferRequest) -> TransferResult:
        problem = check_new_transfer_shape(request)
        if problem is not None:
            return problem
        debit = self.accounts.get(request.debit_account_id)
        credit = self.accounts.get(request.credit_account_id)
        if debit is None:
            return TransferResult.DEBIT_ACCOUNT_NOT_FOUND
        if credit is None:
            return TransferResult.CREDIT_ACCOUNT_NOT_FOUND
        if not debit.currency == credit.currency == request.currency:
            return TransferResult.CURRENCY_MISMATCH
        if not debit.can_be_debited(request.amount_minor):
            return TransferResult.EXCEEDS_CREDITS
        amount = request.amount_minor
        pending = request.kind == TransferKind.PENDING
        if pending:
            debit.debits_pending += amount
            credit.credits_pending += amount
        else:
            debit.debits_posted += amount
            credit.credits_posted += amount
        expires_at = self.now + timedelta(seconds=request.timeout_s) if request.timeout_s else None
        self._record(Transfer(
            id=request.id, debit_account_id=debit.id, credit_account_id=credit.id,
            amount_minor=amount, currency=request.currency, kind=request.kind, pending_id="",
            timeout_s=request.timeout_s, code=request.code, created_at=self.now,
            expires_at=expires_at, state=PendingState.PENDING if pending else None,
            debit_balance_after_minor=debit.booked_minor,
            credit_balance_after_minor=credit.booked_minor,
        ))
        return TransferResult.OK

    def _finish_pending(self, request: TransferRequest) -> TransferResult:
        if not request.pending_id:
            return TransferResult.PENDING_ID_REQUIRED
        if request.timeout_s:
            return TransferResult.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER
        if request.amount_minor < 0:
            return TransferResult.AMOUNT_MUST_BE_POSITIVE
        pending = self.transfers.get(request.pending_id)
        if pending is None or pending.kind != TransferKind.PENDING:
            return (TransferResult.PENDING_TRANSFER_NOT_FOUND if pending is None
                    else TransferResult.PENDING_TRANSFER_NOT_PENDING)
        problem = check_against_pending(request, pending, self.now)
        if problem is not None:
            return problem
        debit = self.accounts[pending.debit_account_id]
        credit = self.accounts[pending.credit_account_id]
        debit.debits_pending -= pending.amount_minor
        credit.credits_pending -= pending.amount_minor
        posting = request.kind == TransferKind.POST_PENDING
        amount = (request.amount_minor or pending.amount_minor) if posting else pending.amount_minor
        if posting:
            debit.debits_posted += amount
            credit.credits_posted += amount
        self.transfers[pending.id] = replace(
            pending, state=PendingState.POSTED if posting else PendingState.VOIDED)
        self.changed_pending_ids.add(pending.id)
        self._record(Transfer(
            id=request.id, debit_account_id=debit.id, credit_account_id=credit.id,
            amount_minor=amount, currency=pending.currency, kind=request.kind,
            pending_id=pending.id, timeout_s=0, code=request.code or pending.code,
            created_at=self.now, debit_balance_after_minor=debit.booked_minor,
            credit_balance_after_minor=credit.booked_minor,
        ))
        return TransferResult.OK

    def expire(self, pending_id: str) -> None:
        """Release an expired pending transfer's reservation (no journal line is added)."""
        pending = self.transfers[pending_id]
        self.accounts[pending.debit_account_id].debits_pending -= pending.amount_minor
        self.accounts[pending.credit_account_id].credits_pending -= pending.amount_minor
        self.changed_account_ids.update((pending.debit_account_id, pending.credit_account_id))
        self.transfers[pending_id] = replace(pending, state=PendingState.EXPIRED)
        self.changed_pending_ids.add(pending_id)

    def _record(self, transfer: Transfer) -> None:
        self.transfers[transfer.id] = transfer
        self.new_transfers.append(transfer)
        self.changed_account_ids.update((transfer.debit_account_id, transfer.credit_account_id))
