"""The bank's double-entry ledger (TigerBeetle vocabulary): accounts, transfers, two-phase."""

from chatbank.bank.ledger.batch import LedgerBatch
from chatbank.bank.ledger.group_commit import SqliteGroupCommit
from chatbank.bank.ledger.model import (
    AccountKind,
    LedgerAccount,
    PendingState,
    Transfer,
    TransferKind,
    TransferRequest,
    TransferResult,
)
from chatbank.bank.ledger.service import LedgerService, sqlite_file_of, write_transaction
from chatbank.bank.ledger.sql_ledger import SqlLedger

__all__ = [
    "AccountKind",
    "LedgerAccount",
    "LedgerBatch",
    "LedgerService",
    "PendingState",
    "SqlLedger",
    "SqliteGroupCommit",
    "Transfer",
    "TransferKind",
    "TransferRequest",
    "TransferResult",
    "sqlite_file_of",
    "write_transaction",
]
