"""Domestic payments group-committed on SQLite: many payments, one transaction, one thread hop.

`apply_domestic_transfers` runs in the ledger's group-commit writer thread on a plain `sqlite3`
connection (see `chatbank.bank.ledger.group_commit`). It does for a batch what
`payments.domestic_transfer` does for one payment, with the same planning rules, but loads the
payers, the bank's prefix and the payees with one query each and books every ledger transfer in
one ledger batch. Every payment is still checked on its own and gets its own outcome or coded
error; a refused payment writes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import fields
from datetime import date, datetime
from typing import Any

from chatbank.bank.books.model import (
    Account,
    AccountSubtype,
    DomesticTransferRequest,
    TransferOutcome,
)
from chatbank.bank.books.payments import (
    check_domestic_request,
    details_of_domestic,
    outcome_of,
    plan_domestic_transfer,
    raise_for_result,
    transfer_id_for,
)
from chatbank.bank.books.sql_statement import TransferDetails
from chatbank.bank.ledger import TransferKind, TransferRequest, TransferResult
from chatbank.bank.ledger.group_commit import SqliteDriverLedger
from chatbank.bank.ledger.sql_ledger import sqlite_moment
from chatbank.core.errors import ChatbankError

Payment = tuple[str, DomesticTransferRequest]  # (customer id, request)
ACCOUNTS = (
    "SELECT a.id, a.customer_id, a.account_type, a.account_subtype, a.currency, a.nickname,"
    " a.sort_code, a.account_number, a.opened_on, a.status, a.ledger_account_id,"
    " c.display_name FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE ")
DETAIL_COLUMNS = tuple(f.name for f in fields(TransferDetails))
INSERT_DETAILS = (f"INSERT INTO transaction_details ({', '.join(DETAIL_COLUMNS)}) "  # noqa: S608
                  f"VALUES ({', '.join('?' * len(DETAIL_COLUMNS))})")


def _account(row: tuple[Any, ...]) -> Account:
    (id_, customer_id, account_type, subtype, currency, nickname, sort_code, number, opened_on,
     status, ledger_account_id, holder_name) = row
    return Account(id_, customer_id, account_type, AccountSubtype(subtype), currency, nickname,
                   sort_code, number, date.fromisoformat(opened_on), status, ledger_account_id,
                   holder_name)


def _accounts(db: sqlite3.Connection, where: str,
              keys: Sequence[tuple[str, ...]]) -> list[Account]:
    """Accounts whose `where` column(s) match one of `keys` (one query, whatever the count)."""
    if not keys:
        return []
    one = f"({', '.join('?' * len(keys[0]))})"
    values = [value for key in keys for value in key]
    sql = f"{ACCOUNTS}{where} IN (VALUES {', '.join([one] * len(keys))})"
    return [_account(row) for row in db.execute(sql, values)]


def _detail_row(details: TransferDetails) -> tuple[object, ...]:
    values = [getattr(details, name) for name in DETAIL_COLUMNS]
    return tuple(sqlite_moment(v) if isinstance(v, datetime) else v for v in values)


def apply_domestic_transfers(db: sqlite3.Connection, payments: list[Payment], now: datetime,
                             outbound_timeout_s: int) -> list[TransferOutcome | BaseException]:
    """One outcome (or the coded error of that payment alone) per payment, in order."""
    outcomes: list[TransferOutcome | BaseException | None] = [None] * len(payments)
    for index, (_, request) in enumerate(payments):
        try:
            check_domestic_request(request)
        except ChatbankError as refused:
            outcomes[index] = refused
    live = [i for i, outcome in enumerate(outcomes) if outcome is None]
    payers = {a.id: a for a in _accounts(
        db, "a.id", sorted({(payments[i][1].from_account_id,) for i in live}))}
    profile = db.execute("SELECT sort_code_prefix FROM bank_profile WHERE id = 1").fetchone()
    prefix = profile[0] if profile else None
    payees = {(a.sort_code, a.account_number): a for a in _accounts(
        db, "(a.sort_code, a.account_number)", sorted({
            (payments[i][1].creditor_sort_code, payments[i][1].creditor_account_number)
            for i in live}))}
    planned: list[tuple[int, TransferRequest, Account]] = []
    for index in live:
        customer_id, request = payments[index]
        payer = payers.get(request.from_account_id)
        owned = payer if payer is not None and payer.customer_id == customer_id else None
        try:
            transfer = plan_domestic_transfer(
                request, owned, prefix,
                payees.get((request.creditor_sort_code, request.creditor_account_number)),
                transfer_id_for(customer_id, request.idempotency_id), outbound_timeout_s)
        except ChatbankError as refused:
            outcomes[index] = refused
            continue
        assert owned is not None  # planning refuses a payment without its payer
        planned.append((index, transfer, owned))
    _book(db, payments, planned, outcomes, now)
    return [o if o is not None else AssertionError("no outcome") for o in outcomes]


def _book(db: sqlite3.Connection, payments: list[Payment],
          planned: list[tuple[int, TransferRequest, Account]],
          outcomes: list[TransferOutcome | BaseException | None], now: datetime) -> None:
    ledger = SqliteDriverLedger(db)
    results = ledger.create_transfers([transfer for _, transfer, _ in planned], now)
    booked: list[tuple[int, TransferRequest, TransferResult]] = []
    details: list[TransferDetails] = []
    for (index, transfer, payer), result in zip(planned, results, strict=True):
        try:
            raise_for_result(result)
        except ChatbankError as refused:
            outcomes[index] = refused
            continue
        booked.append((index, transfer, result))
        if result == TransferResult.OK:
            details.append(details_of_domestic(payments[index][1], payer, transfer.id,
                                               transfer.kind == TransferKind.POSTED, now))
    if details:
        db.executemany(INSERT_DETAILS, [_detail_row(d) for d in details])
    stored = ledger.lookup_transfers([transfer.id for _, transfer, _ in booked])
    for index, transfer, result in booked:
        outcomes[index] = outcome_of(stored[transfer.id], transfer.kind == TransferKind.POSTED,
                                     replayed=result == TransferResult.EXISTS)
