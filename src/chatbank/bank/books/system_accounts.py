"""The bank's own ledger accounts, one of each kind per currency, and transfer codes."""

from __future__ import annotations

from enum import IntEnum

from chatbank.bank.ledger import AccountKind, LedgerAccount


class TransferCode(IntEnum):
    """The ledger `code` of a transfer: what kind of banking event moved the money."""

    CARD_PAYMENT = 1
    DIRECT_DEBIT = 2
    STANDING_ORDER = 3
    FASTER_PAYMENT_OUT = 4
    FASTER_PAYMENT_IN = 5
    INTERNAL_TRANSFER = 6
    SALARY = 7
    REFUND = 8
    INTEREST = 9
    CARD_REPAYMENT = 10
    OPENING_DEPOSIT = 11


# Outbound Faster Payment holds: released only on the scheme's word, never by their timeout.
SCHEME_HOLD_CODES = frozenset({int(TransferCode.FASTER_PAYMENT_OUT)})


def settlement_account_id(currency: str) -> str:
    """The counterparty of money entering or leaving the bank outside the scheme."""
    return f"settlement:{currency}"


def interbank_account_id(currency: str) -> str:
    """Where money owed to or by other banks through the scheme sits."""
    return f"interbank:{currency}"


def suspense_account_id(currency: str) -> str:
    return f"suspense:{currency}"


def system_ledger_accounts(currency: str) -> list[LedgerAccount]:
    """The settlement, interbank and suspense accounts a bank needs for `currency`."""
    return [
        LedgerAccount(settlement_account_id(currency), currency, AccountKind.SETTLEMENT),
        LedgerAccount(interbank_account_id(currency), currency, AccountKind.INTERBANK),
        LedgerAccount(suspense_account_id(currency), currency, AccountKind.SUSPENSE),
    ]
