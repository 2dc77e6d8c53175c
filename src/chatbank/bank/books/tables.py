"""SQL tables of the bank's books: customers, accounts, cards, payees, mandates, transactions."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from chatbank.bank.db import bank_metadata as md

UTCDateTime = DateTime(timezone=True)
Amount = BigInteger().with_variant(Integer(), "sqlite")


def row_values(record: Any) -> dict[str, Any]:
    """A dataclass record as column values (shallow, unlike `asdict`, which deep-copies)."""
    return {f.name: getattr(record, f.name) for f in fields(record)}


def _account_fk() -> Column[str]:
    return Column("account_id", String(40), ForeignKey("accounts.id", ondelete="CASCADE"),
                  nullable=False)


bank_profile = Table(
    "bank_profile", md,
    Column("id", Integer, primary_key=True),  # always 1: one bank per database
    Column("name", String(64), nullable=False),
    Column("sort_code_prefix", String(6), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

customers = Table(
    "customers", md,
    Column("id", String(40), primary_key=True),
    Column("login", String(64), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False),
    Column("email", String(200), nullable=True),
    Column("phone", String(32), nullable=True),
    Column("address_line", String(200), nullable=True),
    Column("town", String(64), nullable=True),
    Column("post_code", String(16), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("totp_secret", String(64), nullable=False),
    # Last accepted TOTP time-step, so one code cannot be used twice.
    Column("totp_last_step", BigInteger, nullable=False, default=0),
    Column("created_at", UTCDateTime, nullable=False),
)

accounts = Table(
    "accounts", md,
    Column("id", String(40), primary_key=True),
    Column("customer_id", String(40), ForeignKey("customers.id", ondelete="CASCADE"),
           nullable=False),
    Column("account_type", String(16), nullable=False),  # Personal
    Column("account_subtype", String(24), nullable=False),  # CurrentAccount|Savings|CreditCard
    Column("currency", String(3), nullable=False),
    Column("nickname", String(70), nullable=False),
    Column("sort_code", String(6), nullable=False),
    Column("account_number", String(8), nullable=False),
    Column("opened_on", Date, nullable=False),
    Column("status", String(16), nullable=False),  # Enabled | Disabled
    Column("ledger_account_id", String(64), ForeignKey("ledger_accounts.id"), nullable=False,
           unique=True),
    UniqueConstraint("sort_code", "account_number"),
    Index("ix_accounts_customer", "customer_id"),
)

cards = Table(
    "cards", md,
    Column("id", String(40), primary_key=True),
    _account_fk(),
    Column("scheme", String(16), nullable=False),  # Visa | Mastercard
    Column("masked_pan", String(19), nullable=False),
    Column("name_on_card", String(64), nullable=False),
    Column("expiry_month", Integer, nullable=False),
    Column("expiry_year", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # active | frozen | lost | stolen
    Column("updated_at", UTCDateTime, nullable=False),
    Index("ix_cards_account", "account_id"),
)

beneficiaries = Table(
    "beneficiaries", md,
    Column("id", String(40), primary_key=True),
    _account_fk(),
    Column("name", String(70), nullable=False),
    Column("sort_code", String(6), nullable=False),
    Column("account_number", String(8), nullable=False),
    Column("reference", String(35), nullable=False),
    Index("ix_beneficiaries_account", "account_id"),
)

standing_orders = Table(
    "standing_orders", md,
    Column("id", String(40), primary_key=True),
    _account_fk(),
    Column("frequency", String(35), nullable=False),  # OB syntax, e.g. IntrvlMnthDay:01:01
    Column("reference", String(35), nullable=False),
    Column("first_payment_date", Date, nullable=False),
    Column("next_payment_date", Date, nullable=True),
    Column("final_payment_date", Date, nullable=True),
    Column("amount_minor", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("creditor_name", String(70), nullable=False),
    Column("creditor_sort_code", String(6), nullable=False),
    Column("creditor_account_number", String(8), nullable=False),
    Column("status", String(16), nullable=False),  # Active | Inactive
    Column("recurring_payment_date", Date, nullable=True),
    Column("first_amount_minor", Amount, nullable=True),
    Column("final_amount_minor", Amount, nullable=True),
    Column("number_of_payments", Integer, nullable=True),
    Column("payments_made", Integer, nullable=False, server_default="0"),
    Column("last_payment_date", Date, nullable=True),
    Column("last_amount_minor", Amount, nullable=True),
    Column("cancelled_at", UTCDateTime, nullable=True),
    Index("ix_standing_orders_account", "account_id"),
    Index("ix_standing_orders_due", "status", "next_payment_date"),
)

# Every occurrence of a standing order the bank claimed: paid, failed (and why), or in flight.
standing_order_payments = Table(
    "standing_order_payments", md,
    Column("order_id", String(40), ForeignKey("standing_orders.id", ondelete="CASCADE"),
           primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("payment_date", Date, nullable=False),
    Column("amount_minor", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("status", String(16), nullable=False),  # Processing | Paid | Failed
    Column("transfer_ref", String(128), nullable=True),
    Column("reason", String(200), nullable=True),
    Column("claimed_at", UTCDateTime, nullable=False),
    Column("recorded_at", UTCDateTime, nullable=True),
    Index("ix_standing_order_payments_claims", "status", "claimed_at"),
)

direct_debits = Table(
    "direct_debits", md,
    Column("id", String(40), primary_key=True),
    _account_fk(),
    Column("mandate_reference", String(35), nullable=False),
    Column("originator_name", String(70), nullable=False),
    Column("status", String(16), nullable=False),  # Active | Inactive
    Column("previous_payment_date", Date, nullable=True),
    Column("previous_amount_minor", Amount, nullable=True),
    Column("currency", String(3), nullable=False),
    Index("ix_direct_debits_account", "account_id"),
)

scheduled_payments = Table(
    "scheduled_payments", md,
    Column("id", String(40), primary_key=True),
    _account_fk(),
    Column("execution_date", Date, nullable=False),
    Column("amount_minor", Amount, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("reference", String(35), nullable=False),
    Column("creditor_name", String(70), nullable=False),
    Column("creditor_sort_code", String(6), nullable=False),
    Column("creditor_account_number", String(8), nullable=False),
    Index("ix_scheduled_payments_account", "account_id"),
)

# What a customer sees of a ledger transfer. Keyed by the ledger transfer id; a post of a
# pending transfer gets its own row (copied from the pending one) when it is booked.
transaction_details = Table(
    "transaction_details", md,
    Column("transfer_id", String(64), ForeignKey("ledger_transfers.id"), primary_key=True),
    Column("booking_at", UTCDateTime, nullable=False),
    Column("value_at", UTCDateTime, nullable=False),
    Column("description", String(140), nullable=False),  # OB TransactionInformation
    Column("reference", String(35), nullable=True),
    Column("merchant_name", String(70), nullable=True),
    Column("merchant_category_code", String(4), nullable=True),  # ISO 18245 MCC
    Column("bank_transaction_code", String(40), nullable=False),  # e.g. CardPayment
    Column("debtor_name", String(70), nullable=True),
    Column("creditor_name", String(70), nullable=True),
    Column("creditor_sort_code", String(6), nullable=True),
    Column("creditor_account_number", String(8), nullable=True),
    Column("card_id", String(40), nullable=True),
    Index("ix_transaction_details_booking", "booking_at"),
)
