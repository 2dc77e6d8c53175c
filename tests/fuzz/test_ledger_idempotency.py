"""Ledger idempotency by property: an id reused with any field changed is refused by name.

The existing properties (tests/bank/test_ledger_properties.py) cover concurrent random batches,
two-phase pending/post/void with timeouts and exact retries. This one changes exactly one field
of an accepted transfer and checks the refusal names that field and nothing moves.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chatbank.bank.db import create_bank_engine
from chatbank.bank.ledger import (
    AccountKind,
    LedgerAccount,
    LedgerService,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from tests.bank.conftest import ManualClock, scratch_bank_file, sqlite_url

ACCOUNTS = [LedgerAccount("bank", "GBP", AccountKind.SETTLEMENT),
            LedgerAccount("a", "GBP", AccountKind.CUSTOMER, overdraft_limit_minor=10_000),
            LedgerAccount("b", "GBP", AccountKind.CUSTOMER),
            LedgerAccount("e", "EUR", AccountKind.CUSTOMER),
            LedgerAccount("bank-eur", "EUR", AccountKind.SETTLEMENT)]
CHANGES = {
    "debit_account_id": ("b", TransferResult.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT),
    "credit_account_id": ("bank", TransferResult.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT),
    "amount_minor": (None, TransferResult.EXISTS_WITH_DIFFERENT_AMOUNT),
    "currency": ("EUR", TransferResult.EXISTS_WITH_DIFFERENT_CURRENCY),
    "kind": (TransferKind.PENDING, TransferResult.EXISTS_WITH_DIFFERENT_KIND),
    "code": (None, TransferResult.EXISTS_WITH_DIFFERENT_CODE),
}


async def reuse(url: str, original: TransferRequest, changed: TransferRequest
                ) -> tuple[list[TransferResult], bool]:
    engine = create_bank_engine(url)
    ledger = LedgerService(engine, ManualClock())
    try:
        await ledger.create_accounts(ACCOUNTS)
        first = await ledger.create_transfers([original])
        before = await ledger.lookup_accounts([a.id for a in ACCOUNTS])
        results = first + await ledger.create_transfers([changed, original])
        unchanged = await ledger.lookup_accounts([a.id for a in ACCOUNTS]) == before
        return list(results), unchanged
    finally:
        await engine.dispose()


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(amount=st.integers(1, 5_000), code=st.integers(0, 999),
       field=st.sampled_from(sorted(CHANGES)), bump=st.integers(1, 50))
def test_same_id_with_one_field_changed_is_refused_by_that_field_and_moves_nothing(
        migrated_bank_file: Path, amount: int, code: int, field: str, bump: int) -> None:
    original = TransferRequest("t-1", "a", "b", amount, "GBP", code=code)
    value, expected = CHANGES[field]
    if value is None:
        value = getattr(original, field) + bump
    changed = replace(original, **{field: value})
    with scratch_bank_file(migrated_bank_file) as path:
        results, unchanged = asyncio.run(reuse(sqlite_url(path), original, changed))
    assert results == [TransferResult.OK, expected, TransferResult.EXISTS]
    assert unchanged
