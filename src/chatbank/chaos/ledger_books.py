"""Read the banks' books and the scheme's payments straight from their SQLite files.

The checker trusts no API for this: after the servers are stopped, the files are the truth.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from chatbank.chaos.ledger_model import (
    BankBooksSnapshot,
    LedgerAccountRow,
    ObPaymentRow,
    SchemePaymentRow,
    TransferRow,
)


def sqlite_file(url: str) -> Path:
    """The file of a `sqlite+aiosqlite:///…` URL."""
    if ":///" not in url or not url.startswith("sqlite"):
        raise ValueError(f"the chaos checker reads SQLite files, not {url!r}")
    return Path(url.split(":///", 1)[1])


def _rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    # Read-only, so a reader never takes part in the servers' write locking.
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)) as db:
        return list(db.execute(sql).fetchall())


def read_bank(bank_id: str, path: Path) -> BankBooksSnapshot:
    """The bank's ledger accounts, journal and OB domestic payments."""
    accounts = tuple(LedgerAccountRow(*row) for row in _rows(path, (
        "SELECT id, currency, kind, overdraft_limit_minor, debits_posted, credits_posted, "
        "debits_pending, credits_pending FROM ledger_accounts ORDER BY id")))
    transfers = tuple(TransferRow(*row) for row in _rows(path, (
        "SELECT seq, id, debit_account_id, credit_account_id, amount_minor, currency, kind, "
        "pending_id, state FROM ledger_transfers ORDER BY seq")))
    payments = tuple(ObPaymentRow(*row) for row in _rows(path, (
        "SELECT payment_id, consent_id, status, transfer_ref FROM ob_domestic_payments "
        "ORDER BY payment_id")))
    return BankBooksSnapshot(bank_id, accounts, transfers, payments)


def read_scheme(path: Path) -> list[SchemePaymentRow]:
    """Every payment the scheme ever accepted, with its state."""
    if not path.exists():
        return []
    return [SchemePaymentRow(*row) for row in _rows(path, (
        "SELECT payment_id, payer_bank, payer_transfer_id, payee_bank, amount_minor, state "
        "FROM scheme_payments ORDER BY payment_id"))]
