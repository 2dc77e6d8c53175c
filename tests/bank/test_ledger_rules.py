"""The ledger's rules on an in-memory snapshot (pure: no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chatbank.bank.ledger import (
    AccountKind,
    LedgerAccount,
    LedgerBatch,
    PendingState,
    TransferKind,
    TransferRequest,
    TransferResult,
)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
R = TransferResult


def fresh_batch(now: datetime = NOW) -> LedgerBatch:
    accounts = {
        "bank": LedgerAccount("bank", "GBP", AccountKind.SETTLEMENT),
        "alice": LedgerAccount("alice", "GBP", AccountKind.CUSTOMER),
        "bob": LedgerAccount("bob", "GBP", AccountKind.CUSTOMER, overdraft_limit_minor=500),
        "euro": LedgerAccount("euro", "EUR", AccountKind.CUSTOMER),
    }
    return LedgerBatch(accounts, {}, now)


def pay(id_: str, debit: str, credit: str, amount: int, **kw: object) -> TransferRequest:
    return TransferRequest(id_, debit, credit, amount, str(kw.pop("currency", "GBP")),
                           **kw)  # type: ignore[arg-type]


def test_posted_transfer_moves_money_and_keeps_the_books_balanced() -> None:
    batch = fresh_batch()
    assert batch.create(pay("t1", "bank", "alice", 1000)) == R.OK
    assert batch.accounts["alice"].booked_minor == 1000
    assert batch.accounts["bank"].booked_minor == -1000
    assert sum(a.booked_minor for a in batch.accounts.values()) == 0
    assert batch.new_transfers[0].credit_balance_after_minor == 1000


@pytest.mark.parametrize(("request_", "expected"), [
    (pay("", "bank", "alice", 1), R.ID_MUST_NOT_BE_EMPTY),
    (pay("x" * 65, "bank", "alice", 1), R.ID_TOO_LONG),
    (pay("t", "alice", "alice", 1), R.ACCOUNTS_MUST_DIFFER),
    (pay("t", "bank", "alice", 0), R.AMOUNT_MUST_BE_POSITIVE),
    (pay("t", "bank", "alice", -5), R.AMOUNT_MUST_BE_POSITIVE),
    (pay("t", "bank", "alice", 10**16), R.AMOUNT_TOO_LARGE),
    (pay("t", "bank", "alice", 1, currency="XXX"), R.UNKNOWN_CURRENCY),
    (pay("t", "bank", "euro", 1), R.CURRENCY_MISMATCH),
    (pay("t", "bank", "alice", 1, currency="EUR"), R.CURRENCY_MISMATCH),
    (pay("t", "nobody", "alice", 1), R.DEBIT_ACCOUNT_NOT_FOUND),
    (pay("t", "bank", "nobody", 1), R.CREDIT_ACCOUNT_NOT_FOUND),
    (pay("t", "alice", "bob", 1), R.EXCEEDS_CREDITS),
    (pay("t", "bank", "alice", 1, timeout_s=5), R.TIMEOUT_RESERVED_FOR_PENDING_TRANSFER),
    (pay("t", "bank", "alice", 1, kind=TransferKind.PENDING, timeout_s=-1),
     R.TIMEOUT_MUST_BE_POSITIVE),
    (pay("t", "bank", "alice", 1, pending_id="p"), R.PENDING_ID_MUST_BE_EMPTY),
    (TransferRequest("t", kind=TransferKind.POST_PENDING), R.PENDING_ID_REQUIRED),
    (TransferRequest("t", kind=TransferKind.VOID_PENDING, pending_id="p"),
     R.PENDING_TRANSFER_NOT_FOUND),
])
def test_every_rejection_has_a_code_and_changes_nothing(
    request_: TransferRequest, expected: TransferResult
) -> None:
    batch = fresh_batch()
    before = {k: (a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
              for k, a in batch.accounts.items()}
    assert batch.create(request_) == expected
    after = {k: (a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending)
             for k, a in batch.accounts.items()}
    assert after == before
    assert batch.new_transfers == [] and batch.changed_account_ids == set()


def test_a_customer_may_spend_down_to_their_overdraft_and_not_a_penny_more() -> None:
    batch = fresh_batch()
    assert batch.create(pay("t1", "bob", "alice", 500)) == R.OK
    assert batch.accounts["bob"].booked_minor == -500
    assert batch.create(pay("t2", "bob", "alice", 1)) == R.EXCEEDS_CREDITS
    assert batch.accounts["bob"].available_minor == 0


def test_bank_accounts_have_no_limit() -> None:
    batch = fresh_batch()
    assert batch.create(pay("t1", "bank", "alice", 10**12)) == R.OK


def test_same_id_same_content_is_exists_and_moves_nothing_twice() -> None:
    batch = fresh_batch()
    assert batch.create(pay("t1", "bank", "alice", 1000, code=7)) == R.OK
    assert batch.create(pay("t1", "bank", "alice", 1000, code=7)) == R.EXISTS
    assert batch.accounts["alice"].booked_minor == 1000


@pytest.mark.parametrize(("retry", "expected"), [
    (pay("t1", "bank", "alice", 999), R.EXISTS_WITH_DIFFERENT_AMOUNT),
    (pay("t1", "bank", "bob", 1000), R.EXISTS_WITH_DIFFERENT_CREDIT_ACCOUNT),
    (pay("t1", "bob", "alice", 1000), R.EXISTS_WITH_DIFFERENT_DEBIT_ACCOUNT),
    (pay("t1", "bank", "alice", 1000, currency="EUR"), R.EXISTS_WITH_DIFFERENT_CURRENCY),
    (pay("t1", "bank", "alice", 1000, code=3), R.EXISTS_WITH_DIFFERENT_CODE),
    (pay("t1", "bank", "alice", 1000, kind=TransferKind.PENDING),
     R.EXISTS_WITH_DIFFERENT_KIND),
])
def test_same_id_different_content_says_what_differs(
    retry: TransferRequest, expected: TransferResult
) -> None:
    batch = fresh_batch()
    assert batch.create(pay("t1", "bank", "alice", 1000)) == R.OK
    assert batch.create(retry) == expected
    assert batch.accounts["alice"].booked_minor == 1000


def test_pending_reserves_money_then_post_moves_it() -> None:
    batch = fresh_batch()
    batch.create(pay("fund", "bank", "alice", 1000))
    assert batch.create(pay("p1", "alice", "bank", 800, kind=TransferKind.PENDING,
                            timeout_s=60)) == R.OK
    alice = batch.accounts["alice"]
    assert (alice.booked_minor, alice.available_minor) == (1000, 200)
    assert batch.create(pay("p2", "alice", "bank", 201, kind=TransferKind.PENDING)) == (
        R.EXCEEDS_CREDITS)
    assert batch.create(TransferRequest("p1-post", pending_id="p1",
                                        kind=TransferKind.POST_PENDING)) == R.OK
    assert (alice.booked_minor, alice.available_minor, alice.debits_pending) == (200, 200, 0)
    assert batch.transfers["p1"].state == PendingState.POSTED
    assert batch.create(TransferRequest("p1-void", pending_id="p1",
                                        kind=TransferKind.VOID_PENDING)) == (
        R.PENDING_TRANSFER_ALREADY_POSTED)


def test_partial_post_releases_the_rest_and_over_posting_is_refused() -> None:
    batch = fresh_batch()
    batch.create(pay("fund", "bank", "alice", 1000))
    batch.create(pay("p1", "alice", "bank", 800, kind=TransferKind.PENDING))
    too_much = TransferRequest("x", pending_id="p1", amount_minor=801,
                               kind=TransferKind.POST_PENDING)
    assert batch.create(too_much) == R.EXCEEDS_PENDING_TRANSFER_AMOUNT
    assert batch.create(TransferRequest("x", pending_id="p1", amount_minor=300,
                                        kind=TransferKind.POST_PENDING)) == R.OK
    assert batch.accounts["alice"].available_minor == 700


def test_void_releases_the_reservation_and_cannot_then_be_posted() -> None:
    batch = fresh_batch()
    batch.create(pay("fund", "bank", "alice", 1000))
    batch.create(pay("p1", "alice", "bank", 800, kind=TransferKind.PENDING))
    assert batch.create(TransferRequest("v", pending_id="p1",
                                        kind=TransferKind.VOID_PENDING)) == R.OK
    assert batch.accounts["alice"].available_minor == 1000
    assert batch.create(TransferRequest("p", pending_id="p1",
                                        kind=TransferKind.POST_PENDING)) == (
        R.PENDING_TRANSFER_ALREADY_VOIDED)
    assert batch.create(TransferRequest("v", pending_id="p1",
                                        kind=TransferKind.VOID_PENDING)) == R.EXISTS


def test_a_pending_past_its_timeout_cannot_be_posted_and_expire_releases_it() -> None:
    batch = fresh_batch()
    batch.create(pay("fund", "bank", "alice", 1000))
    batch.create(pay("p1", "alice", "bank", 800, kind=TransferKind.PENDING, timeout_s=30))
    later = LedgerBatch(batch.accounts, batch.transfers, NOW + timedelta(seconds=30))
    assert later.create(TransferRequest("p", pending_id="p1",
                                        kind=TransferKind.POST_PENDING)) == (
        R.PENDING_TRANSFER_EXPIRED)
    later.expire("p1")
    assert later.accounts["alice"].available_minor == 1000
    assert later.transfers["p1"].state == PendingState.EXPIRED
    assert later.create(TransferRequest("p", pending_id="p1", after_timeout=True,
                                        kind=TransferKind.POST_PENDING)) == (
        R.PENDING_TRANSFER_EXPIRED)  # once released, never posted


def test_a_pending_past_its_timeout_not_yet_released_posts_after_timeout_when_asked() -> None:
    batch = fresh_batch()
    batch.create(pay("fund", "bank", "alice", 1000))
    batch.create(pay("p1", "alice", "bank", 800, kind=TransferKind.PENDING, timeout_s=30))
    later = LedgerBatch(batch.accounts, batch.transfers, NOW + timedelta(seconds=90))
    assert later.accounts["alice"].available_minor == 200  # still reserved
    assert later.create(TransferRequest("p", pending_id="p1", after_timeout=True,
                                        kind=TransferKind.POST_PENDING)) == R.OK
    assert later.transfers["p1"].state == PendingState.POSTED
    assert later.accounts["alice"].booked_minor == 200


def test_posting_checks_the_pending_transfers_accounts_when_given() -> None:
    batch = fresh_batch()
    batch.create(pay("fund", "bank", "alice", 1000))
    batch.create(pay("p1", "alice", "bank", 800, kind=TransferKind.PENDING))
    assert batch.create(TransferRequest("p", "bob", pending_id="p1",
                                        kind=TransferKind.POST_PENDING)) == (
        R.PENDING_TRANSFER_HAS_DIFFERENT_DEBIT_ACCOUNT)
    assert batch.create(TransferRequest("p", "", "alice", pending_id="p1",
                                        kind=TransferKind.POST_PENDING)) == (
        R.PENDING_TRANSFER_HAS_DIFFERENT_CREDIT_ACCOUNT)
    assert batch.create(TransferRequest("p", kind=TransferKind.POST_PENDING,
                                        pending_id="fund")) == R.PENDING_TRANSFER_NOT_PENDING
