"""What the bank's books hand out: typed, frozen dataclasses. Pure Python, no frameworks.

Names and values follow UK Open Banking Read/Write v3.1 where a field has an OB counterpart
(`AccountSubType`, `CreditDebitIndicator`, `Status`, `UK.OBIE.SortCodeAccountNumber`), so the
API layer only renders; amounts stay integer minor units until then.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

SCHEME_SORT_CODE_ACCOUNT_NUMBER = "UK.OBIE.SortCodeAccountNumber"


class AccountSubtype(StrEnum):
    CURRENT_ACCOUNT = "CurrentAccount"
    SAVINGS = "Savings"
    CREDIT_CARD = "CreditCard"


class CardStatus(StrEnum):
    ACTIVE = "active"
    FROZEN = "frozen"
    LOST = "lost"
    STOLEN = "stolen"


class CreditDebit(StrEnum):
    CREDIT = "Credit"
    DEBIT = "Debit"


class TransactionStatus(StrEnum):
    BOOKED = "Booked"
    PENDING = "Pending"


class TransferStatus(StrEnum):
    """Where a domestic transfer stands: booked at once, or pending at the scheme."""

    BOOKED = "Booked"  # same bank: money moved
    PENDING = "Pending"  # other bank: funds held until the scheme settles or rejects
    SETTLED = "Settled"  # other bank: the scheme settled, money left the bank
    REJECTED = "Rejected"  # other bank: the scheme rejected, hold released


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    login: str
    display_name: str


@dataclass(frozen=True, slots=True)
class Party:
    """The customer as OB `/party` shows them."""

    party_id: str
    name: str
    email: str | None
    phone: str | None
    address_line: str | None
    town: str | None
    post_code: str | None


@dataclass(frozen=True, slots=True)
class Account:
    id: str
    customer_id: str
    account_type: str  # Personal
    subtype: AccountSubtype
    currency: str
    nickname: str
    sort_code: str  # 6 digits
    account_number: str  # 8 digits
    opened_on: date
    status: str  # Enabled
    ledger_account_id: str
    holder_name: str

    @property
    def scheme_identification(self) -> str:
        """The 14-digit `UK.OBIE.SortCodeAccountNumber` identification."""
        return self.sort_code + self.account_number


@dataclass(frozen=True, slots=True)
class Balances:
    """Booked (`ClosingBooked`), available (`InterimAvailable`) and the credit line."""

    account_id: str
    currency: str
    booked_minor: int
    available_minor: int  # booked - pending debits + credit line
    credit_line_minor: int  # arranged overdraft or card limit; 0 when none
    pending_debits_minor: int
    as_of: datetime


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    account_id: str
    scheme: str
    masked_pan: str
    name_on_card: str
    expiry_month: int
    expiry_year: int
    status: CardStatus


@dataclass(frozen=True, slots=True)
class Beneficiary:
    id: str
    account_id: str
    name: str
    sort_code: str
    account_number: str
    reference: str


@dataclass(frozen=True, slots=True)
class StandingOrder:
    id: str
    account_id: str
    frequency: str  # OB syntax, e.g. "IntrvlMnthDay:01:28"
    reference: str
    first_payment_date: date
    next_payment_date: date | None
    final_payment_date: date | None
    amount_minor: int
    currency: str
    creditor_name: str
    creditor_sort_code: str
    creditor_account_number: str
    status: str  # Active | Inactive
    # The schedule's shape (OB Initiation); `amount_minor` is the recurring amount.
    recurring_payment_date: date | None = None  # second payment, when off the pattern
    first_amount_minor: int | None = None  # None: the same as `amount_minor`
    final_amount_minor: int | None = None
    number_of_payments: int | None = None
    # Progress: occurrences claimed so far (paid or failed), the last one paid, cancellation.
    payments_made: int = 0
    last_payment_date: date | None = None
    last_amount_minor: int | None = None
    cancelled_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class StandingOrderPayment:
    """One occurrence of a standing order, as the bank's history keeps it."""

    order_id: str
    sequence: int  # 1 is the first payment
    payment_date: date
    amount_minor: int
    currency: str
    status: str  # Processing (claimed, being paid) | Paid | Failed
    transfer_ref: str | None
    reason: str | None  # why a Failed occurrence was not paid
    claimed_at: datetime
    recorded_at: datetime | None


@dataclass(frozen=True, slots=True)
class DirectDebit:
    id: str
    account_id: str
    mandate_reference: str
    originator_name: str
    status: str  # Active | Inactive
    previous_payment_date: date | None
    previous_amount_minor: int | None
    currency: str


@dataclass(frozen=True, slots=True)
class ScheduledPayment:
    id: str
    account_id: str
    execution_date: date
    amount_minor: int
    currency: str
    reference: str
    creditor_name: str
    creditor_sort_code: str
    creditor_account_number: str


@dataclass(frozen=True, slots=True)
class Transaction:
    """One line of an account's statement (OB `/transactions`)."""

    transaction_id: str  # the ledger transfer id
    account_id: str
    credit_debit: CreditDebit
    status: TransactionStatus
    amount_minor: int  # always positive; the indicator gives the direction
    currency: str
    booking_at: datetime
    value_at: datetime
    description: str
    reference: str | None
    merchant_name: str | None
    merchant_category_code: str | None
    bank_transaction_code: str
    counterparty_name: str | None
    balance_after_minor: int | None  # booked balance after this line; None while pending


@dataclass(frozen=True, slots=True)
class TransactionPage:
    items: list[Transaction]
    next_cursor: str | None  # pass back to get the next (older) page


@dataclass(frozen=True, slots=True)
class StatementSlice:
    """A page of statement lines and the number of lines in the whole window."""

    items: list[Transaction]
    total: int


@dataclass(frozen=True, slots=True)
class DomesticTransferRequest:
    """A payment from a customer's account to any UK sort code + account number."""

    idempotency_id: str  # caller's id; the same id with the same content is one transfer
    from_account_id: str
    creditor_sort_code: str
    creditor_account_number: str
    creditor_name: str
    amount_minor: int
    currency: str
    reference: str


@dataclass(frozen=True, slots=True)
class TransferOutcome:
    transfer_id: str  # ledger transfer id; pass it to post_outbound / void_outbound
    status: TransferStatus
    internal: bool  # True when the creditor is a customer of this bank
    amount_minor: int
    currency: str
    booked_at: datetime
    replayed: bool  # True when this id had already been accepted


@dataclass(frozen=True, slots=True)
class InboundCredit:
    """Money arriving from another bank through the scheme."""

    transfer_id: str  # scheme's id, idempotent
    creditor_sort_code: str
    creditor_account_number: str
    amount_minor: int
    currency: str
    debtor_name: str
    reference: str
