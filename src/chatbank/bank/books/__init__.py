"""The bank's books: customers, accounts, cards, payees, mandates, statements and payments.

Public surface: `BankBooks` (the use cases) and the dataclasses it takes and returns.
"""

from chatbank.bank.books.customer_access import demo_totp_secret
from chatbank.bank.books.model import (
    SCHEME_SORT_CODE_ACCOUNT_NUMBER,
    Account,
    AccountSubtype,
    Balances,
    Beneficiary,
    Card,
    CardStatus,
    CreditDebit,
    Customer,
    DirectDebit,
    DomesticTransferRequest,
    InboundCredit,
    Party,
    ScheduledPayment,
    StandingOrder,
    StatementSlice,
    Transaction,
    TransactionPage,
    TransactionStatus,
    TransferOutcome,
    TransferStatus,
)
from chatbank.bank.books.services import BankBooks

__all__ = [
    "SCHEME_SORT_CODE_ACCOUNT_NUMBER",
    "Account",
    "AccountSubtype",
    "Balances",
    "BankBooks",
    "Beneficiary",
    "Card",
    "CardStatus",
    "CreditDebit",
    "Customer",
    "DirectDebit",
    "DomesticTransferRequest",
    "InboundCredit",
    "Party",
    "ScheduledPayment",
    "StandingOrder",
    "StatementSlice",
    "Transaction",
    "TransactionPage",
    "TransactionStatus",
    "TransferOutcome",
    "TransferStatus",
    "demo_totp_secret",
]
